"""Results by method through the API: the same numbers as the results selector behind the web page."""

import math

import pytest

from policies.selectors.results import exercise_results
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["weighted_sum", "topsis", "promethee_ii"])
def test_results_by_method_match_the_web_results(caller, seeded_case, method: str) -> None:
    exercise = seeded_case.exercises.get()
    member = caller("observer", team=seeded_case.team)
    response = member.get(f"/api/exercises/{exercise.pk}/results", {"method": method})
    assert response.status_code == 200
    body = response.json()
    expected = exercise_results(exercise, method=method)
    assert body["method"] == method
    assert body["participants_scoring"] == expected.participants_scoring == 3
    assert [item["option"]["key"] for item in body["ranking"]] == [r.option.key for r in expected.ranking]
    assert [item["rank"] for item in body["ranking"]] == [r.rank for r in expected.ranking]
    assert all(
        math.isclose(item["score"], r.score)
        for item, r in zip(body["ranking"], expected.ranking, strict=True)
    )
    assert math.isclose(sum(c["weight"] for c in body["criteria"]), 1.0)
    assert [c["key"] for c in body["criteria"]] == [c.key for c in expected.criteria]
    assert all(len(item["contributions"]) == len(body["criteria"]) for item in body["ranking"])
    assert set(body["ranking"][0]["option"]["name"]) == {"en", "fr"}


def test_without_a_method_the_exercises_own_is_used(caller, seeded_case) -> None:
    exercise = seeded_case.exercises.get()
    body = caller("participant", team=seeded_case.team).get(f"/api/exercises/{exercise.pk}/results").json()
    assert body["method"] == exercise.method


def test_an_unknown_method_is_422(caller, seeded_case) -> None:
    exercise = seeded_case.exercises.get()
    response = caller("participant", team=seeded_case.team).get(
        f"/api/exercises/{exercise.pk}/results", {"method": "electre"}
    )
    assert response.status_code == 422
    assert error_of(response)["details"][0]["path"] == "method"


def test_another_teams_results_are_not_found(caller, seeded_case) -> None:
    exercise = seeded_case.exercises.get()
    response = caller("owner").get(f"/api/exercises/{exercise.pk}/results")
    assert response.status_code == 404
    assert error_of(response)["message"] == "No such exercise."


def test_exercises_list_and_detail(caller, seeded_case) -> None:
    member = caller("participant", team=seeded_case.team)
    exercise = seeded_case.exercises.get()
    listing = member.get("/api/exercises").json()
    assert listing["count"] == 1
    assert listing["items"][0]["id"] == exercise.pk
    assert member.get("/api/exercises", {"case": seeded_case.pk}).json()["count"] == 1
    assert member.get("/api/exercises", {"case": seeded_case.pk + 1000}).json()["count"] == 0
    detail = member.get(f"/api/exercises/{exercise.pk}").json()
    assert detail["role"] == "participant" and detail["can_judge"] is True
    assert detail["participants"] == 3
    assert [o["key"] for o in detail["options"]] == [o.key for o in exercise.options.order_by("position")]
    assert caller("owner").get("/api/exercises").json()["count"] == 0
