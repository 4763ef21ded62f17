"""One cell of the scoring table up close, for the facilitator's drill-down from a disputed cell: who gave which
score and why, and how the scores spread.

The cell's statistics are the analysis bundle's (`AnalysisResults.cell`); the scores are the bundle's arrays;
people are named by the bundle's visibility (`Visibility.label`: names, aliases or "Participant 3" as the
exercise's anonymity allows). Only the reasons and confidence, which the arrays do not carry, are read here.
"""

from dataclasses import dataclass

import numpy as np

from policies.formatting import number
from policies.models import ScoreJudgment
from policies.models.fields import localize
from policies.selectors.analysis_results import AnalysisResults, CellStats


@dataclass(frozen=True)
class CellJudgment:
    label: str
    value: str
    rationale: str
    confidence: int | None


@dataclass(frozen=True)
class ScoreCount:
    value: str
    count: int
    width: float  # percent of the most frequent score's bar


@dataclass(frozen=True)
class CellDetail:
    stats: CellStats
    judgments: tuple[CellJudgment, ...]  # lowest score first
    counts: tuple[ScoreCount, ...]  # each score given, lowest first, with how many gave it


def cell_detail(bundle: AnalysisResults, option_id: int, criterion_id: int) -> CellDetail | None:
    """The cell of the bundle's round and baseline; None when the option or criterion is not in play."""
    i = next((k for k, o in enumerate(bundle.options) if o.pk == option_id), None)
    j = next((k for k, c in enumerate(bundle.criteria) if c.pk == criterion_id), None)
    if i is None or j is None:
        return None
    people = bundle.participants
    notes: dict[int, tuple[str, int | None]] = {}
    for p_id, text, confidence in (
        ScoreJudgment.objects.filter(
            participant__in=[p.pk for p in people],
            option_id=option_id,
            criterion_id=criterion_id,
            scenario=None,
            round__lte=bundle.round,
        )
        .order_by("round")  # a later round's reasons replace an earlier one's
        .values_list("participant_id", "rationale", "confidence")
    ):
        notes[p_id] = (localize(text) if text else "", confidence)
    scores = bundle.participant_scores[:, i, j]
    given = [
        (float(scores[k]), bundle.labels[index], people[k].pk)
        for k, index in enumerate(bundle.selected)
        if not np.isnan(scores[k])
    ]
    given.sort(key=lambda item: (item[0], item[1]))
    judgments = tuple(
        CellJudgment(label, number(value, 2), *notes.get(pk, ("", None))) for value, label, pk in given
    )
    values, counts = np.unique([value for value, _label, _pk in given], return_counts=True)
    most = int(counts.max()) if counts.size else 1
    return CellDetail(
        stats=bundle.cell(i, j),
        judgments=judgments,
        counts=tuple(
            ScoreCount(number(float(v), 2), int(n), 100 * int(n) / most)
            for v, n in zip(values, counts, strict=True)
        ),
    )
