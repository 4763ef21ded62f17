"""Reading a team's people: members in role order, pending invitations, history, and what deleting it takes."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from policies.models import (
    AuditAction,
    AuditEvent,
    Invitation,
    Membership,
    Participant,
    Report,
    Role,
    Team,
)

#: Role rank for listing: owners first, observers last (the order of Role's choices).
ROLE_RANK = Case(
    *(When(role=role, then=Value(rank)) for rank, role in enumerate(Role.values)),
    default=Value(len(Role.values)),
    output_field=IntegerField(),
)


def can_create_teams(user: User | AnonymousUser) -> bool:
    """The site's rule: anyone signed in (TEAM_CREATION=anyone) or site administrators only (staff)."""
    if not user.is_authenticated:
        return False
    return settings.TEAM_CREATION == "anyone" or user.is_staff


def members_of(team: Team) -> QuerySet[Membership]:
    return (
        team.memberships.select_related("user")
        .annotate(rank=ROLE_RANK)
        .order_by("rank", "user__last_name", "user__first_name", "user__username")
    )


def pending_invitations(team: Team) -> QuerySet[Invitation]:
    """Invitations that someone could still use: not revoked, not expired, uses left."""
    return (
        team.invitations.filter(revoked__isnull=True, expires__gt=timezone.now())
        .exclude(use_count__gte=F("max_uses"))
        .select_related("created_by")
    )


def team_history(team: Team) -> QuerySet[AuditEvent]:
    """The team's own events, and the sign-ins of its present members."""
    members = Membership.objects.filter(team=team).values("user_id")
    return AuditEvent.objects.filter(
        Q(team=team) | Q(team__isnull=True, action=AuditAction.SIGNED_IN, actor_id__in=members)
    ).order_by("-created", "-pk")


@dataclass(frozen=True)
class DeletionSummary:
    members: int
    cases: int
    exercises: int
    participants: int
    reports: int
    invitations: int


def deletion_summary(team: Team) -> DeletionSummary:
    """What goes with the team, shown before its owner confirms."""
    return DeletionSummary(
        members=team.memberships.count(),
        cases=team.cases.count(),
        exercises=team.exercises.count(),
        participants=Participant.objects.filter(exercise__team=team).count(),
        reports=Report.objects.filter(exercise__team=team).count(),
        invitations=team.invitations.count(),
    )


#: Roles that manage a team's people, invitations, settings and history.
TEAM_MANAGING_ROLES = frozenset({Role.OWNER})
