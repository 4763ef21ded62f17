"""Creating, renaming, securing and deleting a team. Who may create one is a site setting (TEAM_CREATION)."""

import secrets

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from policies.models import AuditAction, Case, Role, Team
from policies.selectors.teams import can_create_teams
from policies.services.audit import record
from policies.services.deletions import clear_evidence
from policies.services.memberships import create_owner

NAME_MAX = 120


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Give the team a name."), code="required")
    if len(name) > NAME_MAX or "\x00" in name:
        raise ValidationError(_("Keep the name under 120 characters."), code="too_long")
    return name


def _free_slug(name: str) -> str:
    base = (slugify(name) or "team")[:50].strip("-") or "team"
    slug = base
    while Team.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def _require_owner(team: Team, actor: User) -> None:
    if not team.memberships.filter(user_id=actor.pk, role=Role.OWNER).exists():
        raise PermissionDenied(_("Only the team's owners may change it."))


def create_team(*, user: User, name: str, address: str | None = None) -> Team:
    if not can_create_teams(user):
        raise PermissionDenied(_("On this site only administrators create teams."))
    name = _clean_name(name)
    with transaction.atomic():
        team = Team.objects.create(name=name, slug=_free_slug(name))
        record(action=AuditAction.TEAM_CREATED, team=team, actor=user, detail={"name": name}, address=address)
        create_owner(team=team, user=user, address=address)
    return team


def rename_team(*, team: Team, actor: User, name: str, address: str | None = None) -> Team:
    name = _clean_name(name)
    with transaction.atomic():
        _require_owner(team, actor)
        if name != team.name:
            previous = team.name
            team.name = name
            team.save(update_fields=["name"])
            record(
                action=AuditAction.TEAM_RENAMED,
                team=team,
                actor=actor,
                detail={"from": previous, "to": name},
                address=address,
            )
    return team


def set_mfa_rule(*, team: Team, actor: User, required: bool, address: str | None = None) -> Team:
    """Require (or stop requiring) two-factor authentication of the team's owners and facilitators."""
    with transaction.atomic():
        _require_owner(team, actor)
        if team.require_mfa != required:
            team.require_mfa = required
            team.save(update_fields=["require_mfa"])
            record(
                action=AuditAction.TEAM_SECURITY,
                team=team,
                actor=actor,
                detail={"require_mfa": required},
                address=address,
            )
    return team


def delete_team(*, team: Team, actor: User, confirmation: str) -> None:
    """Delete the team with its cases, exercises, judgments, reports, invitations and history.

    The owner types the team's name, so a slip of the mouse deletes nothing.
    """
    if " ".join((confirmation or "").split()) != team.name:
        raise ValidationError(_("Type the team's name exactly to confirm."), code="confirmation")
    with transaction.atomic():
        _require_owner(team, actor)
        clear_evidence(cases=Case.all_objects.filter(team=team))  # deleted cases included
        team.delete()
