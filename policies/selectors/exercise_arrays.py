"""Turn an exercise into the arrays the analysis engine reads.

This is the only bridge between the ORM and `policies.analysis`: web pages, reports and the API all call
`exercise_arrays`, so every number they show is computed from the same matrices.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from policies.models import Criterion, Exercise, Option, Participant, Scenario, ScoreJudgment, WeightJudgment


@dataclass(frozen=True)
class ExerciseArrays:
    """Judgments of one round as dense arrays; NaN marks a cell nobody has judged yet.

    scores: participants x options x criteria, the baseline (no scenario).
    scenario_scores: scenarios x participants x options x criteria; a participant's baseline score stands in
        wherever they did not give a scenario-specific one, because they only change what differs.
    weights: participants x criteria, raw points.
    """

    options: list[Option]
    criteria: list[Criterion]
    scenarios: list[Scenario]
    participants: list[Participant]
    types: NDArray[np.int8]
    scale_min: NDArray[np.float64]
    scale_max: NDArray[np.float64]
    weights: NDArray[np.float64]
    scores: NDArray[np.float64]
    scenario_scores: NDArray[np.float64]
    round: int


def exercise_arrays(exercise: Exercise, *, round: int | None = None) -> ExerciseArrays:
    """Read every judgment up to `round` (default: the current one); later rounds override earlier ones."""
    round_ = exercise.current_round if round is None else round
    options = list(exercise.options.order_by("position", "pk"))
    criteria = list(exercise.criteria.order_by("position", "pk"))
    scenarios = list(exercise.scenarios.order_by("position", "pk"))
    participants = list(exercise.participants.order_by("pk"))
    o_index = {o.pk: i for i, o in enumerate(options)}
    c_index = {c.pk: i for i, c in enumerate(criteria)}
    s_index = {s.pk: i for i, s in enumerate(scenarios)}
    p_index = {p.pk: i for i, p in enumerate(participants)}
    n_p, n_o, n_c, n_s = len(participants), len(options), len(criteria), len(scenarios)

    weights = np.full((n_p, n_c), np.nan)
    for p_id, c_id, value in (
        WeightJudgment.objects.filter(participant__exercise=exercise, round__lte=round_)
        .order_by("round")
        .values_list("participant_id", "criterion_id", "value")
    ):
        if c_id in c_index:
            weights[p_index[p_id], c_index[c_id]] = value

    scores = np.full((n_p, n_o, n_c), np.nan)
    scenario_only = np.full((n_s, n_p, n_o, n_c), np.nan)
    for p_id, o_id, c_id, s_id, value in (
        ScoreJudgment.objects.filter(participant__exercise=exercise, round__lte=round_)
        .order_by("round")
        .values_list("participant_id", "option_id", "criterion_id", "scenario_id", "value")
    ):
        if o_id not in o_index or c_id not in c_index:
            continue
        cell = (p_index[p_id], o_index[o_id], c_index[c_id])
        if s_id is None:
            scores[cell] = value
        elif s_id in s_index:
            scenario_only[(s_index[s_id], *cell)] = value
    scenario_scores = np.where(np.isnan(scenario_only), scores[np.newaxis], scenario_only)

    return ExerciseArrays(
        options=options,
        criteria=criteria,
        scenarios=scenarios,
        participants=participants,
        types=np.array([c.sign for c in criteria], dtype=np.int8),
        scale_min=np.array([c.scale_min for c in criteria], dtype=float),
        scale_max=np.array([c.scale_max for c in criteria], dtype=float),
        weights=weights,
        scores=scores,
        scenario_scores=scenario_scores,
        round=round_,
    )
