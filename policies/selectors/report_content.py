"""What the PDF report reads besides the analysis bundle: the case texts, the evidence annex, the workshop's
rounds and each participant's own judgments.

Numbers come from `analysis_results` (the results screen's bundle), `workshop.cell_stats` and
`exercise_arrays`; this module only reads and arranges them. Participants are named as the exercise's
anonymity setting allows a reader who was not a facilitator (`workshop.display_name`, for_facilitator=False).
"""

import math
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count
from django.utils.translation import gettext_lazy

from policies import analysis
from policies.models import (
    Criterion,
    Evidence,
    Exercise,
    Option,
    Participant,
    Scenario,
    ScoreJudgment,
    SourceDocument,
    WeightJudgment,
)
from policies.models.exercises import Anonymity
from policies.models.fields import localize
from policies.selectors.exercise_arrays import exercise_arrays
from policies.selectors.workshop import cell_stats, display_name, participant_rankings
from policies.templatetags.report_format import number

# Labels of the source kinds used in case files; any other kind is shown as written, underscores as spaces.
SOURCE_KINDS = {
    "research_paper": gettext_lazy("Research paper"),
    "panel_summary": gettext_lazy("Panel summary"),
    "abstract": gettext_lazy("Abstract"),
    "blog": gettext_lazy("Blog"),
    "article": gettext_lazy("Article"),
    "report": gettext_lazy("Report"),
    "book": gettext_lazy("Book"),
    "interview": gettext_lazy("Interview"),
    "news": gettext_lazy("News report"),
    "dataset": gettext_lazy("Data set"),
    "speech": gettext_lazy("Speech"),
    "law": gettext_lazy("Legal text"),
}
DISPUTED_WITH_RATIONALES = 5  # disputed cells whose anonymised rationales the report quotes


def source_kind(kind: str) -> str:
    label = SOURCE_KINDS.get(kind)
    return str(label) if label else kind.replace("_", " ").strip().capitalize()


@dataclass(frozen=True)
class SourceEntry:
    """A source document with its number (S1, S2...) and the evidence drawn from it."""

    label: str
    source: SourceDocument
    kind: str
    evidence: list["EvidenceEntry"] = field(default_factory=list)


@dataclass(frozen=True)
class EvidenceEntry:
    label: str  # E1, E2... in the case's order
    evidence: Evidence
    source_label: str
    text: str


@dataclass(frozen=True)
class OptionEntry:
    option: Option
    rank: int | None
    actors: list[str]
    evidence: list[str]  # evidence labels


@dataclass(frozen=True)
class CriterionRow:
    """One row of the criteria table: a group heading (no weight of its own but its leaves' sum) or a leaf."""

    criterion: Criterion
    is_group: bool
    number: int  # the leaf's number in the report's figures and tables (1, 2...); 0 for a group
    weight: float  # group weight (a group: the sum of its leaves)
    low: float  # the smallest and largest weight a participant gave (NaN when nobody weighted)
    high: float
    evidence: list[str]

    @property
    def has_range(self) -> bool:
        return math.isfinite(self.low) and math.isfinite(self.high)


@dataclass(frozen=True)
class ScenarioEntry:
    scenario: Scenario
    probability: float
    states: list[tuple[str, str]]  # (driver, state)
    evidence: list[str]

    @property
    def has_probability(self) -> bool:
        return math.isfinite(self.probability)


@dataclass(frozen=True)
class RoundSummary:
    """The group's agreement at the end of one round (judgments up to that round)."""

    round: int
    scorers: int
    new_judgments: int  # score judgments recorded in this round
    judged: int  # cells somebody scored
    agreed: int  # cells whose interquartile range is within the exercise's consensus threshold
    median_spread: float  # median IQR as a share of the scale, over judged cells (NaN if none)
    kendall_w: float | None

    @property
    def agreed_share(self) -> float:
        return self.agreed / self.judged if self.judged else math.nan


@dataclass(frozen=True)
class DisputedCell:
    option: str
    criterion: str
    n: int
    median: float
    iqr: float
    rationales: list[str]


@dataclass(frozen=True)
class WeightLine:
    criterion: str
    points: float | None
    share: float | None
    rationale: str


@dataclass(frozen=True)
class ScenarioRow:
    """A cell a participant scored differently in at least one scenario: the baseline score and, per scenario
    of `ReportContent.scenario_names`, the scenario's score ("" where it keeps the baseline)."""

    option: str
    criterion: str
    baseline: str
    values: list[str]


@dataclass(frozen=True)
class ParticipantJudgments:
    name: str
    profile: str  # only where the exercise names its participants
    weights: list[WeightLine]
    scores: list[tuple[str, list[str]]]  # option name, one formatted score per criterion (a dash: not scored)
    scored_cells: int
    scenario_rows: list[ScenarioRow]
    scenario_changes: int


@dataclass(frozen=True)
class ReportContent:
    sources: list[SourceEntry]
    evidence_count: int
    options: list[OptionEntry]
    criteria: list[CriterionRow]
    scenarios: list[ScenarioEntry]
    rounds: list[RoundSummary]
    disputed: list[DisputedCell]
    consensus_threshold: float
    participants: list[ParticipantJudgments]
    participant_names: list[str]  # every participant of the exercise, in `exercise_arrays` order
    scenario_names: list[str]  # the scenarios in play, in display order
    criterion_names: list[str]  # the exercise's criteria (leaves) in display order


def _number(value: float) -> str:
    return number(value)


def _evidence(exercise: Exercise) -> tuple[list[SourceEntry], dict[int, str]]:
    case = exercise.case
    sources = list(case.sources.order_by("position", "pk"))
    source_labels = {s.pk: f"S{k + 1}" for k, s in enumerate(sources)}
    entries = {s.pk: SourceEntry(source_labels[s.pk], s, source_kind(s.kind)) for s in sources}
    labels: dict[int, str] = {}
    for k, item in enumerate(case.evidence.order_by("position", "pk")):
        label = f"E{k + 1}"
        labels[item.pk] = label
        entry = entries.get(item.source_id)
        if entry is not None:
            entry.evidence.append(EvidenceEntry(label, item, entry.label, localize(item.text)))
    return list(entries.values()), labels


def _refs(items: list[Evidence], labels: dict[int, str]) -> list[str]:
    found = sorted((labels[e.pk] for e in items if e.pk in labels), key=lambda label: int(label[1:]))
    return found


def _rounds(exercise: Exercise) -> list[RoundSummary]:
    counts = dict(
        ScoreJudgment.objects.filter(participant__exercise=exercise, scenario=None)
        .values_list("round")
        .order_by("round")
        .annotate(n=Count("pk"))
    )
    rounds = []
    for r in range(1, exercise.current_round + 1):
        stats = cell_stats(exercise, round=r, with_rationales=False)
        judged = [c for c in stats if c.n > 0]
        arrays = exercise_arrays(exercise, round=r)
        scorers = int(np.any(~np.isnan(arrays.scores), axis=(1, 2)).sum()) if arrays.participants else 0
        rankings = participant_rankings(arrays)
        w: float | None = None
        if rankings.shape[0] >= 2 and rankings.shape[1] >= 2:
            try:
                w = analysis.kendall_w(rankings)
            except ValueError:
                w = None
        rounds.append(
            RoundSummary(
                round=r,
                scorers=scorers,
                new_judgments=int(counts.get(r, 0)),
                judged=len(judged),
                agreed=sum(c.consensus for c in judged),
                median_spread=float(np.median([c.relative_iqr for c in judged])) if judged else math.nan,
                kendall_w=w,
            )
        )
    return rounds


def _disputed(exercise: Exercise) -> list[DisputedCell]:
    stats = [c for c in cell_stats(exercise, with_rationales=True) if c.n >= 2 and not c.consensus]
    stats.sort(key=lambda c: (-c.relative_iqr, -c.iqr))
    return [
        DisputedCell(
            localize(c.option.name) or c.option.key,
            localize(c.criterion.name) or c.criterion.key,
            c.n,
            c.median,
            c.iqr,
            c.rationales,
        )
        for c in stats[:DISPUTED_WITH_RATIONALES]
    ]


def _participants(
    exercise: Exercise, participants: list[Participant], names: list[str]
) -> list[ParticipantJudgments]:
    arrays = exercise_arrays(exercise)
    options = [localize(o.name) or o.key for o in arrays.options]
    criteria = [localize(c.name) or c.key for c in arrays.criteria]
    o_index = {o.pk: i for i, o in enumerate(arrays.options)}
    c_index = {c.pk: j for j, c in enumerate(arrays.criteria)}
    p_index = {p.pk: k for k, p in enumerate(arrays.participants)}
    rationale: dict[tuple[int, int], str] = {}
    for p_id, c_id, text in (
        WeightJudgment.objects.filter(
            participant__exercise=exercise, scenario__isnull=True, round__lte=arrays.round
        )
        .order_by("round")
        .values_list("participant_id", "criterion_id", "rationale")
    ):
        rationale[(p_id, c_id)] = localize(text) if text else ""
    changes: dict[int, dict[tuple[int, int, int], float]] = {}
    scenario_names = {s.pk: localize(s.name) or s.key for s in arrays.scenarios}
    for p_id, o_id, c_id, s_id, value in (
        ScoreJudgment.objects.filter(
            participant__exercise=exercise, scenario__isnull=False, round__lte=arrays.round
        )
        .order_by("round")
        .values_list("participant_id", "option_id", "criterion_id", "scenario_id", "value")
    ):
        if o_id in o_index and c_id in c_index and s_id in scenario_names:
            changes.setdefault(p_id, {})[(s_id, o_id, c_id)] = value
    show_profile = exercise.anonymity == Anonymity.NAMED
    found = []
    for participant, name in zip(participants, names, strict=True):
        k = p_index[participant.pk]
        points = arrays.weights[k]
        total = float(np.nansum(points))
        weights = [
            WeightLine(
                criteria[j],
                None if math.isnan(points[j]) else float(points[j]),
                None if math.isnan(points[j]) or total <= 0 else float(points[j]) / total,
                rationale.get((participant.pk, c.pk), ""),
            )
            for j, c in enumerate(arrays.criteria)
        ]
        scores = arrays.scores[k]
        rows = [(options[i], [_number(v) for v in scores[i]]) for i in range(len(options))]
        own = changes.get(participant.pk, {})
        cells = sorted(
            {(o_id, c_id) for _s, o_id, c_id in own}, key=lambda cell: (o_index[cell[0]], c_index[cell[1]])
        )
        scenario_rows = [
            ScenarioRow(
                options[o_index[o_id]],
                criteria[c_index[c_id]],
                _number(scores[o_index[o_id], c_index[c_id]]),
                [
                    _number(own[(s.pk, o_id, c_id)]) if (s.pk, o_id, c_id) in own else ""
                    for s in arrays.scenarios
                ],
            )
            for o_id, c_id in cells
        ]
        found.append(
            ParticipantJudgments(
                name=name,
                profile=localize(participant.profile) if show_profile else "",
                weights=weights,
                scores=rows,
                scored_cells=int((~np.isnan(scores)).sum()),
                scenario_rows=scenario_rows,
                scenario_changes=len(own),
            )
        )
    return found


def report_content(
    exercise: Exercise,
    *,
    options: list[Option],
    criteria: list[Criterion],
    scenarios: list[Scenario],
    participants: list[Participant],
    ranks: list[int],
    group_weights: list[float],
    participant_weights: np.ndarray,
    probabilities: list[float] | None,
) -> ReportContent:
    """Everything the report shows beyond the analysis bundle.

    ``options``, ``criteria``, ``scenarios`` and ``participants`` come from the bundle (display order),
    with ``ranks``, ``group_weights``, ``participant_weights`` (participants x criteria, rows summing to 1,
    NaN = not weighted) and the scenario ``probabilities`` it computed, so the tables match its charts.
    """
    sources, labels = _evidence(exercise)
    option_objects = {
        o.pk: o
        for o in Option.objects.filter(pk__in=[o.pk for o in options]).prefetch_related("evidence", "actors")
    }
    option_entries = [
        OptionEntry(
            option=o,
            rank=ranks[i] if i < len(ranks) else None,
            actors=[
                localize(a.name) or a.key for a in option_objects[o.pk].actors.order_by("position", "pk")
            ],
            evidence=_refs(list(option_objects[o.pk].evidence.all()), labels),
        )
        for i, o in enumerate(options)
    ]

    criterion_objects = {
        c.pk: c
        for c in Criterion.objects.filter(case=exercise.case)
        .select_related("parent")
        .prefetch_related("evidence")
        .order_by("position", "pk")
    }
    given = ~np.all(np.isnan(participant_weights), axis=1) if participant_weights.size else np.zeros(0, bool)
    rows_given = participant_weights[given] if participant_weights.size else participant_weights

    def spread(j: int) -> tuple[float, float]:
        if not rows_given.shape[0]:
            return math.nan, math.nan
        column = rows_given[:, j]
        return float(np.nanmin(column)), float(np.nanmax(column))

    criterion_rows: list[CriterionRow] = []
    seen_groups: set[int] = set()
    for j, leaf in enumerate(criteria):
        leaf_full = criterion_objects.get(leaf.pk, leaf)
        parent = leaf_full.parent
        if parent is not None and parent.pk not in seen_groups:
            seen_groups.add(parent.pk)
            members = [
                k for k, c in enumerate(criteria) if criterion_objects.get(c.pk, c).parent_id == parent.pk
            ]
            group = criterion_objects.get(parent.pk, parent)
            criterion_rows.append(
                CriterionRow(
                    criterion=group,
                    is_group=True,
                    number=0,
                    weight=float(sum(group_weights[k] for k in members)),
                    low=math.nan,
                    high=math.nan,
                    evidence=_refs(list(group.evidence.all()), labels),
                )
            )
        low, high = spread(j)
        criterion_rows.append(
            CriterionRow(
                criterion=leaf_full,
                is_group=False,
                number=j + 1,
                weight=float(group_weights[j]) if j < len(group_weights) else math.nan,
                low=low,
                high=high,
                evidence=_refs(list(leaf_full.evidence.all()), labels),
            )
        )

    scenario_objects = {
        s.pk: s
        for s in Scenario.objects.filter(pk__in=[s.pk for s in scenarios]).prefetch_related(
            "states__driver", "evidence"
        )
    }
    scenario_entries = []
    for k, s in enumerate(scenarios):
        full = scenario_objects[s.pk]
        states = sorted(full.states.all(), key=lambda state: (state.driver.position, state.driver.pk))
        scenario_entries.append(
            ScenarioEntry(
                scenario=full,
                probability=probabilities[k] if probabilities is not None else math.nan,
                states=[(localize(st.driver.name), localize(st.name)) for st in states],
                evidence=_refs(list(full.evidence.all()), labels),
            )
        )

    names = [display_name(p, exercise=exercise, for_facilitator=False) for p in participants]
    return ReportContent(
        sources=sources,
        evidence_count=len(labels),
        options=option_entries,
        criteria=criterion_rows,
        scenarios=scenario_entries,
        rounds=_rounds(exercise),
        disputed=_disputed(exercise),
        consensus_threshold=exercise.consensus_threshold,
        participants=_participants(exercise, participants, names),
        participant_names=names,
        scenario_names=[localize(s.name) or s.key for s in scenarios],
        criterion_names=[localize(c.name) or c.key for c in criteria],
    )
