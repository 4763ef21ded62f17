"""Record a participant's weights and scores, checking them against the exercise and the criterion's scale."""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from policies.models import Criterion, Exercise, Option, Participant, ScoreJudgment, WeightJudgment
from policies.models.fields import localize


def parse_number(raw: str | None) -> float:
    """Read a number typed by a person: accepts a decimal comma, refuses NaN, infinities and text."""
    text = (raw or "").strip().replace(",", ".")
    if not text:
        raise ValidationError(_("Enter a number."), code="required")
    try:
        value = float(text)
    except ValueError as exc:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw}, code="invalid") from exc
    if not math.isfinite(value):
        raise ValidationError(_("Enter a finite number."), code="invalid")
    return value


def participant_for_user(*, exercise: Exercise, user_id: int, display_name: str) -> Participant:
    """The user's participant row in this exercise, created on first use."""
    participant, _created = Participant.objects.get_or_create(
        exercise=exercise, user_id=user_id, defaults={"key": f"user-{user_id}", "alias": display_name[:80]}
    )
    return participant


def save_weight(*, participant: Participant, criterion: Criterion, raw_value: str | None) -> WeightJudgment:
    exercise = participant.exercise
    if not exercise.criteria.filter(pk=criterion.pk).exists():
        raise ValidationError(_("This criterion is not part of the exercise."), code="invalid")
    value = parse_number(raw_value)
    if not 0 <= value <= 100:
        raise ValidationError(_("Give between 0 and 100 points."), code="out_of_range")
    judgment, _created = WeightJudgment.objects.update_or_create(
        participant=participant, criterion=criterion, round=exercise.current_round, defaults={"value": value}
    )
    return judgment


def save_score(
    *, participant: Participant, option: Option, criterion: Criterion, raw_value: str | None
) -> ScoreJudgment:
    exercise = participant.exercise
    if (
        not exercise.options.filter(pk=option.pk).exists()
        or not exercise.criteria.filter(pk=criterion.pk).exists()
    ):
        raise ValidationError(_("This cell is not part of the exercise."), code="invalid")
    value = parse_number(raw_value)
    if not criterion.scale_min <= value <= criterion.scale_max:
        raise ValidationError(
            _("%(criterion)s is scored from %(low)g to %(high)g.")
            % {
                "criterion": localize(criterion.name),
                "low": criterion.scale_min,
                "high": criterion.scale_max,
            },
            code="out_of_range",
        )
    judgment, _created = ScoreJudgment.objects.update_or_create(
        participant=participant,
        option=option,
        criterion=criterion,
        scenario=None,
        round=exercise.current_round,
        defaults={"value": value},
    )
    return judgment
