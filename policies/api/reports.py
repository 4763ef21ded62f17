"""Report jobs: request one (202, built by the worker), follow its status, download the file once done.

Requesting one needs a reporting role, as on the web; a report is built for what its requester may see, and
others follow and download it only when their own view covers it.
"""

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Body, Path, Router
from ninja.responses import Status

from policies.api.auth import REPORTS_READ, REPORTS_WRITE, principal
from policies.api.errors import ApiError
from policies.api.exercises import ExerciseId
from policies.api.responses import errors
from policies.api.schemas import MAX_ID, ReportOut, ReportRequestIn
from policies.models import Report
from policies.models.reports import ReportKind, ReportStatus
from policies.selectors.access import get_report_for_user, get_viewer_for_user, viewer_for_member
from policies.selectors.visibility import visibility
from policies.services.report_files import CONTENT_TYPES, EXTENSIONS, open_report_file
from policies.services.reports import ReportQuotaExceeded, ReportWithheld, request_report

router = Router(tags=["reports"])

ReportId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id of the report.")]


def _followed_report(user: Any, report_id: int) -> Report:
    """A report whose file the caller may download: one whose content their view covers (else 404)."""
    report, membership = get_report_for_user(user, report_id)
    seen = visibility(viewer_for_member(report.exercise, membership))
    if report.status == ReportStatus.DONE and not seen.covers(report.scope):
        raise ApiError(404, _("No such report."))
    return report


def report_out(report: Report) -> dict[str, Any]:
    done = report.status == ReportStatus.DONE and bool(report.file)
    return {
        "id": report.pk,
        "exercise": report.exercise_id,
        "kind": report.kind,
        "language": report.language,
        "status": report.status,
        "progress": report.progress,
        "stage": report.stage,
        "error": report.error,
        "created": report.created,
        "started": report.started,
        "finished": report.finished,
        "status_url": reverse("api:report-detail", kwargs={"report_id": report.pk}),
        "download_url": reverse("api:report-download", kwargs={"report_id": report.pk}) if done else None,
    }


@router.post(
    "/exercises/{exercise_id}/reports",
    response={202: ReportOut, **errors(400, 401, 403, 404, 413, 422, 429)},
    auth=REPORTS_WRITE,
    summary="Request a report of the exercise (PDF, spreadsheet, CSV or case file)",
    description=(
        "Answers 202 at once with the job; follow `status_url` until `status` is `done` (or `failed`), "
        "then fetch `download_url`. While the caller's job for the same report (kind and language) is still "
        "pending or running, answers with that job instead of starting another. A person has at most a few "
        "reports pending or running (REPORTS_IN_FLIGHT_PER_USER, 3 by default): beyond, 429 `throttled`. "
        "Roles: owner, facilitator, analyst, participant."
    ),
    url_name="report-request",
)
def post_report(
    request: HttpRequest,
    exercise_id: ExerciseId,
    response: HttpResponse,
    payload: Annotated[ReportRequestIn | None, Body()] = None,
) -> Status[dict[str, Any]]:
    viewer = get_viewer_for_user(principal(request).user, exercise_id)
    if not viewer.can_report:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    payload = payload or ReportRequestIn()
    language = payload.language or get_language() or "en"
    language = language if language in {"en", "fr"} else "en"
    try:
        report = request_report(viewer=viewer, language=language, kind=payload.kind)
    except ReportWithheld as exc:
        raise ApiError(403, str(exc), code="results_withheld") from exc
    except ReportQuotaExceeded as refusal:
        raise ApiError(429, str(refusal)) from refusal
    body = report_out(report)
    response["Location"] = body["status_url"]
    return Status(202, body)


@router.get(
    "/reports/{report_id}",
    response={200: ReportOut, **errors(401, 403, 404, 422)},
    auth=REPORTS_READ,
    summary="A report job: status and progress",
    url_name="report-detail",
)
def get_report(request: HttpRequest, report_id: ReportId) -> dict[str, Any]:
    report, _membership = get_report_for_user(principal(request).user, report_id)
    return report_out(report)


FILE_RESPONSE = {
    "responses": {
        "200": {
            "description": "The report's file; its type depends on the report's kind.",
            "content": {
                media_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                for media_type in CONTENT_TYPES.values()
            },
        }
    }
}


@router.get(
    "/reports/{report_id}/download",
    response={**errors(401, 403, 404, 409, 422)},
    auth=REPORTS_READ,
    summary="Download a finished report",
    description="409 while the report is pending or running, or if it failed or was cancelled.",
    openapi_extra=FILE_RESPONSE,
    url_name="report-download",
)
def download_report(request: HttpRequest, report_id: ReportId) -> FileResponse:
    report = _followed_report(principal(request).user, report_id)
    if report.status != ReportStatus.DONE:
        if report.status == ReportStatus.FAILED:
            message = _("This report failed: %(error)s") % {"error": report.error}
        elif report.is_finished:
            message = _("This report was cancelled.")
        else:
            message = _("This report is not ready yet (%(status)s, %(progress)s%%).") % {
                "status": report.status,
                "progress": report.progress,
            }
        raise ApiError(409, message, code="report_not_ready")
    if not report.file:
        raise ApiError(404, _("The file of this report is missing."))
    try:
        handle = open_report_file(report)
    except FileNotFoundError as exc:
        raise ApiError(404, _("The file of this report is missing.")) from exc
    kind = ReportKind(report.kind)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{report.exercise.key}-{report.language}.{EXTENSIONS[kind]}",
        content_type=CONTENT_TYPES[kind],
    )
