"""One error body for every failure of the API.

Whatever goes wrong (a missing token, another team's object, a bad query parameter, a judgment off its scale, a
server fault), the answer is JSON of the same shape:

    {"error": {"code": "not_found", "message": "No such case.", "details": []}}

`code` is stable and meant for programs; `message` is for people (translated like the web pages); `details`
lists each problem of a 422 with where it is (`location` and a JSON path) and, for list items, their `index`.
"""

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.core import signals
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from policies.casefile.validation import json_path

logger = logging.getLogger("policies.api")

# The largest request body the API reads; case files have the same limit on the web.
MAX_BODY_BYTES = 5 * 1024 * 1024

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "throttled",
    500: "server_error",
}


class ErrorDetail(Schema):
    location: str = "body"  # body, query, path or header
    path: str = "$"  # a JSON path into the body, or the parameter's name
    message: str
    index: int | None = None  # position of the item in its list, for list bodies


class ErrorInfo(Schema):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorOut(Schema):
    error: ErrorInfo


class ApiError(Exception):
    """Raised by endpoints to answer with the error body; `details` are ErrorDetail-shaped dicts."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: Sequence[dict[str, Any]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.details = list(details)
        self.headers = headers or {}
        super().__init__(message)


def error_body(
    status: int, message: str, *, code: str | None = None, details: Iterable[dict[str, Any]] = ()
) -> dict[str, Any]:
    items = [
        {
            "location": detail.get("location", "body"),
            "path": detail.get("path", "$"),
            "message": str(detail.get("message", "")),
            "index": detail.get("index"),
        }
        for detail in details
    ]
    return {"error": {"code": code or CODES.get(status, "error"), "message": message, "details": items}}


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    details: Iterable[dict[str, Any]] = (),
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The error body as a plain Django response, for places outside ninja's operations (routing, 405)."""
    response = JsonResponse(error_body(status, message, code=code, details=details), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def ninja_error_details(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ninja's pydantic errors, e.g. loc ("body", "payload", "weights", 2, "value"), as error details."""
    details = []
    for error in errors:
        loc = list(error.get("loc", ()))
        source = str(loc.pop(0)) if loc else "body"
        if source == "body":
            # The first part is the name of the view's body argument: meaningless to a client.
            path = json_path(loc[1:])
            index = next((part for part in loc[1:] if isinstance(part, int)), None)
        else:
            path = ".".join(str(part) for part in loc) or source
            index = None
        details.append(
            {"location": source, "path": path, "message": str(error.get("msg", "")), "index": index}
        )
    return details


AUTH_HELP = "Authorization: Bearer <token>"


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers so every error, its own included, has the one body."""

    def respond(
        request: HttpRequest,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: Iterable[dict[str, Any]] = (),
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        response = api.create_response(
            request, error_body(status, message, code=code, details=details), status=status
        )
        for name, value in (headers or {}).items():
            response[name] = value
        if status == 401 and "WWW-Authenticate" not in response:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(ApiError)
    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(
            request, exc.status, exc.message, code=exc.code, details=exc.details, headers=exc.headers
        )

    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return respond(request, 422, _("The request is not valid."), details=ninja_error_details(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        details = [{"location": "body", "path": "$", "message": message} for message in exc.messages]
        return respond(request, 422, exc.messages[0] if exc.messages else _("Invalid data."), details=details)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = (
            exc.message
            if exc.message != "Unauthorized"
            else _("Authentication required: send an API token as “%(header)s”.") % {"header": AUTH_HELP}
        )
        return respond(request, 401, message)

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Ninja's own: an unreadable body (400), a failed CSRF check or authorization (403), throttling...
        known = {
            "Cannot parse request body": _("The request body is not valid JSON."),
            "CSRF check Failed": _("CSRF check failed."),
            "Forbidden": _("You are not allowed to do this."),
        }
        text = str(exc)  # with DEBUG, ninja appends the parser's error in parentheses
        message = next((known[prefix] for prefix in known if text.startswith(prefix)), text)
        return respond(request, exc.status_code, message)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, str(exc) or _("Not found."))

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, str(exc) or _("You are not allowed to do this."))

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # Django's own limit on bodies it parses (DATA_UPLOAD_MAX_MEMORY_SIZE), below ours for JSON bodies.
        return respond(request, 413, _("The request body is too large for this endpoint."))

    @api.exception_handler(Exception)
    def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
        # Lets error trackers, and Django's test client, see the exception as they would a view's.
        signals.got_request_exception.send(sender=None, request=request)
        return respond(request, 500, _("Something went wrong on our side; the error has been logged."))


def body_too_large_message() -> str:
    return _("The request body is larger than %(limit)s MB.") % {"limit": MAX_BODY_BYTES // (1024 * 1024)}
