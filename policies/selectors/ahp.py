"""A participant's own AHP comparisons: their reciprocal matrix and the consistency guidance the screen shows."""

from dataclasses import dataclass

import numpy as np
from django.db.models import Q
from numpy.typing import NDArray

from policies import analysis
from policies.models import Criterion, PairwiseJudgment, Participant
from policies.selectors.exercise_arrays import baseline_fallback, reciprocal_matrices

# Saaty's threshold: a consistency ratio above it means the comparisons contradict each other too much.
ACCEPTABLE_CR = 0.10


def pairwise_matrix(
    participant: Participant, criteria: list[Criterion], *, round: int, scenario: int | None = None
) -> NDArray[np.float64]:
    """The participant's reciprocal matrix (NaN where not yet compared), judgments up to `round`.

    For a scenario (its id), the participant's baseline comparisons stand in for those they did not give for it.
    """
    judgments = PairwiseJudgment.objects.filter(participant=participant, round__lte=round)
    if scenario is None:
        judgments = judgments.filter(scenario__isnull=True)
    else:
        judgments = judgments.filter(Q(scenario__isnull=True) | Q(scenario_id=scenario))
    matrices = reciprocal_matrices(
        2,
        criteria,
        (
            (0 if s_id is None else 1, a, b, value)
            for s_id, a, b, value in judgments.order_by("round").values_list(
                "scenario_id", "criterion_a_id", "criterion_b_id", "value"
            )
        ),
    )
    own: NDArray[np.float64] = (
        matrices[0] if scenario is None else baseline_fallback(matrices[1:], matrices[0])[0]
    )
    return own


@dataclass(frozen=True)
class AhpStatus:
    complete: bool
    cr: float | None
    acceptable: bool
    weights: list[tuple[Criterion, float]]
    inconsistent: list[tuple[Criterion, Criterion, float, float]]  # a, b, judged, implied


def ahp_status(
    participant: Participant, criteria: list[Criterion], *, round: int, scenario: int | None = None
) -> AhpStatus:
    matrix = pairwise_matrix(participant, criteria, round=round, scenario=scenario)
    if len(criteria) < 2 or np.isnan(matrix).any():
        return AhpStatus(False, None, False, [], [])
    result = analysis.ahp_priorities(matrix)
    worst = analysis.most_inconsistent_comparisons(matrix, top=3) if len(criteria) > 2 else ()
    cr = None if np.isnan(result.cr) else float(result.cr)
    return AhpStatus(
        complete=True,
        cr=cr,
        acceptable=cr is None or cr <= ACCEPTABLE_CR,
        weights=[(c, float(w)) for c, w in zip(criteria, result.weights, strict=True)],
        inconsistent=[(criteria[x.row], criteria[x.column], x.judgment, x.implied) for x in worst],
    )
