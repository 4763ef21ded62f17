"""Every judgment of an exercise a reader may see, as flat rows: the CSV export and the workbook share them.

Rows hold only the rounds the reader's view opens (policies.selectors.visibility), and participants under the
label that view gives them.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from policies.formatting import display_name
from policies.models import Exercise, ScoreJudgment, WeightJudgment
from policies.models.fields import localize
from policies.selectors.visibility import Visibility


@dataclass(frozen=True)
class JudgmentRow:
    participant: str
    round: int
    kind: str  # "weight" or "score"
    option: str
    criterion: str
    scenario: str
    value: float
    confidence: int | None
    rationale: str
    updated: datetime


def judgment_rows(exercise: Exercise, seen: Visibility) -> list[JudgmentRow]:
    names = {p.pk: seen.label(p) for p in exercise.participants.all()}
    baseline = _("baseline")
    rows = [
        JudgmentRow(
            names[w.participant_id],
            w.round,
            "weight",
            "",
            display_name(w.criterion),
            display_name(w.scenario) if w.scenario_id else "",
            w.value,
            None,
            localize(w.rationale),
            w.updated,
        )
        for w in WeightJudgment.objects.filter(participant__exercise=exercise, round__lte=seen.last_round)
        .select_related("criterion", "scenario")
        .order_by("participant_id", "round", "scenario__position", "criterion__position", "criterion_id")
    ]
    rows += [
        JudgmentRow(
            names[s.participant_id],
            s.round,
            "score",
            display_name(s.option),
            display_name(s.criterion),
            display_name(s.scenario) if s.scenario_id else baseline,
            s.value,
            s.confidence,
            localize(s.rationale),
            s.updated,
        )
        for s in ScoreJudgment.objects.filter(participant__exercise=exercise, round__lte=seen.last_round)
        .select_related("option", "criterion", "scenario")
        .order_by(
            "participant_id", "round", "scenario__position", "option__position", "criterion__position", "pk"
        )
    ]
    return rows
