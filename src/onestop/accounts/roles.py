"""Which roles a person holds, and where: the one place the other packages ask."""

from .models import Assignment, Role


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
