"""The one analysis of an exercise: every number a surface shows, computed once, as its viewer may see it.

The facilitator's dashboard, the participants' reveal and Delphi feedback, the results page and its charts, the
PDF, the workbook, the CSV and JSON exports and the API all read an `AnalysisResults`, so a report never
contradicts the dashboard. One call reads the judgments once (`exercise_arrays`), keeps the chosen round,
scenario and participants, and computes:

- at once, what every surface needs: group weights, the group score matrix, the ranking under the chosen
  method with each criterion's contribution, the consensus per cell (quartiles, IQR, agreement with the
  exercise's threshold, by the one quantile rule of `analysis.consensus`) and Kendall's W of the participants'
  own rankings;
- on first use (cached), what only the results page and the reports show: the three methods side by side,
  weight sensitivity, SMAA-2 (10,000 draws, fixed seed), the scenario table with the robustness rules, and the
  rationales behind each cell.

The viewer's `Visibility` (policies.selectors.visibility) is applied here: a round the viewer may not see yet
is never computed for them (`ResultsWithheld`), and participants are labelled by the policy's one rule.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from policies import analysis
from policies.formatting import display_name
from policies.models import Criterion, Exercise, Option, Participant, Scenario, ScoreJudgment
from policies.models.exercises import Method, WeightingMethod
from policies.models.fields import localize
from policies.selectors.exercise_arrays import ExerciseArrays, exercise_arrays, preference_options
from policies.selectors.visibility import Visibility

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

METHODS: tuple[str, ...] = tuple(Method.values)
#: Robustness rules shown side by side, in display order (names of `analysis.robustness` fields).
RULES = ("expected_value", "maximin", "hurwicz", "max_regret")
SMAA_SAMPLES = 10_000
SMAA_SEED = 2012  # fixed, so the same judgments always give the same acceptabilities
# Steps along each weight sweep. Weighted sum and PROMETHEE II scores are straight lines in the weight, so 5 %
# steps draw them exactly; TOPSIS curves get 2 % steps plus every reversal point.
SENSITIVITY_STEPS: dict[str, int] = {Method.WEIGHTED_SUM: 20, Method.PROMETHEE_II: 20, Method.TOPSIS: 50}
DISPUTED_CELLS = 12  # cells shown in the spread chart, the most disputed first
DEFAULT_ALPHA = 0.5
# A scenario's group weight that differs from the baseline by more than half a percentage point is flagged: less
# is rounding noise on a screen that prints weights to a tenth of a point.
CHANGED_WEIGHT = 0.005


class ResultsWithheld(Exception):
    """The viewer may not see any round of this exercise's group results yet; the message says why."""


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


# --------------------------------------------------------------------------- group weights and scores


def group_weights(arrays: ExerciseArrays, scenario: int | None = None) -> FloatArray:
    """The group's weights, for the baseline or for scenario index `scenario`; equal weights until somebody
    has weighted.

    AHP exercises take the priorities of the geometric mean of the finished pairwise matrices
    (`ahp_group_weights`). Otherwise, and in AHP exercises until a matrix is finished: the mean of each
    participant's normalised points (`analysis.normalize_points`: a blank counts as 0 points).
    """
    ahp = ahp_group_weights(arrays, scenario) if arrays.weighting_method == WeightingMethod.AHP else None
    if ahp is not None:
        return ahp
    rows = participant_weights(arrays, scenario)
    given = ~np.isnan(rows).any(axis=1)
    if not given.any():
        return np.full(len(arrays.criteria), 1.0 / max(len(arrays.criteria), 1))
    return np.asarray(rows[given].mean(axis=0), dtype=float)


def participant_weights(arrays: ExerciseArrays, scenario: int | None = None) -> FloatArray:
    """participants x criteria: each participant's points as weights summing to 1 (NaN row: not weighted)."""
    raw = arrays.weights if scenario is None else arrays.scenario_weights[scenario]
    if raw.shape[1] == 0:
        return np.full(raw.shape, np.nan)
    return analysis.normalize_points(raw)


def ahp_group_weights(arrays: ExerciseArrays, scenario: int | None = None) -> FloatArray | None:
    """AHP group priorities (geometric mean of the finished pairwise matrices, AIJ) for the baseline or a
    scenario; None while nobody has finished their comparisons."""
    matrices = arrays.pairwise if scenario is None else arrays.scenario_pairwise[scenario]
    if len(arrays.criteria) < 2 or not (~np.isnan(matrices).any(axis=(1, 2))).any():
        return None
    return np.asarray(analysis.group_ahp_priorities(matrices).weights, dtype=float)


def group_scores(arrays: ExerciseArrays, scores: FloatArray) -> tuple[FloatArray, int]:
    """Mean score per cell over the participants who scored it (cells nobody scored at the middle of the
    exercise's scale), and how many cells nobody scored."""
    if scores.shape[0] == 0:
        matrix = np.full(scores.shape[1:], np.nan)
    else:
        matrix = analysis.aggregate_scores(scores, method="mean")
    missing = np.isnan(matrix)
    midpoint = np.broadcast_to((arrays.scale_min + arrays.scale_max) / 2, matrix.shape)
    return np.where(missing, midpoint, matrix), int(missing.sum())


def scenario_group_weights(arrays: ExerciseArrays) -> FloatArray:
    """scenarios x criteria: each scenario's group weights when the exercise lets weights differ by scenario
    (a participant who gave none for a scenario counts with their baseline weights), else the baseline group
    weights repeated."""
    if not arrays.weights_by_scenario:
        return np.tile(group_weights(arrays), (len(arrays.scenarios), 1))
    return np.array([group_weights(arrays, s) for s in range(len(arrays.scenarios))], dtype=float).reshape(
        len(arrays.scenarios), len(arrays.criteria)
    )


# --------------------------------------------------------------------------- parts of the bundle


@dataclass(frozen=True)
class RankedOption:
    option: Option
    score: float
    rank: int
    contributions: list[float]


@dataclass(frozen=True)
class ExerciseResults:
    """The ranking as the ranking partial, the dashboard and the API show it."""

    method: str
    criteria: list[Criterion]
    weights: FloatArray  # group weights, summing to 1
    ranking: list[RankedOption]  # best first
    participants_scoring: int
    unscored_cells: int  # cells nobody has scored; shown at the middle of their scale

    @property
    def top(self) -> RankedOption | None:
        return self.ranking[0] if self.ranking else None

    @property
    def scored(self) -> bool:
        """Whether anybody has scored: before that, every option ties and a ranking would say nothing."""
        return self.participants_scoring > 0


@dataclass(frozen=True)
class CellStats:
    """The group's judgments on one cell, from `Consensus`: the Delphi feedback, the dashboard's hotspots and
    the report's disputed cells."""

    option: Option
    criterion: Criterion
    n: int
    median: float
    q1: float
    q3: float
    iqr: float
    relative_iqr: float
    agreed: bool
    rationales: tuple[str, ...] = ()

    @property
    def consensus(self) -> bool:
        return self.agreed


@dataclass(frozen=True)
class Consensus:
    """How far the selected participants agree, cell by cell and on the ranking.

    result: `analysis.consensus` of their scores (quartiles, IQR, standard deviation, counts).
    agreed: options x criteria, scored cells whose IQR is within the exercise's threshold.
    relative_iqr: the IQR as a share of each criterion's scale (the exercise's own scale when it fixes one).
    disputed: scored (by two or more) cells not agreed, the widest relative spread first.
    kendall_w: Kendall's W of the participants' own rankings under the bundle's method; None when undefined.
    """

    result: analysis.ConsensusResult
    threshold: float
    agreed: BoolArray
    relative_iqr: FloatArray
    disputed: tuple[tuple[int, int], ...]
    kendall_w: float | None
    raters: int

    @property
    def judged(self) -> int:
        return int((self.result.n_judgments > 0).sum())

    @property
    def agreed_count(self) -> int:
        return int(self.agreed.sum())

    @property
    def reached(self) -> bool:
        return self.judged > 0 and not self.disputed


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
    """What the disagreement charts draw: each selected participant's scores and the consensus measures.

    scores: participants x options x criteria of the selected participants (NaN = not scored).
    disputed: the DISPUTED_CELLS widest cells scored by two or more (agreed ones included when few are in
        dispute), the widest relative interquartile range first.
    """

    scores: FloatArray
    consensus: analysis.ConsensusResult
    relative_iqr: FloatArray
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
    unchanged: the scenarios in play under which nobody changed a judgment, so that the baseline stands in them
        (analysed only once some other scenario was judged: with none judged, there is no analysis at all).
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
    unchanged: list[Scenario] = field(default_factory=list)

    def column(self, scenario: Scenario | None) -> int | None:
        """The column of `scenario` among the analysed ones; None for the baseline or a scenario not assessed."""
        pks = [s.pk for s in self.scenarios]
        return pks.index(scenario.pk) if scenario is not None and scenario.pk in pks else None

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


# --------------------------------------------------------------------------- the bundle


class AnalysisResults:
    """Every analysis of one exercise for one choice of method, scenario, round and participants, as one
    viewer may see it. Build it with `analysis_results`."""

    def __init__(
        self,
        *,
        exercise: Exercise,
        visibility: Visibility,
        arrays: ExerciseArrays,
        group: ExerciseArrays,
        method: str,
        scenario_index: int | None,
        selected: tuple[int, ...],
        criterion: int | None,
        alpha: float,
        notices: list[str],
    ) -> None:
        self.exercise = exercise
        self.visibility = visibility
        self.method = method
        self.round = arrays.round
        self.scenario_index = scenario_index
        self.scenario: Scenario | None = None if scenario_index is None else arrays.scenarios[scenario_index]
        self.all_participants: list[Participant] = arrays.participants
        self.all_scenarios: list[Scenario] = arrays.scenarios
        # Whether anyone in the round judged the options under each scenario in play, decided here once (over the
        # whole group, so that choosing participants does not turn an assessed exercise into an unassessed one).
        # Participants change only what differs, so once they judged some scenario, one they left alone keeps the
        # baseline; but when they judged none, the scenarios were never assessed and every surface says "not
        # assessed" rather than reading a verdict into copies of the baseline.
        self.assessed: tuple[bool, ...] = tuple(bool(v) for v in arrays.scenario_judged.any(axis=1))
        self.selected = selected
        self.options: list[Option] = arrays.options
        self.criteria: list[Criterion] = arrays.criteria
        self.types = arrays.types
        self.scale_min: FloatArray = arrays.scale_min
        self.scale_max: FloatArray = arrays.scale_max
        # Each criterion's PROMETHEE preference function and thresholds, set in the case editor.
        self.promethee_options: dict[str, Any] = preference_options(
            self.criteria, self.scale_min, self.scale_max
        )
        self.method_options: dict[str, Any] = self.promethee_options if method == Method.PROMETHEE_II else {}
        self.notices = notices
        self.unavailable: dict[str, str] = {}
        self.arrays = arrays  # every participant's judgments of the round, as read
        self._group = group
        self._criterion = criterion
        self._alpha = alpha

        # A scenario's own weights rank the options in that scenario, as in the scenario table below.
        weights_in = scenario_index if group.weights_by_scenario else None
        self.participant_scores: FloatArray = (
            group.scores if scenario_index is None else group.scenario_scores[scenario_index]
        )
        weights = group_weights(group, weights_in)
        rows = participant_weights(group, weights_in)
        self.weights = WeightsView(weights, rows, _elicitation(weights, rows))
        n_options, n_criteria = len(self.options), len(self.criteria)
        scores = self.participant_scores
        self.participants_scoring = int(np.any(~np.isnan(scores), axis=(1, 2)).sum()) if len(selected) else 0
        self.ready = bool(n_options and n_criteria)
        if not self.ready:
            reason = _("This exercise has no options or criteria in play yet.")
            for name in ("comparison", "sensitivity", "smaa", "disagreement", "scenarios"):
                self.unavailable[name] = reason
            self.matrix = np.zeros((n_options, n_criteria))
            self.scored = np.zeros((n_options, n_criteria), dtype=bool)
            self.scores = np.zeros(n_options)
            self.ranks = np.ones(n_options, dtype=np.int64)
            self.order = np.arange(n_options)
            self.contributions = np.zeros((n_options, n_criteria))
            self.additive = False
            self.unscored_cells = 0
        else:
            self.matrix, self.unscored_cells = group_scores(group, scores)
            self.scored = (
                ~np.all(np.isnan(scores), axis=0) if scores.shape[0] else np.zeros_like(self.matrix, bool)
            )
            self.scores = analysis.method_scores(
                method, self.matrix, weights, self.types, **self.method_options
            )
            self.ranks = analysis.rank(self.scores)
            self.order = np.lexsort((np.arange(n_options), self.ranks))
            self.contributions, self.additive = analysis.method_contributions(
                method, self.matrix, weights, self.types, **self.method_options
            )
            if n_options < 2:
                for name in ("comparison", "sensitivity", "smaa", "scenarios"):
                    self.unavailable[name] = _("Comparing needs at least two options.")
            elif n_criteria < 2:
                self.unavailable["sensitivity"] = _("Weight sensitivity needs at least two criteria.")
            if n_options >= 2 and not self.all_scenarios:
                self.unavailable["scenarios"] = _("No scenarios are in play in this exercise.")
            elif n_options >= 2 and not any(self.assessed):
                self.unavailable["scenarios"] = not_assessed_reason(self.all_scenarios)
        if not selected or self.participants_scoring == 0:
            self.unavailable["disagreement"] = _("No participant has scored yet.")
        self.results = ExerciseResults(
            method,
            self.criteria,
            weights,
            [
                RankedOption(
                    option=self.options[i],
                    score=float(self.scores[i]),
                    rank=int(self.ranks[i]),
                    contributions=[float(v) for v in self.contributions[i]],
                )
                for i in self.order
            ]
            if self.ready
            else [],
            self.participants_scoring,
            self.unscored_cells,
        )

    # -- who is who

    @property
    def participants(self) -> list[Participant]:
        return [self.all_participants[i] for i in self.selected]

    @cached_property
    def labels(self) -> list[str]:
        """Every participant of the exercise as this viewer may name them (the visibility policy's one rule)."""
        return [self.visibility.label(p) for p in self.all_participants]

    @property
    def selected_labels(self) -> list[str]:
        return [self.labels[i] for i in self.selected]

    @cached_property
    def parts(self) -> tuple[FloatArray, bool]:
        """The weight-free parts of the options' scores under the bundle's method (`analysis.method_parts`):
        scores for other weights are their weighted sums. (zeros, False) when the method is not additive."""
        if not self.ready:
            return np.zeros((len(self.options), len(self.criteria))), False
        return analysis.method_parts(self.method, self.matrix, self.types)

    @property
    def top(self) -> tuple[int, ...]:
        return tuple(int(i) for i in np.flatnonzero(self.ranks == 1)) if self.ready else ()

    # -- scenarios assessed or not

    @property
    def assessed_scenarios(self) -> list[Scenario]:
        return [s for s, judged in zip(self.all_scenarios, self.assessed, strict=True) if judged]

    @property
    def unassessed_scenarios(self) -> list[Scenario]:
        """The scenarios in play that nobody judged the options under (the baseline stands in them)."""
        return [s for s, judged in zip(self.all_scenarios, self.assessed, strict=True) if not judged]

    @property
    def scenarios_assessed(self) -> bool | None:
        """Whether the scenarios were assessed at all: None when none is in play, False when none was judged."""
        return any(self.assessed) if self.all_scenarios else None

    # -- agreement, on every surface

    @cached_property
    def consensus(self) -> Consensus:
        scores = self.participant_scores
        shape = (len(self.options), len(self.criteria))
        if not self.ready:
            empty = np.zeros(shape)
            result = analysis.ConsensusResult(empty, empty, np.zeros(shape, np.int64), empty, empty, empty)
            return Consensus(result, self.exercise.consensus_threshold, empty > 0, empty, (), None, 0)
        if scores.shape[0] == 0:
            scores = np.full((1, *shape), np.nan)
        result = analysis.consensus(scores)
        relative = result.relative_iqr(self.scale_max - self.scale_min) if shape[1] else np.zeros(shape)
        agreed = result.agreed(self.exercise.consensus_threshold)
        cells = [
            (i, j)
            for i in range(shape[0])
            for j in range(shape[1])
            if result.n_judgments[i, j] >= 2 and not agreed[i, j]
        ]
        cells.sort(key=lambda cell: (-relative[cell], -result.iqr[cell], cell))
        w, raters = self._kendall()
        return Consensus(result, self.exercise.consensus_threshold, agreed, relative, tuple(cells), w, raters)

    @cached_property
    def individual_scores(self) -> FloatArray:
        """Each selected participant's own score of every option under the bundle's method (participants who
        scored something x options): their scores with their own weights, as Kendall's W compares them and
        the projector plots their spread. Empty when nobody has scored."""
        if not self.ready or self.participants_scoring == 0:
            return np.zeros((0, len(self.options)))
        return analysis.individual_scores(
            self.method,
            self.participant_scores,
            self.weights.participants,
            self.matrix,
            self.weights.group,
            self.types,
        )

    def _kendall(self) -> tuple[float | None, int]:
        if not self.ready or len(self.options) < 2 or self.participants_scoring == 0:
            return None, 0
        own = self.individual_scores
        if own.shape[0] < 2:
            return None, int(own.shape[0])
        try:
            return analysis.kendall_w(own), int(own.shape[0])
        except ValueError:
            return None, int(own.shape[0])

    @cached_property
    def rationales(self) -> dict[tuple[int, int], tuple[str, ...]]:
        """The latest rationale of each selected participant per baseline cell (option index, criterion index),
        sorted so their order does not betray who wrote what."""
        o_index = {o.pk: i for i, o in enumerate(self.options)}
        c_index = {c.pk: j for j, c in enumerate(self.criteria)}
        people = [p.pk for p in self.participants]
        latest: dict[tuple[int, int, int], str] = {}
        for p_id, o_id, c_id, text in (
            ScoreJudgment.objects.filter(participant__in=people, scenario=None, round__lte=self.round)
            .order_by("round")
            .values_list("participant_id", "option_id", "criterion_id", "rationale")
        ):
            if o_id in o_index and c_id in c_index:
                latest[(p_id, o_index[o_id], c_index[c_id])] = localize(text) if text else ""
        found: dict[tuple[int, int], list[str]] = {}
        for (_p, i, j), text in latest.items():
            if text:
                found.setdefault((i, j), []).append(text)
        return {cell: tuple(sorted(texts)) for cell, texts in found.items()}

    def cell(self, i: int, j: int, *, with_rationales: bool = False) -> CellStats:
        consensus = self.consensus
        result = consensus.result
        return CellStats(
            option=self.options[i],
            criterion=self.criteria[j],
            n=int(result.n_judgments[i, j]),
            median=float(result.median[i, j]),
            q1=float(result.q1[i, j]),
            q3=float(result.q3[i, j]),
            iqr=float(result.iqr[i, j]),
            relative_iqr=float(consensus.relative_iqr[i, j]),
            agreed=bool(consensus.agreed[i, j]),
            rationales=self.rationales.get((i, j), ()) if with_rationales else (),
        )

    def cells(self, *, with_rationales: bool = False) -> list[CellStats]:
        """Every cell, options then criteria in display order."""
        return [
            self.cell(i, j, with_rationales=with_rationales)
            for i in range(len(self.options))
            for j in range(len(self.criteria))
        ]

    def disputed_cells(self, *, limit: int | None = None, with_rationales: bool = False) -> list[CellStats]:
        chosen = self.consensus.disputed if limit is None else self.consensus.disputed[:limit]
        return [self.cell(i, j, with_rationales=with_rationales) for i, j in chosen]

    # -- what the results page and the reports add

    @cached_property
    def comparison(self) -> MethodComparison | None:
        if not self.ready or len(self.options) < 2:
            return None
        all_scores = np.stack(
            [
                analysis.method_scores(
                    m,
                    self.matrix,
                    self.weights.group,
                    self.types,
                    **(self.promethee_options if m == Method.PROMETHEE_II else {}),
                )
                for m in METHODS
            ]
        )
        tau: list[tuple[str, str, float | None]] = []
        for a in range(len(METHODS)):
            for b in range(a + 1, len(METHODS)):
                try:
                    value: float | None = analysis.kendall_tau(all_scores[a], all_scores[b])
                except ValueError:
                    value = None
                tau.append((METHODS[a], METHODS[b], value))
        return MethodComparison(METHODS, all_scores, analysis.rank(all_scores), tuple(tau))

    @cached_property
    def sensitivity(self) -> SensitivitySweep | None:
        if not self.ready or len(self.options) < 2 or len(self.criteria) < 2:
            return None
        weights, types = self.weights.group, self.types
        result = analysis.weight_sensitivity(self.matrix, weights, types, self.method, **self.method_options)
        most = _most_sensitive(result)
        j = most if self._criterion is None else self._criterion
        reversals = tuple(r for r in result.reversals if r.criterion == j)
        extra = [r.weight for r in reversals] if self.method == Method.TOPSIS else []
        steps = np.round(np.linspace(0.0, 1.0, SENSITIVITY_STEPS[self.method] + 1), 12)
        grid = np.unique(np.concatenate([steps, [result.weights[j]], extra]))
        scores = analysis.method_scores(
            self.method,
            self.matrix,
            analysis.weight_path(result.weights, j, grid),
            types,
            **self.method_options,
        )
        if reversals:
            path = analysis.weight_path(result.weights, j, np.array([r.weight for r in reversals]))
            at = analysis.method_scores(self.method, self.matrix, path, types, **self.method_options)
            reversal_scores = np.array([at[k, r.option_a] for k, r in enumerate(reversals)])
        else:
            reversal_scores = np.zeros(0)
        return SensitivitySweep(result, j, grid, scores, reversals, reversal_scores, most)

    @cached_property
    def smaa(self) -> analysis.SMAAResult | None:
        if not self.ready or len(self.options) < 2:
            return None
        return analysis.smaa(
            self.matrix,
            self.types,
            method=self.method,
            n_samples=SMAA_SAMPLES,
            seed=SMAA_SEED,
            **self.method_options,
        )

    @cached_property
    def disagreement(self) -> Disagreement | None:
        if "disagreement" in self.unavailable:
            return None
        consensus = self.consensus
        result = consensus.result
        cells = [
            (i, j)
            for i in range(result.iqr.shape[0])
            for j in range(result.iqr.shape[1])
            if result.n_judgments[i, j] >= 2
        ]
        cells.sort(key=lambda cell: (-consensus.relative_iqr[cell], -result.std[cell], cell))
        return Disagreement(
            self.participant_scores,
            result,
            consensus.relative_iqr,
            tuple(cells[:DISPUTED_CELLS]),
            consensus.kendall_w,
            consensus.raters,
        )

    @cached_property
    def scenarios(self) -> ScenarioAnalysis | None:
        if "scenarios" in self.unavailable or not self.ready:
            return None
        group = self._group
        scenarios = list(self.all_scenarios)
        weights = scenario_group_weights(group)
        utilities = np.empty((len(self.options), len(scenarios)))
        for column in range(len(scenarios)):
            matrix, _unscored = group_scores(group, group.scenario_scores[column])
            utilities[:, column] = analysis.method_scores(
                self.method, matrix, weights[column], self.types, **self.method_options
            )
        plausibility = np.array([max(int(s.plausibility), 0) for s in scenarios], dtype=float)
        result = analysis.robustness(utilities, plausibility if plausibility.sum() > 0 else None, self._alpha)
        values = np.stack([np.asarray(getattr(result, rule), dtype=float) for rule in RULES])
        oriented = np.where(
            np.array([rule == "max_regret" for rule in RULES])[:, np.newaxis], -values, values
        )
        return ScenarioAnalysis(
            scenarios=scenarios,
            utilities=utilities,
            weights=weights,
            baseline_weights=group_weights(group),
            weights_by_scenario=group.weights_by_scenario,
            robustness=result,
            alpha=self._alpha,
            rule_values=values,
            rule_ranks=analysis.rank(oriented),
            unchanged=self.unassessed_scenarios,
        )


def not_assessed_reason(scenarios: Sequence[Scenario]) -> str:
    """Why the scenarios in play have no verdict: nobody judged the options under them."""
    return _(
        "Not assessed: nobody has judged the options under the scenarios in play (%(names)s), so no robustness "
        "rule was applied."
    ) % {"names": ", ".join(display_name(s) for s in scenarios)}


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
        scenario_judged=arrays.scenario_judged[:, index],
    )


def _elicitation(group: FloatArray, rows: FloatArray) -> dict[str, FloatArray]:
    given = ~np.isnan(rows).any(axis=1) if rows.shape[1] else np.zeros(rows.shape[0], bool)
    if not given.any() or rows.shape[1] == 0:
        roc = np.full(rows.shape[1], 1.0 / max(rows.shape[1], 1))
    else:
        roc = analysis.roc_from_points(rows[given]).mean(axis=0)
    return {
        str(_("Direct points (used for the ranking)")): group,
        str(_("Rank-order centroid of each participant’s order")): np.asarray(roc, dtype=float),
    }


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


def analysis_results(
    exercise: Exercise,
    request: AnalysisRequest | None = None,
    *,
    visibility: Visibility,
    arrays: ExerciseArrays | None = None,
) -> AnalysisResults:
    """The bundle for one choice of method, scenario, round and participants, as `visibility` allows.

    Unknown or out-of-range choices fall back to the defaults (the exercise's method, the baseline, the latest
    round the viewer may see, every participant, the most sensitive criterion, alpha 0.5) with a notice saying
    so; an analysis the data cannot support (one option, one criterion, no scenario...) is None with the reason
    in `unavailable`. A caller that already read the exercise's arrays for the round passes them. Raises
    ResultsWithheld when the viewer may see no round yet.
    """
    request = request or AnalysisRequest()
    notices: list[str] = []

    method = exercise.method
    if request.method:
        if request.method in METHODS:
            method = request.method
        else:
            notices.append(_("Unknown method “%(value)s”: showing %(method)s.") % {
                "value": request.method, "method": Method(method).label,
            })  # fmt: skip

    round_ = visibility.shown_round(request.round)
    if round_ is None:
        raise ResultsWithheld(visibility.withheld)
    if request.round is not None and request.round != round_:
        if 1 <= request.round <= exercise.current_round:
            notices.append(
                _("Round %(round)s is not revealed yet: showing round %(shown)s.")
                % {"round": request.round, "shown": round_}
            )
        else:
            notices.append(
                _("There is no round %(round)s: showing round %(current)s.")
                % {"round": request.round, "current": round_}
            )
    elif request.round is None and round_ != exercise.current_round:
        notices.append(visibility.withheld)

    alpha = DEFAULT_ALPHA
    if request.alpha is not None:
        if 0.0 <= request.alpha <= 1.0:
            alpha = float(request.alpha)
        else:
            notices.append(_("The optimism index must be between 0 and 1: using 0.5."))

    if arrays is None or arrays.round != round_:
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
        labels = [visibility.key(p) for p in arrays.participants]
        unknown = [key for key in request.participants if key not in labels]
        chosen = sorted({labels.index(key) for key in request.participants if key in labels})
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
    if scenario_index is not None and not arrays.scenario_judged[scenario_index].any():
        notices.append(
            _(
                "Nobody has judged the options under “%(scenario)s”: not assessed, its ranking repeats the baseline."
            )
            % {"scenario": display_name(arrays.scenarios[scenario_index])}
        )
    return AnalysisResults(
        exercise=exercise,
        visibility=visibility,
        arrays=arrays,
        group=group,
        method=method,
        scenario_index=scenario_index,
        selected=tuple(selected),
        criterion=criterion,
        alpha=alpha,
        notices=notices,
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
