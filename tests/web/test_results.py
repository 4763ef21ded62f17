import re

import pytest
from django.urls import reverse

from policies.models import Report
from tests.factories import ParticipantFactory, ScoreJudgmentFactory, WeightJudgmentFactory, make_exercise

pytestmark = pytest.mark.django_db


def ranked_keys(html: str) -> list[str]:
    return re.findall(r'<tr data-option="([^"]+)"', html)


@pytest.fixture
def scored(client, login):
    exercise = make_exercise(options=3, criteria=2)
    login("analyst", team=exercise.team)
    options, criteria = list(exercise.options.all()), list(exercise.criteria.all())
    participant = ParticipantFactory(exercise=exercise)
    values = {options[0]: (2, 3), options[1]: (9, 8), options[2]: (5, 5)}
    for option, row in values.items():
        for criterion, value in zip(criteria, row, strict=True):
            ScoreJudgmentFactory(participant=participant, option=option, criterion=criterion, value=value)
    for criterion in criteria:
        WeightJudgmentFactory(participant=participant, criterion=criterion, value=50)
    return exercise, options


@pytest.mark.parametrize("method", ["weighted_sum", "topsis", "promethee_ii"])
def test_ranking_follows_the_scores(client, scored, method: str) -> None:
    exercise, options = scored
    response = client.get(reverse("results", args=[exercise.pk]), {"method": method})
    assert response.status_code == 200
    assert ranked_keys(response.content.decode()) == [options[1].key, options[2].key, options[0].key]


def test_htmx_gets_only_the_ranking_partial(client, scored) -> None:
    exercise, _ = scored
    response = client.get(reverse("results", args=[exercise.pk]), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="ranking"' in html
    assert 'id="figure-contributions"' in html


def test_unscored_cells_are_flagged(client, login) -> None:
    exercise = make_exercise(options=2, criteria=2)
    login("participant", team=exercise.team)
    html = client.get(reverse("results", args=[exercise.pk])).content.decode()
    assert "4 cells have no score yet" in html


def test_requesting_a_report_creates_a_pending_job(
    client, scored, django_capture_on_commit_callbacks
) -> None:
    exercise, _ = scored
    from unittest import mock

    with (
        mock.patch("policies.tasks.build_report_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("report-request", args=[exercise.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 202
    report = Report.objects.get()
    delay.assert_called_once_with(report.pk)
    assert report.status == "pending"
    assert reverse("report-status", args=[report.pk]) in response.content.decode()


def test_an_unreachable_queue_fails_the_job_with_a_clear_message(
    client, scored, django_capture_on_commit_callbacks
) -> None:
    exercise, _ = scored
    from unittest import mock

    with (
        mock.patch("policies.tasks.build_report_task.delay", side_effect=ConnectionError("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(reverse("report-request", args=[exercise.pk]))
    report = Report.objects.get()
    assert report.status == "failed"
    assert "queue is not reachable" in report.error
    status = client.get(reverse("report-status", args=[report.pk]))
    assert status.status_code == 286
    assert "queue is not reachable" in status.content.decode()


def test_facilitator_makes_a_method_official(client, login) -> None:
    exercise = make_exercise()
    login("facilitator", team=exercise.team)
    page = client.get(reverse("results", args=[exercise.pk]), {"method": "topsis"}).content.decode()
    assert 'data-testid="make-official"' in page
    response = client.post(reverse("method-set", args=[exercise.pk]), {"method": "topsis"})
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert exercise.method == "topsis"
    page = client.get(reverse("results", args=[exercise.pk])).content.decode()
    assert "TOPSIS is the exercise’s official method" in page


def test_an_unknown_method_changes_nothing(client, login) -> None:
    exercise = make_exercise()
    login("owner", team=exercise.team)
    response = client.post(reverse("method-set", args=[exercise.pk]), {"method": "astrology"}, follow=True)
    assert "Unknown method" in response.content.decode()
    exercise.refresh_from_db()
    assert exercise.method == "weighted_sum"


@pytest.mark.parametrize("role", ["analyst", "participant", "observer"])
def test_only_facilitators_choose_the_method(client, login, role: str) -> None:
    exercise = make_exercise()
    login(role, team=exercise.team)
    assert client.post(reverse("method-set", args=[exercise.pk]), {"method": "topsis"}).status_code == 403
    assert (
        'data-testid="make-official"'
        not in client.get(reverse("results", args=[exercise.pk]), {"method": "topsis"}).content.decode()
    )
    exercise.refresh_from_db()
    assert exercise.method == "weighted_sum"
