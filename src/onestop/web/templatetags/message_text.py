"""A kept message's text on the inbox page, its links clickable: the addresses a notice carries
are absolute where the site's address is configured (ONESTOP_SITE_URL), else paths of this
site (applications/links.py), which a browser follows just as well from here."""

import re

from django import template
from django.utils.html import urlize
from django.utils.safestring import mark_safe

register = template.Library()

# A path of this site standing alone in the text: after a space, a colon or the line's start.
SITE_PATH = re.compile(r"(^|[\s:：])(/[A-Za-z0-9_\-./?=&%]+)", re.M)


@register.filter
def message_text(text: str) -> str:
    linked = urlize(text, autoescape=True)  # escapes the rest; links http(s) addresses
    # Where absolute links were given, paths are not mixed in.
    linked = SITE_PATH.sub(r'\1<a href="\2">\2</a>', linked) if "<a " not in linked else linked
    return mark_safe(linked.replace("\n", "<br>"))  # noqa: S308 - escaped by urlize above
