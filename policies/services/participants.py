"""Who takes part in an exercise: members enrolled on their first judgment, and guests who join by its code.

Every participant gets a number (1, 2...) when they join, the label everybody sees where identities are hidden
(policies.selectors.visibility); numbers are given under a lock on the exercise, so two people joining at the
same instant never share one.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.casefile.schema import LocalizedText
from policies.judgment_input import refuse_nul
from policies.models import Exercise, Participant
from policies.models.exercises import Anonymity

# Attempts at a free number: the lock on the exercise makes a clash rare (SQLite has no row locks).
_ATTEMPTS = 5


def _create_numbered(exercise: Exercise, **fields: object) -> Participant:
    """A new participant with the exercise's next number; in an anonymous exercise nothing but that number
    is stored as its alias."""
    for attempt in range(_ATTEMPTS):
        try:
            with transaction.atomic():
                Exercise.objects.select_for_update().filter(pk=exercise.pk).values_list("pk").first()
                number = (exercise.participants.aggregate(top=Max("number"))["top"] or 0) + 1
                if exercise.anonymity == Anonymity.ANONYMOUS:
                    fields["alias"] = nameless_alias(Participant(number=number))
                return Participant.objects.create(exercise=exercise, number=number, **fields)
        except IntegrityError:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def participant_for_user(
    *, exercise: Exercise, user_id: int, guest: bool = False, judging: bool = True
) -> Participant:
    """The user's participant row in this exercise, created on first use (a member's first judgment, or a
    signed-in person joining by the code). `guest` marks a row made by joining with the code while not a
    member of the team: it stands for them in this exercise only. `judging` False makes a row that only
    authors comments (a facilitator's), which the results do not count; a judging use of it turns it into a
    participant's (`start_judging`)."""
    existing = Participant.objects.filter(exercise=exercise, user_id=user_id).first()
    if existing is not None:
        if guest and not existing.is_guest:
            # A former member who joins again with the code is a guest of this exercise from now on.
            Participant.objects.filter(pk=existing.pk).update(is_guest=True)
            existing.is_guest = True
        if judging:
            start_judging(existing)
        return existing
    user = get_user_model().objects.get(pk=user_id)
    name = (user.get_full_name() or user.get_username())[:80]
    try:
        return _create_numbered(
            exercise, user_id=user_id, key=f"user-{user_id}", alias=name, is_guest=guest, judging=judging
        )
    except IntegrityError:  # the same person's other tab enrolled them a moment ago
        return participant_for_user(exercise=exercise, user_id=user_id, guest=guest, judging=judging)


def start_judging(participant: Participant) -> None:
    """A row made for comments only (a facilitator's) becomes a participant's once its person judges or joins
    by the code."""
    if not participant.judging:
        Participant.objects.filter(pk=participant.pk).update(judging=True)
        participant.judging = True


def join_as_guest(*, exercise: Exercise, display_name: str) -> Participant:
    name = " ".join((display_name or "").split())
    refuse_nul(name)
    if exercise.anonymity != Anonymity.ANONYMOUS and not name:
        raise ValidationError(_("Enter the name the others will know you by."), code="required")
    if len(name) > 40:
        raise ValidationError(_("Keep your name under 40 characters."), code="too_long")
    return _create_numbered(
        exercise,
        key=f"guest-{secrets.token_hex(6)}",
        alias=name,  # replaced by the number in an anonymous exercise: the typed name is not even stored
        is_guest=True,
        last_seen=timezone.now(),
    )


def add_persona(
    *, exercise: Exercise, key: str, alias: str, profile: LocalizedText, judging: bool = True
) -> Participant:
    """A persona of a case file (no account): its judgments are data of the file. `judging` False: the file
    keeps them as the author of comments only (a facilitator who replied), not counted in the results."""
    return _create_numbered(exercise, key=key, alias=alias, profile=profile, judging=judging)


def nameless_alias(participant: Participant) -> str:
    """What is stored as the name of someone whose name must not be kept: their number, nothing else."""
    return f"Participant {participant.number}"


def anonymise_participants(exercise: Exercise) -> None:
    """Replace stored names by numbers, so exports and every later screen carry no identity."""
    for participant in exercise.participants.all():
        label = nameless_alias(participant)
        if participant.alias != label or participant.profile:
            Participant.objects.filter(pk=participant.pk).update(alias=label, profile={})
