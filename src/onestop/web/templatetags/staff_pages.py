from django import template

from onestop.web import workplaces

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_pages(context) -> list:
    """The staff places the signed-in person may open, for the header: one query, none for a
    visitor (web/workplaces.py)."""
    user = context.get("user")
    if user is None:
        return []
    return workplaces.places_of(user)
