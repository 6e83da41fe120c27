"""Links from a figure of the supervision page to the cases behind it, keeping the filters."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def behind(context, figure: str, **keys) -> str:
    """The URL of the list of `figure`'s cases in the row `keys` names (empty keys left out),
    within the page's filters (`filter_query`)."""
    query = {**context.get("filter_query", {}), "figure": figure}
    query.update({k: v for k, v in keys.items() if v})
    return f"{reverse('web:supervision-cases')}?{urlencode(query)}"


@register.simple_tag(takes_context=True)
def export_url(context, name: str, file_format: str, query: str = "") -> str:
    """The URL of an export in `file_format`, with the filters (or the list's `query`)."""
    base = query or urlencode(context.get("filter_query", {}))
    joined = f"{base}&" if base else ""
    return f"{reverse(name)}?{joined}format={file_format}"
