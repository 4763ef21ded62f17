"""Writes of a live workshop: join codes, phases and rounds, versioned settings, comments.

Judgments go through policies.services.judgments and joining through policies.services.participants, like
every other entry point's."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.judgment_input import refuse_nul
from policies.models import Comment, Criterion, Exercise, Option, Participant
from policies.models.exercises import Anonymity, Phase, WhenTimeIsUp
from policies.selectors.access import Viewer
from policies.selectors.workshop_state import time_is_up
from policies.services.judgments import judge
from policies.services.participants import anonymise_participants, participant_for_user

# No 0/O, 1/I/L: codes are read aloud and typed on phones. 31^8 ≈ 8.5e11 codes, and guesses are rate-limited.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_LIFETIME = timedelta(hours=12)


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


# Where "move on" takes each phase when its timer runs out. The timer never closes an exercise: closing is
# the facilitator's decision, which the dashboard asks them to confirm.
NEXT_PHASE = {
    Phase.BRIEFING: Phase.WEIGHTING,
    Phase.WEIGHTING: Phase.SCORING,
    Phase.SCORING: Phase.REVEAL,
    Phase.REVEAL: Phase.DISCUSSION,
}


def apply_deadline(exercise: Exercise) -> Exercise:
    """Move a facilitated exercise on when its phase's timer has run out and its facilitator chose "move on".

    The room's polls call this, so the exercise moves on at the first poll after the deadline, with no clock
    process to run; the update names the version it read, so of many polls at once only one moves it.
    """
    if (
        not exercise.facilitated
        or exercise.when_time_is_up != WhenTimeIsUp.ADVANCE
        or exercise.phase not in NEXT_PHASE
        or not time_is_up(exercise)
    ):
        return exercise
    try:
        return _versioned_update(
            exercise, exercise.version, phase=NEXT_PHASE[Phase(exercise.phase)], phase_started=timezone.now()
        )
    except VersionConflict as exc:
        return exc.exercise


SETTING_FIELDS = (
    "blind",
    "weighting_method",
    "weights_by_scenario",
    "anonymity",
    "max_rounds",
    "consensus_threshold",
    "phase_minutes",
    "when_time_is_up",
    "weights_locked",
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


@dataclass(frozen=True)
class CommentSubject:
    option: Option | None
    criterion: Criterion | None


def commenter(viewer: Viewer) -> Participant:
    """The row a comment is signed with, checked as a judgment's writer is. A facilitator without one gets a
    row that does not judge (`Participant.judging`): replying to the room does not make them one of the
    participants the results count. A participant's first comment enrols them as their first judgment would."""
    if not viewer.can_judge:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    if viewer.participant is not None:
        return viewer.participant
    if viewer.can_facilitate:
        assert viewer.user_id is not None  # a facilitator is a signed-in member
        return participant_for_user(exercise=viewer.exercise, user_id=viewer.user_id, judging=False)
    return judge(viewer)


def add_comment(
    *,
    viewer: Viewer,
    subject: CommentSubject,
    body: str,
    parent: Comment | None = None,
) -> Comment:
    """A comment or a reply, by someone who may take part in the exercise now (as for judgments)."""
    exercise = viewer.exercise
    participant = commenter(viewer)
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


def moderate_comment(
    *, viewer: Viewer, comment: Comment, hidden: bool | None = None, pinned: bool | None = None
) -> Comment:
    """Hide or show, pin or unpin a comment: the exercise's facilitators only. A hidden comment (and the replies
    under it) is read by facilitators alone (policies.selectors.comments); a pinned one heads its thread."""
    if not viewer.can_facilitate:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    if comment.exercise_id != viewer.exercise.pk:
        raise ValidationError(_("This comment is not part of the exercise."), code="invalid")
    changes: dict[str, object] = {"moderated": timezone.now()}
    if hidden is not None:
        changes["hidden"] = hidden
    if pinned is not None:
        changes["pinned"] = pinned
    Comment.objects.filter(pk=comment.pk).update(**changes)
    comment.refresh_from_db()
    return comment
