"""The analysis bundle behind the charts: chosen participants, scenario and optimism, and safe fallbacks."""

import numpy as np
import pytest

from policies import analysis
from policies.selectors.analysis_results import AnalysisRequest, analysis_results, group_scores, group_weights
from tests.factories import ParticipantFactory, ScoreJudgmentFactory, WeightJudgmentFactory, make_exercise
from tests.viewers import facilitator_view, ranking_of

pytestmark = pytest.mark.django_db


def test_a_participant_group_uses_only_their_judgments(bundles, arrays) -> None:
    bundle = bundles["two_participants"]
    assert [p.key for p in bundle.participants] == ["analyst-a", "analyst-c"]
    chosen = [0, 2]
    points = arrays.weights[chosen] / arrays.weights[chosen].sum(axis=1, keepdims=True)
    np.testing.assert_allclose(bundle.weights.group, points.mean(axis=0))
    np.testing.assert_allclose(bundle.matrix, arrays.scores[chosen].mean(axis=0))
    expected = analysis.weighted_sum(arrays.scores[chosen].mean(axis=0), points.mean(axis=0), arrays.types)
    np.testing.assert_allclose(bundle.scores, expected)
    assert bundle.disagreement.raters == 2
    assert bundle.results.participants_scoring == 2


def test_the_whole_group_matches_the_results_page_ranking(bundle, arrays) -> None:
    np.testing.assert_allclose(bundle.weights.group, group_weights(arrays))
    np.testing.assert_allclose(bundle.matrix, group_scores(arrays, arrays.scores)[0])
    assert bundle.notices == []
    assert [item.rank for item in bundle.results.ranking] == sorted(analysis.rank(bundle.scores).tolist())


def test_a_scenario_ranks_with_its_own_scores(bundles, arrays) -> None:
    bundle = bundles["scenario"]
    s = bundle.scenario_index
    assert arrays.scenarios[s].key == "sc-jihadist-consolidation"
    matrix = group_scores(arrays, arrays.scenario_scores[s])[0]
    np.testing.assert_allclose(bundle.matrix, matrix)
    np.testing.assert_allclose(
        bundle.scores, analysis.weighted_sum(matrix, group_weights(arrays), arrays.types)
    )
    assert not np.allclose(bundle.matrix, bundles["weighted_sum"].matrix)


def test_the_chosen_criterion_and_optimism_are_used(bundles, arrays) -> None:
    bundle = bundles["cost_criterion"]
    assert bundle.criteria[bundle.sensitivity.criterion].key == "c-cost"
    assert bundle.scenarios.alpha == 1.0
    maximax = bundle.scenarios.utilities.max(axis=1)
    np.testing.assert_allclose(bundle.scenarios.robustness.hurwicz, maximax)
    # scenario probabilities follow plausibility (a scenario without one counts the default 3)
    plausibility = np.array([s.plausibility for s in arrays.scenarios], dtype=float)
    np.testing.assert_allclose(bundle.scenarios.robustness.probabilities, plausibility / plausibility.sum())


def test_unknown_choices_fall_back_to_the_defaults_and_say_so(bundles) -> None:
    bad, default = bundles["bad"], bundles["weighted_sum"]
    assert bad.method == "weighted_sum" and bad.scenario is None and bad.round == 1
    assert len(bad.selected) == 3 and bad.scenarios.alpha == 0.5
    assert bad.sensitivity.criterion == default.sensitivity.criterion
    text = " ".join(bad.notices)
    for fragment in ("astrology", "no round 5", "nope", "ghost", "between 0 and 1"):
        assert fragment in text
    np.testing.assert_allclose(bad.scores, default.scores)


def test_earlier_rounds_are_read_as_they_stood() -> None:
    exercise = make_exercise(options=2, criteria=2)
    exercise.current_round = 2
    exercise.save()
    options, criteria = (
        list(exercise.options.order_by("position")),
        list(exercise.criteria.order_by("position")),
    )
    person = ParticipantFactory(exercise=exercise)
    for criterion in criteria:
        WeightJudgmentFactory(participant=person, criterion=criterion, value=50)
    for round_, values in ((1, (9, 1)), (2, (1, 9))):
        for option, value in zip(options, values, strict=True):
            for criterion in criteria:
                ScoreJudgmentFactory(
                    participant=person, option=option, criterion=criterion, value=value, round=round_
                )
    first = analysis_results(exercise, AnalysisRequest(round=1), visibility=facilitator_view(exercise))
    second = analysis_results(exercise, AnalysisRequest(), visibility=facilitator_view(exercise))
    assert first.results.ranking[0].option == options[0]
    assert second.results.ranking[0].option == options[1]
    assert second.round == 2


def test_thin_exercises_degrade_without_errors() -> None:
    nothing = make_exercise(options=0, criteria=0)
    empty = analysis_results(nothing, visibility=facilitator_view(nothing))
    assert empty.results.ranking == [] and empty.smaa is None and "smaa" in empty.unavailable
    single = make_exercise(options=1, criteria=1)
    one = analysis_results(single, visibility=facilitator_view(single))
    assert [item.rank for item in one.results.ranking] == [1]
    assert one.comparison is None and one.sensitivity is None and one.disagreement is None
    unscored = make_exercise(options=3, criteria=1)
    bundle = analysis_results(unscored, visibility=facilitator_view(unscored))
    assert bundle.sensitivity is None and "two criteria" in bundle.unavailable["sensitivity"]
    assert bundle.smaa is not None and bundle.comparison.tau[0][2] is None  # every option tied


def test_the_live_ranking_and_the_bundle_agree() -> None:
    exercise = make_exercise(options=3, criteria=2)
    person = ParticipantFactory(exercise=exercise)
    for k, option in enumerate(exercise.options.order_by("position")):
        for criterion in exercise.criteria.all():
            ScoreJudgmentFactory(participant=person, option=option, criterion=criterion, value=k * 3)
    for method in ("weighted_sum", "topsis", "promethee_ii"):
        live = ranking_of(exercise, method)
        bundle = analysis_results(
            exercise, AnalysisRequest(method=method), visibility=facilitator_view(exercise)
        )
        assert [i.option.key for i in live.ranking] == [i.option.key for i in bundle.results.ranking]
        assert [i.score for i in live.ranking] == pytest.approx([i.score for i in bundle.results.ranking])
