"""Which events a user may read: the same rights as over the records they tell about.

A department's handler or leader reads its department's cases in its region (as
cases/workflow.py `roles_on_case`); a pre-examiner, window clerk or supervisor their region's
applications and cases (applications/access.py `visible_applications`, `roles_on_case`); a
system administrator or a superuser all. Nobody else reads any: an applicant follows their own
application on its progress page.
"""

from django.db.models import Q

from onestop.accounts.models import Assignment, Role

from .models import Event

REGION_ROLES = (Role.PRE_EXAMINER, Role.WINDOW_CLERK, Role.SUPERVISOR)
DEPARTMENT_ROLES = (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER)


def reads_all(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser
        or Assignment.objects.filter(user=user, role=Role.SYSTEM_ADMINISTRATOR).exists()
    )


def visible_events(user):
    """The events `user` may read, as one queryset ordered by id."""
    if not user.is_authenticated:
        return Event.objects.none()
    if reads_all(user):
        return Event.objects.order_by("id")
    held = Assignment.objects.filter(
        user=user, role__in=(*REGION_ROLES, *DEPARTMENT_ROLES)
    ).select_related("region", "department")
    visible = Q(pk__in=[])
    for a in held:
        if a.region is None:
            continue
        if a.role in REGION_ROLES:
            visible |= Q(region=a.region.code)
        elif a.department is not None:
            visible |= Q(region=a.region.code, department=a.department.code)
    return Event.objects.filter(visible).order_by("id")
