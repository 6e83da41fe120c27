"""Pages with answers or personal data stay out of caches and referrers."""

from functools import wraps

from django.views.decorators.cache import never_cache


def private(view):
    """Never cached, never sent on as a referrer."""

    @wraps(view)
    @never_cache
    def private_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return private_view
