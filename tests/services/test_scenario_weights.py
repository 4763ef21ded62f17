"""Weights that differ by scenario: saving them, refusing what the exercise does not collect, and the results
they feed (the scenario robustness rules), plus AHP group weights from the pairwise matrices."""

import json

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from policies import analysis
from policies.casefile.validation import CaseFileError, parse_case_file
from policies.models import Exercise, PairwiseJudgment, ScoreJudgment, WeightJudgment
from policies.models.exercises import Phase
from policies.selectors.analysis_results import AnalysisRequest, analysis_results
from policies.selectors.exercise_arrays import exercise_arrays
from policies.services import workshop as services
from policies.services.case_import import import_case
from policies.services.exercise_setup import create_exercise
from policies.services.judgments import record_comparisons, record_points, record_ranking
from tests.factories import ParticipantFactory, ScenarioFactory, TeamFactory, make_exercise
from tests.viewers import export_all, facilitator_view, judging

pytestmark = pytest.mark.django_db


def by_scenario(*, scenarios: int = 2, criteria: int = 2, **fields) -> Exercise:
    """A facilitated exercise in the weighting phase with `scenarios` scenarios in play."""
    exercise = make_exercise(options=2, criteria=criteria)
    exercise.scenarios.set(ScenarioFactory.create_batch(scenarios, case=exercise.case))
    fields = {"weights_by_scenario": True, **fields}
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, phase=Phase.WEIGHTING, **fields)
    exercise.refresh_from_db()
    return exercise


def in_order(queryset) -> list:
    return list(queryset.order_by("position", "pk"))


def points(participant, *, scenario=None) -> dict[int, float]:
    return dict(
        WeightJudgment.objects.filter(participant=participant, scenario=scenario).values_list(
            "criterion_id", "value"
        )
    )


def test_points_are_saved_per_scenario_beside_the_baseline() -> None:
    exercise = by_scenario()
    a, b = in_order(exercise.criteria)
    first, second = in_order(exercise.scenarios)
    person = ParticipantFactory(exercise=exercise)
    record_points(viewer=judging(person), points={a.pk: 60, b.pk: 40})
    record_points(viewer=judging(person), points={a.pk: 10, b.pk: 90}, scenario=second.pk)
    # Saving the scenario again updates its rows; the baseline update still finds exactly one row.
    record_points(viewer=judging(person), points={a.pk: 20, b.pk: 80}, scenario=second.pk)
    record_points(viewer=judging(person), points={a.pk: 70, b.pk: 30})
    record_points(viewer=judging(person), points={a.pk: 75}, complete=False)
    assert points(person) == {a.pk: 75, b.pk: 30}
    assert points(person, scenario=second) == {a.pk: 20, b.pk: 80}
    assert points(person, scenario=first) == {}
    assert WeightJudgment.objects.filter(participant=person).count() == 4

    arrays = exercise_arrays(exercise)
    np.testing.assert_allclose(arrays.weights[0], [75, 30])
    # No weights for the first scenario: the baseline stands in.
    np.testing.assert_allclose(arrays.scenario_weights[:, 0], [[75, 30], [20, 80]])


def test_scenario_weights_follow_the_same_rules_as_the_baseline() -> None:
    for method, message in (("direct", "add up to 90"), ("swing", "most 100")):
        exercise = by_scenario(weighting_method=method)
        a, b = in_order(exercise.criteria)
        scenario = in_order(exercise.scenarios)[0]
        person = ParticipantFactory(exercise=exercise)
        with pytest.raises(ValidationError, match=message):
            record_points(viewer=judging(person), points={a.pk: 50, b.pk: 40}, scenario=scenario.pk)
    exercise = by_scenario(weighting_method="rank")
    a, b = in_order(exercise.criteria)
    scenario = in_order(exercise.scenarios)[0]
    person = ParticipantFactory(exercise=exercise)
    with pytest.raises(ValidationError, match="each rank once"):
        record_ranking(viewer=judging(person), ranks={a.pk: 1, b.pk: 1}, scenario=scenario.pk)
    assert not WeightJudgment.objects.exists()
    roc = record_ranking(viewer=judging(person), ranks={a.pk: 2, b.pk: 1}, scenario=scenario.pk)
    assert roc == pytest.approx([25.0, 75.0])
    assert points(person, scenario=scenario) == pytest.approx({a.pk: 25.0, b.pk: 75.0})
    assert points(person) == {}


def test_scenario_weights_are_refused_when_the_exercise_does_not_collect_them() -> None:
    exercise = by_scenario(weights_by_scenario=False)
    a, b = in_order(exercise.criteria)
    in_play = in_order(exercise.scenarios)[0]
    person = ParticipantFactory(exercise=exercise)
    raw = {a.pk: 50.0, b.pk: 50.0}
    with pytest.raises(ValidationError, match="does not take weights for this scenario"):
        record_points(viewer=judging(person), points=raw, scenario=in_play.pk)

    Exercise.objects.filter(pk=exercise.pk).update(weights_by_scenario=True)
    exercise.refresh_from_db()
    person.exercise = exercise
    not_in_play = ScenarioFactory(case=exercise.case)
    other_case = ScenarioFactory()
    for scenario in (not_in_play, other_case):
        with pytest.raises(ValidationError, match="does not take weights for this scenario"):
            record_points(viewer=judging(person), points=raw, scenario=scenario.pk)
    assert not WeightJudgment.objects.exists() and not PairwiseJudgment.objects.exists()

    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.REVEAL)
    exercise.refresh_from_db()
    person.exercise = exercise
    with pytest.raises(ValidationError, match="Reveal"):
        record_points(viewer=judging(person), points=raw, scenario=in_play.pk)


def test_scenario_comparisons_start_from_the_baseline_ones() -> None:
    exercise = by_scenario(weighting_method="ahp", criteria=3)
    a, b, c = in_order(exercise.criteria)
    scenario = in_order(exercise.scenarios)[1]
    person = ParticipantFactory(exercise=exercise)
    record_comparisons(viewer=judging(person), ratios={(a.pk, b.pk): 3, (a.pk, c.pk): 3, (b.pk, c.pk): 1})
    # One changed comparison completes the scenario's matrix with the two baseline ones.
    record_comparisons(viewer=judging(person), ratios={(a.pk, b.pk): 1 / 3}, scenario=scenario.pk)
    assert PairwiseJudgment.objects.filter(participant=person, scenario=scenario).count() == 1
    assert (
        PairwiseJudgment.objects.get(participant=person, criterion_a=a, criterion_b=b, scenario=None).value
        == 3
    )
    matrix = np.array([[1, 1 / 3, 3], [3, 1, 1], [1 / 3, 1, 1]])
    expected = analysis.ahp_priorities(matrix).weights * 100
    stored = points(person, scenario=scenario)
    assert [stored[x.pk] for x in (a, b, c)] == pytest.approx(expected, abs=1e-3)
    arrays = exercise_arrays(exercise)
    np.testing.assert_allclose(arrays.scenario_pairwise[1, 0], matrix)
    np.testing.assert_allclose(arrays.scenario_pairwise[0, 0], arrays.pairwise[0])


def test_the_toggle_needs_scenarios_in_play() -> None:
    exercise = by_scenario(scenarios=0, weights_by_scenario=False)
    with pytest.raises(ValidationError, match="only when scenarios are in play"):
        services.update_settings(
            exercise=exercise, expected_version=exercise.version, settings={"weights_by_scenario": True}
        )
    exercise.refresh_from_db()
    assert not exercise.weights_by_scenario
    exercise.scenarios.set([ScenarioFactory(case=exercise.case)])
    services.update_settings(
        exercise=exercise, expected_version=exercise.version, settings={"weights_by_scenario": True}
    )
    exercise.refresh_from_db()
    assert exercise.weights_by_scenario
    common = {
        "case": exercise.case,
        "title": "Again",
        "options": exercise.options.all(),
        "criteria": exercise.criteria.all(),
        "method": "weighted_sum",
        "created_by_id": None,
        "weights_by_scenario": True,
    }
    with pytest.raises(ValueError, match="only when scenarios are in play"):
        create_exercise(scenarios=[], **common)
    assert create_exercise(scenarios=exercise.scenarios.all(), **common).weights_by_scenario


def robust_exercise(*, weights_by_scenario: bool) -> tuple[Exercise, list]:
    """Two options that trade off two criteria; the scenarios change only what the criteria are worth.

    Scores (0-10, both benefits): A = (10, 0), B = (0, 10), so the weighted sum gives A the weight of the first
    criterion and B that of the second. Baseline weights 60/40 for both participants make A best everywhere;
    the first participant weighs the second scenario 10/90, the second gave no scenario weights (baseline).
    Second scenario's group weights: mean of (0.1, 0.9) and (0.6, 0.4) = (0.35, 0.65).
    Utilities, scenario 1 / 2: A 0.6 / 0.35, B 0.4 / 0.65. Expected value (equal plausibility): A 0.475,
    B 0.525; maximin: A 0.35, B 0.4; max regret: A 0.3, B 0.2; Hurwicz 0.5: A 0.475, B 0.525. So B is the
    robust choice under every rule; with one set of weights for all scenarios, A is.
    """
    exercise = by_scenario(weights_by_scenario=weights_by_scenario)
    option_a, option_b = in_order(exercise.options)
    c1, c2 = in_order(exercise.criteria)
    _first, second = in_order(exercise.scenarios)
    people = ParticipantFactory.create_batch(2, exercise=exercise)
    for person in people:
        for option, values in ((option_a, (10, 0)), (option_b, (0, 10))):
            for criterion, value in zip((c1, c2), values, strict=True):
                ScoreJudgment.objects.create(
                    participant=person, option=option, criterion=criterion, value=value
                )
        WeightJudgment.objects.create(participant=person, criterion=c1, value=60)
        WeightJudgment.objects.create(participant=person, criterion=c2, value=40)
    WeightJudgment.objects.create(participant=people[0], criterion=c1, scenario=second, value=10)
    WeightJudgment.objects.create(participant=people[0], criterion=c2, scenario=second, value=90)
    return exercise, [option_a, option_b]


def test_per_scenario_weights_change_the_robust_option() -> None:
    exercise, (option_a, option_b) = robust_exercise(weights_by_scenario=True)
    bundle = analysis_results(exercise, visibility=facilitator_view(exercise))
    table = bundle.scenarios
    assert table is not None
    np.testing.assert_allclose(table.weights, [[0.6, 0.4], [0.35, 0.65]])
    np.testing.assert_allclose(table.utilities, [[0.6, 0.35], [0.4, 0.65]])
    assert table.choices == {rule: (1,) for rule in table.choices}
    assert table.robustness.maximin == pytest.approx([0.35, 0.4])
    # The baseline ranking keeps the baseline weights.
    np.testing.assert_allclose(bundle.weights.group, [0.6, 0.4])
    assert bundle.options[int(bundle.order[0])] == option_a
    # Looking at the second scenario ranks with its own weights.
    second = exercise.scenarios.order_by("position", "pk")[1]
    in_second = analysis_results(
        exercise, AnalysisRequest(scenario=second.key), visibility=facilitator_view(exercise)
    )
    np.testing.assert_allclose(in_second.weights.group, [0.35, 0.65])
    assert in_second.options[int(in_second.order[0])] == option_b


def test_without_the_toggle_scenario_weights_are_ignored() -> None:
    """Without the toggle the stored scenario weights count for nothing, and nobody scored a scenario: the
    scenarios were not assessed, so there is no robustness verdict (every scenario would copy the baseline)."""
    exercise, (_a, _b) = robust_exercise(weights_by_scenario=False)
    bundle = analysis_results(exercise, visibility=facilitator_view(exercise))
    assert bundle.scenarios is None
    assert bundle.scenarios_assessed is False
    assert bundle.unavailable["scenarios"].startswith("Not assessed")
    np.testing.assert_allclose(bundle.weights.group, [0.6, 0.4])
    # One scenario score makes them assessed, and they are analysed with the baseline weights.
    _first, second = in_order(exercise.scenarios)
    option_a, c1 = in_order(exercise.options)[0], in_order(exercise.criteria)[0]
    person = exercise.participants.order_by("pk").first()
    ScoreJudgment.objects.create(participant=person, option=option_a, criterion=c1, scenario=second, value=10)
    table = analysis_results(exercise, visibility=facilitator_view(exercise)).scenarios
    assert table is not None
    np.testing.assert_allclose(table.weights, [[0.6, 0.4], [0.6, 0.4]])
    assert table.choices == {rule: (0,) for rule in table.choices}
    assert [s.pk for s in table.unchanged] == [_first.pk]


def test_ahp_group_weights_are_the_geometric_mean_of_the_matrices_not_the_mean_of_weights() -> None:
    """Two participants, three criteria. The group matrix (AIJ) is the element-wise geometric mean of both
    matrices; its priorities differ from the arithmetic mean of the two priority vectors."""
    exercise = by_scenario(scenarios=0, weights_by_scenario=False, weighting_method="ahp", criteria=3)
    a, b, c = in_order(exercise.criteria)
    first, second = ParticipantFactory.create_batch(2, exercise=exercise)
    record_comparisons(viewer=judging(first), ratios={(a.pk, b.pk): 9, (a.pk, c.pk): 9, (b.pk, c.pk): 1})
    record_comparisons(viewer=judging(second), ratios={(a.pk, b.pk): 1 / 3, (a.pk, c.pk): 1, (b.pk, c.pk): 5})
    m1 = np.array([[1, 9, 9], [1 / 9, 1, 1], [1 / 9, 1, 1]])
    m2 = np.array([[1, 1 / 3, 1], [3, 1, 5], [1, 1 / 5, 1]])
    geometric = analysis.ahp_priorities(np.sqrt(m1 * m2)).weights
    arithmetic = (analysis.ahp_priorities(m1).weights + analysis.ahp_priorities(m2).weights) / 2
    assert np.abs(geometric - arithmetic).max() > 0.02, "the example must tell the two apart"

    bundle = analysis_results(exercise, visibility=facilitator_view(exercise))
    np.testing.assert_allclose(bundle.weights.group, geometric, rtol=1e-9)
    # Each participant's own weights stay their own priorities.
    np.testing.assert_allclose(bundle.weights.participants[0], analysis.ahp_priorities(m1).weights, atol=1e-5)

    # A third participant who has not finished counts in neither.
    late = ParticipantFactory(exercise=exercise)
    record_comparisons(viewer=judging(late), ratios={(a.pk, b.pk): 1 / 9})
    np.testing.assert_allclose(
        analysis_results(exercise, visibility=facilitator_view(exercise)).weights.group, geometric, rtol=1e-9
    )


def test_case_files_carry_scenario_weights_and_the_setting_exactly() -> None:
    exercise, _options = robust_exercise(weights_by_scenario=True)
    exported = export_all(exercise.case)
    (item,) = exported["exercises"]
    second = in_order(exercise.scenarios)[1]
    assert item["weights_by_scenario"] is True
    scenario_weights = [w for w in item["weights"] if w.get("scenario")]
    assert {w["scenario"] for w in scenario_weights} == {second.key} and len(scenario_weights) == 2
    # Baseline weights first for each participant, then the scenario's (the canonical order).
    first_person = [
        w.get("scenario") for w in item["weights"] if w["participant"] == item["participants"][0]["id"]
    ]
    assert first_person == [None, None, second.key, second.key]

    copy = import_case(case_file=parse_case_file(json.dumps(exported)), team=TeamFactory())
    copied = copy.exercises.get()
    assert copied.weights_by_scenario
    assert WeightJudgment.objects.filter(participant__exercise=copied, scenario__key=second.key).count() == 2
    assert export_all(copy) == exported
    table = analysis_results(copied, visibility=facilitator_view(copied)).scenarios
    assert (
        table is not None
        and table.choices
        == analysis_results(exercise, visibility=facilitator_view(exercise)).scenarios.choices
    )


def test_case_files_refuse_a_weight_for_a_scenario_outside_the_exercise() -> None:
    exercise, _options = robust_exercise(weights_by_scenario=True)
    exported = export_all(exercise.case)
    exercise_item = exported["exercises"][0]
    outside = {**exercise_item["weights"][-1], "scenario": "no-such-scenario"}
    duplicate = dict(exercise_item["weights"][-1])
    n = len(exercise_item["weights"])
    exercise_item["weights"] += [outside, duplicate]
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(json.dumps(exported))
    paths = [problem.path for problem in caught.value.problems]
    assert paths == [f"$.exercises[0].weights[{n}].scenario", f"$.exercises[0].weights[{n + 1}]"]
