"""A small entry for the test of migration applications 0004, run as its own process.

python -m tests.applications.migration_entry before   # schema up to applications 0003, one
                                                      # application with a plain form and profile
python -m tests.applications.migration_entry after    # migrate the rest; print the stored columns
                                                      # and what the model reads (JSON)
"""

import json
import os
import sys

BEFORE = ("applications", "0003_upload_checks")
FORM = {"passport_number": "E00000001", "surname": "Earlier"}
PROFILE = {"talent_category": "B"}


def before() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    apps = executor.loader.project_state([BEFORE]).apps
    user = apps.get_model("auth", "User").objects.create(username="earlier", password="!")
    region = apps.get_model("catalog", "Region").objects.create(
        code="beijing", name_zh="北京", name_en="Beijing", source="test", number_prefix="BJ"
    )
    department = apps.get_model("catalog", "Department").objects.create(
        code="public_security", name_zh="公安", name_en="Public security"
    )
    matter = apps.get_model("catalog", "Matter").objects.create(
        code="stay_permit.issue", department=department
    )
    table = apps.get_model("applications", "Application")._meta.db_table
    with connection.cursor() as cursor:  # as onestop wrote it before encryption: plain JSON
        cursor.execute(
            f"INSERT INTO {table} (public_id, status, form, profile, "  # noqa: S608
            "pre_examination_due_provisional, correction_notices, created_at, updated_at, "
            "created_by_id, matter_id, region_id, language) "
            "VALUES (%s, 'draft', %s, %s, %s, 0, %s, %s, %s, %s, %s, 'en')",
            [
                "0" * 32,
                json.dumps(FORM),
                json.dumps(PROFILE),
                False,
                "2025-01-01 00:00:00",
                "2025-01-01 00:00:00",
                user.pk,
                matter.pk,
                region.pk,
            ],
        )


def after() -> dict:
    from django.core.management import call_command
    from django.db import connection

    from onestop.applications.models import Application
    from onestop.applications.protected import blind_index

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT form, profile, passport_index FROM applications_application")
        form, profile, index = cursor.fetchone()
    application = Application.objects.get()
    return {
        "stored": [form, profile],
        "index_matches": index == blind_index("E00000001"),
        "form": application.form,
        "profile": application.profile,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()
    if sys.argv[1] == "before":
        before()
    else:
        print(json.dumps(after()))
