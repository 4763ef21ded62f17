"""Group results of an exercise, computed by policies.analysis from `exercise_arrays`."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from policies import analysis
from policies.models import Criterion, Exercise, Option
from policies.models.exercises import Method, WeightingMethod
from policies.selectors.exercise_arrays import ExerciseArrays, exercise_arrays


@dataclass(frozen=True)
class RankedOption:
    option: Option
    score: float
    rank: int
    contributions: list[float]


@dataclass(frozen=True)
class ExerciseResults:
    """What the results page, the report and the API show about the group's current judgments."""

    method: str
    criteria: list[Criterion]
    weights: NDArray[np.float64]  # group weights, summing to 1
    ranking: list[RankedOption]  # best first
    participants_scoring: int
    unscored_cells: int  # cells nobody has scored; shown at the middle of their scale

    @property
    def top(self) -> RankedOption | None:
        return self.ranking[0] if self.ranking else None


def group_weights(arrays: ExerciseArrays, scenario: int | None = None) -> NDArray[np.float64]:
    """The group's weights, for the baseline or for scenario index `scenario`; equal weights until somebody
    has weighted.

    AHP exercises take the priorities of the geometric mean of the finished pairwise matrices
    (`ahp_group_weights`). Otherwise, and in AHP exercises until a matrix is finished: the mean of each
    participant's normalised points, where a criterion a participant left blank counts as 0 points for them
    (points are a budget, and a blank is read as "not worth any").
    """
    ahp = ahp_group_weights(arrays, scenario) if arrays.weighting_method == WeightingMethod.AHP else None
    if ahp is not None:
        return ahp
    raw = arrays.weights if scenario is None else arrays.scenario_weights[scenario]
    given = ~np.all(np.isnan(raw), axis=1)
    points = np.nan_to_num(raw[given], nan=0.0)
    totals = points.sum(axis=1)
    points = points[totals > 0]
    if points.shape[0] == 0:
        return np.full(len(arrays.criteria), 1.0 / max(len(arrays.criteria), 1))
    return np.asarray((points / points.sum(axis=1, keepdims=True)).mean(axis=0), dtype=float)


def ahp_group_weights(arrays: ExerciseArrays, scenario: int | None = None) -> NDArray[np.float64] | None:
    """AHP group priorities (geometric mean of the finished pairwise matrices, AIJ) for the baseline or a
    scenario; None while nobody has finished their comparisons. The facilitator's dashboard and the results
    both read this, so they agree."""
    matrices = arrays.pairwise if scenario is None else arrays.scenario_pairwise[scenario]
    if len(arrays.criteria) < 2 or not (~np.isnan(matrices).any(axis=(1, 2))).any():
        return None
    return np.asarray(analysis.group_ahp_priorities(matrices).weights, dtype=float)


def group_scores(arrays: ExerciseArrays, scores: NDArray[np.float64]) -> tuple[NDArray[np.float64], int]:
    """Mean score per cell over the participants who scored it, and how many cells nobody scored."""
    matrix = analysis.aggregate_scores(scores, method="mean")
    missing = np.isnan(matrix)
    midpoint = np.broadcast_to((arrays.scale_min + arrays.scale_max) / 2, matrix.shape)
    return np.where(missing, midpoint, matrix), int(missing.sum())


def exercise_results(
    exercise: Exercise, *, method: str | None = None, arrays: ExerciseArrays | None = None
) -> ExerciseResults:
    method = method or exercise.method
    arrays = arrays if arrays is not None else exercise_arrays(exercise)
    weights = group_weights(arrays)
    participants_scoring = (
        int(np.any(~np.isnan(arrays.scores), axis=(1, 2)).sum()) if arrays.participants else 0
    )
    if not arrays.options or not arrays.criteria:
        return ExerciseResults(method, arrays.criteria, weights, [], participants_scoring, 0)
    matrix, unscored = group_scores(arrays, arrays.scores)
    if len(arrays.options) < 2:
        scores = np.ones(1)
    elif method == Method.TOPSIS:
        scores = analysis.topsis(matrix, weights, arrays.types)
    elif method == Method.PROMETHEE_II:
        scores = analysis.promethee_ii(matrix, weights, arrays.types)
    else:
        scores = analysis.weighted_sum(matrix, weights, arrays.types)
    # The weighted-sum parts of each score: what the stacked bars show, whichever method ranks.
    contributions = analysis.weighted_sum_contributions(matrix, weights, arrays.types)
    ranks = analysis.rank(scores)
    order = np.lexsort((np.arange(len(scores)), ranks))
    ranking = [
        RankedOption(
            option=arrays.options[i],
            score=float(scores[i]),
            rank=int(ranks[i]),
            contributions=[float(value) for value in contributions[i]],
        )
        for i in order
    ]
    return ExerciseResults(method, arrays.criteria, weights, ranking, participants_scoring, unscored)
