"""Who may see and act on an application. Not found and not yours look the same (404)."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from onestop.accounts.models import Assignment, Role
from onestop.accounts.roles import staff_role
from onestop.audit import reads

from .models import Application

# The roles the application's own fields give, with no assignment to read.
OWN_ROLES = (Role.APPLICANT, Role.AGENT)


def _own_roles(user, application: Application) -> list[str]:
    roles = []
    if application.applicant_id == user.pk or (
        application.created_by_id == user.pk
        and application.employer_id is None
        and application.agent_id is None
    ):
        roles.append(Role.APPLICANT)
    if application.agent_id == user.pk:
        roles.append(Role.AGENT)
    return roles


def first_role_on(user, application: Application, roles: tuple[str, ...]) -> str | None:
    """The first of `roles` in which `user` relates to this application, as roles_on says; the
    user's assignments are read only when a role before the first one held may come from one
    (an applicant booking for their own application reads none)."""
    if not user.is_authenticated:
        return None
    own = _own_roles(user, application)
    for role in roles:
        if role in own:
            return role
        if role not in OWN_ROLES:
            held = roles_on(user, application)
            return next((r for r in roles if r in held), None)
    return None


def roles_on(user, application: Application) -> list[str]:
    """Every role in which `user` relates to this application."""
    if not user.is_authenticated:
        return []
    roles = _own_roles(user, application)
    for a in Assignment.objects.filter(user=user):
        if a.role == Role.EMPLOYER_HANDLER and a.employer_id == application.employer_id:
            roles.append(Role.EMPLOYER_HANDLER)
        elif (
            a.role in (Role.PRE_EXAMINER, Role.WINDOW_CLERK, Role.SUPERVISOR)
            and (a.region_id == application.region_id)
            or a.role in (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER)
            and (
                a.region_id == application.region_id
                and application.cases.filter(department_id=a.department_id).exists()
            )
        ):
            roles.append(a.role)
    if user.is_superuser:
        roles.append(Role.ADMINISTRATOR)
    return roles


def visible_applications(user):
    """The applications `user` may read, as one queryset."""
    if not user.is_authenticated:
        return Application.objects.none()
    if user.is_superuser:
        return Application.objects.all()
    mine = Q(applicant=user) | Q(agent=user) | Q(created_by=user, employer__isnull=True)
    assignments = Assignment.objects.filter(user=user)
    employers = [a.employer_id for a in assignments if a.role == Role.EMPLOYER_HANDLER]
    regions = [
        a.region_id
        for a in assignments
        if a.role in (Role.PRE_EXAMINER, Role.WINDOW_CLERK, Role.SUPERVISOR)
    ]
    departments = [
        (a.region_id, a.department_id)
        for a in assignments
        if a.role in (Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_LEADER)
    ]
    visible = mine | Q(employer_id__in=employers) | (Q(region_id__in=regions) & ~Q(status="draft"))
    for region_id, department_id in departments:
        visible |= Q(region_id=region_id, cases__department_id=department_id)
    return Application.objects.filter(visible).distinct()


def own_applications(user):
    """What `user` files: as the applicant, as an agent, or for an employer they handle."""
    if not user.is_authenticated:
        return Application.objects.none()
    employers = Assignment.objects.filter(user=user, role=Role.EMPLOYER_HANDLER).values(
        "employer_id"
    )
    return Application.objects.filter(
        Q(applicant=user)
        | Q(agent=user)
        | Q(created_by=user, employer__isnull=True)
        | Q(employer_id__in=employers)
    ).distinct()


def get_application_for(user, *, number: str | None = None, public_id=None) -> Application:
    """The application if `user` may read it; one 404 for missing and for not yours. A staff
    member's read is written to the audit log (audit/reads.py)."""
    found = visible_applications(user)
    try:
        if number is not None:
            application = found.get(number=number)
        else:
            application = found.get(public_id=public_id)
    except (Application.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    reads.application_read(user, application, staff_role(roles_on(user, application)))
    return application
