"""The results selector feeds the seeded exercise through the engine exactly as the engine computes it."""

from pathlib import Path

import numpy as np
import pytest

from policies import analysis
from policies.casefile.validation import parse_case_file
from policies.models import ScoreJudgment
from policies.selectors.analysis_results import group_weights
from policies.selectors.exercise_arrays import exercise_arrays
from policies.services.case_import import import_case
from tests.factories import TeamFactory
from tests.viewers import ranking_of

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parents[2] / "seeds" / "mali-2012.json"


@pytest.fixture
def exercise():
    case = import_case(case_file=parse_case_file(SEED.read_bytes()), team=TeamFactory())
    return case.exercises.get()


def test_arrays_hold_every_judgment_of_the_sample(exercise) -> None:
    arrays = exercise_arrays(exercise)
    assert arrays.scores.shape == (3, 8, 11)
    assert not np.isnan(arrays.scores).any()
    assert not np.isnan(arrays.weights).any()
    assert arrays.scenario_scores.shape == (4, 3, 8, 11)
    # a scenario cell differs from the baseline exactly where a persona gave a scenario-specific score
    changed = int((arrays.scenario_scores != arrays.scores[np.newaxis]).sum())
    assert (
        changed
        == ScoreJudgment.objects.filter(participant__exercise=exercise, scenario__isnull=False).count()
    )


@pytest.mark.parametrize("method", ["weighted_sum", "topsis", "promethee_ii"])
def test_ranking_matches_the_engine(exercise, method: str) -> None:
    arrays = exercise_arrays(exercise)
    points = arrays.weights / arrays.weights.sum(axis=1, keepdims=True)
    weights = points.mean(axis=0)
    matrix = arrays.scores.mean(axis=0)
    expected = getattr(analysis, method)(matrix, weights, arrays.types)
    results = ranking_of(exercise, method)
    np.testing.assert_allclose(group_weights(arrays), weights)
    by_key = {item.option.key: item for item in results.ranking}
    for i, option in enumerate(arrays.options):
        assert by_key[option.key].score == pytest.approx(expected[i])
    assert [item.rank for item in results.ranking] == sorted(analysis.rank(expected).tolist())
    assert results.unscored_cells == 0
    assert results.participants_scoring == 3


def test_contributions_add_up_to_the_weighted_sum(exercise) -> None:
    results = ranking_of(exercise, "weighted_sum")
    for item in results.ranking:
        assert sum(item.contributions) == pytest.approx(item.score)
