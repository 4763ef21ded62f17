"""The signed-in user's saved language wins over the browser's Accept-Language and the language cookie.

Django's LocaleMiddleware runs before authentication, so it can only pick a language from the cookie or the
browser; this middleware, placed after AuthenticationMiddleware, switches to the user's saved choice. The choice
is read from the database once per session and kept in the session, so pages pay no extra query. The response
also carries it as the language cookie: after logging out, the login page stays in the same language.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from policies.services.preferences import known_language, saved_language

#: The saved language in the session ("" when the user follows the browser); a session ends with its user
#: (login flushes a session that belonged to someone else), so it never carries another person's choice.
SESSION_KEY = "profile_language"


def session_language(request: HttpRequest) -> str:
    if SESSION_KEY not in request.session:
        user = request.user
        request.session[SESSION_KEY] = saved_language(user=user) if user.is_authenticated else ""
    language = str(request.session[SESSION_KEY])
    return language if known_language(language) else ""


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            language = session_language(request)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # Read again: the language switch of this very request may have changed it.
        if request.user.is_authenticated and SESSION_KEY in request.session:
            language = session_language(request)
            if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    path=settings.LANGUAGE_COOKIE_PATH,
                    domain=settings.LANGUAGE_COOKIE_DOMAIN,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
        return response


class TeamMfaMiddleware:
    """Owners and facilitators of a team that requires two-factor authentication reach nothing but the account
    pages until they have set up an authenticator app.

    Checked on every request of a signed-in person (one indexed query), so a rule turned on, or a promotion to
    facilitator, applies at the next click rather than at the next sign-in. Left out: the account and sign-in
    pages themselves (one's own data included), the language switch, the API (tokens are their own credential), and the three requests a
    workshop participant repeats hundreds of times, which only ever read and write that person's own
    participant row, never a facilitator's powers.
    """

    EXEMPT_NAMESPACES = ("account_", "mfa_", "socialaccount_", "openid_connect_")
    EXEMPT_NAMES = frozenset(
        {
            "account",
            "account-data",
            "account-delete",
            "set_language",
            "workshop-state",
            "workshop-score",
            "workshop-weights",
        }
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        name = (match.view_name if match else "") or ""
        if name in self.EXEMPT_NAMES or name.startswith(self.EXEMPT_NAMESPACES) or name.startswith("api:"):
            return None
        from policies.selectors.team_security import team_requiring_mfa

        team = team_requiring_mfa(request.user)
        if team is None:
            return None
        message = _(
            "%(team)s requires two-factor authentication of its owners and facilitators: set up an "
            "authenticator app to continue."
        ) % {"team": team.name}
        if getattr(request, "htmx", False):
            return HttpResponseForbidden(message)
        messages.warning(request, message)
        return redirect("mfa_activate_totp")


class ServerTimingMiddleware:
    """Adds the CPU time the request took in this thread as a ``Server-Timing: cpu;dur=<ms>`` header.

    Only with SERVER_TIMING=1 (the load benchmark turns it on): it tells how much of a core each kind of request
    costs, which is the server's real capacity, where wall-clock latency also counts the queue and the client.
    First in the middleware list, so it covers every other middleware, the view and the template. With gunicorn's
    gthread workers one thread serves one request at a time, so the thread's CPU clock is the request's own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        began = time.thread_time()
        response = self.get_response(request)
        spent_ms = (time.thread_time() - began) * 1000
        response.headers["Server-Timing"] = f"cpu;dur={spent_ms:.2f}"
        return response
