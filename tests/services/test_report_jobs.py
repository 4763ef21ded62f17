"""Report jobs are never stuck and never lost: claims, cancellation, retries and the sweep."""

import gc
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from policies.models import Report
from policies.models.reports import ReportKind, ReportStatus
from policies.services.reports import (
    MAX_ATTEMPTS,
    build_report,
    cancel_report,
    enqueue_report,
    request_report,
    retry_report,
    sweep_reports,
)
from tests.factories import ParticipantFactory, ScoreJudgmentFactory, make_exercise
from tests.viewers import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise():
    exercise = make_exercise(options=3, criteria=2)
    participant = ParticipantFactory(exercise=exercise)
    for i, option in enumerate(exercise.options.all()):
        for criterion in exercise.criteria.all():
            ScoreJudgmentFactory(participant=participant, option=option, criterion=criterion, value=2 + 3 * i)
    return exercise


@pytest.mark.parametrize(
    ("kind", "magic"), [(ReportKind.XLSX, b"PK"), (ReportKind.CSV, b"\xef\xbb\xbf"), (ReportKind.JSON, b"{")]
)
def test_each_kind_is_built_into_a_stored_file(exercise, kind: str, magic: bytes) -> None:
    report = Report.objects.create(exercise=exercise, kind=kind)
    build_report(report.pk)
    report.refresh_from_db()
    assert (report.status, report.progress, report.attempts) == (ReportStatus.DONE, 100, 1), report.error
    assert report.file.open("rb").read().startswith(magic)


def test_an_unreachable_broker_keeps_the_request_and_the_sweep_sends_it_later(
    exercise, django_capture_on_commit_callbacks
) -> None:
    with (
        mock.patch("policies.tasks.build_report_task.delay", side_effect=ConnectionError("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = request_report(viewer=member(exercise), language="en")
    report.refresh_from_db()
    assert (report.status, report.stage, report.enqueued) == (ReportStatus.PENDING, "queue-unavailable", None)
    with mock.patch("policies.tasks.build_report_task.delay") as delay:
        result = sweep_reports()
    delay.assert_called_once_with(report.pk)
    assert result.requeued == 1
    report.refresh_from_db()
    assert report.stage == "queued" and report.enqueued is not None


def test_a_job_whose_worker_died_is_taken_back_then_failed_after_too_many_deaths(exercise) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    report = Report.objects.create(
        exercise=exercise, status=ReportStatus.RUNNING, heartbeat=long_ago, attempts=1
    )
    with mock.patch("policies.tasks.build_report_task.delay") as delay:
        assert sweep_reports().restarted == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING
    delay.assert_called_once_with(report.pk)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, heartbeat=long_ago, attempts=MAX_ATTEMPTS
    )
    with mock.patch("policies.tasks.build_report_task.delay"):
        assert sweep_reports().failed == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "stopped 3 times" in report.error
    # A live job (recent heartbeat) is left alone.
    fresh = Report.objects.create(exercise=exercise, status=ReportStatus.RUNNING, heartbeat=timezone.now())
    with mock.patch("policies.tasks.build_report_task.delay"):
        sweep_reports()
    fresh.refresh_from_db()
    assert fresh.status == ReportStatus.RUNNING


def test_cancel_stops_the_build_between_stages(exercise) -> None:
    report = Report.objects.create(exercise=exercise, kind=ReportKind.CSV)

    def cancel_midway(report_, seen, progress):
        progress(10, "start")
        cancel_report(report=report_)
        progress(50, "judgments")  # the worker notices here
        raise AssertionError("the build should have stopped")

    with mock.patch("policies.services.reports.build_file", side_effect=cancel_midway):
        build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.CANCELLED and not report.file


def test_retry_starts_a_failed_job_again(exercise, django_capture_on_commit_callbacks) -> None:
    report = Report.objects.create(exercise=exercise, status=ReportStatus.FAILED, error="boom", attempts=2)
    with (
        mock.patch("policies.tasks.build_report_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert retry_report(report=report)
    report.refresh_from_db()
    assert (report.status, report.error, report.attempts) == (ReportStatus.PENDING, "", 0)
    delay.assert_called_once_with(report.pk)
    assert not retry_report(report=report)  # only failed or cancelled jobs restart


def test_a_full_disk_fails_the_job_clearly(exercise) -> None:
    report = Report.objects.create(exercise=exercise, kind=ReportKind.CSV)
    with mock.patch(
        "django.core.files.storage.FileSystemStorage._save",
        side_effect=OSError(28, "No space left on device"),
    ):
        build_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "could not be stored" in report.error and "No space left" in report.error


def test_enqueue_marks_the_time(exercise) -> None:
    report = Report.objects.create(exercise=exercise)
    with mock.patch("policies.tasks.build_report_task.delay"):
        assert enqueue_report(report.pk)
    report.refresh_from_db()
    assert report.enqueued is not None


@pytest.mark.parametrize("fails", [False, True])
def test_the_collector_rests_while_a_report_is_built_and_collects_once_it_is_done(
    exercise, fails: bool
) -> None:
    """The cyclic collector is paused for the build (it cost a sixth of a PDF's time) and always resumed,
    with one collection of the youngest generation made after the job's final state is written."""
    report = Report.objects.create(exercise=exercise, kind=ReportKind.CSV)
    seen: dict[str, object] = {}

    def build(report_, visibility, progress):  # type: ignore[no-untyped-def]
        seen["enabled while building"] = gc.isenabled()
        if fails:
            raise RuntimeError("broken")
        return b"a,b\n"

    def collect(*args: object) -> int:
        seen["status when collecting"] = Report.objects.get(pk=report.pk).status
        return 0

    assert gc.isenabled()
    with (
        mock.patch("policies.services.reports.build_file", side_effect=build),
        mock.patch("policies.services.reports.gc.collect", side_effect=collect) as collected,
    ):
        build_report(report.pk)
    assert gc.isenabled()
    collected.assert_called_once_with(0)  # the generation the build's objects are in, not the whole heap
    final = ReportStatus.FAILED if fails else ReportStatus.DONE
    assert seen == {"enabled while building": False, "status when collecting": final}
    report.refresh_from_db()
    assert report.status == final
