"""The full analysis behind the results screen, computed from `exercise_arrays` by policies.analysis.

One call reads the judgments once (`exercise_arrays`), keeps the chosen round, scenario and participants, and
runs every analysis the screen shows: the ranking under the chosen method, the three methods side by side with
Kendall's tau, weight sensitivity, SMAA-2 (10,000 draws, fixed seed, computed once per call), the scenario
table with the robustness rules and regret, participants' disagreement, and the weights per participant and
per elicitation method. The page and its charts only read the result: no number is computed twice.

Group weights and the group score matrix come from `policies.selectors.results` (`group_weights`,
`group_scores`), so this screen, the live ranking on the exercise page and the PDF agree. When the exercise
lets weights differ by scenario, each scenario is scored with its own group weights, and
`scenario_weights_table` lays them out beside the baseline's for the screen.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from policies import analysis
from policies.models import Criterion, Exercise, Option, Participant, Scenario
from policies.models.exercises import Method
from policies.models.fields import localize
from policies.selectors.exercise_arrays import ExerciseArrays, exercise_arrays
from policies.selectors.results import ExerciseResults, RankedOption, group_scores, group_weights

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

METHODS: tuple[str, ...] = tuple(Method.values)
#: Robustness rules shown side by side, in display order (names of `analysis.robustness` fields).
RULES = ("expected_value", "maximin", "hurwicz", "max_regret")
SMAA_SAMPLES = 10_000
SMAA_SEED = 2012  # fixed, so the same judgments always give the same acceptabilities
# Steps along each weight sweep. Weighted sum and PROMETHEE II scores are straight lines in the weight, so 5 %
# steps draw them exactly; TOPSIS curves get 2 % steps plus every reversal point.
SENSITIVITY_STEPS = {Method.WEIGHTED_SUM: 20, Method.PROMETHEE_II: 20, Method.TOPSIS: 50}
DISPUTED_CELLS = 12  # cells shown in the spread chart, the most disputed first
DEFAULT_ALPHA = 0.5
# A scenario's group weight that differs from the baseline by more than half a percentage point is flagged: less
# is rounding noise on a screen that prints weights to a tenth of a point.
CHANGED_WEIGHT = 0.005


@dataclass(frozen=True)
class AnalysisRequest:
    """What the user asked to see; every field may be missing or wrong, and falls back to a default.

    participants: participant keys; None means everyone.
    """

    method: str | None = None
    scenario: str | None = None  # a scenario key; None or "" = the baseline
    round: int | None = None
    participants: tuple[str, ...] | None = None
    criterion: str | None = None  # the criterion whose weight the sensitivity chart sweeps
    alpha: float | None = None  # Hurwicz optimism


@dataclass(frozen=True)
class MethodComparison:
    """The three methods on the same matrix and weights: methods x options scores and ranks, Kendall's tau."""

    methods: tuple[str, ...]
    scores: FloatArray
    ranks: IntArray
    tau: tuple[tuple[str, str, float | None], ...]  # (method, method, tau); None when undefined

    @property
    def agree_on_first(self) -> bool:
        return bool(
            all(set(np.flatnonzero(r == 1)) == set(np.flatnonzero(self.ranks[0] == 1)) for r in self.ranks)
        )


@dataclass(frozen=True)
class SensitivitySweep:
    """One criterion's weight swept from 0 to 1 (others keep their proportions), and the stability ranges.

    result: `analysis.weight_sensitivity` for the chosen method (intervals for every criterion, reversals).
    criterion: index of the swept criterion; grid: its weights; scores: grid x options.
    reversals: the swaps along this criterion; reversal_scores: the score both options have at each swap.
    """

    result: analysis.SensitivityResult
    criterion: int
    grid: FloatArray
    scores: FloatArray
    reversals: tuple[analysis.RankReversal, ...]
    reversal_scores: FloatArray
    most_sensitive: int  # the criterion whose weight is closest to changing the top option


@dataclass(frozen=True)
class Disagreement:
    """Participants' spread per cell: the engine's consensus measures and the most disputed cells.

    scores: participants x options x criteria of the selected participants (NaN = not scored).
    disputed: (option, criterion) index pairs, the widest interquartile range first.
    kendall_w: agreement of the participants' own rankings (None when undefined or fewer than two).
    """

    scores: FloatArray
    consensus: analysis.ConsensusResult
    relative_iqr: FloatArray  # IQR as a share of the criterion's scale
    disputed: tuple[tuple[int, int], ...]
    kendall_w: float | None
    raters: int


@dataclass(frozen=True)
class ScenarioAnalysis:
    """The options' method scores in every scenario and the robustness rules over them.

    utilities: options x scenarios (the chosen method's score computed in each scenario).
    weights: scenarios x criteria, the group weights each scenario was scored with: the scenario's own when the
        exercise lets weights differ by scenario, else the baseline group weights in every row.
    baseline_weights: the baseline group weights of the same participants, which the scenarios' are read against.
    weights_by_scenario: whether the exercise lets weights differ by scenario.
    probabilities: from each scenario's plausibility (1 to 5), normalised.
    rule_values / rule_ranks: RULES x options (max_regret values are "lower is better"; ranks 1 = best).
    """

    scenarios: list[Scenario]
    utilities: FloatArray
    weights: FloatArray
    baseline_weights: FloatArray
    weights_by_scenario: bool
    robustness: analysis.RobustnessResult
    alpha: float
    rule_values: FloatArray
    rule_ranks: IntArray

    @property
    def choices(self) -> dict[str, tuple[int, ...]]:
        return {rule: tuple(self.robustness.tied_choices[rule]) for rule in RULES}

    @property
    def rules_agree(self) -> bool:
        return len({self.choices[rule] for rule in RULES}) == 1


@dataclass(frozen=True)
class ScenarioWeight:
    """One criterion's group weight in one scenario, next to its baseline weight."""

    weight: float
    baseline: float

    @property
    def changed(self) -> bool:
        # The tolerance keeps a difference of exactly half a point, blurred by floating point, unmarked.
        return abs(self.weight - self.baseline) > CHANGED_WEIGHT + 1e-9

    @property
    def higher(self) -> bool:
        return self.weight > self.baseline


@dataclass(frozen=True)
class ScenarioWeightRow:
    criterion: str
    baseline: float
    scenarios: tuple[ScenarioWeight, ...]  # in the order of `ScenarioWeightsTable.scenarios`


@dataclass(frozen=True)
class ScenarioWeightsTable:
    """Criteria x (baseline, scenarios): the group weights each scenario was scored with."""

    scenarios: tuple[str, ...]  # display names
    rows: tuple[ScenarioWeightRow, ...]


@dataclass(frozen=True)
class WeightsView:
    """participants: participants x criteria, each row normalised (a blank counts 0; NaN row = not weighted).
    elicitation: method name -> group weights under that elicitation method."""

    group: FloatArray
    participants: FloatArray
    elicitation: dict[str, FloatArray]


@dataclass(frozen=True)
class AnalysisResults:
    exercise: Exercise
    method: str
    scenario: Scenario | None
    scenario_index: int | None
    round: int
    all_participants: list[Participant]
    all_scenarios: list[Scenario]  # every scenario in play, in display order
    selected: tuple[int, ...]  # indices of the chosen participants in all_participants
    options: list[Option]
    criteria: list[Criterion]
    types: NDArray[np.int8]
    scale_min: FloatArray
    scale_max: FloatArray
    matrix: FloatArray  # group scores, options x criteria (unscored cells at the middle of their scale)
    scored: NDArray[np.bool_]  # options x criteria: somebody scored the cell
    weights: WeightsView
    scores: FloatArray  # chosen method, per option
    ranks: IntArray
    order: IntArray  # option indices, best first
    contributions: FloatArray  # options x criteria; rows add up to the score when the method is additive
    additive: bool  # the contributions add up to the method's score (weighted sum, PROMETHEE II)
    results: ExerciseResults  # what the `ranking` partial shows
    comparison: MethodComparison | None
    sensitivity: SensitivitySweep | None
    smaa: analysis.SMAAResult | None
    disagreement: Disagreement | None
    scenarios: ScenarioAnalysis | None
    notices: list[str] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)  # analysis -> why it cannot be shown

    @property
    def participants(self) -> list[Participant]:
        return [self.all_participants[i] for i in self.selected]

    @property
    def top(self) -> tuple[int, ...]:
        return tuple(int(i) for i in np.flatnonzero(self.ranks == 1))


# --------------------------------------------------------------------------- helpers


def _select(arrays: ExerciseArrays, chosen: Sequence[int]) -> ExerciseArrays:
    index = np.asarray(chosen, dtype=np.int64)
    return replace(
        arrays,
        participants=[arrays.participants[i] for i in chosen],
        weights=arrays.weights[index],
        scores=arrays.scores[index],
        scenario_scores=arrays.scenario_scores[:, index],
        scenario_weights=arrays.scenario_weights[:, index],
        pairwise=arrays.pairwise[index],
        scenario_pairwise=arrays.scenario_pairwise[:, index],
    )


def method_scores(
    method: str, matrix: FloatArray, weights: FloatArray, types: NDArray[np.int8]
) -> FloatArray:
    """Scores of one method for one weight vector (options,) or a batch (samples x criteria)."""
    if method == Method.TOPSIS:
        return analysis.topsis(matrix, weights, types)
    if method == Method.PROMETHEE_II:
        return analysis.promethee_ii(matrix, weights, types)
    return analysis.weighted_sum(matrix, weights, types)


def _contributions(
    method: str, matrix: FloatArray, weights: FloatArray, types: NDArray[np.int8]
) -> tuple[FloatArray, bool]:
    """Each criterion's part of each option's score.

    Weighted sum: ``w_j r_ij``. PROMETHEE II: the net flow is linear in the weights, ``phi_i = sum_j w_j phi_ij``
    with ``phi_ij`` the single-criterion flows (the flows under the unit weight vectors ``e_j``), so
    ``w_j phi_ij`` adds up to the score. TOPSIS is not additive: its bars show the weighted-sum parts.
    """
    if matrix.shape[0] < 2:  # one option: every column is constant, so it scores 1 on each criterion
        return np.asarray(weights / weights.sum(), dtype=float)[np.newaxis, :], method == Method.WEIGHTED_SUM
    if method == Method.PROMETHEE_II:
        unit = analysis.promethee_ii(matrix, np.eye(matrix.shape[1]), types)  # criteria x options
        return np.asarray(unit.T * (weights / weights.sum())[np.newaxis, :], dtype=float), True
    parts = analysis.weighted_sum_contributions(matrix, weights, types)
    return np.asarray(parts, dtype=float), method == Method.WEIGHTED_SUM


def participant_weights(arrays: ExerciseArrays, scenario: int | None = None) -> FloatArray:
    """Each participant's weights (baseline, or for scenario index `scenario`) normalised to sum to 1 (a blank
    counts 0, as in `group_weights`); a row of NaN for a participant who has given no points."""
    raw = arrays.weights if scenario is None else arrays.scenario_weights[scenario]
    points = np.nan_to_num(raw, nan=0.0)
    totals = points.sum(axis=1, keepdims=True)
    given = (totals[:, 0] > 0) & ~np.all(np.isnan(raw), axis=1)
    out = np.full(points.shape, np.nan)
    out[given] = points[given] / totals[given]
    return out


def roc_from_points(points: FloatArray) -> FloatArray:
    """Rank-order centroid weights from the order of each participant's points (most points = rank 1).

    ``points`` is one row of points or participants x criteria. Criteria with equal points share the mean of
    the ROC weights of the places they span, so the result does not depend on the order in which ties are
    listed (ROC weights: Barron & Barrett 1996, see `analysis.roc_weights`).
    """
    rows = np.atleast_2d(points)
    n = rows.shape[1]
    cumulative = np.concatenate([[0.0], np.cumsum(analysis.roc_weights(n))])
    ranks = np.atleast_2d(analysis.rank(rows))  # 1 = most points; ties share the best place they span
    sizes = (ranks[:, :, np.newaxis] == ranks[:, np.newaxis, :]).sum(axis=2)
    shares = (cumulative[ranks - 1 + sizes] - cumulative[ranks - 1]) / sizes
    return np.asarray(shares if np.ndim(points) == 2 else shares[0], dtype=float)


def _elicitation(group: FloatArray, rows: FloatArray) -> dict[str, FloatArray]:
    given = ~np.all(np.isnan(rows), axis=1)
    if not given.any() or rows.shape[1] == 0:
        roc = np.full(rows.shape[1], 1.0 / max(rows.shape[1], 1))
    else:
        roc = roc_from_points(np.nan_to_num(rows[given], nan=0.0)).mean(axis=0)
    return {
        str(_("Direct points (used for the ranking)")): group,
        str(_("Rank-order centroid of each participant’s order")): np.asarray(roc, dtype=float),
    }


def _path_weights(weights: FloatArray, j: int, t: FloatArray) -> FloatArray:
    """``w(t) = t e_j + (1 - t) u_j``: criterion j at t, the others rescaled in proportion (u_j = the current
    weights without j, renormalised; equal shares if j held all the weight). The convention of
    `analysis.weight_sensitivity`."""
    others = weights.copy()
    others[j] = 0.0
    total = others.sum()
    if total > 0:
        others = others / total
    else:
        others = np.full(weights.shape, 1.0 / (weights.shape[0] - 1))
        others[j] = 0.0
    path = (1.0 - t)[:, np.newaxis] * others[np.newaxis, :]
    path[:, j] = t
    return path


def _most_sensitive(result: analysis.SensitivityResult) -> int:
    """The criterion whose weight is nearest to a limit of its stability interval (a limit at 0 or 1 is no
    limit); the heaviest weight when no single weight change can displace the top option."""
    weights = result.weights
    low, high = result.intervals[:, 0], result.intervals[:, 1]
    below = np.where(low > 1e-9, weights - low, np.inf)
    above = np.where(high < 1 - 1e-9, high - weights, np.inf)
    margin = np.minimum(below, above)
    if np.isfinite(margin).any():
        return int(np.argmin(margin))
    return int(np.argmax(weights))


def _sensitivity(
    method: str,
    matrix: FloatArray,
    weights: FloatArray,
    types: NDArray[np.int8],
    criterion: int | None,
) -> SensitivitySweep:
    result = analysis.weight_sensitivity(matrix, weights, types, method)
    most = _most_sensitive(result)
    j = most if criterion is None else criterion
    reversals = tuple(r for r in result.reversals if r.criterion == j)
    extra = [r.weight for r in reversals] if method == Method.TOPSIS else []
    steps = np.round(np.linspace(0.0, 1.0, SENSITIVITY_STEPS[method] + 1), 12)
    grid = np.unique(np.concatenate([steps, [result.weights[j]], extra]))
    scores = method_scores(method, matrix, _path_weights(result.weights, j, grid), types)
    if reversals:
        at = method_scores(
            method, matrix, _path_weights(result.weights, j, np.array([r.weight for r in reversals])), types
        )
        reversal_scores = np.array([at[k, r.option_a] for k, r in enumerate(reversals)])
    else:
        reversal_scores = np.zeros(0)
    return SensitivitySweep(result, j, grid, scores, reversals, reversal_scores, most)


def _disagreement(
    method: str,
    scores: FloatArray,
    rows: FloatArray,
    group: FloatArray,
    matrix: FloatArray,
    arrays: ExerciseArrays,
) -> Disagreement:
    result = analysis.consensus(scores)
    width = (arrays.scale_max - arrays.scale_min)[np.newaxis, :]
    relative = result.iqr / np.where(width > 0, width, 1.0)
    cells = [
        (i, j)
        for i in range(result.iqr.shape[0])
        for j in range(result.iqr.shape[1])
        if result.n_judgments[i, j] >= 2
    ]
    cells.sort(key=lambda cell: (-relative[cell], -result.std[cell], cell))
    # Each participant's own ranking: their scores (the group's where they left a cell blank) and weights
    # (the group's if they gave none), scored by the chosen method.
    rankings = []
    for k in range(scores.shape[0]):
        if np.all(np.isnan(scores[k])):
            continue
        own = np.where(np.isnan(scores[k]), matrix, scores[k])
        own_weights = group if np.isnan(rows[k]).any() else rows[k]
        rankings.append(method_scores(method, own, own_weights, arrays.types))
    w: float | None = None
    if len(rankings) >= 2 and matrix.shape[0] >= 2:
        try:
            w = analysis.kendall_w(np.array(rankings))
        except ValueError:
            w = None
    return Disagreement(scores, result, relative, tuple(cells[:DISPUTED_CELLS]), w, len(rankings))


def scenario_group_weights(arrays: ExerciseArrays) -> FloatArray:
    """scenarios x criteria: each scenario's group weights when the exercise lets weights differ by scenario
    (a participant who gave none for a scenario counts with their baseline weights), else the baseline group
    weights repeated."""
    if not arrays.weights_by_scenario:
        return np.tile(group_weights(arrays), (len(arrays.scenarios), 1))
    return np.array([group_weights(arrays, s) for s in range(len(arrays.scenarios))], dtype=float).reshape(
        len(arrays.scenarios), len(arrays.criteria)
    )


def _scenarios(method: str, arrays: ExerciseArrays, alpha: float) -> ScenarioAnalysis:
    weights = scenario_group_weights(arrays)
    utilities = np.empty((len(arrays.options), len(arrays.scenarios)))
    for s in range(len(arrays.scenarios)):
        matrix, _unscored = group_scores(arrays, arrays.scenario_scores[s])
        utilities[:, s] = method_scores(method, matrix, weights[s], arrays.types)
    plausibility = np.array([max(int(s.plausibility), 0) for s in arrays.scenarios], dtype=float)
    result = analysis.robustness(utilities, plausibility if plausibility.sum() > 0 else None, alpha)
    values = np.stack([np.asarray(getattr(result, rule), dtype=float) for rule in RULES])
    oriented = np.where(np.array([rule == "max_regret" for rule in RULES])[:, np.newaxis], -values, values)
    ranks = analysis.rank(oriented)
    return ScenarioAnalysis(
        scenarios=list(arrays.scenarios),
        utilities=utilities,
        weights=weights,
        baseline_weights=group_weights(arrays),
        weights_by_scenario=arrays.weights_by_scenario,
        robustness=result,
        alpha=alpha,
        rule_values=values,
        rule_ranks=ranks,
    )


# --------------------------------------------------------------------------- the bundle


def analysis_results(exercise: Exercise, request: AnalysisRequest | None = None) -> AnalysisResults:
    """Every analysis of the results screen for one choice of method, scenario, round and participants.

    Unknown or out-of-range choices fall back to the defaults (the exercise's method, the baseline, the current
    round, every participant, the most sensitive criterion, alpha 0.5) with a notice saying so; an analysis the
    data cannot support (one option, one criterion, no scenario...) is None with the reason in `unavailable`.
    """
    request = request or AnalysisRequest()
    notices: list[str] = []
    unavailable: dict[str, str] = {}

    method = exercise.method
    if request.method:
        if request.method in METHODS:
            method = request.method
        else:
            notices.append(_("Unknown method “%(value)s”: showing %(method)s.") % {
                "value": request.method, "method": Method(method).label,
            })  # fmt: skip

    round_ = exercise.current_round
    if request.round is not None:
        if 1 <= request.round <= exercise.current_round:
            round_ = request.round
        else:
            notices.append(
                _("There is no round %(round)s: showing round %(current)s.")
                % {"round": request.round, "current": round_}
            )

    alpha = DEFAULT_ALPHA
    if request.alpha is not None:
        if 0.0 <= request.alpha <= 1.0:
            alpha = float(request.alpha)
        else:
            notices.append(_("The optimism index must be between 0 and 1: using 0.5."))

    arrays = exercise_arrays(exercise, round=round_)

    scenario_index: int | None = None
    if request.scenario:
        keys = [s.key for s in arrays.scenarios]
        if request.scenario in keys:
            scenario_index = keys.index(request.scenario)
        else:
            notices.append(
                _("Scenario “%(value)s” is not in play in this exercise: showing the baseline.")
                % {"value": request.scenario}
            )

    everyone = list(range(len(arrays.participants)))
    selected = everyone
    if request.participants is not None:
        keys = [p.key for p in arrays.participants]
        unknown = [key for key in request.participants if key not in keys]
        chosen = sorted({keys.index(key) for key in request.participants if key in keys})
        if unknown:
            notices.append(_("Unknown participants ignored: %(keys)s.") % {"keys": ", ".join(unknown)})
        if chosen:
            selected = chosen
        elif request.participants:
            notices.append(_("None of the chosen participants is in this exercise: showing everyone."))

    criterion: int | None = None
    if request.criterion:
        ckeys = [c.key for c in arrays.criteria]
        if request.criterion in ckeys:
            criterion = ckeys.index(request.criterion)
        else:
            notices.append(
                _("Unknown criterion “%(value)s”: the sensitivity chart shows the most sensitive one.")
                % {"value": request.criterion}
            )

    group = _select(arrays, selected) if selected != everyone else arrays
    scores = group.scores if scenario_index is None else group.scenario_scores[scenario_index]
    # A scenario's own weights rank the options in that scenario, as in the scenario table below.
    weights_in = scenario_index if group.weights_by_scenario else None
    weights = group_weights(group, weights_in)
    rows = participant_weights(group, weights_in)
    weights_view = WeightsView(weights, rows, _elicitation(weights, rows))
    n_options, n_criteria = len(arrays.options), len(arrays.criteria)
    participants_scoring = int(np.any(~np.isnan(scores), axis=(1, 2)).sum()) if len(selected) else 0
    scenario = None if scenario_index is None else arrays.scenarios[scenario_index]

    empty = np.zeros((n_options, n_criteria))
    base = {
        "exercise": exercise,
        "method": method,
        "scenario": scenario,
        "scenario_index": scenario_index,
        "round": round_,
        "all_participants": arrays.participants,
        "all_scenarios": arrays.scenarios,
        "selected": tuple(selected),
        "options": arrays.options,
        "criteria": arrays.criteria,
        "types": arrays.types,
        "scale_min": arrays.scale_min,
        "scale_max": arrays.scale_max,
        "weights": weights_view,
        "notices": notices,
        "unavailable": unavailable,
    }
    if not n_options or not n_criteria:
        reason = _("This exercise has no options or criteria in play yet.")
        for name in ("comparison", "sensitivity", "smaa", "disagreement", "scenarios"):
            unavailable[name] = reason
        return AnalysisResults(
            **base,
            matrix=empty,
            scored=np.zeros((n_options, n_criteria), dtype=bool),
            scores=np.zeros(n_options),
            ranks=np.ones(n_options, dtype=np.int64),
            order=np.arange(n_options),
            contributions=empty,
            additive=False,
            results=ExerciseResults(method, arrays.criteria, weights, [], participants_scoring, 0),
            comparison=None,
            sensitivity=None,
            smaa=None,
            disagreement=None,
            scenarios=None,
        )

    matrix, unscored = group_scores(group, scores)
    scored = ~np.all(np.isnan(scores), axis=0) if scores.shape[0] else np.zeros(matrix.shape, dtype=bool)
    method_score = np.ones(1) if n_options < 2 else method_scores(method, matrix, weights, arrays.types)
    ranks = analysis.rank(method_score)
    order = np.lexsort((np.arange(n_options), ranks))
    contributions, additive = _contributions(method, matrix, weights, arrays.types)
    ranking = [
        RankedOption(
            option=arrays.options[i],
            score=float(method_score[i]),
            rank=int(ranks[i]),
            contributions=[float(v) for v in contributions[i]],
        )
        for i in order
    ]
    results = ExerciseResults(method, arrays.criteria, weights, ranking, participants_scoring, unscored)

    comparison = sensitivity = smaa = disagreement = scenario_analysis = None
    if n_options < 2:
        for name in ("comparison", "sensitivity", "smaa", "scenarios"):
            unavailable[name] = _("Comparing needs at least two options.")
    else:
        all_scores = np.stack([method_scores(m, matrix, weights, arrays.types) for m in METHODS])
        tau: list[tuple[str, str, float | None]] = []
        for a in range(len(METHODS)):
            for b in range(a + 1, len(METHODS)):
                try:
                    value: float | None = analysis.kendall_tau(all_scores[a], all_scores[b])
                except ValueError:
                    value = None
                tau.append((METHODS[a], METHODS[b], value))
        comparison = MethodComparison(METHODS, all_scores, analysis.rank(all_scores), tuple(tau))

        if n_criteria < 2:
            unavailable["sensitivity"] = _("Weight sensitivity needs at least two criteria.")
        else:
            sensitivity = _sensitivity(method, matrix, weights, arrays.types, criterion)

        smaa = analysis.smaa(matrix, arrays.types, method=method, n_samples=SMAA_SAMPLES, seed=SMAA_SEED)

        if not arrays.scenarios:
            unavailable["scenarios"] = _("No scenarios are in play in this exercise.")
        else:
            scenario_analysis = _scenarios(method, group, alpha)

    if not selected or participants_scoring == 0:
        unavailable["disagreement"] = _("No participant has scored yet.")
    else:
        disagreement = _disagreement(method, scores, rows, weights, matrix, group)

    return AnalysisResults(
        **base,
        matrix=matrix,
        scored=scored,
        scores=method_score,
        ranks=ranks,
        order=order,
        contributions=contributions,
        additive=additive,
        results=results,
        comparison=comparison,
        sensitivity=sensitivity,
        smaa=smaa,
        disagreement=disagreement,
        scenarios=scenario_analysis,
    )


def scenario_weights_table(bundle: AnalysisResults) -> ScenarioWeightsTable | None:
    """The weights each scenario was scored with, per criterion, beside the baseline's; None unless the exercise
    lets weights differ by scenario and the scenarios are analysed, since otherwise every column would repeat
    the baseline."""
    analysed = bundle.scenarios
    if analysed is None or not analysed.weights_by_scenario or not analysed.scenarios:
        return None
    baseline = analysed.baseline_weights
    rows = tuple(
        ScenarioWeightRow(
            criterion=display_name(criterion),
            baseline=float(baseline[j]),
            scenarios=tuple(
                ScenarioWeight(float(analysed.weights[s, j]), float(baseline[j]))
                for s in range(len(analysed.scenarios))
            ),
        )
        for j, criterion in enumerate(bundle.criteria)
    )
    return ScenarioWeightsTable(tuple(display_name(s) for s in analysed.scenarios), rows)


def display_name(item: Option | Criterion | Scenario) -> str:
    return localize(item.name) or item.key


def participant_names(
    exercise: Exercise, participants: Sequence[Participant], *, for_facilitator: bool
) -> list[str]:
    """How participants are named on the results screen, following the exercise's anonymity setting.

    Named exercises show aliases; pseudonymous ones show pseudonyms except to facilitators; anonymous ones
    show pseudonyms to everyone (the workshop screens' rule). Exercises without the setting are named.
    """
    anonymity = getattr(exercise, "anonymity", "named")
    hidden = anonymity == "anonymous" or (anonymity == "pseudonymous" and not for_facilitator)
    if not hidden:
        return [p.alias for p in participants]
    return [
        getattr(p, "pseudonym", "") or _("Participant %(number)s") % {"number": k + 1}
        for k, p in enumerate(participants)
    ]
