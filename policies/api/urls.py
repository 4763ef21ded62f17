"""URLs of the API, included at /api/ by workbench/urls.py.

Ninja's own patterns, with two additions so that nothing under /api/ answers with an HTML page: a method the
path does not support is a 405 with the error body, and an unknown path a 404 with it.
"""

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from policies.api import api
from policies.api.errors import error_response

app_name = "api"

# The Swagger UI files shipped with django-ninja, served from the installed package.
DOCS_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
}
DOCS_ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"


def _json_405(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            return error_response(
                405,
                _("Method %(method)s is not allowed here; use %(allowed)s.")
                % {"method": request.method, "allowed": allowed or "-"},
                headers={"Allow": allowed},
            )
        return response

    return wrapped


@require_GET
@cache_control(max_age=86400, public=True)
def docs_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    if name not in DOCS_ASSETS:
        return not_found(request)
    return FileResponse((DOCS_ASSET_DIR / name).open("rb"), content_type=DOCS_ASSETS[name])


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(404, _("There is no API endpoint at %(path)s.") % {"path": request.path})


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """/api/ itself: where the documentation is."""
    return JsonResponse(
        {
            "title": api.title,
            "version": api.version,
            "docs": reverse("api:openapi-view"),
            "openapi": reverse("api:openapi-json"),
        }
    )


def _patterns() -> list[Any]:
    patterns: list[Any] = [path("", _json_405(index), name="api-root")]
    for pattern in api.urls[0]:
        if isinstance(pattern, URLPattern) and pattern.name == "api-root":
            continue  # ninja's own answers with Django's HTML 404 page
        if isinstance(pattern, URLPattern):
            pattern = URLPattern(
                pattern.pattern, _json_405(pattern.callback), pattern.default_args, pattern.name
            )
        patterns.append(pattern)
    return [
        path("docs/assets/<str:name>", _json_405(docs_asset), name="docs-asset"),
        *patterns,
        re_path(r"^(?P<rest>.*)$", not_found, name="not-found"),
    ]


urlpatterns = _patterns()
