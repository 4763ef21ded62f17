"""Report jobs on the web: request any kind, follow progress, cancel, retry, download, see the history.

A report is built for what its requester may see (policies.selectors.visibility); others see it listed and
download it only when their own view covers it (policies.selectors.reports).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseStopPolling

from policies.models import Exercise, Report
from policies.models.reports import ReportKind
from policies.selectors.access import (
    REPORTING_ROLES,
    Viewer,
    get_report_for_user,
    get_viewer_for_user,
    require_role,
    viewer_for_member,
)
from policies.selectors.reports import listed_reports, may_open
from policies.selectors.visibility import Visibility, visibility
from policies.services.report_files import CONTENT_TYPES, EXTENSIONS, open_report_file
from policies.services.reports import (
    ReportQuotaExceeded,
    ReportWithheld,
    cancel_report,
    request_report,
    retry_report,
)
from policies.views.requests import AuthenticatedHttpRequest


def _status(request: HttpRequest, report: Report, status: int = 200) -> HttpResponse:
    response = render(request, "policies/reports.html#report-status", {"report": report}, status=status)
    if report.is_finished:
        # 286 tells htmx to stop polling; the body still replaces the progress bar with the final state.
        response.status_code = HttpResponseStopPolling.status_code
    return response


def _language(request: HttpRequest) -> str:
    language = request.POST.get("language") or get_language() or "en"
    return language if language in {"en", "fr"} else "en"


@login_required
def exercise_reports(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    viewer = get_viewer_for_user(request.user, exercise_id)
    exercise = viewer.exercise
    seen = visibility(viewer)
    if request.method == "POST":
        if not viewer.can_report:
            raise PermissionDenied(_("Your role in this team does not allow this."))
        kind = request.POST.get("kind", ReportKind.PDF)
        if kind not in ReportKind.values:
            return HttpResponse(_("Unknown kind of report."), status=400)
        try:
            report = request_report(viewer=viewer, language=_language(request), kind=kind)
        except (ReportWithheld, ReportQuotaExceeded) as refusal:
            status = 403 if isinstance(refusal, ReportWithheld) else 429
            if request.htmx:
                return render(
                    request, "policies/reports.html#report-refused", {"message": str(refusal)}, status=status
                )
            messages.error(request, str(refusal))
            return redirect("reports", exercise_id=exercise.pk)
        # Enqueueing ran when the request's transaction committed and may have noted that the queue is down.
        report.refresh_from_db()
        if request.htmx:
            response = _status(request, report, status=202)
            if request.htmx.target == "new-report":
                # On the reports page, the history is redrawn beside the new report's progress (out of band), so
                # that the list never says "No reports yet" next to a report being built. Other pages have no
                # history to redraw.
                history = render_to_string(
                    "policies/reports.html#history",
                    {**_listing(exercise, seen, viewer), "oob": True},
                    request=request,
                )
                response.content += history.encode()
            return response
        return redirect("reports", exercise_id=exercise.pk)
    context = {
        **_listing(exercise, seen, viewer),
        "can_report": viewer.can_report,
        "withheld": seen.withheld,
        "kinds": ReportKind.choices,
    }
    return render(request, "policies/reports.html", context)


def _listing(exercise: Exercise, seen: Visibility, viewer: Viewer) -> dict[str, Any]:
    return {
        "exercise": exercise,
        # Who asked for a report tells who takes part: named only for a reader who may see identities.
        "show_requesters": seen.identities,
        "reports": listed_reports(exercise, seen, viewer.user_id),
    }


@login_required
def report_status(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    """A job's progress (it holds no judgment; the file is checked at download)."""
    report, _membership = get_report_for_user(request.user, report_id)
    return _status(request, report)


@login_required
@require_POST
def report_cancel(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report, membership = get_report_for_user(request.user, report_id)
    require_role(membership, REPORTING_ROLES)
    if not cancel_report(report=report):
        messages.info(request, _("This report had already finished."))
    report.refresh_from_db()
    if request.htmx:
        return _status(request, report)
    return redirect("reports", exercise_id=report.exercise_id)


@login_required
@require_POST
def report_retry(request: AuthenticatedHttpRequest, report_id: int) -> HttpResponse:
    report, membership = get_report_for_user(request.user, report_id)
    require_role(membership, REPORTING_ROLES)
    retry_report(report=report)
    report.refresh_from_db()
    if request.htmx:
        return _status(request, report, status=202)
    return redirect("reports", exercise_id=report.exercise_id)


@login_required
def report_download(request: AuthenticatedHttpRequest, report_id: int) -> FileResponse:
    report, membership = get_report_for_user(request.user, report_id)
    seen = visibility(viewer_for_member(report.exercise, membership))
    if not may_open(report, seen):
        raise Http404(_("This report is not ready, or holds what your role does not show you."))
    try:
        handle = open_report_file(report)
    except FileNotFoundError as exc:  # removed from the store (a bucket's expiry rule, a cleaned folder)
        raise Http404(_("The file of this report is missing.")) from exc
    kind = ReportKind(report.kind)
    brief = "-brief" if kind == ReportKind.BRIEF else ""
    filename = f"{report.exercise.key}{brief}-{report.language}.{EXTENSIONS[kind]}"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[kind])
