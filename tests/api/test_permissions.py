"""Every endpoint, as on the web: without credentials 401; another team's object 404, whatever the role."""

import pytest

from policies.models import Report
from policies.models.reports import ReportStatus
from tests.api.conftest import error_of
from tests.factories import make_exercise

pytestmark = pytest.mark.django_db


def other_team_requests() -> list[tuple[str, str, object]]:
    exercise = make_exercise()
    case = exercise.case
    report = Report.objects.create(exercise=exercise, status=ReportStatus.DONE)
    criterion = exercise.criteria.first()
    return [
        ("get", f"/api/cases/{case.pk}", None),
        ("get", f"/api/cases/{case.pk}/export", None),
        ("get", f"/api/cases/{case.pk}/options", None),
        ("get", f"/api/cases/{case.pk}/criteria", None),
        ("get", f"/api/cases/{case.pk}/scenarios", None),
        ("post", f"/api/teams/{exercise.team.slug}/cases", b"{}"),
        ("get", f"/api/exercises/{exercise.pk}", None),
        ("get", f"/api/exercises/{exercise.pk}/judgments/mine", None),
        (
            "put",
            f"/api/exercises/{exercise.pk}/judgments/mine",
            {"weights": [{"criterion": criterion.key, "value": 5}]},
        ),
        ("get", f"/api/exercises/{exercise.pk}/results", None),
        ("post", f"/api/exercises/{exercise.pk}/reports", None),
        ("get", f"/api/reports/{report.pk}", None),
        ("get", f"/api/reports/{report.pk}/download", None),
    ]


@pytest.mark.parametrize("role", ["owner", "facilitator", "analyst", "participant", "observer"])
def test_other_teams_objects_are_not_found(caller, role: str) -> None:
    member = caller(role)
    for method, url, body in other_team_requests():
        response = getattr(member, method)(url, body) if body is not None else getattr(member, method)(url)
        assert response.status_code == 404, (method, url, response.content)
        assert error_of(response)["code"] == "not_found"
    assert not Report.objects.exclude(status=ReportStatus.DONE).exists()  # nothing was requested


def test_every_endpoint_needs_credentials(client) -> None:
    requests = [*other_team_requests(), ("get", "/api/cases", None), ("get", "/api/exercises", None)]
    requests += [("get", "/api/me", None), ("get", "/api/tokens", None)]
    for method, url, body in requests:
        response = (
            getattr(client, method)(url, body or "", content_type="application/json")
            if method != "get"
            else client.get(url)
        )
        assert response.status_code == 401, (method, url)
        assert error_of(response)["code"] == "not_authenticated"
