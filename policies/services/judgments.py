"""Record a participant's weights and scores, checking them against the exercise and the criterion's scale."""

import math
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from policies.models import Criterion, Exercise, Option, Participant, Scenario, WeightJudgment
from policies.models.exercises import Anonymity, Phase
from policies.models.fields import localize
from policies.selectors import raw_rows
from policies.services.cell_writes import write_score_cell

# Phases of a facilitated exercise in which judgments are accepted; open exercises always accept them.
WEIGHING_PHASES = frozenset({Phase.WEIGHTING, Phase.SCORING})
SCORING_PHASES = frozenset({Phase.SCORING})


def check_phase(exercise: Exercise, phases: frozenset[str]) -> None:
    """Refuse a judgment a facilitated exercise is not collecting right now (the screen may be stale)."""
    if exercise.facilitated and exercise.phase not in phases:
        raise ValidationError(
            _("The facilitator has moved the exercise to “%(phase)s”: this judgment was not recorded.")
            % {"phase": exercise.get_phase_display()},
            code="closed",
        )


def refuse_nul(text: str) -> None:
    """PostgreSQL cannot store a NUL character in text: refuse it here rather than fail in the database."""
    if "\x00" in text:
        raise ValidationError(_("Text may not contain NUL characters."), code="invalid")


def parse_rationale(raw: str | None) -> str:
    text = (raw or "").strip()
    refuse_nul(text)
    if len(text) > 2000:
        raise ValidationError(_("Keep the rationale under 2000 characters."), code="too_long")
    return text


def parse_confidence(raw: str | None) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if text not in {"1", "2", "3", "4", "5"}:
        raise ValidationError(_("Confidence goes from 1 (a guess) to 5 (certain)."), code="invalid")
    return int(text)


def score_scale(exercise: Exercise, criterion: Criterion) -> tuple[float, float]:
    """The exercise's own score scale when its set-up fixed one, else the criterion's."""
    if exercise.scale_min is not None and exercise.scale_max is not None:
        return exercise.scale_min, exercise.scale_max
    return criterion.scale_min, criterion.scale_max


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
    """The user's participant row in this exercise, created on first use.

    Every new participant gets a pseudonym; in an anonymous exercise the pseudonym is all that is stored.
    """
    existing = Participant.objects.filter(exercise=exercise, user_id=user_id).first()
    if existing is not None:
        return existing
    pseudonym = next_pseudonym(exercise)
    alias = pseudonym if exercise.anonymity == Anonymity.ANONYMOUS else display_name[:80]
    participant, _created = Participant.objects.get_or_create(
        exercise=exercise,
        user_id=user_id,
        defaults={"key": f"user-{user_id}", "alias": alias, "pseudonym": pseudonym},
    )
    return participant


def next_pseudonym(exercise: Exercise) -> str:
    return f"Participant {exercise.participants.count() + 1}"


def check_scenario_weights(exercise: Exercise, scenario: Scenario | None) -> None:
    """Refuse a scenario's weights unless the exercise lets weights differ by scenario and has it in play."""
    if scenario is not None and (
        not exercise.weights_by_scenario or not exercise.scenarios.filter(pk=scenario.pk).exists()
    ):
        raise ValidationError(_("This exercise does not take weights for this scenario."), code="invalid")


def save_weight(
    *,
    participant: Participant,
    criterion: Criterion,
    raw_value: str | None,
    raw_rationale: str | None = None,
    scenario: Scenario | None = None,
) -> WeightJudgment:
    """One criterion's points, for the baseline or for a scenario the exercise takes weights for."""
    exercise = participant.exercise
    check_phase(exercise, WEIGHING_PHASES)
    check_scenario_weights(exercise, scenario)
    if not exercise.criteria.filter(pk=criterion.pk).exists():
        raise ValidationError(_("This criterion is not part of the exercise."), code="invalid")
    value = parse_number(raw_value)
    if not 0 <= value <= 100:
        raise ValidationError(_("Give between 0 and 100 points."), code="out_of_range")
    defaults: dict[str, object] = {"value": value}
    if raw_rationale is not None:
        defaults["rationale"] = {(get_language() or "en")[:2]: parse_rationale(raw_rationale)}
    # scenario=None matches only the baseline row (IS NULL), never a scenario's.
    judgment, _created = WeightJudgment.objects.update_or_create(
        participant=participant,
        criterion=criterion,
        scenario=scenario,
        round=exercise.current_round,
        defaults=defaults,
    )
    return judgment


def save_score(
    *,
    participant: Participant,
    option: Option | int,
    criterion: Criterion | int,
    raw_value: str | None,
    scenario: Scenario | int | None = None,
    raw_rationale: str | None = None,
    raw_confidence: str | None = None,
) -> int:
    """Record a score and return its row's id; rationale and confidence stay as they were when not given.

    Option, criterion and scenario may be given as primary keys: the live scoring table saves a cell at a
    time, up to a few hundred times a second in a full room, so the cell is checked against the exercise in
    one query and written by cell_writes without loading any object.
    """
    exercise = participant.exercise
    check_phase(exercise, SCORING_PHASES)
    option_id = option.pk if isinstance(option, Option) else option
    criterion_id = criterion.pk if isinstance(criterion, Criterion) else criterion
    scenario_id = scenario.pk if isinstance(scenario, Scenario) else scenario
    in_play = _criterion_in_play(
        exercise, option_id=option_id, criterion_id=criterion_id, scenario_id=scenario_id
    )
    if in_play is None:
        raise ValidationError(_("This cell is not part of the exercise."), code="invalid")
    value = parse_number(raw_value)
    low, high = score_scale(exercise, in_play)
    if not low <= value <= high:
        raise ValidationError(
            _("%(criterion)s is scored from %(low)g to %(high)g.")
            % {"criterion": localize(in_play.name), "low": low, "high": high},
            code="out_of_range",
        )
    changes: dict[str, object] = {"value": value}
    if raw_rationale is not None:
        changes["rationale"] = {(get_language() or "en")[:2]: parse_rationale(raw_rationale)}
    if raw_confidence is not None:
        changes["confidence"] = parse_confidence(raw_confidence)
    key = {
        "participant_id": participant.pk,
        "option_id": option_id,
        "criterion_id": criterion_id,
        "scenario_id": scenario_id,
        "round": exercise.current_round,
    }
    return write_score_cell(key, changes)


def _criterion_in_play(
    exercise: Exercise, *, option_id: int, criterion_id: int, scenario_id: int | None
) -> Criterion | None:
    """The criterion (name and scale only) when option, criterion and scenario all belong to the exercise."""
    sql = _in_play_sql(scenario_id is not None, connection.vendor)
    params = [exercise.pk, option_id, criterion_id, exercise.pk]
    row = raw_rows.fetch_one(sql, params + ([exercise.pk, scenario_id] if scenario_id is not None else []))
    if row is None:
        return None
    name = Criterion._meta.get_field("name")
    return Criterion(
        pk=row[0],
        name=name.from_db_value(row[1], None, connection),
        scale_min=row[2],
        scale_max=row[3],
    )


@cache
def _in_play_sql(with_scenario: bool, vendor: str) -> str:
    """One hand-written query (the ORM took longer to build it than the database to run it): the criterion's
    name and scale when it is among the exercise's criteria and the option (and scenario) among its own."""
    quote = raw_rows.quoted

    def member(relation: Any, column: str) -> str:
        through = relation.through._meta.db_table
        return (
            f"EXISTS (SELECT 1 FROM {quote(through)} WHERE {quote('exercise_id')} = %s "
            f"AND {quote(column)} = %s)"
        )

    criteria = Exercise.criteria.through._meta.db_table
    sql = (
        f"SELECT c.{quote('id')}, c.{quote('name')}, c.{quote('scale_min')}, c.{quote('scale_max')} "
        f"FROM {quote(Criterion._meta.db_table)} c "
        f"WHERE {member(Exercise.options, 'option_id')} AND c.{quote('id')} = %s AND EXISTS (SELECT 1 FROM "
        f"{quote(criteria)} ec WHERE ec.{quote('criterion_id')} = c.{quote('id')} AND ec.{quote('exercise_id')} = %s)"
    )
    return sql + (f" AND {member(Exercise.scenarios, 'scenario_id')}" if with_scenario else "")
