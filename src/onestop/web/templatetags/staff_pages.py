from django import template

from onestop.accounts import roles
from onestop.accounts.models import DEPARTMENT_STAFF, Role

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_pages(context) -> dict:
    """Which staff pages the signed-in person may open, for the header: one query, none for a
    visitor."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {}
    held = set(roles.assignments(user).values_list("role", flat=True))
    return {
        "cases": bool(held & set(DEPARTMENT_STAFF)),
        "supervision": user.is_superuser or bool(held & {Role.SUPERVISOR, Role.ADMINISTRATOR}),
    }
