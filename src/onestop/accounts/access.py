"""What a person may do, as every signed-in request sees it (accounts/sessions.py): the security
stamp's generation, whether a staff role is held, the administrator role held."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Subquery

from .models import ADMINISTRATORS, DEPARTMENT_STAFF, REGIONAL_STAFF, Assignment, Role

# Every role that acts on other people's applications, or administers the platform.
STAFF_ROLES = (*REGIONAL_STAFF, *DEPARTMENT_STAFF, Role.ADMINISTRATOR, *ADMINISTRATORS)


@dataclass(frozen=True)
class Access:
    """What a session is checked against: the stamp's generation (None: no stamp), whether a
    staff role is held, the administrator role held (one at most)."""

    generation: int | None
    holds_staff_role: bool
    administrator_role: str | None


def with_access(users):
    """`users` (a User queryset) each carrying their Access in the same statement."""
    return users.annotate(
        access_generation=F("security_stamp__generation"),
        access_staff_role=Exists(
            Assignment.objects.filter(user=OuterRef("pk"), role__in=STAFF_ROLES)
        ),
        access_administrator_role=Subquery(
            Assignment.objects.filter(user=OuterRef("pk"), role__in=ADMINISTRATORS)
            .order_by()
            .values("role")[:1]
        ),
    )


def access_of(user) -> Access:
    """The person's Access: as loaded with them (backends.AccountBackend), else one query,
    kept on the object for the rest of the request."""
    found = getattr(user, "_onestop_access", None)
    if found is not None:
        return found
    if hasattr(user, "access_generation"):
        found = Access(
            user.access_generation, bool(user.access_staff_role), user.access_administrator_role
        )
    else:
        row = (
            with_access(get_user_model()._default_manager)
            .filter(pk=user.pk)
            .values("access_generation", "access_staff_role", "access_administrator_role")
            .first()
        ) or {}
        found = Access(
            row.get("access_generation"),
            bool(row.get("access_staff_role")),
            row.get("access_administrator_role"),
        )
    user._onestop_access = found
    return found


def forget_access(user) -> None:
    """After a change to the person within this request, the next question reads it anew."""
    for name in ("_onestop_access", "access_generation", "_perm_cache", "_user_perm_cache"):
        if hasattr(user, name):
            delattr(user, name)
