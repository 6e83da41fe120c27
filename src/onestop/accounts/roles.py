"""Which roles a person holds, and where: the one place the other packages ask."""

from .models import APPLICANT_SIDE, Assignment, Role


def assignments(user, role: str | None = None):
    if not user.is_authenticated:
        return Assignment.objects.none()
    found = Assignment.objects.filter(user=user).select_related("region", "department", "employer")
    return found.filter(role=role) if role else found


def holds(user, role: str, *, region=None, department=None, employer=None) -> bool:
    """Whether `user` holds `role` for that region / department / employer."""
    if user.is_authenticated and user.is_superuser and role == Role.ADMINISTRATOR:
        return True
    found = assignments(user, role)
    if region is not None:
        found = found.filter(region=region)
    if department is not None:
        found = found.filter(department=department)
    if employer is not None:
        found = found.filter(employer=employer)
    return found.exists()


def employers_of(user):
    return [a.employer for a in assignments(user, Role.EMPLOYER_HANDLER)]


def regions_of(user, role: str):
    return [a.region for a in assignments(user, role)]


def staff_role(roles: list[str]) -> str | None:
    """The staff role in which a person holding `roles` on a record reads it, or None when they
    are on the applicant's side of it: the role an audited read names (audit/reads.py)."""
    if not roles or set(roles) & set(APPLICANT_SIDE):
        return None
    return roles[0]
