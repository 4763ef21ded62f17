"""What the PDF report reads besides the analysis bundle: the case texts, the evidence annex, the workshop's
rounds and each participant's own judgments.

Numbers come from `analysis_results` (the results screen's bundle, one per round for the table of rounds); this
module only reads and arranges them. Participants are named by the bundle's visibility, the reader's view.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count
from django.utils.translation import gettext_lazy

from policies.formatting import display_name, number
from policies.models import (
    Criterion,
    Evidence,
    Exercise,
    Option,
    Scenario,
    ScoreJudgment,
    SourceDocument,
    WeightJudgment,
)
from policies.models.fields import localize
from policies.selectors.analysis_results import AnalysisRequest, AnalysisResults, analysis_results

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
    assessed: bool = True  # somebody judged the options under it (the bundle's `assessed`)

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
    withheld: str  # what the report leaves out for its reader, and why ("" when nothing)
    assessed_count: int = 0  # how many scenarios in play somebody judged the options under


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


def _rounds(bundle: AnalysisResults) -> list[RoundSummary]:
    """The consensus at the end of every round the reader may see, each from that round's own bundle: the
    numbers the dashboard showed when the round closed."""
    exercise, seen = bundle.exercise, bundle.visibility
    counts = dict(
        ScoreJudgment.objects.filter(participant__exercise=exercise, scenario=None)
        .values_list("round")
        .order_by("round")
        .annotate(n=Count("pk"))
    )
    rounds = []
    for r in range(1, seen.last_round + 1):
        at = (
            bundle
            if r == bundle.round
            else analysis_results(exercise, AnalysisRequest(round=r), visibility=seen)
        )
        consensus = at.consensus
        judged = consensus.result.n_judgments > 0
        rounds.append(
            RoundSummary(
                round=r,
                scorers=at.participants_scoring,
                new_judgments=int(counts.get(r, 0)),
                judged=consensus.judged,
                agreed=consensus.agreed_count,
                median_spread=float(np.median(consensus.relative_iqr[judged])) if judged.any() else math.nan,
                kendall_w=consensus.kendall_w,
            )
        )
    return rounds


def _disputed(bundle: AnalysisResults) -> list[DisputedCell]:
    return [
        DisputedCell(
            display_name(c.option), display_name(c.criterion), c.n, c.median, c.iqr, list(c.rationales)
        )
        for c in bundle.disputed_cells(limit=DISPUTED_WITH_RATIONALES, with_rationales=True)
    ]


def _participants(bundle: AnalysisResults) -> list[ParticipantJudgments]:
    arrays = bundle.arrays
    exercise = bundle.exercise
    options = [display_name(o) for o in arrays.options]
    criteria = [display_name(c) for c in arrays.criteria]
    o_index = {o.pk: i for i, o in enumerate(arrays.options)}
    c_index = {c.pk: j for j, c in enumerate(arrays.criteria)}
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
    scenario_names = {s.pk: display_name(s) for s in arrays.scenarios}
    for p_id, o_id, c_id, s_id, value in (
        ScoreJudgment.objects.filter(
            participant__exercise=exercise, scenario__isnull=False, round__lte=arrays.round
        )
        .order_by("round")
        .values_list("participant_id", "option_id", "criterion_id", "scenario_id", "value")
    ):
        if o_id in o_index and c_id in c_index and s_id in scenario_names:
            changes.setdefault(p_id, {})[(s_id, o_id, c_id)] = value
    show_profile = bundle.visibility.identities
    found = []
    for k, (participant, name) in enumerate(zip(arrays.participants, bundle.labels, strict=True)):
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
        rows = [(options[i], [number(v) for v in scores[i]]) for i in range(len(options))]
        own = changes.get(participant.pk, {})
        cells = sorted(
            {(o_id, c_id) for _s, o_id, c_id in own}, key=lambda cell: (o_index[cell[0]], c_index[cell[1]])
        )
        scenario_rows = [
            ScenarioRow(
                options[o_index[o_id]],
                criteria[c_index[c_id]],
                number(scores[o_index[o_id], c_index[c_id]]),
                [
                    number(own[(s.pk, o_id, c_id)]) if (s.pk, o_id, c_id) in own else ""
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


def report_content(bundle: AnalysisResults) -> ReportContent:
    """Everything the report shows beyond the analysis bundle, arranged in the bundle's display order so the
    tables match its charts."""
    exercise = bundle.exercise
    options, criteria = bundle.options, bundle.criteria
    scenarios = list(bundle.all_scenarios)
    ranks = [int(r) for r in bundle.ranks]
    group_weights = [float(w) for w in bundle.weights.group]
    participant_weights = bundle.weights.participants
    analysed = bundle.scenarios
    columns = [analysed.column(s) if analysed is not None else None for s in scenarios]
    probabilities = [float(p) for p in analysed.robustness.probabilities] if analysed is not None else []
    sources, labels = _evidence(exercise)
    option_objects = {
        o.pk: o
        for o in Option.objects.filter(pk__in=[o.pk for o in options]).prefetch_related("evidence", "actors")
    }
    option_entries = [
        OptionEntry(
            option=o,
            rank=ranks[i] if i < len(ranks) else None,
            actors=[display_name(a) for a in option_objects[o.pk].actors.order_by("position", "pk")],
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
                probability=math.nan if columns[k] is None else probabilities[columns[k]],  # type: ignore[index]
                states=[(localize(st.driver.name), localize(st.name)) for st in states],
                evidence=_refs(list(full.evidence.all()), labels),
                assessed=bundle.assessed[k],
            )
        )

    return ReportContent(
        sources=sources,
        evidence_count=len(labels),
        options=option_entries,
        criteria=criterion_rows,
        scenarios=scenario_entries,
        rounds=_rounds(bundle),
        disputed=_disputed(bundle),
        consensus_threshold=exercise.consensus_threshold,
        participants=_participants(bundle),
        participant_names=bundle.labels,
        scenario_names=[display_name(s) for s in scenarios],
        assessed_count=sum(bundle.assessed),
        criterion_names=[display_name(c) for c in criteria],
        withheld=bundle.visibility.withheld,
    )
