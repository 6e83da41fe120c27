"""Demo accounts for a fresh platform: a catalog editor with only the catalog permissions.

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
    # username, is_superuser, groups
    ("admin", True, ()),
    ("catalog.editor", False, (CATALOG_EDITORS,)),
)


@transaction.atomic
def ensure_demo_accounts(var_dir: Path) -> list[str]:
    """Create what is missing; never change an existing account. Returns lines to show."""
    editors, _ = Group.objects.get_or_create(name=CATALOG_EDITORS)
    editors.permissions.set(Permission.objects.filter(content_type__app_label="catalog"))
    shown = []
    password_file = var_dir / "demo-accounts.txt"
    for username, is_superuser, groups in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        password = os.environ.get("ONESTOP_DEMO_PASSWORD") or secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username, password=password, is_staff=True, is_superuser=is_superuser
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        if not os.environ.get("ONESTOP_DEMO_PASSWORD"):
            with password_file.open("a", encoding="utf-8") as out:
                out.write(f"{username} {password}\n")
            password_file.chmod(0o600)
        shown.append(username)
    return shown
