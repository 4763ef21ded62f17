"""Turn an exercise into the arrays the analysis engine reads.

This is the only bridge between the ORM and `policies.analysis`: web pages, reports and the API all call
`exercise_arrays`, so every number they show is computed from the same matrices.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import QuerySet
from numpy.typing import NDArray

from policies.models import (
    Criterion,
    Exercise,
    Option,
    PairwiseJudgment,
    Participant,
    Scenario,
    ScoreJudgment,
    WeightJudgment,
)


@dataclass(frozen=True)
class ExerciseArrays:
    """Judgments of one round as dense arrays; NaN marks a cell nobody has judged yet.

    scores: participants x options x criteria, the baseline (no scenario).
    scenario_scores: scenarios x participants x options x criteria; a participant's baseline score stands in
        wherever they did not give a scenario-specific one, because they only change what differs.
    weights: participants x criteria, raw points (the baseline weights).
    scenario_weights: scenarios x participants x criteria. When the exercise lets weights differ by scenario
        (`weights_by_scenario`), a participant's baseline points stand in wherever they gave none for that
        scenario, as for scores; otherwise every scenario repeats the baseline weights.
    pairwise: participants x criteria x criteria, each participant's reciprocal AHP matrix (diagonal 1, NaN
        where not compared yet); scenario_pairwise: scenarios x participants x criteria x criteria, with the
        same baseline fallback as `scenario_weights`.
    weighting_method: how the exercise elicits weights; AHP exercises aggregate the pairwise matrices.
    scenario_judged: scenarios x participants, True where the participant gave at least one judgment of their
        own for the scenario (a score, or weights when weights differ by scenario). The fallbacks above make an
        unjudged scenario look like the baseline; this says which scenarios were actually assessed.
    """

    options: list[Option]
    criteria: list[Criterion]
    scenarios: list[Scenario]
    participants: list[Participant]
    types: NDArray[np.int8]
    scale_min: NDArray[np.float64]  # each criterion's scale in this exercise (`score_scale`)
    scale_max: NDArray[np.float64]
    weights: NDArray[np.float64]
    scores: NDArray[np.float64]
    scenario_scores: NDArray[np.float64]
    round: int
    scenario_weights: NDArray[np.float64]
    pairwise: NDArray[np.float64]
    scenario_pairwise: NDArray[np.float64]
    weighting_method: str
    weights_by_scenario: bool
    scenario_judged: NDArray[np.bool_]


def score_scale(exercise: Exercise, criterion: Criterion) -> tuple[float, float]:
    """The scale a criterion is scored on in an exercise: the exercise's own when its set-up fixed one, else the
    criterion's. Scores are checked against it, unscored cells sit at its middle, and spreads are read as a
    share of it."""
    if exercise.scale_min is not None and exercise.scale_max is not None:
        return exercise.scale_min, exercise.scale_max
    return criterion.scale_min, criterion.scale_max


def reciprocal_matrices(
    count: int, criteria: list[Criterion], judgments: Iterable[tuple[int, int, int, float]]
) -> NDArray[np.float64]:
    """`count` reciprocal matrices over `criteria` (diagonal 1, NaN where not compared) filled from
    (matrix index, criterion_a id, criterion_b id, value) rows; give the rows in round order, later rounds win.
    """
    index = {c.pk: i for i, c in enumerate(criteria)}
    matrices = np.full((count, len(criteria), len(criteria)), np.nan)
    diagonal = np.arange(len(criteria))
    matrices[:, diagonal, diagonal] = 1.0
    for k, a, b, value in judgments:
        if a in index and b in index:
            matrices[k, index[a], index[b]] = value
            matrices[k, index[b], index[a]] = 1.0 / value
    return matrices


def baseline_fallback(specific: NDArray[np.float64], baseline: NDArray[np.float64]) -> NDArray[np.float64]:
    """Scenario judgments (scenarios x ...) with the baseline (...) wherever none was given for the scenario."""
    return np.where(np.isnan(specific), baseline[np.newaxis], specific)


def counted_participants(exercise: Exercise) -> QuerySet[Participant]:
    """The participants the results count ("4 of 4 participants") on every surface: people who judge or were
    invited to (members enrolled by judging, people who joined by the code, a case file's personas), not a
    facilitator whose row exists only because they commented (`Participant.judging`)."""
    return exercise.participants.filter(judging=True)


def exercise_arrays(
    exercise: Exercise, *, round: int | None = None, only: Sequence[Participant] | None = None
) -> ExerciseArrays:
    """Read every judgment up to `round` (default: the current one); later rounds override earlier ones.

    `only` restricts the participants (and the judgments read) to those given: a participant's own screen needs
    only their judgments, and when a full room's screens all redraw at a phase change, reading everyone's
    judgments for each of them would cost the room's size squared.
    """
    round_ = exercise.current_round if round is None else round
    options = list(exercise.options.order_by("position", "pk"))
    criteria = list(exercise.criteria.order_by("position", "pk"))
    scenarios = list(exercise.scenarios.order_by("position", "pk"))
    counted = counted_participants(exercise)
    people = counted if only is None else counted.filter(pk__in=[p.pk for p in only])
    participants = list(people.order_by("pk"))
    o_index = {o.pk: i for i, o in enumerate(options)}
    c_index = {c.pk: i for i, c in enumerate(criteria)}
    s_index = {s.pk: i for i, s in enumerate(scenarios)}
    p_index = {p.pk: i for i, p in enumerate(participants)}
    n_p, n_o, n_c, n_s = len(participants), len(options), len(criteria), len(scenarios)

    by_scenario = bool(exercise.weights_by_scenario) and n_s > 0
    weights = np.full((n_p, n_c), np.nan)
    weights_only = np.full((n_s, n_p, n_c), np.nan)
    judged_by: dict[str, object] = (
        {"participant__in": participants}
        if only is not None
        else {"participant__exercise": exercise, "participant__judging": True}
    )
    weight_rows = WeightJudgment.objects.filter(**judged_by, round__lte=round_)
    if not by_scenario:
        weight_rows = weight_rows.filter(scenario__isnull=True)
    for p_id, c_id, s_id, value in weight_rows.order_by("round").values_list(
        "participant_id", "criterion_id", "scenario_id", "value"
    ):
        if c_id not in c_index:
            continue
        if s_id is None:
            weights[p_index[p_id], c_index[c_id]] = value
        elif s_id in s_index:
            weights_only[s_index[s_id], p_index[p_id], c_index[c_id]] = value

    # Pairwise matrices: the baseline ones first (indices 0..n_p-1), then one block of n_p per scenario.
    pairwise_rows = PairwiseJudgment.objects.filter(**judged_by, round__lte=round_)
    if not by_scenario:
        pairwise_rows = pairwise_rows.filter(scenario__isnull=True)
    matrices = reciprocal_matrices(
        n_p * (n_s + 1),
        criteria,
        (
            (p_index[p_id] + (0 if s_id is None else (s_index[s_id] + 1) * n_p), a, b, value)
            for p_id, s_id, a, b, value in pairwise_rows.order_by("round").values_list(
                "participant_id", "scenario_id", "criterion_a_id", "criterion_b_id", "value"
            )
            if s_id is None or s_id in s_index
        ),
    )
    pairwise = matrices[:n_p]
    pairwise_only = matrices[n_p:].reshape(n_s, n_p, n_c, n_c)

    scores = np.full((n_p, n_o, n_c), np.nan)
    scenario_only = np.full((n_s, n_p, n_o, n_c), np.nan)
    for p_id, o_id, c_id, s_id, value in (
        ScoreJudgment.objects.filter(**judged_by, round__lte=round_)
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
    scenario_scores = baseline_fallback(scenario_only, scores)
    judged = np.any(~np.isnan(scenario_only), axis=(2, 3)) if n_o and n_c else np.zeros((n_s, n_p), bool)
    if by_scenario and n_c:
        judged |= np.any(~np.isnan(weights_only), axis=2)
        off_diagonal = ~np.eye(n_c, dtype=bool)
        judged |= np.any(~np.isnan(pairwise_only[:, :, off_diagonal]), axis=2)

    scales = [score_scale(exercise, c) for c in criteria]
    return ExerciseArrays(
        options=options,
        criteria=criteria,
        scenarios=scenarios,
        participants=participants,
        types=np.array([c.sign for c in criteria], dtype=np.int8),
        scale_min=np.array([low for low, _high in scales], dtype=float),
        scale_max=np.array([high for _low, high in scales], dtype=float),
        weights=weights,
        scores=scores,
        scenario_scores=scenario_scores,
        round=round_,
        scenario_weights=baseline_fallback(weights_only, weights),
        pairwise=pairwise,
        scenario_pairwise=baseline_fallback(pairwise_only, pairwise),
        weighting_method=exercise.weighting_method,
        weights_by_scenario=by_scenario,
        scenario_judged=judged,
    )


def preference_options(
    criteria: Sequence[Criterion], scale_min: NDArray[np.float64], scale_max: NDArray[np.float64]
) -> dict[str, object]:
    """PROMETHEE II's per-criterion preference functions and thresholds, as `policies.analysis` reads them.

    Thresholds are set in each criterion's own units; where the exercise scores on a scale of its own
    (`score_scale`), they are stretched in proportion. A function whose threshold is missing falls back to
    "usual". Empty (the method's defaults) when every criterion uses "usual".
    """
    needs = {"q": {"u-shape", "level", "linear"}, "p": {"v-shape", "level", "linear"}, "s": {"gaussian"}}
    fields = {"q": "indifference_threshold", "p": "preference_threshold", "s": "gaussian_spread"}
    kinds: list[str] = []
    values = {name: np.zeros(len(criteria)) for name in fields}
    for j, criterion in enumerate(criteria):
        kind = criterion.preference_function or "usual"
        own = criterion.scale_max - criterion.scale_min
        stretch = (scale_max[j] - scale_min[j]) / own if own > 0 else 1.0
        given = {name: getattr(criterion, field) for name, field in fields.items()}
        if any(kind in needs[name] and given[name] is None for name in fields):
            kind = "usual"
        for name in fields:
            if kind in needs[name]:
                values[name][j] = float(given[name]) * stretch
        kinds.append(kind)
    if all(kind == "usual" for kind in kinds):
        return {}
    options: dict[str, object] = {"preference": tuple(kinds)}
    for name in fields:
        if any(kind in needs[name] for kind in kinds):
            options[name] = values[name]
    return options
