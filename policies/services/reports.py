"""Request and build reports. The web only creates the Report row; a Celery worker builds the file.

Building claims the row with a conditional update, so a task delivered twice (acks_late after a lost
worker) builds once.
"""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from policies.chart_export import ChartExportError, figure_to_svg
from policies.charts import contributions_figure
from policies.models import Exercise, Report
from policies.models.fields import localize
from policies.models.reports import ReportKind, ReportStatus
from policies.selectors.results import exercise_results

logger = logging.getLogger(__name__)


def request_report(*, exercise: Exercise, user_id: int | None, language: str) -> Report:
    report = Report.objects.create(
        exercise=exercise, kind=ReportKind.PDF, language=language[:2], requested_by_id=user_id
    )
    transaction.on_commit(lambda: enqueue_report(report.pk))
    return report


def enqueue_report(report_id: int) -> None:
    from policies.tasks import build_report_task

    try:
        build_report_task.delay(report_id)
    except Exception as exc:  # the broker is unreachable: say so rather than leave the job pending forever
        logger.exception("Could not enqueue report %s", report_id)
        Report.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(
            status=ReportStatus.FAILED,
            error=_("The background queue is not reachable (%(error)s). Try again later.") % {"error": exc},
            finished=timezone.now(),
        )


def _progress(report: Report, percent: int, stage: str) -> None:
    report.progress, report.stage = percent, stage
    Report.objects.filter(pk=report.pk).update(progress=percent, stage=stage)


def build_report(report_id: int) -> None:
    claimed = Report.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(
        status=ReportStatus.RUNNING, started=timezone.now(), progress=5, stage="start"
    )
    if not claimed:
        logger.info("Report %s is already taken or finished", report_id)
        return
    report = Report.objects.select_related("exercise__case", "exercise__team").get(pk=report_id)
    try:
        with translation.override(report.language):
            pdf = render_pdf(report)
        report.file.save(f"report-{report.exercise_id}-{report.pk}.pdf", ContentFile(pdf), save=False)
        Report.objects.filter(pk=report.pk).update(
            file=report.file.name,
            status=ReportStatus.DONE,
            progress=100,
            stage="done",
            finished=timezone.now(),
        )
    except Exception as exc:
        logger.exception("Report %s failed", report_id)
        message = (
            str(exc)
            if isinstance(exc, ChartExportError)
            else _("The report could not be built: %(error)s") % {"error": exc}
        )
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED, error=message, finished=timezone.now()
        )


def render_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    exercise = report.exercise
    _progress(report, 15, "results")
    results = exercise_results(exercise)
    _progress(report, 35, "charts")
    figure = contributions_figure(
        [localize(item.option.name) for item in results.ranking],
        [localize(criterion.name) for criterion in results.criteria],
        [item.contributions for item in results.ranking],
    )
    chart_svg = figure_to_svg(figure, width=900)
    _progress(report, 70, "layout")
    html = render_to_string(
        "policies/report_pdf.html",
        {
            "exercise": exercise,
            "case": exercise.case,
            "results": results,
            "weights": list(zip(results.criteria, results.weights, strict=True)),
            "chart_svg": chart_svg,
            "generated": timezone.now(),
            "participants": exercise.participants.count(),
        },
    )
    _progress(report, 85, "pdf")
    return bytes(HTML(string=html).write_pdf())
