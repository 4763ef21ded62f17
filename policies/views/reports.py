"""Report jobs on the web: request any kind, follow progress, cancel, retry, download, see the history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseStopPolling

from policies.models.exercises import Anonymity
from policies.models.reports import ReportKind, ReportStatus
from policies.selectors.access import (
    FACILITATING_ROLES,
    REPORTING_ROLES,
    get_exercise_for_user,
    get_report_for_user,
    require_role,
)
from policies.services.report_files import CONTENT_TYPES, EXTENSIONS, open_report_file
from policies.services.reports import cancel_report, request_report, retry_report


def _status(request: HttpRequest, report, status: int = 200) -> HttpResponse:  # type: ignore[no-untyped-def]
    response = render(request, "policies/reports.html#report-status", {"report": report}, status=status)
    if report.is_finished:
        # 286 tells htmx to stop polling; the body still replaces the progress bar with the final state.
        response.status_code = HttpResponseStopPolling.status_code
    return response


@login_required
def exercise_reports(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, membership = get_exercise_for_user(request.user, exercise_id)
    if request.method == "POST":
        require_role(membership, REPORTING_ROLES)
        kind = request.POST.get("kind", ReportKind.PDF)
        if kind not in ReportKind.values:
            return HttpResponse(_("Unknown kind of report."), status=400)
        language = request.POST.get("language") or get_language() or "en"
        language = language if language in {"en", "fr"} else "en"
        report = request_report(exercise=exercise, user_id=request.user.pk, language=language, kind=kind)
        # Enqueueing ran when the request's transaction committed and may have noted that the queue is down.
        report.refresh_from_db()
        if request.htmx:
            return _status(request, report, status=202)
        return redirect("reports", exercise_id=exercise.pk)
    context = {
        "exercise": exercise,
        "can_report": membership.role in REPORTING_ROLES,
        # Who asked for a report tells who takes part: named as the exercise's anonymity lets this reader see.
        "show_requesters": exercise.anonymity == Anonymity.NAMED
        or (exercise.anonymity == Anonymity.PSEUDONYMOUS and membership.role in FACILITATING_ROLES),
        "kinds": ReportKind.choices,
        "reports": exercise.reports.select_related("requested_by")[:50],
    }
    return render(request, "policies/reports.html", context)


@login_required
def report_status(request: HttpRequest, report_id: int) -> HttpResponse:
    report, _membership = get_report_for_user(request.user, report_id)
    return _status(request, report)


@login_required
@require_POST
def report_cancel(request: HttpRequest, report_id: int) -> HttpResponse:
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
def report_retry(request: HttpRequest, report_id: int) -> HttpResponse:
    report, membership = get_report_for_user(request.user, report_id)
    require_role(membership, REPORTING_ROLES)
    retry_report(report=report)
    report.refresh_from_db()
    if request.htmx:
        return _status(request, report, status=202)
    return redirect("reports", exercise_id=report.exercise_id)


@login_required
def report_download(request: HttpRequest, report_id: int) -> FileResponse:
    report, _membership = get_report_for_user(request.user, report_id)
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404(_("This report is not ready."))
    try:
        handle = open_report_file(report)
    except FileNotFoundError as exc:  # removed from the store (a bucket's expiry rule, a cleaned folder)
        raise Http404(_("The file of this report is missing.")) from exc
    kind = ReportKind(report.kind)
    filename = f"{report.exercise.key}-{report.language}.{EXTENSIONS[kind]}"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[kind])
