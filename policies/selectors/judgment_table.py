"""Every judgment of an exercise, all rounds, as flat rows: the CSV export and the workbook share them."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from policies.models import Exercise, ScoreJudgment, WeightJudgment
from policies.models.fields import localize
from policies.selectors.workshop import display_name


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


def judgment_rows(exercise: Exercise) -> list[JudgmentRow]:
    names = {
        p.pk: display_name(p, exercise=exercise, for_facilitator=False) for p in exercise.participants.all()
    }
    baseline = _("baseline")
    rows = [
        JudgmentRow(
            names[w.participant_id],
            w.round,
            "weight",
            "",
            localize(w.criterion.name),
            localize(w.scenario.name) if w.scenario_id else "",
            w.value,
            None,
            localize(w.rationale),
            w.updated,
        )
        for w in WeightJudgment.objects.filter(participant__exercise=exercise)
        .select_related("criterion", "scenario")
        .order_by("participant_id", "round", "scenario__position", "criterion__position", "criterion_id")
    ]
    rows += [
        JudgmentRow(
            names[s.participant_id],
            s.round,
            "score",
            localize(s.option.name),
            localize(s.criterion.name),
            localize(s.scenario.name) if s.scenario_id else baseline,
            s.value,
            s.confidence,
            localize(s.rationale),
            s.updated,
        )
        for s in ScoreJudgment.objects.filter(participant__exercise=exercise)
        .select_related("option", "criterion", "scenario")
        .order_by(
            "participant_id", "round", "scenario__position", "option__position", "criterion__position", "pk"
        )
    ]
    return rows
