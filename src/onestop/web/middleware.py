"""Response headers that no installed library sets (ASVS 4.0.3 V14.4)."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response: the pages use no camera, microphone, location,
    payment or other powerful browser feature, so none is allowed to this site or any frame.
    (Cross-Origin-Opener-Policy comes from SecurityMiddleware, the Content Security Policy from
    django-csp.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.ONESTOP_PERMISSIONS_POLICY)
        return response
