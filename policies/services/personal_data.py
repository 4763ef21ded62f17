"""A person's own data: everything they gave, as JSON; deleting their account; erasing workshop guests' names.

One rule for every departure: in a closed exercise the judgments stay, under a pseudonym with no link to the
person (the exercise's record must not change after the fact); in an exercise still open they are removed,
so the results, computed from the judgments at each reading, no longer count them.
"""

from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.models import (
    ApiToken,
    AuditAction,
    AuditEvent,
    Comment,
    Exercise,
    Membership,
    Participant,
    Role,
)
from policies.models.exercises import Phase
from policies.services.audit import record
from policies.services.participants import nameless_alias
from policies.services.preferences import saved_language

FORMAT = "policy-workbench-personal-data"
DELETED_NAME = "(deleted account)"


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def _participation(participant: Participant) -> dict[str, Any]:
    exercise = participant.exercise
    return {
        "exercise": {
            "id": exercise.pk,
            "key": exercise.key,
            "title": exercise.title,
            "team": exercise.team.name,
        },
        "alias": participant.alias,
        "number": participant.number,
        "joined": _when(participant.joined),
        "weights": [
            {
                "criterion": w.criterion.key,
                "scenario": w.scenario.key if w.scenario else None,
                "round": w.round,
                "points": w.value,
                "rationale": w.rationale,
                "updated": _when(w.updated),
            }
            for w in participant.weights.select_related("criterion", "scenario").order_by("round", "pk")
        ],
        "scores": [
            {
                "option": s.option.key,
                "criterion": s.criterion.key,
                "scenario": s.scenario.key if s.scenario else None,
                "round": s.round,
                "score": s.value,
                "confidence": s.confidence,
                "rationale": s.rationale,
                "updated": _when(s.updated),
            }
            for s in participant.scores.select_related("option", "criterion", "scenario").order_by(
                "round", "pk"
            )
        ],
        "pairwise": [
            {
                "criterion_a": p.criterion_a.key,
                "criterion_b": p.criterion_b.key,
                "scenario": p.scenario.key if p.scenario else None,
                "round": p.round,
                "ratio": p.value,
            }
            for p in participant.pairwise.select_related("criterion_a", "criterion_b", "scenario").order_by(
                "round", "pk"
            )
        ],
        "cross_impacts": [
            {
                "source": [i.source.driver.key, i.source.key],
                "target": [i.target.driver.key, i.target.key],
                "round": i.round,
                "impact": i.value,
                "updated": _when(i.updated),
            }
            for i in participant.impacts.select_related("source__driver", "target__driver").order_by(
                "round", "pk"
            )
        ],
        "comments": [
            {
                "option": c.option.key if c.option else None,
                "criterion": c.criterion.key if c.criterion else None,
                "reply_to": c.parent_id,
                "id": c.pk,
                "body": c.body,
                "created": _when(c.created),
            }
            for c in participant.comments.select_related("option", "criterion").order_by("pk")
        ],
    }


def export_personal_data(*, user: User) -> dict[str, Any]:
    """Everything the workbench holds that the person gave or that describes them."""
    participants = Participant.objects.filter(user_id=user.pk).select_related("exercise", "exercise__team")
    return {
        "format": FORMAT,
        "version": 1,
        "exported": timezone.now().isoformat(),
        "account": {
            "username": user.get_username(),
            "email": getattr(user, "email", ""),
            "first_name": getattr(user, "first_name", ""),
            "last_name": getattr(user, "last_name", ""),
            "date_joined": _when(getattr(user, "date_joined", None)),
            "last_login": _when(user.last_login),
            "language": saved_language(user=user),
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user_id=user.pk).order_by("pk")
            ],
        },
        "memberships": [
            {"team": m.team.name, "role": m.role, "joined": _when(m.created)}
            for m in Membership.objects.filter(user_id=user.pk).select_related("team").order_by("pk")
        ],
        "participations": [_participation(p) for p in participants.order_by("pk")],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "scopes": t.scopes,
                "created": _when(t.created),
                "last_used": _when(t.last_used),
                "expires": _when(t.expires),
                "revoked": t.revoked,
            }
            for t in ApiToken.objects.filter(user_id=user.pk).order_by("pk")
        ],
        "sign_ins": [
            {"when": _when(e.created), "address": e.address, "method": e.detail.get("method")}
            for e in AuditEvent.objects.filter(actor_id=user.pk, action=AuditAction.SIGNED_IN).order_by("pk")
        ],
    }


def forget_participant(participant: Participant) -> None:
    """Keep the judgments, drop the person: no account link, their number as the only name."""
    Participant.objects.filter(pk=participant.pk).update(
        user=None, alias=nameless_alias(participant), profile={}, last_seen=None
    )


def withdraw_participant(participant: Participant) -> None:
    """Remove the participant and their judgments from an open exercise. Replies others wrote to their
    comments stay, as remarks on the same subject."""
    Comment.objects.filter(parent__author=participant).exclude(author=participant).update(parent=None)
    participant.delete()


def lone_ownerships(user: User) -> list[str]:
    """Names of the teams `user` is the only owner of."""
    owned = Membership.objects.filter(user_id=user.pk, role=Role.OWNER).select_related("team")
    return [
        m.team.name
        for m in owned
        if not Membership.objects.filter(team_id=m.team_id, role=Role.OWNER).exclude(pk=m.pk).exists()
    ]


def delete_account(*, user: User, address: str | None = None) -> None:
    """Delete the account; refused while the person is the last owner of a team (it would be left unmanaged)."""
    lonely = lone_ownerships(user)
    if lonely:
        raise ValidationError(
            _("You are the last owner of %(teams)s: transfer ownership or delete the team first.")
            % {"teams": ", ".join(lonely)},
            code="last_owner",
        )
    with transaction.atomic():
        for participant in Participant.objects.filter(user_id=user.pk).select_related("exercise"):
            if participant.exercise.phase == Phase.CLOSED:
                forget_participant(participant)
            else:
                withdraw_participant(participant)
        for membership in Membership.objects.filter(user_id=user.pk).select_related("team"):
            record(
                action=AuditAction.MEMBER_LEFT,
                team=membership.team,
                subject_name=DELETED_NAME,
                detail={"role": membership.role, "account_deleted": True},
                address=address,
            )
        # Sign-ins and their addresses are the person's own; the team's record of changes keeps its shape.
        AuditEvent.objects.filter(actor_id=user.pk, action=AuditAction.SIGNED_IN).delete()
        AuditEvent.objects.filter(actor_id=user.pk).update(actor_name=DELETED_NAME)
        AuditEvent.objects.filter(subject_id=user.pk).update(subject_name=DELETED_NAME)
        AuditEvent.objects.filter(Q(actor_id=user.pk) | Q(subject_id=user.pk)).update(address=None)
        user.delete()


def erase_expired_guests(*, now: datetime | None = None) -> int:
    """Forget the guests of exercises closed longer ago than their retention; returns how many were forgotten."""
    now = now or timezone.now()
    count = 0
    exercises = Exercise.objects.filter(
        guest_retention_days__isnull=False, phase=Phase.CLOSED, phase_started__isnull=False
    )
    for exercise in exercises:
        started, days = exercise.phase_started, exercise.guest_retention_days
        if started is None or days is None or started + timedelta(days=days) > now:  # both set, as filtered
            continue
        for guest in exercise.participants.filter(is_guest=True, user__isnull=True):
            if guest.alias != nameless_alias(guest) or guest.last_seen is not None:
                forget_participant(guest)
                count += 1
    return count
