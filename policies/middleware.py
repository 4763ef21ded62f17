"""The signed-in user's saved language wins over the browser's Accept-Language and the language cookie.

Django's LocaleMiddleware runs before authentication, so it can only pick a language from the cookie or the
browser; this middleware, placed after AuthenticationMiddleware, switches to the user's saved choice. The choice
is read from the database once per session and kept in the session, so pages pay no extra query. The response
also carries it as the language cookie: after logging out, the login page stays in the same language.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from policies.services.preferences import known_language, saved_language

#: The saved language in the session ("" when the user follows the browser); a session ends with its user
#: (login flushes a session that belonged to someone else), so it never carries another person's choice.
SESSION_KEY = "profile_language"


def session_language(request: HttpRequest) -> str:
    if SESSION_KEY not in request.session:
        request.session[SESSION_KEY] = saved_language(user=request.user)  # type: ignore[arg-type]
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
                request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
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
