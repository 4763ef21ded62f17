"""Results by method through the API: the same numbers as the results selector behind the web page."""

import math

import pytest

from tests.api.conftest import error_of
from tests.viewers import ranking_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["weighted_sum", "topsis", "promethee_ii"])
def test_results_by_method_match_the_web_results(caller, seeded_case, method: str) -> None:
    exercise = seeded_case.exercises.get()
    member = caller("observer", team=seeded_case.team)
    response = member.get(f"/api/exercises/{exercise.pk}/results", {"method": method})
    assert response.status_code == 200
    body = response.json()
    expected = ranking_of(exercise, method)
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


def test_results_say_whether_the_scenarios_were_assessed_and_rank_in_a_scenario(caller) -> None:
    """Scenarios in play that nobody judged: "not assessed", no rule applied; one judgment makes them assessed."""
    from policies.models import ScoreJudgment
    from tests.factories import ParticipantFactory, ScenarioFactory, make_exercise

    exercise = make_exercise(options=2, criteria=2)
    scenarios = ScenarioFactory.create_batch(2, case=exercise.case)
    exercise.scenarios.set(scenarios)
    member = caller("analyst", team=exercise.team)
    person = ParticipantFactory(exercise=exercise)
    first, second = exercise.options.order_by("position", "pk")
    c1, c2 = exercise.criteria.order_by("position", "pk")
    for option, values in ((first, (8, 8)), (second, (2, 2))):
        for criterion, value in zip((c1, c2), values, strict=True):
            ScoreJudgment.objects.create(participant=person, option=option, criterion=criterion, value=value)
    body = member.get(f"/api/exercises/{exercise.pk}/results").json()
    robustness = body["robustness"]
    assert robustness["assessed"] is False
    assert robustness["reason"].startswith("Not assessed")
    assert robustness["choices"] == {}
    assert [(s["key"], s["assessed"], s["scores"]) for s in robustness["scenarios"]] == [
        (scenarios[0].key, False, []),
        (scenarios[1].key, False, []),
    ]
    # Under the second scenario the person thinks the second option excellent: assessed, and ranked there.
    for criterion in (c1, c2):
        ScoreJudgment.objects.create(
            participant=person, option=second, criterion=criterion, scenario=scenarios[1], value=10
        )
    body = member.get(f"/api/exercises/{exercise.pk}/results").json()
    assert body["robustness"]["assessed"] is True
    assert [s["assessed"] for s in body["robustness"]["scenarios"]] == [False, True]
    assert set(body["robustness"]["choices"]) == {"expected_value", "maximin", "hurwicz", "max_regret"}
    in_second = member.get(f"/api/exercises/{exercise.pk}/results", {"scenario": scenarios[1].key}).json()
    assert in_second["scenario"] == scenarios[1].key
    assert in_second["ranking"][0]["option"]["key"] == second.key
    unknown = member.get(f"/api/exercises/{exercise.pk}/results", {"scenario": "nowhere"}).json()
    assert unknown["scenario"] is None and "not in play" in " ".join(unknown["notices"])


def test_results_carry_sensitivity_and_smaa_from_the_bundle(caller, seeded_case) -> None:
    """The weight stability intervals, the sweep and SMAA's acceptabilities are the bundle's own numbers."""
    from policies.selectors.analysis_results import analysis_results
    from policies.selectors.visibility import visibility_for

    exercise = seeded_case.exercises.get()
    body = caller("observer", team=seeded_case.team).get(f"/api/exercises/{exercise.pk}/results").json()
    bundle = analysis_results(exercise, visibility=visibility_for(exercise, facilitator=False))
    sensitivity = body["sensitivity"]
    assert [i["criterion"] for i in sensitivity["intervals"]] == [c.key for c in bundle.criteria]
    for interval, row in zip(sensitivity["intervals"], bundle.sensitivity.result.intervals, strict=True):
        assert interval["low"] <= interval["weight"] <= interval["high"]
        assert math.isclose(interval["low"], row[0]) and math.isclose(interval["high"], row[1])
    assert sensitivity["top"] == [body["ranking"][0]["option"]["key"]]
    sweep = sensitivity["sweep"]
    assert sweep["criterion"] == sensitivity["most_sensitive"]
    assert sweep["weights"][0] == 0.0 and sweep["weights"][-1] == 1.0
    assert all(len(row) == len(body["ranking"]) for row in sweep["scores"])
    smaa = body["smaa"]
    assert smaa["samples"] == 10_000
    assert [o["option"] for o in smaa["options"]] == [r["option"]["key"] for r in body["ranking"]]
    for option in smaa["options"]:
        assert math.isclose(sum(option["ranks"]), 1.0)
    first_places = sum(o["ranks"][0] for o in smaa["options"])
    assert math.isclose(first_places, 1.0)
    assert body["unavailable"] == {}
    assert len(body["participants"]) == 3


def test_results_for_a_subset_of_participants_and_a_chosen_sweep(caller, seeded_case) -> None:
    exercise = seeded_case.exercises.get()
    member = caller("facilitator", team=seeded_case.team)
    url = f"/api/exercises/{exercise.pk}/results"
    everyone = member.get(url).json()
    first = everyone["participants"][0]
    criterion = everyone["criteria"][-1]["key"]
    one = member.get(url, {"participant": [first, "nobody"], "criterion": criterion}).json()
    assert one["participants"] == [first]
    assert one["participants_scoring"] == 1
    assert any("nobody" in notice for notice in one["notices"])
    assert one["sensitivity"]["sweep"]["criterion"] == criterion


def test_sensitivity_and_smaa_are_null_with_a_reason_for_a_single_option(caller) -> None:
    from tests.factories import make_exercise

    exercise = make_exercise(options=1, criteria=2)
    body = caller("analyst", team=exercise.team).get(f"/api/exercises/{exercise.pk}/results").json()
    assert body["sensitivity"] is None and body["smaa"] is None
    assert set(body["unavailable"]) == {"sensitivity", "smaa"}
