"""What the staff pages of departments and supervisors share: the gate of a page by the roles
its reader holds, and the names of case steps as the matter versions give them."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.views.decorators.cache import never_cache

from onestop.accounts import roles
from onestop.accounts.models import Role
from onestop.cases import steps
from onestop.cases.models import Case
from onestop.cases.queues import OPEN


def signed_in_holding(*wanted: str):
    """Signed in and holding one of `wanted` somewhere (an administrator passes where asked);
    a stranger is sent to sign in first."""

    def decorator(view):
        @wraps(view)
        @never_cache
        def guarded(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            held = set(roles.assignments(user).values_list("role", flat=True))
            if user.is_superuser:
                held.add(Role.ADMINISTRATOR)
            if not held & set(wanted):
                raise PermissionDenied
            return view(request, *args, held=held, **kwargs)

        return guarded

    return decorator


def step_name(case: Case):
    """The step's name from the case's matter version ({"zh", "en"}); the status label after
    the last."""
    spec = steps.steps(case.matter_version).get(case.status)
    return spec["name"] if spec else case.get_status_display()


def open_steps(statuses) -> list[dict]:
    """The open steps among `statuses`, named as the published versions name them."""
    names = steps.names(steps.in_force())
    return [{"value": s, "name": names.get(s, s)} for s in OPEN if s in statuses]
