"""A small entry for the backup and restore tests, run as its own process on a prepared database.

python -m tests.operations.ops_entry make     # schema, catalog, calendar, and one accepted
                                              # application with an uploaded file and its cases
python -m tests.operations.ops_entry change   # rows changed, added and deleted; files deleted
                                              # and added
python -m tests.operations.ops_entry state    # rows and a digest of them per table, the sha256 of
                                              # every file under MEDIA_ROOT (JSON)
python -m tests.operations.ops_entry session  # a signed-in session of ops.someone; prints its key
"""

import hashlib
import io
import json
import os
import sys
import uuid
from pathlib import Path


def make() -> str:
    # Imported here, as in every function of this entry: main() sets Django up first.
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from PIL import Image

    from onestop.accounts.models import Role
    from onestop.catalog.loader import load
    from onestop.workdays.seed import seed
    from tests.factories import FORM, ApplicationFactory, EmployerFactory, StaffFactory

    call_command("migrate", interactive=False, verbosity=0)
    load()
    seed()
    employer = EmployerFactory(credit_code=FORM["employer_credit_code"])
    picture = io.BytesIO()
    Image.new("RGB", (600, 800), (250, 250, 250)).save(picture, "PNG")
    application = ApplicationFactory(
        accepted=True,
        filed_by=StaffFactory(
            username="ops.handler", role=Role.EMPLOYER_HANDLER, employer=employer
        ),
        examiner=StaffFactory(username="ops.examiner", role=Role.PRE_EXAMINER),
        clerk=StaffFactory(username="ops.clerk", role=Role.WINDOW_CLERK),
        form={**FORM, "email": "applicant@example.com"},
        uploads=[
            (
                "work_permit.issue",
                "online_attachments",
                SimpleUploadedFile("scan.png", picture.getvalue(), "image/png"),
            )
        ],
    )
    User.objects.create_user("ops.someone")
    return application.number


def change() -> None:
    from django.conf import settings
    from django.contrib.auth.models import User

    from onestop.notifications.models import Outbox

    User.objects.filter(username="ops.someone").update(email="changed@example.com")
    User.objects.create_user(f"ops.newcomer.{uuid.uuid4().hex[:8]}")
    Outbox.objects.all().delete()
    media = Path(settings.MEDIA_ROOT)
    for path in [p for p in media.rglob("*") if p.is_file()]:
        path.unlink()
    (media / "stray").mkdir(parents=True, exist_ok=True)
    (media / "stray" / f"{uuid.uuid4().hex}.bin").write_bytes(b"not in the backup")


def session() -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    user = User.objects.get(username="ops.someone")
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def state() -> dict:
    from django.conf import settings
    from django.db import connection

    tables = {}
    with connection.cursor() as cursor:
        for name in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")  # noqa: S608
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            tables[name] = {"rows": len(rows), "sha256": digest}
    media = Path(settings.MEDIA_ROOT)
    files = {
        path.relative_to(media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }
    return {"tables": tables, "files": files}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()
    if sys.argv[1] == "make":
        print(make())
    elif sys.argv[1] == "change":
        change()
    elif sys.argv[1] == "session":
        print(session())
    else:
        print(json.dumps(state()))
