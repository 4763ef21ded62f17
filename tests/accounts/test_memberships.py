"""Members, roles and owners: the last-owner rules, transfer, leaving, and what the history keeps."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from policies.models import AuditAction, AuditEvent, Membership, Role
from policies.services.memberships import change_role, leave_team, remove_member, transfer_ownership
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    team = TeamFactory()
    team.owner = MembershipFactory(team=team, role=Role.OWNER)
    team.member = MembershipFactory(team=team, role=Role.PARTICIPANT)
    return team


def test_the_last_owner_cannot_be_demoted_removed_or_leave(team) -> None:
    owner = team.owner
    with pytest.raises(ValidationError, match="at least one owner"):
        change_role(team=team, actor=owner.user, membership_id=owner.pk, role=Role.FACILITATOR)
    with pytest.raises(ValidationError, match="at least one owner"):
        remove_member(team=team, actor=owner.user, membership_id=owner.pk)
    with pytest.raises(ValidationError, match="last owner"):
        leave_team(team=team, user=owner.user)
    assert Membership.objects.get(pk=owner.pk).role == Role.OWNER


def test_with_a_second_owner_the_first_may_step_down(team) -> None:
    change_role(team=team, actor=team.owner.user, membership_id=team.member.pk, role=Role.OWNER)
    change_role(team=team, actor=team.owner.user, membership_id=team.owner.pk, role=Role.ANALYST)
    assert Membership.objects.get(pk=team.owner.pk).role == Role.ANALYST
    # The new sole owner is now the protected one, and the old one has lost the right to manage.
    with pytest.raises(ValidationError):
        leave_team(team=team, user=team.member.user)
    with pytest.raises(PermissionDenied):
        change_role(team=team, actor=team.owner.user, membership_id=team.owner.pk, role=Role.OWNER)


def test_only_owners_manage_members(team) -> None:
    facilitator = MembershipFactory(team=team, role=Role.FACILITATOR)
    for action in (
        lambda: change_role(
            team=team, actor=facilitator.user, membership_id=team.member.pk, role=Role.OBSERVER
        ),
        lambda: remove_member(team=team, actor=facilitator.user, membership_id=team.member.pk),
        lambda: transfer_ownership(team=team, actor=facilitator.user, membership_id=facilitator.pk),
    ):
        with pytest.raises(PermissionDenied):
            action()
    assert Membership.objects.get(pk=team.member.pk).role == Role.PARTICIPANT


def test_roles_outside_the_list_are_refused(team) -> None:
    with pytest.raises(ValidationError):
        change_role(team=team, actor=team.owner.user, membership_id=team.member.pk, role="admin")


def test_members_of_another_team_are_out_of_reach(team) -> None:
    stranger = MembershipFactory(role=Role.PARTICIPANT)
    with pytest.raises(ValidationError):
        remove_member(team=team, actor=team.owner.user, membership_id=stranger.pk)
    assert Membership.objects.filter(pk=stranger.pk).exists()


def test_ownership_transfer(team) -> None:
    transfer_ownership(
        team=team, actor=team.owner.user, membership_id=team.member.pk, then_role=Role.OBSERVER
    )
    assert Membership.objects.get(pk=team.member.pk).role == Role.OWNER
    assert Membership.objects.get(pk=team.owner.pk).role == Role.OBSERVER
    event = AuditEvent.objects.get(team=team, action=AuditAction.OWNERSHIP_TRANSFERRED)
    assert (event.actor, event.subject) == (team.owner.user, team.member.user)
    with pytest.raises(ValidationError):  # nobody hands ownership to themselves
        transfer_ownership(team=team, actor=team.member.user, membership_id=team.member.pk)


def test_the_members_page_and_its_forms(client: Client, team) -> None:
    client.force_login(team.owner.user)
    page = client.get(reverse("team-members", args=[team.slug])).content.decode()
    assert team.member.user.username in page
    assert f'data-testid="remove-{team.member.user.username}"' in page
    assert f'data-testid="remove-{team.owner.user.username}"' not in page  # no button to remove oneself
    response = client.post(
        reverse("member-role", args=[team.slug, team.member.pk]),
        {"role": Role.ANALYST},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=team.member.pk).role == Role.ANALYST
    event = AuditEvent.objects.get(team=team, action=AuditAction.ROLE_CHANGED)
    assert (event.detail, event.address) == ({"from": Role.PARTICIPANT, "to": Role.ANALYST}, "203.0.113.9")
    refused = client.post(
        reverse("member-role", args=[team.slug, team.owner.pk]), {"role": Role.OBSERVER}, follow=True
    )
    assert "at least one owner" in refused.content.decode()
    client.post(reverse("member-remove", args=[team.slug, team.member.pk]))
    assert not Membership.objects.filter(pk=team.member.pk).exists()


def test_a_member_sees_the_list_but_no_controls(client: Client, team) -> None:
    client.force_login(team.member.user)
    page = client.get(reverse("team-members", args=[team.slug])).content.decode()
    assert team.owner.user.username in page
    assert "Change role" not in page
    assert team.owner.user.email not in page  # addresses are for owners
    assert client.post(reverse("team-leave", args=[team.slug])).status_code == 302
    assert not Membership.objects.filter(pk=team.member.pk).exists()
    assert AuditEvent.objects.filter(
        team=team, action=AuditAction.MEMBER_LEFT, actor=team.member.user
    ).exists()


def test_the_history_is_the_owners_and_shows_members_sign_ins(client: Client, team) -> None:
    from tests.accounts.helpers import sign_in

    sign_in(Client(), team.member.user.username)
    outsider = MembershipFactory(role=Role.OWNER)
    sign_in(Client(), outsider.user.username)
    client.force_login(team.owner.user)
    change_role(team=team, actor=team.owner.user, membership_id=team.member.pk, role=Role.OBSERVER)
    page = client.get(reverse("team-history", args=[team.slug]))
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('data-action="signed_in"') == 1  # the member's, not the stranger's
    assert 'data-action="role_changed"' in body
    client.force_login(team.member.user)
    assert client.get(reverse("team-history", args=[team.slug])).status_code == 403
