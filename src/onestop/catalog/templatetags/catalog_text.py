from django import template
from django.utils.translation import get_language

from onestop.catalog import hours as hours_text

register = template.Library()


@register.filter
def tr(value):
    """The active language's side of a {"zh": ..., "en": ...} value."""
    if not isinstance(value, dict):
        return value or ""
    chinese = (get_language() or "en").startswith("zh")
    return value.get("zh" if chinese else "en") or value.get("en") or value.get("zh") or ""


@register.filter
def opening_hours(hours):
    return hours_text.describe(hours or [], get_language() or "en")


@register.filter
def get(mapping, key):
    """mapping[key] without the template engine's fallback to methods (dict.items!)."""
    return mapping.get(key) if isinstance(mapping, dict) else None
