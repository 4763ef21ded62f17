"""A member of one team never sees another team's data: every such request is a 404."""

import pytest
from django.urls import reverse

from policies.models import Report
from policies.models.reports import ReportStatus
from tests.factories import make_exercise

pytestmark = pytest.mark.django_db


def other_team_urls() -> list[tuple[str, str]]:
    exercise = make_exercise()
    option, criterion = exercise.options.first(), exercise.criteria.first()
    report = Report.objects.create(exercise=exercise, status=ReportStatus.DONE)
    return [
        ("get", reverse("team", args=[exercise.team.slug])),
        ("get", reverse("case", args=[exercise.case_id])),
        ("get", reverse("exercise", args=[exercise.pk])),
        ("get", reverse("results", args=[exercise.pk])),
        ("post", reverse("weight-save", args=[exercise.pk, criterion.pk])),
        ("post", reverse("score-save", args=[exercise.pk, option.pk, criterion.pk])),
        ("post", reverse("report-request", args=[exercise.pk])),
        ("post", reverse("method-set", args=[exercise.pk])),
        ("get", reverse("report-status", args=[report.pk])),
        ("get", reverse("reports", args=[exercise.pk])),
        ("post", reverse("report-cancel", args=[report.pk])),
        ("post", reverse("report-retry", args=[report.pk])),
        ("get", reverse("report-download", args=[report.pk])),
    ]


@pytest.mark.parametrize("role", ["owner", "facilitator", "participant", "observer"])
def test_other_teams_objects_are_not_found(client, login, role: str) -> None:
    login(role)
    for method, url in other_team_urls():
        response = getattr(client, method)(url, {"value": "5"} if method == "post" else None)
        assert response.status_code == 404, url
    assert Report.objects.count() == 1  # no report was requested on the other team's exercise


def test_anonymous_visitors_are_sent_to_login(client) -> None:
    for method, url in [*other_team_urls(), ("get", reverse("home"))]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))


def test_observers_cannot_judge_or_request_reports(client, login) -> None:
    exercise = make_exercise()
    login("observer", team=exercise.team)
    option, criterion = exercise.options.first(), exercise.criteria.first()
    assert client.get(reverse("exercise", args=[exercise.pk])).status_code == 200
    assert (
        client.post(
            reverse("score-save", args=[exercise.pk, option.pk, criterion.pk]), {"value": "5"}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("weight-save", args=[exercise.pk, criterion.pk]), {"value": "5"}).status_code
        == 403
    )
    assert client.post(reverse("report-request", args=[exercise.pk])).status_code == 403
    assert not exercise.participants.exists()


def test_saving_needs_post(client, login) -> None:
    exercise = make_exercise()
    login("participant", team=exercise.team)
    criterion = exercise.criteria.first()
    assert client.get(reverse("weight-save", args=[exercise.pk, criterion.pk])).status_code == 405


def test_a_cell_of_another_case_is_refused_as_not_part_of_the_exercise(client, login) -> None:
    """The same answer as for ids that name nothing: another case's option does not show it exists."""
    exercise = make_exercise()
    login("participant", team=exercise.team)
    foreign = make_exercise()
    option, criterion = foreign.options.first(), foreign.criteria.first()
    for ids in ((option.pk, criterion.pk), (10**9, 10**9)):
        response = client.post(reverse("score-save", args=[exercise.pk, *ids]), {"value": "5"})
        assert response.status_code == 422
        assert "This cell is not part of the exercise." in response.content.decode()
