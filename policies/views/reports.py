from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseStopPolling

from policies.models.reports import ReportStatus
from policies.selectors.access import (
    REPORTING_ROLES,
    get_exercise_for_user,
    get_report_for_user,
    require_role,
)
from policies.services.reports import request_report


@login_required
@require_POST
def report_request(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, membership = get_exercise_for_user(request.user, exercise_id)
    require_role(membership, REPORTING_ROLES)
    report = request_report(exercise=exercise, user_id=request.user.pk, language=get_language() or "en")
    if request.htmx:
        return render(request, "policies/results.html#report-status", {"report": report}, status=202)
    return redirect("results", exercise_id=exercise.pk)


@login_required
def report_status(request: HttpRequest, report_id: int) -> HttpResponse:
    report, _membership = get_report_for_user(request.user, report_id)
    response = render(request, "policies/results.html#report-status", {"report": report})
    if report.is_finished:
        # 286 tells htmx to stop polling; the body still replaces the progress bar with the final state.
        response.status_code = HttpResponseStopPolling.status_code
    return response


@login_required
def report_download(request: HttpRequest, report_id: int) -> FileResponse:
    report, _membership = get_report_for_user(request.user, report_id)
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404("This report is not ready.")
    filename = f"{report.exercise.key}-report.pdf"
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
