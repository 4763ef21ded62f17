"""The one way a judgment is written: weights, pairwise comparisons and scores, from every entry point.

The open exercise page, the live workshop, the API and case import all write through here, so the same checks
and the same history apply whatever the door:

- **Authority, at the moment of writing.** The writer is a `Viewer` (policies.selectors.access) read in the same
  request: a member whose role allows judging, or a guest of this very exercise. A participant row grants
  nothing on its own: an observer, a member demoted to observer or removed from the team is refused.
- **The exercise's weighting method.** A direct-points or swing exercise takes points, a rank-order one ranks,
  an AHP one pairwise comparisons (their priorities then become the participant's points). Anything else is
  refused with a message that says what the exercise takes.
- **The phase.** A facilitated exercise takes weights while weighting or scoring and scores while scoring;
  none once the phase's timer has run out if the facilitator chose that it then locks or moves on, and no
  weights while scoring if the facilitator locked them.
- **Values.** Points from 0 to 100; scores on the exercise's scale (or the criterion's); comparisons on Saaty's
  scale; ranks a permutation; rationales and confidence as the web accepts them.

Every write that changes a judgment leaves a row in its history (django-simple-history; the score hot path
writes its history row itself, see policies.sql.score_cells). A save that changes nothing (the same value sent
again, as a page does when it closes) writes nothing: no history row for the decision trail, and no new
`updated` for the dashboard's token (policies.selectors.workshop_state); it still answers as saved.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from policies import analysis
from policies.judgment_input import RATIONALE_LENGTH, refuse_nul
from policies.models import (
    Criterion,
    Exercise,
    PairwiseJudgment,
    Participant,
    ScoreJudgment,
    WeightJudgment,
)
from policies.models.exercises import Phase, WeightingMethod, WhenTimeIsUp
from policies.models.fields import localize
from policies.selectors.access import Viewer
from policies.selectors.ahp import pairwise_matrix
from policies.selectors.exercise_arrays import score_scale
from policies.selectors.workshop_state import phase_locked, weights_locked
from policies.services.participants import participant_for_user, start_judging
from policies.sql import rows
from policies.sql.score_cells import write_score_cell

# Phases of a facilitated exercise in which judgments are accepted; open exercises always accept them.
WEIGHING_PHASES = frozenset({Phase.WEIGHTING, Phase.SCORING})
SCORING_PHASES = frozenset({Phase.SCORING})
# Saaty's fundamental scale and its reciprocals.
AHP_SCALE = (1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9)
POINTS_METHODS = frozenset({WeightingMethod.DIRECT, WeightingMethod.SWING})


# -- who writes -------------------------------------------------------------------------------------------


def judge(viewer: Viewer) -> Participant:
    """The participant `viewer` judges as, checked now; a judging member is enrolled on their first judgment."""
    if not viewer.can_judge:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    if viewer.participant is not None:
        start_judging(viewer.participant)
        return viewer.participant
    assert viewer.user_id is not None  # a guest always has a row
    participant = participant_for_user(exercise=viewer.exercise, user_id=viewer.user_id)
    participant.exercise = viewer.exercise
    return participant


def save_if_changed[M: Model](model: type[M], *, cell: Mapping[str, Any], values: Mapping[str, Any]) -> M:
    """The judgment named by `cell`, created or updated with `values`, or left alone (no history row, no new
    `updated`) when it already holds them: a cell sent again must not read as a change in the trail."""
    existing = model._default_manager.filter(**cell).first()
    if existing is not None and all(getattr(existing, name) == value for name, value in values.items()):
        return existing
    judgment, _created = model._default_manager.update_or_create(**cell, defaults=dict(values))
    return judgment


# -- the rules on values ----------------------------------------------------------------------------------


def check_phase(exercise: Exercise, phases: frozenset[str]) -> None:
    """Refuse a judgment a facilitated exercise is not collecting right now (the screen may be stale)."""
    if exercise.facilitated and exercise.phase not in phases:
        raise ValidationError(
            _("The facilitator has moved the exercise to “%(phase)s”: this judgment was not recorded.")
            % {"phase": exercise.get_phase_display()},
            code="closed",
        )
    if phase_locked(exercise):
        if exercise.when_time_is_up == WhenTimeIsUp.ADVANCE:
            message = _(
                "Time is up for “%(phase)s”: the exercise is moving on to the next phase, and this judgment was "
                "not recorded."
            )
        else:
            message = _(
                "Time is up for “%(phase)s”: the facilitator’s timer has locked it, and this judgment was not "
                "recorded. Ask the facilitator for more time."
            )
        raise ValidationError(message % {"phase": exercise.get_phase_display()}, code="locked")


def check_weights_open(exercise: Exercise) -> None:
    """Refuse a change of weights the facilitator has locked for the scoring."""
    if weights_locked(exercise):
        raise ValidationError(
            _("The facilitator has locked the weights for the scoring: this change was not recorded."),
            code="weights_locked",
        )


def check_method(exercise: Exercise, methods: Iterable[str]) -> None:
    """Refuse weights given in a form the exercise does not elicit, saying what it takes instead."""
    if exercise.weighting_method in methods:
        return
    takes = {
        WeightingMethod.DIRECT: _("points for each criterion, adding up to 100"),
        WeightingMethod.SWING: _("swing ratings (the swing you value most 100, the others relative to it)"),
        WeightingMethod.RANK: _("a rank for every criterion"),
        WeightingMethod.AHP: _("pairwise comparisons of the criteria"),
    }
    raise ValidationError(
        _("This exercise weighs criteria by %(method)s: give %(takes)s.")
        % {
            "method": exercise.get_weighting_method_display(),
            "takes": takes.get(WeightingMethod(exercise.weighting_method), ""),
        },
        code="method",
    )


def check_points(value: float) -> float:
    if not np.isfinite(value) or not 0 <= value <= 100:
        raise ValidationError(_("Give between 0 and 100 points."), code="out_of_range")
    return float(value)


def check_ratio(value: float) -> float:
    """A comparison on Saaty's scale (1/9 to 9, whole numbers and their reciprocals)."""
    if not any(abs(value - allowed) < 1e-6 for allowed in AHP_SCALE):
        raise ValidationError(_("Use Saaty's scale: 1/9 to 9."), code="out_of_range")
    return float(value)


def check_rationale(text: str) -> str:
    text = text.strip()
    refuse_nul(text)
    if len(text) > RATIONALE_LENGTH:
        raise ValidationError(_("Keep the rationale under 2000 characters."), code="too_long")
    return text


def check_confidence(value: int | None) -> int | None:
    if value is not None and value not in {1, 2, 3, 4, 5}:
        raise ValidationError(_("Confidence goes from 1 (a guess) to 5 (certain)."), code="invalid")
    return value


def check_score(exercise: Exercise, criterion: Criterion, value: float) -> float:
    low, high = score_scale(exercise, criterion)
    if not np.isfinite(value) or not low <= value <= high:
        raise ValidationError(
            _("%(criterion)s is scored from %(low)g to %(high)g.")
            % {"criterion": localize(criterion.name) or criterion.key, "low": low, "high": high},
            code="out_of_range",
        )
    return float(value)


def _in_language(text: str) -> dict[str, str]:
    return {(get_language() or "en")[:2]: check_rationale(text)}


def _scenario_for_weights(exercise: Exercise, scenario_id: int | None) -> int | None:
    """A scenario's weights only when the exercise lets weights differ by scenario and has it in play."""
    if scenario_id is not None and (
        not exercise.weights_by_scenario or not exercise.scenarios.filter(pk=scenario_id).exists()
    ):
        raise ValidationError(_("This exercise does not take weights for this scenario."), code="invalid")
    return scenario_id


def _criteria(exercise: Exercise) -> list[Criterion]:
    return list(exercise.criteria.order_by("position", "pk"))


def _weigher(viewer: Viewer, methods: Iterable[str], scenario: int | None) -> tuple[Participant, Exercise]:
    """Who writes weights, checked as every weighting write checks them: authority now, the phase, the
    exercise's weighting method, and a scenario's weights only where the exercise takes them."""
    participant = judge(viewer)
    exercise = viewer.exercise
    check_phase(exercise, WEIGHING_PHASES)
    check_weights_open(exercise)
    check_method(exercise, methods)
    _scenario_for_weights(exercise, scenario)
    return participant, exercise


# -- weights ----------------------------------------------------------------------------------------------


def _write_points(
    participant: Participant,
    points: Mapping[int, float],
    round: int,
    scenario_id: int | None,
    rationales: Mapping[int, str] | None = None,
) -> None:
    for criterion_id, value in points.items():
        defaults: dict[str, object] = {"value": float(min(max(round_points(value), 0.0), 100.0))}
        if rationales is not None and criterion_id in rationales:
            defaults["rationale"] = _in_language(rationales[criterion_id])
        # scenario_id=None matches only the baseline row (IS NULL), never a scenario's.
        save_if_changed(
            WeightJudgment,
            cell={
                "participant": participant,
                "criterion_id": criterion_id,
                "scenario_id": scenario_id,
                "round": round,
            },
            values=defaults,
        )


def round_points(value: float) -> float:
    return float(round(value, 4))


@transaction.atomic
def record_points(
    *,
    viewer: Viewer,
    points: Mapping[int, float],
    scenario: int | None = None,
    complete: bool = True,
    rationales: Mapping[int, str] | None = None,
) -> Participant:
    """Direct points or swing ratings, for the baseline or a scenario in play.

    `complete`: the points of every criterion at once (the weighting forms), checked as a whole (direct points
    add up to 100, the best swing is 100). Otherwise some criteria only (a single input of the open exercise
    page, an API item), each from 0 to 100; the engine normalises each person's points.
    """
    participant, exercise = _weigher(viewer, POINTS_METHODS, scenario)
    criteria = {c.pk for c in _criteria(exercise)}
    unknown = set(points) - criteria
    if unknown or (complete and set(points) != criteria):
        raise ValidationError(
            _("This criterion is not part of the exercise.")
            if unknown
            else _("Give points to every criterion of the exercise."),
            code="invalid",
        )
    values = {pk: check_points(value) for pk, value in points.items()}
    if complete and exercise.weighting_method == WeightingMethod.DIRECT:
        total = sum(values.values())
        if abs(total - 100) > 0.5:
            raise ValidationError(
                _("The points add up to %(total)g; they must add up to 100.") % {"total": round(total, 1)},
                code="sum",
            )
    swing = complete and exercise.weighting_method == WeightingMethod.SWING
    if swing and values and abs(max(values.values()) - 100) > 1e-9:
        raise ValidationError(
            _("Rate the swing you value most 100 and the others relative to it."), code="top"
        )
    _write_points(participant, values, exercise.current_round, scenario, rationales)
    return participant


@transaction.atomic
def record_ranking(*, viewer: Viewer, ranks: Mapping[int, int], scenario: int | None = None) -> list[float]:
    """Ranks 1..n (1 = most important, each once) turned into rank-order-centroid weights, stored as points.

    Returns the points in the exercise's criteria order."""
    participant, exercise = _weigher(viewer, {WeightingMethod.RANK}, scenario)
    criteria = _criteria(exercise)
    if set(ranks) != {c.pk for c in criteria} or not all(1 <= r <= len(criteria) for r in ranks.values()):
        raise ValidationError(_("Give every criterion a rank from 1 to %(n)d.") % {"n": len(criteria)})
    if sorted(ranks.values()) != list(range(1, len(criteria) + 1)):
        raise ValidationError(_("Use each rank once: two criteria cannot share a place."), code="duplicate")
    roc = analysis.roc_weights(len(criteria))
    points = {pk: float(roc[place - 1] * 100) for pk, place in ranks.items()}
    _write_points(participant, points, exercise.current_round, scenario)
    return [points[c.pk] for c in criteria]


@transaction.atomic
def record_comparisons(
    *, viewer: Viewer, ratios: Mapping[tuple[int, int], float], scenario: int | None = None
) -> Participant:
    """Pairwise comparisons (how many times more important a is than b); once the participant's matrix is
    complete, its AHP priorities become their points. For a scenario, their baseline comparisons complete the
    matrix where they gave none for it."""
    participant, exercise = _weigher(viewer, {WeightingMethod.AHP}, scenario)
    criteria = _criteria(exercise)
    ids = {c.pk for c in criteria}
    for (a, b), value in ratios.items():
        if a not in ids or b not in ids or a == b:
            raise ValidationError(_("This comparison is not part of the exercise."), code="invalid")
        ratio = check_ratio(value)
        if a > b:
            a, b, ratio = b, a, 1 / ratio
        # scenario None is the baseline (IS NULL).
        save_if_changed(
            PairwiseJudgment,
            cell={
                "participant": participant,
                "criterion_a_id": a,
                "criterion_b_id": b,
                "scenario_id": scenario,
                "round": exercise.current_round,
            },
            values={"value": ratio},
        )
    matrix = pairwise_matrix(participant, criteria, round=exercise.current_round, scenario=scenario)
    if len(criteria) >= 2 and not np.isnan(matrix).any():
        weights = analysis.ahp_priorities(matrix).weights
        _write_points(
            participant,
            {c.pk: float(w * 100) for c, w in zip(criteria, weights, strict=True)},
            exercise.current_round,
            scenario,
        )
    return participant


# -- scores -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreEntry:
    """One cell's score, as typed values; rationale and confidence stay as they were when None."""

    option: int
    criterion: int
    value: float
    scenario: int | None = None
    rationale: str | None = None
    confidence: int | None = None
    clear_confidence: bool = False


def record_score(*, viewer: Viewer, entry: ScoreEntry) -> int:
    """Record a score and return its row's id.

    The live scoring table saves a cell at a time, up to a few hundred times a second in a full room, so the
    cell is checked against the exercise in one query (hand-written, policies.sql) and written by
    policies.sql.score_cells without loading any object; the writer's standing came with their participant row
    in the same request (access.get_own_viewer).
    """
    participant = judge(viewer)
    exercise = viewer.exercise
    check_phase(exercise, SCORING_PHASES)
    in_play = _criterion_in_play(
        exercise, option_id=entry.option, criterion_id=entry.criterion, scenario_id=entry.scenario
    )
    if in_play is None:
        raise ValidationError(_("This cell is not part of the exercise."), code="invalid")
    changes: dict[str, object] = {"value": check_score(exercise, in_play, entry.value)}
    if entry.rationale is not None:
        changes["rationale"] = _in_language(entry.rationale)
    if entry.confidence is not None or entry.clear_confidence:
        changes["confidence"] = check_confidence(entry.confidence)
    key = {
        "participant_id": participant.pk,
        "option_id": entry.option,
        "criterion_id": entry.criterion,
        "scenario_id": entry.scenario,
        "round": exercise.current_round,
    }
    return write_score_cell(key, changes)


@transaction.atomic
def clear_score(*, viewer: Viewer, option: int, criterion: int, scenario: int | None = None) -> bool:
    """Take back a score (with its rationale and confidence) the participant gave in the current round.

    The same checks as `record_score`: authority now, the phase, the cell in play. A scenario's cell falls back
    to the baseline score again, and in a later round a cell falls back to the participant's previous round.
    Returns whether there was a score to clear; the deletion leaves a row in the judgment's history.
    """
    participant = judge(viewer)
    exercise = viewer.exercise
    check_phase(exercise, SCORING_PHASES)
    if _criterion_in_play(exercise, option_id=option, criterion_id=criterion, scenario_id=scenario) is None:
        raise ValidationError(_("This cell is not part of the exercise."), code="invalid")
    found = False
    # scenario None is the baseline (IS NULL); django-stubs wrongly refuses None for a nullable key's column.
    for row in ScoreJudgment.objects.filter(  # type: ignore[misc]
        participant=participant,
        option_id=option,
        criterion_id=criterion,
        scenario_id=scenario,
        round=exercise.current_round,
    ):
        row.delete()  # one by one, so that django-simple-history records each deletion
        found = True
    return found


def _criterion_in_play(
    exercise: Exercise, *, option_id: int, criterion_id: int, scenario_id: int | None
) -> Criterion | None:
    """The criterion (key, name and scale only) when option, criterion and scenario all belong to the exercise."""
    sql = _in_play_sql(scenario_id is not None, connection.vendor)
    params = [exercise.pk, option_id, criterion_id, exercise.pk]
    row = rows.fetch_one(sql, params + ([exercise.pk, scenario_id] if scenario_id is not None else []))
    if row is None:
        return None
    name = Criterion._meta.get_field("name")
    return Criterion(
        pk=row[0],
        key=row[1],
        name=name.from_db_value(row[2], name.cached_col, connection),
        scale_min=row[3],
        scale_max=row[4],
    )


@cache
def _in_play_sql(with_scenario: bool, vendor: str) -> str:
    """One hand-written query (the ORM took longer to build it than the database to run it): the criterion's
    name and scale when it is among the exercise's criteria and the option (and scenario) among its own."""
    quote = rows.quoted

    def member(relation: Any, column: str) -> str:
        through = relation.through._meta.db_table
        return (
            f"EXISTS (SELECT 1 FROM {quote(through)} WHERE {quote('exercise_id')} = %s "
            f"AND {quote(column)} = %s)"
        )

    criteria = Exercise.criteria.through._meta.db_table
    sql = (
        f"SELECT c.{quote('id')}, c.{quote('key')}, c.{quote('name')}, c.{quote('scale_min')}, "
        f"c.{quote('scale_max')} FROM {quote(Criterion._meta.db_table)} c "
        f"WHERE {member(Exercise.options, 'option_id')} AND c.{quote('id')} = %s AND EXISTS (SELECT 1 FROM "
        f"{quote(criteria)} ec WHERE ec.{quote('criterion_id')} = c.{quote('id')} AND ec.{quote('exercise_id')} = %s)"
    )
    return sql + (f" AND {member(Exercise.scenarios, 'scenario_id')}" if with_scenario else "")


# -- case files -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedJudgments:
    """Judgments a case file gives its people, keyed by ids already resolved against the exercise."""

    weights: list[WeightJudgment]
    scores: list[ScoreJudgment]
    pairwise: list[PairwiseJudgment]


def replace_judgments(
    *, exercise: Exercise, participants: list[Participant], judgments: ImportedJudgments
) -> None:
    """Replace the judgments of `participants` by a case file's, checked by the rules above, with history.

    The caller (case import) has settled who may do this: a case file's personas, or people whose judgments a
    facilitator explicitly chose to replace. Rounds are the file's own, so no phase applies.
    """
    criteria = {c.pk: c for c in exercise.criteria.all()}
    options = set(exercise.options.values_list("pk", flat=True))
    scenarios = set(exercise.scenarios.values_list("pk", flat=True))
    for weight in judgments.weights:
        check_points(weight.value)
        if weight.criterion_id not in criteria or (
            weight.scenario_id and weight.scenario_id not in scenarios
        ):
            raise ValidationError(_("This criterion is not part of the exercise."), code="invalid")
    for score in judgments.scores:
        if score.option_id not in options or score.criterion_id not in criteria:
            raise ValidationError(_("This cell is not part of the exercise."), code="invalid")
        check_score(exercise, criteria[score.criterion_id], score.value)
        check_confidence(score.confidence)
    for comparison in judgments.pairwise:
        check_ratio(comparison.value)
    people = [p.pk for p in participants]
    WeightJudgment.objects.filter(participant__in=people).delete()
    ScoreJudgment.objects.filter(participant__in=people).delete()
    PairwiseJudgment.objects.filter(participant__in=people).delete()
    bulk_create_with_history(judgments.weights, WeightJudgment)
    bulk_create_with_history(judgments.scores, ScoreJudgment)
    bulk_create_with_history(judgments.pairwise, PairwiseJudgment)
