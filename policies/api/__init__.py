"""The REST API, /api/: cases, exercises, judgments, results and reports, with OpenAPI docs.

Built with django-ninja. Docs at /api/docs, the OpenAPI document at /api/openapi.json. Authentication and scopes
are in `auth`, the single error body in `errors`, one router per resource in the sibling modules. Objects are
fetched through `policies.selectors.access` like in the web views, so the API answers 404 for another team's
object and 403 for a role that may not do something, exactly as the pages do.

Every request is also checked for what ninja lets through by default: a body over 5 MB (413) and query
parameters the endpoint does not know (422).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape, json_script
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from policies.api import (
    case_history,
    case_items,
    cases,
    deletions,  # noqa: F401  (adds its routes to the cases' and exercises' routers)
    exercises,
    judgments,
    reports,
    results,
    tokens,
)
from policies.api.auth import READ
from policies.api.errors import MAX_BODY_BYTES, ApiError, body_too_large_message, install_error_handlers

DESCRIPTION = """
Read the cases and exercises of your teams, record your judgments, read results by method and request reports.

**Authentication.** Create a personal token on the web page *Account › API tokens* (`/account/tokens/`) and
send it as `Authorization: Bearer <token>`. A token carries scopes: `read` (every GET), `write` (judgments,
case import, case items) and `reports` (request, follow and download reports). While logged in on the site, your
browser session may also make GET requests (this page's *Try it out*), never writes. Your role in each team applies
as on the web; another team's objects answer 404.

**Lists** take `limit` (1-100, default 20) and `offset`, and give `items` with the total `count`.

**Errors** always have the body `{"error": {"code", "message", "details": [{"location", "path", "message",
"index"}]}}`. Unknown query parameters and body fields are refused (422); bodies over 5 MB too (413).
"""


class LocalSwagger(DocsBase):
    """Swagger UI from the copy shipped inside django-ninja, served by us: no CDN, and the CSP holds."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        def asset(name: str) -> str:
            return reverse("api:docs-asset", kwargs={"name": name})

        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        html = (
            "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{escape(api.title)}</title>"
            f"<link rel='stylesheet' href='{asset('swagger-ui.css')}'>"
            f"<link rel='icon' href='{static('policies/favicon.svg')}' type='image/svg+xml'></head>\n"
            "<body data-csrf-token='' data-api-csrf=''>\n"
            f"{json_script(settings, 'swagger-settings')}\n<div id='swagger-ui'></div>\n"
            f"<script src='{asset('swagger-ui-bundle.js')}'></script>\n"
            f"<script src='{asset('swagger-ui-init.js')}'></script>\n</body></html>\n"
        )
        return HttpResponse(html)


api = NinjaAPI(
    title="Policy Options Workbench API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=READ,  # endpoints name their own; this only guards one that would forget
)
install_error_handlers(api)


class QueryNamedRequest(HttpRequest):
    """A request on which _guard_request noted the query parameters its operation declares."""

    _api_query_names: frozenset[str] | None


def _query_names(operation: Any) -> frozenset[str] | None:
    """The query parameters an operation declares (pagination's included), from ninja's parameter models."""
    if operation is None:
        return None
    names: set[str] = set()
    for model in getattr(operation, "models", ()):
        if getattr(model, "__ninja_param_source__", None) != "query":
            continue
        flatten = getattr(model, "__ninja_flatten_map__", None)
        if flatten:
            names.update(flatten)
        else:
            names.update(field.alias or name for name, field in model.model_fields.items())
    return frozenset(names)


def _guard_request(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Before authentication: refuse an oversized body; note which query parameters the operation knows."""
    allowed = _query_names(getattr(run, "__self__", None))

    @wraps(run)
    def guarded(request: QueryNamedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > MAX_BODY_BYTES:
            return api.on_exception(request, ApiError(413, body_too_large_message()))
        request._api_query_names = allowed
        return run(request, *args, **kwargs)

    return guarded


def _reject_unknown_query(view: Callable[..., Any]) -> Callable[..., Any]:
    """After authentication and validation: a query parameter the endpoint does not know is a 422."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        allowed = getattr(request, "_api_query_names", None)
        unknown = sorted(set(request.GET) - allowed) if allowed is not None else []
        if unknown:
            raise ApiError(
                422,
                _("Unknown query parameter: %(names)s.") % {"names": ", ".join(unknown)},
                details=[
                    {"location": "query", "path": name, "message": _("Unknown query parameter.")}
                    for name in unknown
                ],
            )
        return view(request, *args, **kwargs)

    return checked


api.add_decorator(_guard_request, mode="view")
api.add_decorator(_reject_unknown_query, mode="operation")
for module in (tokens, cases, case_items, case_history, exercises, judgments, results, reports):
    api.add_router("", module.router)

__all__ = ["api"]
