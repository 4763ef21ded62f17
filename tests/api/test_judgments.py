"""The caller's judgments through the API, baseline and per scenario: saved by the same services as the web,
all or nothing."""

import pytest
from django.urls import reverse

from policies.models import Exercise, Participant, Scenario, ScoreJudgment, WeightJudgment
from policies.selectors.exercise_arrays import exercise_arrays
from tests.api.conftest import error_of
from tests.factories import CaseFactory, CriterionFactory, ScenarioFactory, make_exercise

pytestmark = pytest.mark.django_db


def url(exercise) -> str:  # type: ignore[no-untyped-def]
    return f"/api/exercises/{exercise.pk}/judgments/mine"


def test_judgments_saved_through_the_api_are_read_back_by_the_api_and_the_web(caller, client) -> None:
    exercise = make_exercise(options=3, criteria=2)
    member = caller("participant", team=exercise.team)
    options = list(exercise.options.order_by("position"))
    first, second = exercise.criteria.order_by("position")
    best = options[1]
    scores = [
        {"option": option.key, "criterion": criterion.key, "value": 9 if option == best else 2}
        for option in options
        for criterion in (first, second)
    ]
    response = member.put(
        url(exercise),
        {
            "weights": [{"criterion": first.key, "value": 70}, {"criterion": second.key, "value": 30}],
            "scores": scores,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["round"] == 1
    assert body["participant"] == f"user-{member.user.pk}"
    assert {(w["criterion"], w["value"]) for w in body["weights"]} == {(first.key, 70), (second.key, 30)}
    assert len(body["scores"]) == 6
    assert member.get(url(exercise)).json() == body
    assert WeightJudgment.objects.filter(participant__user=member.user).count() == 2
    assert ScoreJudgment.objects.filter(participant__user=member.user, value=9).count() == 2

    # The web shows the same: the participant's inputs hold the values, the results rank the best option first.
    client.force_login(member.user)
    page = client.get(reverse("exercise", args=[exercise.pk]))
    assert [row["value"] for row in page.context["weight_rows"]] == ["70", "30"]
    ranking = client.get(reverse("results", args=[exercise.pk]), headers={"HX-Request": "true"})
    assert ranking.context["results"].ranking[0].option == best
    api_results = member.get(f"/api/exercises/{exercise.pk}/results").json()
    assert api_results["ranking"][0]["option"]["key"] == best.key
    assert api_results["participants_scoring"] == 1


def test_a_second_put_updates_the_cells_it_names_and_keeps_the_others(caller) -> None:
    exercise = make_exercise(options=1, criteria=2)
    member = caller("analyst", team=exercise.team)
    first, second = exercise.criteria.order_by("position")
    member.put(url(exercise), {"weights": [{"criterion": first.key, "value": 10}]})
    member.put(url(exercise), {"weights": [{"criterion": second.key, "value": 20}]})
    body = member.put(url(exercise), {"weights": [{"criterion": first.key, "value": 15.5}]}).json()
    assert {(w["criterion"], w["value"]) for w in body["weights"]} == {(first.key, 15.5), (second.key, 20)}
    assert WeightJudgment.objects.count() == 2


def test_an_off_scale_score_is_422_with_the_scale_message_and_nothing_is_written(caller) -> None:
    exercise = make_exercise(options=2, criteria=1)
    member = caller("participant", team=exercise.team)
    criterion = exercise.criteria.get()
    criterion.name = {"en": "Cost"}
    criterion.save()
    option_a, option_b = exercise.options.order_by("position")
    response = member.put(
        url(exercise),
        {
            "weights": [{"criterion": criterion.key, "value": 40}],
            "scores": [
                {"option": option_a.key, "criterion": criterion.key, "value": 5},
                {"option": option_b.key, "criterion": criterion.key, "value": 11},
            ],
        },
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["message"] == "Cost is scored from 0 to 10."
    assert error["details"] == [
        {"location": "body", "path": "$.scores[1]", "message": "Cost is scored from 0 to 10.", "index": 1}
    ]
    assert not WeightJudgment.objects.exists()
    assert not ScoreJudgment.objects.exists()
    assert not Participant.objects.exists()


def test_every_refused_item_is_listed_with_its_index(caller) -> None:
    exercise = make_exercise(options=1, criteria=2)
    member = caller("participant", team=exercise.team)
    first, second = exercise.criteria.order_by("position")
    outside = CriterionFactory(case=exercise.case)  # of the case, not of the exercise
    option = exercise.options.get()
    response = member.put(
        url(exercise),
        {
            "weights": [
                {"criterion": first.key, "value": 101},
                {"criterion": second.key, "value": 50},
                {"criterion": "no-such-criterion", "value": 5},
                {"criterion": outside.key, "value": 5},
                {"criterion": second.key, "value": 60},
            ],
            "scores": [
                {"option": "no-such-option", "criterion": first.key, "value": 5},
                {"option": option.key, "criterion": first.key, "value": 5},
            ],
        },
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["message"] == "5 items were refused; nothing was saved."
    assert [(d["path"], d["index"], d["message"]) for d in error["details"]] == [
        ("$.weights[0]", 0, "Give between 0 and 100 points."),
        ("$.weights[2]", 2, "Unknown criterion 'no-such-criterion'."),
        ("$.weights[3]", 3, "This criterion is not part of the exercise."),
        ("$.weights[4]", 4, "A second weight for the same criterion."),
        ("$.scores[0]", 0, "Unknown option 'no-such-option'."),
    ]
    assert not WeightJudgment.objects.exists() and not ScoreJudgment.objects.exists()


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"weights": [{"criterion": "c", "value": "5"}]}, "$.weights[0].value"),
        ({"weights": [{"criterion": "c", "value": 5, "round": 2}]}, "$.weights[0].round"),
        ({"weights": [{"criterion": "Not A Key", "value": 5}]}, "$.weights[0].criterion"),
        ({"scores": [{"option": "o", "value": 5}]}, "$.scores[0].criterion"),
        ({"weight": []}, "$.weight"),
        ({"weights": {"c": 5}}, "$.weights"),
    ],
)
def test_malformed_bodies_are_422_with_the_place_of_the_problem(caller, body, path: str) -> None:
    exercise = make_exercise()
    member = caller("participant", team=exercise.team)
    response = member.put(url(exercise), body)
    assert response.status_code == 422
    error = error_of(response)
    assert path in [d["path"] for d in error["details"]]
    assert not Participant.objects.exists()


def test_a_body_that_is_not_json_is_400(caller) -> None:
    exercise = make_exercise()
    member = caller("participant", team=exercise.team)
    response = member.put(url(exercise), "{weights: ")
    assert response.status_code == 400
    assert error_of(response) == {
        "code": "bad_request",
        "message": "The request body is not valid JSON.",
        "details": [],
    }


def test_an_empty_put_changes_nothing(caller) -> None:
    exercise = make_exercise()
    member = caller("participant", team=exercise.team)
    response = member.put(url(exercise), {})
    assert response.status_code == 200
    assert response.json()["participant"] is None
    assert not Participant.objects.exists()


def test_observers_may_read_but_not_judge(caller) -> None:
    exercise = make_exercise()
    member = caller("observer", team=exercise.team)
    assert member.get(url(exercise)).json()["weights"] == []
    criterion = exercise.criteria.first()
    response = member.put(url(exercise), {"weights": [{"criterion": criterion.key, "value": 50}]})
    assert response.status_code == 403
    assert error_of(response)["message"] == "Your role in this team does not allow this."
    assert not Participant.objects.exists()


@pytest.mark.parametrize("role", ["owner", "facilitator", "analyst", "participant"])
def test_judging_roles_may_judge(caller, role: str) -> None:
    exercise = make_exercise()
    member = caller(role, team=exercise.team)
    criterion = exercise.criteria.first()
    response = member.put(url(exercise), {"weights": [{"criterion": criterion.key, "value": 50}]})
    assert response.status_code == 200


def test_another_teams_exercise_is_not_found(caller) -> None:
    member = caller("owner")
    other = make_exercise()
    criterion = other.criteria.first()
    assert member.get(url(other)).status_code == 404
    response = member.put(url(other), {"weights": [{"criterion": criterion.key, "value": 50}]})
    assert response.status_code == 404
    assert error_of(response)["message"] == "No such exercise."
    assert not Participant.objects.exists()


def test_only_the_callers_own_judgments_are_shown(caller) -> None:
    exercise = make_exercise(options=1, criteria=1)
    alice = caller("participant", team=exercise.team)
    bob = caller("participant", team=exercise.team)
    criterion = exercise.criteria.get()
    alice.put(url(exercise), {"weights": [{"criterion": criterion.key, "value": 80}]})
    assert bob.get(url(exercise)).json()["weights"] == []
    assert alice.get(url(exercise)).json()["weights"] == [
        {"criterion": criterion.key, "scenario": None, "value": 80.0}
    ]


# -- scenarios ----------------------------------------------------------------------------------------------


def with_scenarios(exercise: Exercise, *, weights_by_scenario: bool = True) -> list[Scenario]:
    """Two scenarios of the exercise's case put in play, in their order."""
    scenarios = ScenarioFactory.create_batch(2, case=exercise.case)
    exercise.scenarios.set(scenarios)
    exercise.weights_by_scenario = weights_by_scenario
    exercise.save()
    return scenarios


def test_baseline_and_scenario_judgments_round_trip_in_the_exercises_order(caller) -> None:
    exercise = make_exercise(options=2, criteria=2)
    dry, wet = with_scenarios(exercise)
    member = caller("participant", team=exercise.team)
    first, second = exercise.criteria.order_by("position")
    option_a, option_b = exercise.options.order_by("position")
    response = member.put(
        url(exercise),
        {
            "weights": [
                {"criterion": second.key, "scenario": wet.key, "value": 90},
                {"criterion": first.key, "value": 60},
                {"criterion": second.key, "scenario": None, "value": 40},
                {"criterion": first.key, "scenario": dry.key, "value": 25.5},
            ],
            "scores": [
                {"option": option_b.key, "criterion": first.key, "scenario": wet.key, "value": 1},
                {"option": option_a.key, "criterion": second.key, "scenario": dry.key, "value": 4},
                *(
                    {"option": option.key, "criterion": criterion.key, "value": 5}
                    for option in (option_b, option_a)
                    for criterion in (second, first)
                ),
            ],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["weights"] == [
        {"criterion": first.key, "scenario": None, "value": 60.0},
        {"criterion": second.key, "scenario": None, "value": 40.0},
        {"criterion": first.key, "scenario": dry.key, "value": 25.5},
        {"criterion": second.key, "scenario": wet.key, "value": 90.0},
    ]
    assert body["scores"] == [
        *(
            {"option": option.key, "criterion": criterion.key, "scenario": None, "value": 5.0}
            for option in (option_a, option_b)
            for criterion in (first, second)
        ),
        {"option": option_a.key, "criterion": second.key, "scenario": dry.key, "value": 4.0},
        {"option": option_b.key, "criterion": first.key, "scenario": wet.key, "value": 1.0},
    ]
    assert member.get(url(exercise)).json() == body
    assert set(
        WeightJudgment.objects.filter(scenario__isnull=False).values_list("criterion", "scenario", "value")
    ) == {(first.pk, dry.pk, 25.5), (second.pk, wet.pk, 90.0)}
    assert set(
        ScoreJudgment.objects.filter(scenario__isnull=False).values_list("option", "criterion", "scenario")
    ) == {(option_a.pk, second.pk, dry.pk), (option_b.pk, first.pk, wet.pk)}

    # The analysis reads them as the web's saves: scenario cells given, the baseline standing in elsewhere.
    arrays = exercise_arrays(exercise)
    assert arrays.scenario_weights[:, 0, :].tolist() == [[25.5, 40.0], [60.0, 90.0]]
    assert arrays.scenario_scores[0, 0].tolist() == [[5.0, 4.0], [5.0, 5.0]]
    assert arrays.scenario_scores[1, 0].tolist() == [[5.0, 5.0], [1.0, 5.0]]


def test_only_the_scenario_cells_given_are_listed_not_the_baseline_standing_in(caller) -> None:
    exercise = make_exercise(options=2, criteria=2)
    dry, _wet = with_scenarios(exercise)
    member = caller("participant", team=exercise.team)
    first, second = exercise.criteria.order_by("position")
    option = exercise.options.order_by("position").first()
    member.put(
        url(exercise),
        {
            "weights": [
                {"criterion": first.key, "value": 50},
                {"criterion": second.key, "value": 50},
                {"criterion": second.key, "scenario": dry.key, "value": 50},
            ],
            "scores": [
                *(
                    {"option": o.key, "criterion": c.key, "value": 3}
                    for o in exercise.options.all()
                    for c in (first, second)
                ),
                # The same value as the baseline: still a judgment given for the scenario.
                {"option": option.key, "criterion": first.key, "scenario": dry.key, "value": 3},
            ],
        },
    )
    body = member.get(url(exercise)).json()
    assert [(s["option"], s["criterion"], s["scenario"]) for s in body["scores"] if s["scenario"]] == [
        (option.key, first.key, dry.key)
    ]
    assert [(w["criterion"], w["scenario"]) for w in body["weights"] if w["scenario"]] == [
        (second.key, dry.key)
    ]
    assert len([s for s in body["scores"] if s["scenario"] is None]) == 4

    # Once weights no longer differ by scenario, the scenario weights no longer count and are not listed.
    exercise.weights_by_scenario = False
    exercise.save()
    weights = member.get(url(exercise)).json()["weights"]
    assert [(w["criterion"], w["scenario"]) for w in weights] == [(first.key, None), (second.key, None)]


def test_a_caller_without_judgments_gets_empty_lists_in_a_scenario_exercise(caller) -> None:
    exercise = make_exercise()
    with_scenarios(exercise)
    member = caller("observer", team=exercise.team)
    body = member.get(url(exercise)).json()
    assert body == {"exercise": exercise.pk, "round": 1, "participant": None, "weights": [], "scores": []}


def refusal(exercise: Exercise, case: str) -> tuple[dict[str, list[dict[str, object]]], str, str]:
    """A body with one refused item (its last), the item's path and the message it is refused with."""
    first = exercise.criteria.order_by("position").first()
    option = exercise.options.order_by("position").first()
    dry = exercise.scenarios.order_by("position").first()
    assert first is not None and option is not None and dry is not None
    weight = {"criterion": first.key, "value": 50}
    score = {"option": option.key, "criterion": first.key, "value": 5}
    if case == "unknown":
        return (
            {"scores": [score, {**score, "scenario": "no-such-scenario"}]},
            "$.scores[1]",
            "Unknown scenario 'no-such-scenario'.",
        )
    if case == "another case":
        elsewhere = ScenarioFactory(case=CaseFactory(team=exercise.team))
        return (
            {"weights": [weight, {**weight, "scenario": elsewhere.key}]},
            "$.weights[1]",
            f"Unknown scenario '{elsewhere.key}'.",
        )
    if case == "not in play":
        idle = ScenarioFactory(case=exercise.case)
        return (
            {"scores": [score, {**score, "scenario": idle.key}]},
            "$.scores[1]",
            f"Scenario '{idle.key}' is not in this exercise.",
        )
    if case == "weights do not differ":
        exercise.weights_by_scenario = False
        exercise.save()
        return (
            {"weights": [weight, {**weight, "scenario": dry.key}]},
            "$.weights[1]",
            "This exercise does not take weights for this scenario.",
        )
    if case == "off range":
        return (
            {"weights": [weight, {**weight, "scenario": dry.key, "value": 101}]},
            "$.weights[1]",
            "Give between 0 and 100 points.",
        )
    if case == "second weight":
        item = {**weight, "scenario": dry.key}
        return (
            {"weights": [weight, item, {**item, "value": 60}]},
            "$.weights[2]",
            f"A second weight for the same criterion in scenario '{dry.key}'.",
        )
    assert case == "second score"
    item = {**score, "scenario": dry.key}
    return (
        {"scores": [score, item, {**item, "value": 6}]},
        "$.scores[2]",
        f"A second score for the same cell in scenario '{dry.key}'.",
    )


@pytest.mark.parametrize(
    "case",
    [
        "unknown",
        "another case",
        "not in play",
        "weights do not differ",
        "off range",
        "second weight",
        "second score",
    ],
)
def test_a_refused_scenario_item_is_422_at_its_path_and_nothing_is_saved(caller, case: str) -> None:
    exercise = make_exercise(options=1, criteria=2)
    with_scenarios(exercise)
    member = caller("participant", team=exercise.team)
    body, path, message = refusal(exercise, case)
    response = member.put(url(exercise), body)
    assert response.status_code == 422, response.content
    error = error_of(response)
    assert error["message"] == message
    assert [(d["path"], d["message"]) for d in error["details"]] == [(path, message)]
    assert not WeightJudgment.objects.exists()
    assert not ScoreJudgment.objects.exists()
    assert not Participant.objects.exists()


def test_a_scenario_refusal_is_translated(caller) -> None:
    exercise = make_exercise(options=1, criteria=1)
    with_scenarios(exercise, weights_by_scenario=False)
    member = caller("participant", team=exercise.team)
    dry = exercise.scenarios.order_by("position").first()
    criterion = exercise.criteria.get()
    response = member.put(
        url(exercise),
        {"weights": [{"criterion": criterion.key, "scenario": dry.key, "value": 50}]},
        headers={"Accept-Language": "fr"},
    )
    assert response.status_code == 422
    assert error_of(response)["message"] == "Cet exercice ne prend pas de pondérations pour ce scénario."


def test_the_same_cell_in_different_scenarios_is_not_a_duplicate(caller) -> None:
    exercise = make_exercise(options=1, criteria=1)
    dry, wet = with_scenarios(exercise)
    member = caller("participant", team=exercise.team)
    criterion = exercise.criteria.get()
    option = exercise.options.get()
    response = member.put(
        url(exercise),
        {
            "weights": [
                {"criterion": criterion.key, "scenario": scenario, "value": value}
                for scenario, value in ((None, 100), (dry.key, 80), (wet.key, 70))
            ],
            "scores": [
                {"option": option.key, "criterion": criterion.key, "scenario": scenario, "value": value}
                for scenario, value in ((wet.key, 9), (None, 5), (dry.key, 2))
            ],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(w["scenario"], w["value"]) for w in body["weights"]] == [
        (None, 100),
        (dry.key, 80),
        (wet.key, 70),
    ]
    assert [(s["scenario"], s["value"]) for s in body["scores"]] == [(None, 5), (dry.key, 2), (wet.key, 9)]
    assert WeightJudgment.objects.count() == 3
    assert ScoreJudgment.objects.count() == 3


def test_items_are_named_by_key_or_by_numeric_id_with_rationales_kept(caller) -> None:
    """The case's endpoints give each item an `id` and a `key`; a judgment accepts either."""
    exercise = make_exercise(options=2, criteria=2)
    member = caller("participant", team=exercise.team)
    option = exercise.options.order_by("position").first()
    first, second = exercise.criteria.order_by("position")
    response = member.put(
        url(exercise),
        {
            "weights": [
                {"criterion": first.pk, "value": 60, "rationale": "It matters most."},
                {"criterion": second.key, "value": 40},
            ],
            "scores": [
                {
                    "option": option.pk,
                    "criterion": first.pk,
                    "value": 7,
                    "rationale": "Seen it.",
                    "confidence": 4,
                }
            ],
        },
    )
    assert response.status_code == 200, response.content
    weight = WeightJudgment.objects.get(participant__user=member.user, criterion=first)
    assert (weight.value, weight.rationale) == (60, {"en": "It matters most."})
    score = ScoreJudgment.objects.get(participant__user=member.user)
    assert (score.option, score.criterion, score.value, score.confidence) == (option, first, 7, 4)
    assert score.rationale == {"en": "Seen it."}
    # An id of another case's item is unknown, with the id in the message, and nothing is saved.
    elsewhere = CriterionFactory(case=CaseFactory(team=exercise.team))
    refused = member.put(url(exercise), {"weights": [{"criterion": elsewhere.pk, "value": 10}]})
    assert refused.status_code == 422
    assert f"Unknown criterion {elsewhere.pk}." in refused.content.decode()
    assert WeightJudgment.objects.get(participant__user=member.user, criterion=first).value == 60
