"""Demo accounts for a fresh platform: one person per role, each with only what the role needs
(an administrator, a catalog editor, an employer's handler, Beijing's pre-examiner and window
clerk, and the Beijing exit-entry department's handler and leader).

Passwords are never in the code: ONESTOP_DEMO_PASSWORD sets them, otherwise a random one is
generated once and written to var/demo-accounts.txt (readable by the owner only).
"""

import os
import secrets
from pathlib import Path

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

CATALOG_EDITORS = "catalog editors"
DEMO_USERS = (
    # username, is_superuser, is_staff, groups
    ("admin", True, True, ()),
    ("catalog.editor", False, True, (CATALOG_EDITORS,)),
    ("handler", False, False, ()),
    ("examiner", False, False, ()),
    ("clerk", False, False, ()),
    ("exit-entry.handler", False, False, ()),
    ("exit-entry.leader", False, False, ()),
    ("supervisor", False, False, ()),
)
DEMO_EMPLOYER = {
    "credit_code": "91110108DEMO00001X",
    "name_zh": "示例科技有限公司",
    "name_en": "Example Technology Co., Ltd.",
}


def _roles(username: str) -> list[dict]:
    from onestop.catalog.models import Department, Region

    from .models import Employer, Role

    beijing = Region.objects.filter(code="beijing").first()
    if beijing is None:
        return []
    public_security = Department.objects.get(code="public_security")
    if username == "handler":
        employer, _ = Employer.objects.get_or_create(
            credit_code=DEMO_EMPLOYER["credit_code"], defaults={**DEMO_EMPLOYER, "region": beijing}
        )
        return [{"role": Role.EMPLOYER_HANDLER, "employer": employer}]
    return {
        "examiner": [{"role": Role.PRE_EXAMINER, "region": beijing}],
        "clerk": [{"role": Role.WINDOW_CLERK, "region": beijing}],
        "supervisor": [{"role": Role.SUPERVISOR, "region": beijing}],
        "exit-entry.handler": [
            {"role": Role.DEPARTMENT_HANDLER, "region": beijing, "department": public_security}
        ],
        "exit-entry.leader": [
            {"role": Role.DEPARTMENT_LEADER, "region": beijing, "department": public_security}
        ],
    }.get(username, [])


@transaction.atomic
def ensure_demo_accounts(var_dir: Path) -> list[str]:
    """Create what is missing; never change an existing account. Returns lines to show."""
    editors, _ = Group.objects.get_or_create(name=CATALOG_EDITORS)
    editors.permissions.set(Permission.objects.filter(content_type__app_label="catalog"))
    shown = []
    password_file = var_dir / "demo-accounts.txt"
    from .models import Assignment

    for username, is_superuser, is_staff, groups in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        password = os.environ.get("ONESTOP_DEMO_PASSWORD") or secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username, password=password, is_staff=is_staff, is_superuser=is_superuser
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        for where in _roles(username):
            Assignment.objects.create(user=user, **where)
        if not os.environ.get("ONESTOP_DEMO_PASSWORD"):
            with password_file.open("a", encoding="utf-8") as out:
                out.write(f"{username} {password}\n")
            password_file.chmod(0o600)
        shown.append(username)
    return shown
