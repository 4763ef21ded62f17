"""Redis, the Celery broker, dies while participants score: scoring goes on, report requests wait, none is lost."""

import time

import pytest
from django.urls import reverse

from policies.models import Exercise, Report, ScoreJudgment
from policies.models.exercises import Phase
from policies.models.reports import ReportKind, ReportStatus
from policies.services.reports import sweep_reports
from tests.conftest import needs, start_celery_worker, stop_celery_worker
from tests.faults.conftest import REDIS_SERVER
from tests.services.test_reports import wait_until_finished
from tests.web.test_workshop_flow import cells, facilitator_client, guest, score, workshop

QUEUE_DOWN_NOTICE = "The background queue is unavailable. Your request is saved"


def request_json_report(client, exercise: Exercise):  # type: ignore[no-untyped-def]
    """As the reports page does: an htmx POST; JSON needs no Chromium, and the queue is what is under test."""
    return client.post(
        reverse("report-request", args=[exercise.pk]), {"kind": ReportKind.JSON, "language": "en"}, HTTP_HX_REQUEST="true"
    )  # fmt: skip


@needs(REDIS_SERVER is not None, "redis-server is not installed: no broker of the test's own to stop")
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_scoring_goes_on_and_a_report_waits_while_the_broker_is_down(private_redis, celery_broker) -> None:
    celery_broker(private_redis.url)
    exercise = workshop()
    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.SCORING)
    facilitator = facilitator_client(exercise)
    people = [guest(exercise, f"Scorer {i}") for i in range(3)]
    options, criteria = cells(exercise)
    grid = [(option, criterion) for option in options for criterion in criteria]
    sent: dict[tuple[int, int, int], float] = {}

    def score_all(values_from: int) -> None:
        for i, (client, participant) in enumerate(people):
            for j, (option, criterion) in enumerate(grid):
                value = float((values_from + 3 * i + j) % 10)
                response = score(client, exercise, option, criterion, f"{value:g}", rationale=f"r{i}{j}")
                assert response.status_code == 200, response.content.decode()[:300]
                sent[(participant.pk, option.pk, criterion.pk)] = value

    worker = start_celery_worker()
    try:
        # Healthy: scores are saved and a report is built by the worker through Redis.
        score_all(values_from=1)
        response = request_json_report(facilitator, exercise)
        assert response.status_code == 202
        before = wait_until_finished(Report.objects.get(exercise=exercise), seconds=60)
        assert before.status == ReportStatus.DONE, before.error

        private_redis.kill()

        # Down: every participant re-scores every cell; each save is answered and stored.
        score_all(values_from=5)
        began = time.monotonic()
        response = request_json_report(facilitator, exercise)
        waited = time.monotonic() - began
        assert response.status_code == 202
        assert waited < 15, f"the request hung {waited:.1f}s on the dead broker"
        during = Report.objects.exclude(pk=before.pk).get(exercise=exercise)
        assert (during.status, during.stage, during.enqueued) == (
            ReportStatus.PENDING,
            "queue-unavailable",
            None,
        )
        # The progress bar's next poll (every second) tells the facilitator why nothing moves yet.
        polled = facilitator.get(reverse("report-status", args=[during.pk]), HTTP_HX_REQUEST="true")
        assert polled.status_code == 200
        assert QUEUE_DOWN_NOTICE in polled.content.decode()
        page = facilitator.get(reverse("reports", args=[exercise.pk])).content.decode()
        assert QUEUE_DOWN_NOTICE in page  # the waiting request is listed, with what is happening

        # Back (empty, as after a crash): the sweep that beat runs every minute sends the job, the worker builds it.
        private_redis.start()
        assert sweep_reports().requeued == 1
        during = wait_until_finished(during, seconds=90)
        assert during.status == ReportStatus.DONE, during.error
        assert during.file.open("rb").read().startswith(b"{")
    finally:
        stop_celery_worker(worker)

    stored = {
        (row.participant_id, row.option_id, row.criterion_id): row.value
        for row in ScoreJudgment.objects.filter(participant__exercise=exercise, round=1, scenario=None)
    }
    assert stored == sent  # the last value of every cell, each cell once
    assert Report.objects.filter(exercise=exercise).count() == 2
