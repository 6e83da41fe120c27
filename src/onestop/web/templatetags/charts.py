"""Bar lengths for the inline SVG charts (department/_charts.html)."""

from django import template
from django.utils.dates import WEEKDAYS

register = template.Library()

# The longest bar, in the charts' viewBox units.
FULL_BAR = 300


@register.filter
def bar_length(value, largest) -> int:
    """`value` as a bar length against `largest` (0 when there is nothing to compare)."""
    try:
        value, largest = float(value), float(largest)
    except (TypeError, ValueError):
        return 0
    if largest <= 0 or value <= 0:
        return 0
    return round(FULL_BAR * min(value, largest) / largest)


@register.filter
def largest(rows, key: str) -> int:
    """The largest `key` among `rows` (dicts), nested one level under "weekdays" too."""
    values = [0]
    for row in rows or []:
        if key in row:
            values.append(row[key])
        for inner in row.get("weekdays", ()):
            values.append(inner.get(key, 0))
    return max(values)


@register.filter
def weekday_name(iso_weekday) -> str:
    """The weekday's name (ISO 1 Monday … 7 Sunday) in the page's language."""
    return str(WEEKDAYS[int(iso_weekday) - 1])


@register.filter
def times(number, factor) -> int:
    """`number` × `factor`: the y position of a chart row."""
    return int(number) * int(factor)
