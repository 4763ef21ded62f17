"""Report jobs run by a real Celery worker process on the configured broker (Redis in CI)."""

import io
import time
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from policies.models import Report
from policies.models.fields import localize
from policies.models.reports import ReportStatus
from policies.services.reports import build_report, request_report
from tests.conftest import needs
from tests.factories import ParticipantFactory, ScoreJudgmentFactory, make_exercise
from tests.viewers import member

CHROMIUM = Path("/usr/bin/chromium").exists()


def scored_exercise():
    exercise = make_exercise(options=3, criteria=2)
    participant = ParticipantFactory(exercise=exercise)
    for i, option in enumerate(exercise.options.all()):
        for criterion in exercise.criteria.all():
            ScoreJudgmentFactory(participant=participant, option=option, criterion=criterion, value=2 + 3 * i)
    return exercise


def wait_until_finished(report: Report, seconds: float = 120) -> Report:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_finished:
            return report
        time.sleep(0.5)
    pytest.fail(f"report still {report.status} ({report.stage}) after {seconds}s")


@needs(CHROMIUM, "Chromium is not installed: charts cannot be exported")
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_pdf(celery_worker_process) -> None:
    exercise = scored_exercise()
    report = request_report(viewer=member(exercise), language="en")
    report = wait_until_finished(report)
    assert report.status == ReportStatus.DONE, report.error
    assert report.progress == 100
    pdf = PdfReader(io.BytesIO(report.file.open("rb").read()))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    top = exercise.options.order_by("position").last()  # scored highest on every criterion
    assert f"The option ranked first by the group is {localize(top.name)}" in " ".join(text.split())
    # The chart is vector: its legend is text in the PDF, not pixels.
    for criterion in exercise.criteria.all():
        assert localize(criterion.name) in text


@pytest.mark.django_db(transaction=True)
def test_a_job_is_built_once_even_if_delivered_twice() -> None:
    exercise = scored_exercise()
    report = Report.objects.create(exercise=exercise, status=ReportStatus.RUNNING)
    build_report(report.pk)  # a second delivery finds the job already claimed
    report.refresh_from_db()
    assert (report.status, report.file.name) == (ReportStatus.RUNNING, "")


@pytest.mark.django_db
def test_a_chart_failure_fails_the_job_readably(settings, monkeypatch) -> None:
    from policies import chart_export

    monkeypatch.setattr(chart_export, "_browser", None)
    settings.CHROMIUM_PATH = "/nonexistent/chromium"
    report = Report.objects.create(exercise=scored_exercise())
    build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "Chromium was not found" in report.error


@needs(CHROMIUM, "Chromium is not installed: charts cannot be exported")
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_report_leaves_a_job_the_next_worker_finishes(django_db_setup) -> None:
    import signal
    from datetime import timedelta

    from policies.services.reports import sweep_reports
    from policies.tasks import build_report_task
    from tests.conftest import start_celery_worker, stop_celery_worker

    exercise = scored_exercise()
    # Marked as queued, as `enqueue_report` leaves a job: a job never handed to the broker would be queued again by
    # the sweep this worker runs as it starts, on the suite's shared worker, which could then take the job instead.
    report = Report.objects.create(exercise=exercise, language="en", enqueued=timezone.now(), stage="queued")
    doomed = start_celery_worker("-Q", "kill-test")
    try:
        build_report_task.apply_async(args=[report.pk], queue="kill-test")
        deadline = time.monotonic() + 60
        while report.status != ReportStatus.RUNNING and time.monotonic() < deadline:
            time.sleep(0.05)
            report.refresh_from_db()
        assert report.status == ReportStatus.RUNNING, "the worker never started the job"
        doomed.send_signal(signal.SIGKILL)  # the worker dies mid-report: no cleanup, no acknowledgement
        doomed.wait(timeout=10)
    finally:
        stop_celery_worker(doomed)
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING  # stuck, as far as the database knows
    # The sweep (run every minute by beat, and when a worker starts) takes the job back...
    assert sweep_reports(stale_after=timedelta(seconds=0)).restarted == 1
    # ...and a new worker builds it.
    rescuer = start_celery_worker()
    try:
        report = wait_until_finished(report)
    finally:
        stop_celery_worker(rescuer)
    assert report.status == ReportStatus.DONE, report.error
    assert report.attempts == 2
