"""Who is calling, and with which scopes.

Two ways in:

* a personal API token, `Authorization: Bearer pow_...`, for scripts. It is looked up by the sha256 of the
  secret; a revoked or expired token is refused (401). Each endpoint needs one scope: `read` for reading,
  `write` for recording judgments and importing cases, `reports` for report requests and downloads. A valid
  token without the scope gets 403.
* the browser session of a logged-in user, for GET requests only (the docs page at /api/docs and quick looks
  from the browser). A session never writes through the API: no CSRF token needs to travel with API calls,
  and every write is made with a token whose scopes its owner chose. A session reads with every scope, as the
  web pages do.

Scopes only narrow what a token may do: the caller's role in the object's team is checked as on the web.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import APIKeyCookie, HttpBearer

from policies.models import ApiToken, TokenScope
from policies.services.api_tokens import hash_secret

# last_used is written at most this often, so that a busy script does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALL_SCOPES = frozenset(TokenScope.values)
MAX_SECRET_LENGTH = 200


@dataclass(frozen=True)
class Principal:
    """What `request.auth` holds on every authenticated API request."""

    user: User
    scopes: frozenset[str]
    token: ApiToken | None = field(default=None)

    @property
    def via_session(self) -> bool:
        return self.token is None


class TokenAuth(HttpBearer):
    """Bearer token with a required scope; documented in OpenAPI as HTTP bearer authentication."""

    def __init__(self, scope: str) -> None:
        assert scope in ALL_SCOPES, scope
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if not header:
            return None  # let the session (or, without one, the 401) answer
        scheme, _space, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationError(message=_("Send the token as “Authorization: Bearer <token>”."))
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        api_token = authenticate_token(token)
        if self.scope not in api_token.scopes:
            raise AuthorizationError(
                message=_("This token does not have the “%(scope)s” scope.") % {"scope": self.scope}
            )
        # Views, services and the change history read request.user, as on the web.
        request.user = api_token.user
        return Principal(user=api_token.user, scopes=frozenset(api_token.scopes), token=api_token)


def authenticate_token(secret: str) -> ApiToken:
    """The live token with this secret, or AuthenticationError saying why not."""
    token = None
    if len(secret) <= MAX_SECRET_LENGTH:
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_secret(secret)).first()
    if token is None:
        raise AuthenticationError(message=_("This API token is not valid."))
    if token.revoked:
        raise AuthenticationError(message=_("This API token has been revoked."))
    now = timezone.now()
    if token.expires is not None and token.expires <= now:
        raise AuthenticationError(message=_("This API token has expired."))
    if not token.user.is_active:
        raise AuthenticationError(message=_("This account is disabled."))
    if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token


class SessionReadAuth(APIKeyCookie):
    """The logged-in browser session, for safe (read-only) requests."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        # Only safe methods are accepted, which CSRF never blocks; keeping the check is defence in depth.
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = request.user
        if request.method not in SAFE_METHODS or not user.is_authenticated or not user.is_active:
            return None
        return Principal(user=user, scopes=ALL_SCOPES)


# What each endpoint declares as `auth=`.
READ = [TokenAuth(TokenScope.READ), SessionReadAuth()]
WRITE = [TokenAuth(TokenScope.WRITE)]
REPORTS_READ = [TokenAuth(TokenScope.REPORTS), SessionReadAuth()]
REPORTS_WRITE = [TokenAuth(TokenScope.REPORTS)]


def principal(request: HttpRequest) -> Principal:
    auth = getattr(request, "auth", None)
    assert isinstance(auth, Principal), "endpoint without authentication"
    return auth
