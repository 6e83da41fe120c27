"""The pages a notice sends the applicant to: where they act on the application or read it.

Absolute with the site's address (ONESTOP_SITE_URL), else the path, so that a notice read in an
e-mail client still leads somewhere once the address is configured. A link names the
application by its random public id only, never by personal data (docs/security.md).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from .models import Application


def _absolute(path: str) -> str:
    return f"{settings.ONESTOP_SITE_URL}{path}"


def status_link(application: Application) -> str:
    """Where the application stands: its dates, notice, cases and history."""
    return _absolute(reverse("web:my-application-status", args=[application.public_id]))


def correction_link(application: Application) -> str:
    """The form, open again to correct what a one-time notice lists (004 item 35)."""
    return _absolute(reverse("web:my-application-edit", args=[application.public_id]))


def booking_link(application: Application) -> str:
    """The halls and times to book the visit for this application (002 §4b)."""
    query = urlencode({"application": application.public_id})
    return _absolute(f"{reverse('web:my-appointment-new')}?{query}")
