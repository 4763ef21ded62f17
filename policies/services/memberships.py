"""Who belongs to a team and with which role: joining, role changes, removal, leaving, ownership transfer.

Every change locks the team's owner rows first, so two owners demoting each other at the same moment cannot
leave a team without one: a team always keeps at least one owner. The acting owner's role is read again
inside the transaction, so a right withdrawn a second ago no longer acts. Each change is written to the
team's history. Judgments are not touched: the writes of an ex-member are refused where they are checked
(selectors.access), and what they judged in the past stays under the exercise's anonymity mode.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from policies.models import AuditAction, Membership, Role, Team
from policies.services.audit import record


def _lock_owners(team: Team) -> list[Membership]:
    return list(Membership.objects.select_for_update().filter(team=team, role=Role.OWNER).order_by("pk"))


def acting_owner(team: Team, actor: User) -> Membership:
    """The actor's membership, locked, if they are an owner of the team now; otherwise refused."""
    membership = Membership.objects.select_for_update().filter(team=team, user_id=actor.pk).first()
    if membership is None or membership.role != Role.OWNER:
        raise PermissionDenied(_("Only the team's owners may manage its members."))
    return membership


def _target(team: Team, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .filter(team=team, pk=membership_id)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError(_("This person is no longer a member of the team."), code="gone")
    return membership


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(_("Choose one of the roles offered."), code="invalid")


def _keep_an_owner(owners: list[Membership], leaving: Membership) -> None:
    if leaving.role == Role.OWNER and not any(owner.pk != leaving.pk for owner in owners):
        raise ValidationError(
            _("A team keeps at least one owner: make someone else owner first."), code="last_owner"
        )


def add_member(
    *, team: Team, user: User, role: str, via: str, address: str | None = None
) -> tuple[Membership, bool]:
    """Make `user` a member with `role`; someone already in the team keeps the role they have."""
    _check_role(role)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(team=team, user=user, defaults={"role": role})
        if created:
            record(
                action=AuditAction.MEMBER_JOINED,
                team=team,
                actor=user,
                subject=user,
                detail={"role": role, "via": via},
                address=address,
            )
    return membership, created


def create_owner(*, team: Team, user: User, address: str | None = None) -> Membership:
    """The first member of a team it has just created."""
    membership, _created = add_member(team=team, user=user, role=Role.OWNER, via="creation", address=address)
    return membership


def change_role(
    *, team: Team, actor: User, membership_id: int, role: str, address: str | None = None
) -> Membership:
    _check_role(role)
    with transaction.atomic():
        owners = _lock_owners(team)
        acting_owner(team, actor)
        membership = _target(team, membership_id)
        if membership.role == role:
            return membership
        if role != Role.OWNER:
            _keep_an_owner(owners, membership)
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        record(
            action=AuditAction.ROLE_CHANGED,
            team=team,
            actor=actor,
            subject=membership.user,
            detail={"from": previous, "to": role},
            address=address,
        )
    return membership


def remove_member(*, team: Team, actor: User, membership_id: int, address: str | None = None) -> None:
    with transaction.atomic():
        owners = _lock_owners(team)
        acting_owner(team, actor)
        membership = _target(team, membership_id)
        _keep_an_owner(owners, membership)
        membership.delete()
        record(
            action=AuditAction.MEMBER_REMOVED,
            team=team,
            actor=actor,
            subject=membership.user,
            detail={"role": membership.role},
            address=address,
        )


def leave_team(*, team: Team, user: User, address: str | None = None) -> None:
    with transaction.atomic():
        owners = _lock_owners(team)
        membership = Membership.objects.select_for_update().filter(team=team, user_id=user.pk).first()
        if membership is None:
            raise ValidationError(_("You are not a member of this team."), code="gone")
        if membership.role == Role.OWNER and not any(owner.pk != membership.pk for owner in owners):
            raise ValidationError(
                _("You are the team's last owner: transfer ownership or delete the team before leaving."),
                code="last_owner",
            )
        membership.delete()
        record(
            action=AuditAction.MEMBER_LEFT,
            team=team,
            actor=user,
            subject=user,
            detail={"role": membership.role},
            address=address,
        )


def transfer_ownership(
    *,
    team: Team,
    actor: User,
    membership_id: int,
    then_role: str = Role.FACILITATOR,
    address: str | None = None,
) -> Membership:
    """Make another member owner and give the acting owner `then_role` (owner keeps them a co-owner)."""
    _check_role(then_role)
    with transaction.atomic():
        _lock_owners(team)
        mine = acting_owner(team, actor)
        theirs = _target(team, membership_id)
        if theirs.pk == mine.pk:
            raise ValidationError(_("Choose another member to hand ownership to."), code="invalid")
        previous = theirs.role
        theirs.role = Role.OWNER
        theirs.save(update_fields=["role"])
        mine.role = then_role
        mine.save(update_fields=["role"])
        record(
            action=AuditAction.OWNERSHIP_TRANSFERRED,
            team=team,
            actor=actor,
            subject=theirs.user,
            detail={"from": previous, "actor_now": then_role},
            address=address,
        )
    return theirs
