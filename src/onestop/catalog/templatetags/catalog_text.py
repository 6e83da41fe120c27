from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from onestop.catalog import citations
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


@register.filter
def cite(citation):
    """A citation as links to its entries on the sources page, in the active language."""
    chinese = (get_language() or "en").startswith("zh")
    parts = citations.read(citation, "zh" if chinese else "en")
    return mark_safe(  # noqa: S308 - every piece of text is escaped by format_html
        "; ".join(_link(p) if p.code else conditional_escape(p.text) for p in parts)
    )


@register.filter
def cite_text(text):
    """Words that name sources in passing ("002 §4c promises ..."), each citation linked."""
    chinese = (get_language() or "en").startswith("zh")
    return mark_safe(  # noqa: S308 - every piece of text is escaped
        "".join(
            _link(cited) if cited else conditional_escape(plain)
            for plain, cited in citations.in_text(str(text or ""), "zh" if chinese else "en")
        )
    )


def _link(cited) -> str:
    return format_html(
        '<a href="{}#{}" title="{}">{}</a>',
        reverse("web:sources"),
        cited.anchor,
        cited.title,
        cited.text,
    )
