"""Pages with answers or personal data stay out of caches and referrers."""

from functools import wraps

from django.views.decorators.cache import never_cache


def private(view):
    """Never cached, never sent on as a referrer to another site.

    Not "no-referrer": under it browsers send `Origin: null` with the page's own forms, and
    Django's CSRF check then refuses every answer posted from the page."""

    @wraps(view)
    @never_cache
    def private_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response

    return private_view
