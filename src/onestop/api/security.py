"""Who calls: a system with its API key (`Authorization: Bearer osk_...`), or a signed-in person
with the session cookie. `signed_in(scope)` is every signed-in operation's `auth=`.

A key request acts as the key's service account's user, so the rules that ask what a person of
that role may do (cases/workflow.py roles_on_case, api/access.py) answer for the system
unchanged. It carries no cookie, so it has no CSRF check to pass; a session request keeps
ninja's (django_auth). A request that presents a key is judged by the key alone: a refused key
is not passed on to the session.
"""

from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from onestop.accounts import api_keys
from onestop.refusals import NotAllowed


class ApiKeyAuth(HttpBearer):
    def __init__(self, scope: str | None):
        super().__init__()
        if scope is not None and scope not in api_keys.SCOPES:
            raise ValueError(f"unknown scope {scope}")
        self.scope = scope

    def authenticate(self, request, token):
        key, refused = api_keys.find(token.strip())
        # The use is logged after the answer, with its status, a refused one too
        # (KeyUseMiddleware).
        request.onestop_api_key = key
        if refused is not None:
            request.onestop_refused = refused  # words of the 401 (api/__init__.py)
            raise AuthenticationError
        if self.scope is None or self.scope not in key.account.scopes:
            raise NotAllowed(
                "auth.key_scope",
                "This API key does not have the scope this operation needs.",
                "此API密钥没有执行此操作所需的权限范围。",
            )
        request.user = key.account.user
        return request.user


def signed_in(scope: str | None = None) -> list:
    """The `auth` of an operation: a key holding `scope`, or a signed-in person. Without a
    scope, only a person: what the applicant's side does (filing, booking) no key may do."""
    return [ApiKeyAuth(scope), django_auth]


class KeyUseMiddleware:
    """After the answer, one line of the key-use log for a request made with a key (accounts/
    models.py KeyUse): the route's pattern, never the path, which may name a record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "onestop_api_key", None)
        if key is not None:  # a known key, revoked and expired ones included
            match = request.resolver_match
            api_keys.record_use(
                key,
                method=request.method,
                operation=match.route if match else "",
                status=response.status_code,
            )
        return response
