"""Writes of a live workshop: join codes, joining, phases and rounds, versioned settings, weights, comments."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
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
    WeightJudgment,
)
from policies.models.exercises import Anonymity, Phase
from policies.selectors.workshop import pairwise_matrix
from policies.services.judgments import (
    WEIGHING_PHASES,
    check_phase,
    check_scenario_weights,
    next_pseudonym,
    parse_number,
    refuse_nul,
)

# No 0/O, 1/I/L: codes are read aloud and typed on phones. 31^8 ≈ 8.5e11 codes, and guesses are rate-limited.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(hours=12)
AHP_SCALE = (1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9)


class VersionConflict(Exception):
    """A facilitator wrote over a version somebody else had already changed."""

    def __init__(self, exercise: Exercise) -> None:
        super().__init__(_("Somebody else changed this exercise meanwhile."))
        self.exercise = exercise


def normalize_code(raw: str | None) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def issue_join_code(*, exercise: Exercise, lifetime: timedelta = CODE_LIFETIME) -> Exercise:
    """A fresh random code (the old one stops working), valid for `lifetime`."""
    for _attempt in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                Exercise.objects.filter(pk=exercise.pk).update(
                    join_code=code, join_expires=timezone.now() + lifetime, version=F("version") + 1
                )
            break
        except IntegrityError:  # pragma: no cover - a collision in 8.5e11
            continue
    exercise.refresh_from_db()
    return exercise


def exercise_for_code(raw: str | None) -> Exercise | None:
    """The open exercise this code lets people join, or None (unknown, expired or closed)."""
    code = normalize_code(raw)
    if len(code) != CODE_LENGTH:
        return None
    return (
        Exercise.objects.filter(join_code=code, join_expires__gt=timezone.now())
        .exclude(phase=Phase.CLOSED)
        .select_related("team", "case")
        .first()
    )


def join_as_guest(*, exercise: Exercise, display_name: str) -> Participant:
    name = " ".join((display_name or "").split())
    refuse_nul(name)
    if exercise.anonymity != Anonymity.ANONYMOUS and not name:
        raise ValidationError(_("Enter the name the others will know you by."), code="required")
    if len(name) > 40:
        raise ValidationError(_("Keep your name under 40 characters."), code="too_long")
    with transaction.atomic():
        pseudonym = next_pseudonym(exercise)
        # In an anonymous exercise the typed name is not even stored.
        alias = pseudonym if exercise.anonymity == Anonymity.ANONYMOUS else name
        return Participant.objects.create(
            exercise=exercise,
            key=f"guest-{secrets.token_hex(6)}",
            alias=alias,
            pseudonym=pseudonym,
            is_guest=True,
            last_seen=timezone.now(),
        )


def touch(participant: Participant) -> None:
    """Remember the participant was here; at most one write per 20 seconds per participant."""
    now = timezone.now()
    if participant.last_seen is None or now - participant.last_seen > timedelta(seconds=20):
        Participant.objects.filter(pk=participant.pk).update(last_seen=now)
        participant.last_seen = now


def _versioned_update(exercise: Exercise, expected_version: int, **fields: object) -> Exercise:
    updated = Exercise.objects.filter(pk=exercise.pk, version=expected_version).update(
        version=F("version") + 1, **fields
    )
    exercise.refresh_from_db()
    if not updated:
        raise VersionConflict(exercise)
    return exercise


def set_phase(*, exercise: Exercise, phase: str, expected_version: int) -> Exercise:
    if phase not in Phase.values:
        raise ValidationError(_("Unknown phase."), code="invalid")
    return _versioned_update(exercise, expected_version, phase=phase, phase_started=timezone.now())


def next_round(*, exercise: Exercise, expected_version: int) -> Exercise:
    """Open the next Delphi round: participants revise their scores with the group's feedback in view."""
    if exercise.current_round >= exercise.max_rounds:
        raise ValidationError(
            _("This exercise is limited to %(n)d rounds: close it or raise the limit.")
            % {"n": exercise.max_rounds},
            code="round_limit",
        )
    if exercise.phase == Phase.CLOSED:
        raise ValidationError(_("The exercise is closed."), code="closed")
    return _versioned_update(
        exercise,
        expected_version,
        current_round=F("current_round") + 1,
        phase=Phase.SCORING,
        phase_started=timezone.now(),
    )


SETTING_FIELDS = (
    "blind",
    "weighting_method",
    "weights_by_scenario",
    "anonymity",
    "max_rounds",
    "consensus_threshold",
    "phase_minutes",
)


def update_settings(*, exercise: Exercise, expected_version: int, settings: Mapping[str, object]) -> Exercise:
    """Change workshop settings, refusing (VersionConflict) if another facilitator changed them first."""
    unknown = set(settings) - set(SETTING_FIELDS)
    if unknown:
        raise ValueError(f"Not a workshop setting: {sorted(unknown)}")
    if (
        exercise.anonymity == Anonymity.ANONYMOUS
        and settings.get("anonymity", Anonymity.ANONYMOUS) != Anonymity.ANONYMOUS
    ):
        raise ValidationError(
            _("An anonymous exercise stays anonymous: its participants were promised it."), code="anonymity"
        )
    if settings.get("weights_by_scenario") and not exercise.scenarios.exists():
        raise ValidationError(
            _("Weights can differ by scenario only when scenarios are in play."), code="no_scenarios"
        )
    with transaction.atomic():
        exercise = _versioned_update(exercise, expected_version, **settings)
        if exercise.anonymity == Anonymity.ANONYMOUS:
            anonymise_participants(exercise)
    return exercise


def anonymise_participants(exercise: Exercise) -> None:
    """Replace stored names by pseudonyms, so exports and every later screen carry no identity."""
    for participant in exercise.participants.all():
        pseudonym = participant.pseudonym or f"Participant {participant.pk}"
        if participant.alias != pseudonym or participant.pseudonym != pseudonym:
            Participant.objects.filter(pk=participant.pk).update(alias=pseudonym, pseudonym=pseudonym)


def _check_weighing(
    participant: Participant, scenario: Scenario | None = None
) -> tuple[Exercise, list[Criterion]]:
    """The exercise and its criteria, refusing weights it is not collecting now (phase, or a scenario's)."""
    exercise = participant.exercise
    check_phase(exercise, WEIGHING_PHASES)
    check_scenario_weights(exercise, scenario)
    return exercise, list(exercise.criteria.order_by("position", "pk"))


def _write_points(
    participant: Participant, points: Mapping[int, float], round: int, scenario: Scenario | None
) -> None:
    for criterion_id, value in points.items():
        # scenario=None matches only the baseline row (IS NULL), never a scenario's.
        WeightJudgment.objects.update_or_create(
            participant=participant,
            criterion_id=criterion_id,
            scenario=scenario,
            round=round,
            defaults={"value": round_points(value)},
        )


def round_points(value: float) -> float:
    return float(min(max(round(value, 4), 0.0), 100.0))


@transaction.atomic
def save_points(
    *,
    participant: Participant,
    raw: Mapping[int, str | None],
    must_sum_to_100: bool,
    scenario: Scenario | None = None,
) -> None:
    """Direct points (must add up to 100) or swing ratings (the best swing is 100), all criteria at once;
    for the baseline, or for one scenario in play when the exercise lets weights differ by scenario."""
    exercise, criteria = _check_weighing(participant, scenario)
    values: dict[int, float] = {}
    for criterion in criteria:
        value = parse_number(raw.get(criterion.pk))
        if not 0 <= value <= 100:
            raise ValidationError(_("Give between 0 and 100 points."), code="out_of_range")
        values[criterion.pk] = value
    total = sum(values.values())
    if must_sum_to_100 and abs(total - 100) > 0.5:
        raise ValidationError(
            _("The points add up to %(total)g; they must add up to 100.") % {"total": round(total, 1)},
            code="sum",
        )
    if not must_sum_to_100 and values and abs(max(values.values()) - 100) > 1e-9:
        raise ValidationError(
            _("Rate the swing you value most 100 and the others relative to it."), code="top"
        )
    _write_points(participant, values, exercise.current_round, scenario)


@transaction.atomic
def save_ranking(
    *, participant: Participant, raw: Mapping[int, str | None], scenario: Scenario | None = None
) -> list[float]:
    """Ranks 1..n (1 = most important, each once) turned into rank-order-centroid weights, stored as points."""
    exercise, criteria = _check_weighing(participant, scenario)
    ranks: dict[int, int] = {}
    for criterion in criteria:
        text = (raw.get(criterion.pk) or "").strip()
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= len(criteria):
            raise ValidationError(_("Give every criterion a rank from 1 to %(n)d.") % {"n": len(criteria)})
        ranks[criterion.pk] = int(text)
    if sorted(ranks.values()) != list(range(1, len(criteria) + 1)):
        raise ValidationError(_("Use each rank once: two criteria cannot share a place."), code="duplicate")
    roc = analysis.roc_weights(len(criteria))
    points = {pk: float(roc[rank - 1] * 100) for pk, rank in ranks.items()}
    _write_points(participant, points, exercise.current_round, scenario)
    return [points[c.pk] for c in criteria]


def parse_ratio(raw: str | None) -> float:
    text = (raw or "").strip()
    try:
        value = float(text.split("/")[0]) / float(text.split("/")[1]) if "/" in text else float(text)
    except (ValueError, ZeroDivisionError) as exc:
        raise ValidationError(_("Choose how much more important one criterion is."), code="invalid") from exc
    if not any(abs(value - allowed) < 1e-6 for allowed in AHP_SCALE):
        raise ValidationError(_("Use Saaty's scale: 1/9 to 9."), code="out_of_range")
    return value


@transaction.atomic
def save_pairwise(
    *,
    participant: Participant,
    raw: Mapping[tuple[int, int], str | None],
    scenario: Scenario | None = None,
) -> None:
    """Save the given pairwise comparisons; once the matrix is complete its AHP priorities become the weights.

    For a scenario, the participant's baseline comparisons complete the matrix where they gave none for it.
    """
    exercise, criteria = _check_weighing(participant, scenario)
    ids = {c.pk for c in criteria}
    for (a, b), text in raw.items():
        if not text:
            continue
        if a not in ids or b not in ids or a == b:
            raise ValidationError(_("This comparison is not part of the exercise."), code="invalid")
        value = parse_ratio(text)
        if a > b:
            a, b, value = b, a, 1 / value
        PairwiseJudgment.objects.update_or_create(
            participant=participant,
            criterion_a_id=a,
            criterion_b_id=b,
            scenario=scenario,
            round=exercise.current_round,
            defaults={"value": value},
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


@dataclass(frozen=True)
class CommentSubject:
    option: Option | None
    criterion: Criterion | None


def add_comment(
    *,
    participant: Participant,
    subject: CommentSubject,
    body: str,
    parent: Comment | None = None,
) -> Comment:
    exercise = participant.exercise
    text = (body or "").strip()
    if not text:
        raise ValidationError(_("Write something before posting."), code="required")
    refuse_nul(text)
    if len(text) > 2000:
        raise ValidationError(_("Keep comments under 2000 characters."), code="too_long")
    if exercise.phase == Phase.CLOSED:
        raise ValidationError(_("The exercise is closed."), code="closed")
    if parent is not None:
        if parent.exercise_id != exercise.pk:
            raise ValidationError(_("This comment is not part of the exercise."), code="invalid")
        subject = CommentSubject(parent.option, parent.criterion)
    if subject.option is not None and not exercise.options.filter(pk=subject.option.pk).exists():
        raise ValidationError(_("Choose an option or a criterion of this exercise."), code="invalid")
    if subject.criterion is not None and not exercise.criteria.filter(pk=subject.criterion.pk).exists():
        raise ValidationError(_("Choose an option or a criterion of this exercise."), code="invalid")
    if subject.option is None and subject.criterion is None:
        raise ValidationError(_("Choose an option or a criterion of this exercise."), code="required")
    return Comment.objects.create(
        exercise=exercise,
        author=participant,
        option=subject.option,
        criterion=subject.criterion,
        parent=parent,
        body=text,
    )
