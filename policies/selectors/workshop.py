"""Reads of a live workshop: who is who, Delphi feedback per cell, consensus, the facilitator's dashboard."""

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from policies import analysis
from policies.models import (
    Comment,
    Criterion,
    Exercise,
    Option,
    PairwiseJudgment,
    Participant,
    Scenario,
    ScoreJudgment,
    WeightJudgment,
)
from policies.models.exercises import Anonymity, Phase
from policies.models.fields import localize
from policies.selectors.exercise_arrays import (
    ExerciseArrays,
    baseline_fallback,
    exercise_arrays,
    reciprocal_matrices,
)
from policies.selectors.results import ahp_group_weights, group_weights

# Phases in which a participant sees the others' judgments (never before the facilitator reveals them).
REVEALED_PHASES = frozenset({Phase.REVEAL, Phase.DISCUSSION, Phase.CLOSED})


def display_name(participant: Participant, *, exercise: Exercise, for_facilitator: bool) -> str:
    """The name shown for a participant, per the exercise's anonymity setting."""
    pseudonym = participant.pseudonym or _("Participant %(number)s") % {"number": participant.pk}
    if exercise.anonymity == Anonymity.ANONYMOUS:
        return pseudonym
    if exercise.anonymity == Anonymity.PSEUDONYMOUS and not for_facilitator:
        return pseudonym
    return participant.alias


def shows_others(exercise: Exercise) -> bool:
    """Whether participants may see others' judgments now: always in open exercises, after reveal in blind ones."""
    return not exercise.blind or exercise.phase in REVEALED_PHASES


def phase_token(exercise: Exercise) -> str:
    """Changes whenever a participant's screen must change: phase, round or facilitator settings."""
    return f"{exercise.phase}-{exercise.current_round}-{exercise.version}"


def dashboard_token(exercise: Exercise) -> str:
    """Changes when anything the dashboard shows changes; two aggregate queries."""
    weights = WeightJudgment.objects.filter(participant__exercise=exercise).aggregate(
        n=Count("pk"), t=Max("updated")
    )
    scores = ScoreJudgment.objects.filter(participant__exercise=exercise).aggregate(
        n=Count("pk"), t=Max("updated")
    )
    people = exercise.participants.aggregate(n=Count("pk"), t=Max("last_seen"))
    comments = Comment.objects.filter(exercise=exercise).count()
    raw = f"{phase_token(exercise)}|{weights}|{scores}|{people}|{comments}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def poll_seconds(exercise: Exercise, participants: int) -> int:
    """How often screens ask for news: quick while people act, slower in a big room and in quiet phases."""
    if exercise.phase == Phase.CLOSED:
        return 0
    base = 2 if exercise.phase in {Phase.REVEAL, Phase.DISCUSSION} or participants <= 50 else 4
    if exercise.phase == Phase.BRIEFING:
        base *= 2
    return base + (participants // 100) * 2


def phase_deadline(exercise: Exercise) -> timezone.datetime | None:
    if not exercise.phase_minutes or exercise.phase_started is None or exercise.phase == Phase.CLOSED:
        return None
    return exercise.phase_started + timezone.timedelta(minutes=exercise.phase_minutes)


@dataclass(frozen=True)
class CellStats:
    """The group's judgments on one cell: what a participant sees after reveal and in the next round."""

    option: Option
    criterion: Criterion
    n: int
    median: float
    q1: float
    q3: float
    iqr: float
    scale_range: float
    threshold: float
    rationales: list[str] = field(default_factory=list)

    @property
    def consensus(self) -> bool:
        return self.n > 0 and self.iqr <= self.threshold + 1e-9

    @property
    def relative_iqr(self) -> float:
        return self.iqr / self.scale_range if self.scale_range > 0 else 0.0


def _scale_ranges(exercise: Exercise, arrays: ExerciseArrays) -> np.ndarray:
    if exercise.scale_min is not None and exercise.scale_max is not None:
        return np.full(len(arrays.criteria), exercise.scale_max - exercise.scale_min)
    return arrays.scale_max - arrays.scale_min


def cell_stats(
    exercise: Exercise,
    *,
    round: int | None = None,
    with_rationales: bool = True,
    arrays: ExerciseArrays | None = None,
) -> list[CellStats]:
    """Median, quartiles and anonymised rationales per baseline cell, judgments up to `round`.

    A caller that already loaded the exercise's arrays (for the same round) passes them: on the live dashboard
    of a full room, loading them is most of the work."""
    arrays = arrays if arrays is not None else exercise_arrays(exercise, round=round)
    ranges = _scale_ranges(exercise, arrays)
    rationales: dict[tuple[int, int], list[str]] = {}
    if with_rationales:
        latest: dict[tuple[int, int, int], str] = {}
        for p_id, o_id, c_id, text in (
            ScoreJudgment.objects.filter(
                participant__exercise=exercise, scenario=None, round__lte=arrays.round
            )
            .order_by("round")
            .values_list("participant_id", "option_id", "criterion_id", "rationale")
        ):
            latest[(p_id, o_id, c_id)] = localize(text) if text else ""
        for (_p, o_id, c_id), text in latest.items():
            if text:
                rationales.setdefault((o_id, c_id), []).append(text)
    stats = []
    for i, option in enumerate(arrays.options):
        for j, criterion in enumerate(arrays.criteria):
            values = arrays.scores[:, i, j] if arrays.participants else np.array([])
            values = values[~np.isnan(values)]
            if values.size:
                q1, median, q3 = (float(v) for v in np.percentile(values, [25, 50, 75]))
            else:
                q1 = median = q3 = float("nan")
            stats.append(
                CellStats(
                    option=option,
                    criterion=criterion,
                    n=int(values.size),
                    median=median,
                    q1=q1,
                    q3=q3,
                    iqr=(q3 - q1) if values.size else float("nan"),
                    scale_range=float(ranges[j]),
                    threshold=exercise.consensus_threshold,
                    # Sorted, not in the order given, so the order does not betray who wrote what.
                    rationales=sorted(rationales.get((option.pk, criterion.pk), [])),
                )
            )
    return stats


def participant_rankings(arrays: ExerciseArrays) -> np.ndarray:
    """Each scoring participant's own ranking of the options (rows), from their scores and their weights.

    A cell a participant left blank takes the group's mean (or the middle of the scale); a participant who
    gave no weights uses the group's.
    """
    if len(arrays.options) < 2 or not arrays.criteria:
        return np.empty((0, len(arrays.options)))
    group_w = group_weights(arrays)
    counts = (~np.isnan(arrays.scores)).sum(axis=0)
    sums = np.nansum(arrays.scores, axis=0)
    group_matrix = np.divide(sums, counts, out=np.full(counts.shape, np.nan), where=counts > 0)
    midpoint = (arrays.scale_min + arrays.scale_max) / 2
    group_matrix = np.where(np.isnan(group_matrix), midpoint[np.newaxis, :], group_matrix)
    scoring = ~np.all(np.isnan(arrays.scores), axis=(1, 2))
    if not scoring.any():
        return np.empty((0, len(arrays.options)))
    own = arrays.scores[scoring]
    matrices = np.where(np.isnan(own), group_matrix[np.newaxis], own)
    points = np.nan_to_num(arrays.weights[scoring], nan=0.0)
    totals = points.sum(axis=1, keepdims=True)
    weights = np.where(totals > 0, points / np.where(totals > 0, totals, 1.0), group_w[np.newaxis])
    return analysis.rank(analysis.weighted_sum_each(matrices, weights, arrays.types)).astype(float)


@dataclass(frozen=True)
class Consensus:
    cells: list[CellStats]
    disputed: list[CellStats]  # most disputed first
    agreed: int
    judged: int
    kendall_w: float | None  # None while fewer than two participants have ranked, or all tie
    raters: int
    round_limit_reached: bool

    @property
    def reached(self) -> bool:
        return self.judged > 0 and not self.disputed


def consensus(
    exercise: Exercise, *, with_rationales: bool = False, arrays: ExerciseArrays | None = None
) -> Consensus:
    arrays = arrays if arrays is not None else exercise_arrays(exercise)
    cells = cell_stats(exercise, with_rationales=with_rationales, arrays=arrays)
    judged = [c for c in cells if c.n > 0]
    disputed = sorted((c for c in judged if not c.consensus), key=lambda c: (-c.relative_iqr, -c.iqr))
    rankings = participant_rankings(arrays)
    w: float | None = None
    if rankings.shape[0] >= 2 and rankings.shape[1] >= 2:
        try:
            w = analysis.kendall_w(rankings)
        except ValueError:
            w = None
    return Consensus(
        cells=cells,
        disputed=disputed,
        agreed=len(judged) - len(disputed),
        judged=len(judged),
        kendall_w=w,
        raters=int(rankings.shape[0]),
        round_limit_reached=exercise.current_round >= exercise.max_rounds,
    )


# A scenario value this close to the baseline is the baseline (what the screens prefill, read back).
CHANGE_TOLERANCE = 1e-6


def differs_from_baseline(specific: Any, baseline: Any) -> Any:
    """Whether a scenario judgment was set apart from the baseline: given, and the baseline missing or away
    from it. Works on single values (a screen marking a cell) and on arrays (the dashboard counting them)."""
    return ~np.isnan(specific) & (np.isnan(baseline) | (np.abs(specific - baseline) > CHANGE_TOLERANCE))


@dataclass(frozen=True)
class ParticipantProgress:
    participant: Participant
    name: str
    weights_done: int
    scores_done: int
    revised_this_round: int
    online: bool
    # Scenario cells (and scenario weights, when weights differ by scenario) set apart from the baseline.
    scenario_changes: int = 0


def scenario_changes(arrays: ExerciseArrays) -> np.ndarray:
    """Per participant, how many scenario judgments differ from their own baseline.

    Scenario tables start from the baseline, so a complete baseline makes them complete too; what tells a
    facilitator that someone has thought about the futures is what they changed there.
    """

    def changed(specific: np.ndarray, baseline: np.ndarray) -> np.ndarray:
        differs = differs_from_baseline(specific, baseline)
        return differs.reshape(differs.shape[0], differs.shape[1], -1).sum(axis=(0, 2))

    counts = np.zeros(len(arrays.participants), dtype=int)
    if not arrays.scenarios or not arrays.participants:
        return counts
    counts += changed(arrays.scenario_scores, arrays.scores[np.newaxis])
    if arrays.weights_by_scenario:
        counts += changed(arrays.scenario_weights, arrays.weights[np.newaxis])
    return counts


@dataclass(frozen=True)
class Dashboard:
    progress: list[ParticipantProgress]
    criteria_count: int
    cells_count: int
    scenarios_count: int
    weighting_complete: int
    scoring_complete: int
    consensus: Consensus
    comments: int


def dashboard(exercise: Exercise, arrays: ExerciseArrays | None = None) -> Dashboard:
    """Everything the facilitator watches: who joined and judged, completion, hotspots, agreement."""
    arrays = arrays if arrays is not None else exercise_arrays(exercise)
    n_c, n_cells = len(arrays.criteria), len(arrays.options) * len(arrays.criteria)
    revised = dict(
        ScoreJudgment.objects.filter(
            participant__exercise=exercise, round=exercise.current_round, scenario=None
        )
        .values("participant_id")
        .annotate(n=Count("pk"))
        .values_list("participant_id", "n")
    )
    recent = timezone.now() - timezone.timedelta(seconds=60)
    changes = scenario_changes(arrays)
    progress = []
    for k, participant in enumerate(arrays.participants):
        weights_done = int((~np.isnan(arrays.weights[k])).sum()) if n_c else 0
        scores_done = int((~np.isnan(arrays.scores[k])).sum()) if n_cells else 0
        progress.append(
            ParticipantProgress(
                participant=participant,
                name=display_name(participant, exercise=exercise, for_facilitator=True),
                weights_done=weights_done,
                scores_done=scores_done,
                revised_this_round=revised.get(participant.pk, 0),
                online=participant.last_seen is not None and participant.last_seen >= recent,
                scenario_changes=int(changes[k]),
            )
        )
    return Dashboard(
        progress=progress,
        criteria_count=n_c,
        cells_count=n_cells,
        scenarios_count=len(arrays.scenarios),
        weighting_complete=sum(1 for p in progress if n_c and p.weights_done == n_c),
        scoring_complete=sum(1 for p in progress if n_cells and p.scores_done == n_cells),
        consensus=consensus(exercise, arrays=arrays),
        comments=Comment.objects.filter(exercise=exercise).count(),
    )


def pairwise_matrix(
    participant: Participant, criteria: list[Criterion], *, round: int, scenario: Scenario | None = None
) -> np.ndarray:
    """The participant's reciprocal matrix (NaN where not yet compared), judgments up to `round`.

    For a scenario, the participant's baseline comparisons stand in for those they did not give for it.
    """
    rows = PairwiseJudgment.objects.filter(participant=participant, round__lte=round)
    if scenario is None:
        rows = rows.filter(scenario__isnull=True)
    else:
        rows = rows.filter(Q(scenario__isnull=True) | Q(scenario=scenario))
    matrices = reciprocal_matrices(
        2,
        criteria,
        (
            (0 if s_id is None else 1, a, b, value)
            for s_id, a, b, value in rows.order_by("round").values_list(
                "scenario_id", "criterion_a_id", "criterion_b_id", "value"
            )
        ),
    )
    return matrices[0] if scenario is None else baseline_fallback(matrices[1:], matrices[0])[0]


@dataclass(frozen=True)
class AhpStatus:
    complete: bool
    cr: float | None
    acceptable: bool
    weights: list[tuple[Criterion, float]]
    inconsistent: list[tuple[Criterion, Criterion, float, float]]  # a, b, judged, implied


def ahp_status(
    participant: Participant, criteria: list[Criterion], *, round: int, scenario: Scenario | None = None
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
        acceptable=cr is None or cr <= 0.10,
        weights=[(c, float(w)) for c, w in zip(criteria, result.weights, strict=True)],
        inconsistent=[(criteria[x.row], criteria[x.column], x.judgment, x.implied) for x in worst],
    )


def group_ahp_weights(exercise: Exercise, criteria: list[Criterion]) -> list[tuple[Criterion, float]] | None:
    """The baseline AHP group weights the results page uses (`ahp_group_weights`), listed in the order of
    `criteria`; None if nobody has finished their comparisons."""
    arrays = exercise_arrays(exercise)
    weights = ahp_group_weights(arrays)
    if weights is None:
        return None
    by_pk = {c.pk: float(w) for c, w in zip(arrays.criteria, weights, strict=True)}
    return [(c, by_pk[c.pk]) for c in criteria if c.pk in by_pk]


@dataclass(frozen=True)
class TrailEntry:
    when: timezone.datetime
    who: str
    kind: str
    cell: str
    round: int
    value: float
    previous: float | None
    change: str


def decision_trail(exercise: Exercise, *, limit: int = 500) -> list[TrailEntry]:
    """Every recorded change of a weight or score, newest first, with the participant shown per anonymity."""
    participants = {p.pk: p for p in exercise.participants.all()}
    names = {pk: display_name(p, exercise=exercise, for_facilitator=True) for pk, p in participants.items()}
    options = {o.pk: localize(o.name) for o in exercise.options.all()}
    criteria = {c.pk: localize(c.name) for c in exercise.criteria.all()}
    scenarios = {s.pk: localize(s.name) for s in Scenario.objects.filter(exercises=exercise)}
    labels = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    entries: list[TrailEntry] = []
    weights = WeightJudgment.history.filter(participant_id__in=participants).order_by(
        "history_date", "history_id"
    )
    last: dict[tuple[object, ...], float] = {}
    for h in weights[:limit]:
        key = ("w", h.participant_id, h.criterion_id, h.scenario_id, h.round)
        cell = criteria.get(h.criterion_id, "?")
        if h.scenario_id:
            cell += f" · {scenarios.get(h.scenario_id, '?')}"
        entries.append(
            TrailEntry(
                h.history_date,
                names.get(h.participant_id, "?"),
                _("weight"),
                cell,
                h.round,
                h.value,
                last.get(key),
                labels.get(h.history_type, h.history_type),
            )
        )
        last[key] = h.value
    scores = ScoreJudgment.history.filter(participant_id__in=participants).order_by(
        "history_date", "history_id"
    )
    for h in scores[:limit]:
        key = ("s", h.participant_id, h.option_id, h.criterion_id, h.scenario_id, h.round)
        cell = f"{options.get(h.option_id, '?')} · {criteria.get(h.criterion_id, '?')}"
        if h.scenario_id:
            cell += f" · {scenarios.get(h.scenario_id, '?')}"
        entries.append(
            TrailEntry(
                h.history_date,
                names.get(h.participant_id, "?"),
                _("score"),
                cell,
                h.round,
                h.value,
                last.get(key),
                labels.get(h.history_type, h.history_type),
            )
        )
        last[key] = h.value
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


@dataclass(frozen=True)
class CommentNode:
    comment: Comment
    author: str
    replies: list["CommentNode"]


def comment_threads(exercise: Exercise, *, for_facilitator: bool) -> dict[str, list[CommentNode]]:
    """Threads by subject label ("Option: …", "Criterion: …"), authors shown per anonymity."""
    comments = list(
        Comment.objects.filter(exercise=exercise)
        .select_related("author", "option", "criterion")
        .order_by("pk")
    )
    nodes = {
        c.pk: CommentNode(c, display_name(c.author, exercise=exercise, for_facilitator=for_facilitator), [])
        for c in comments
    }
    threads: dict[str, list[CommentNode]] = {}
    for c in comments:
        if c.parent_id and c.parent_id in nodes:
            nodes[c.parent_id].replies.append(nodes[c.pk])
            continue
        if c.option_id:
            label = _("Option: %(name)s") % {"name": localize(c.option.name)}
        else:
            label = _("Criterion: %(name)s") % {"name": localize(c.criterion.name)}
        threads.setdefault(label, []).append(nodes[c.pk])
    return threads
