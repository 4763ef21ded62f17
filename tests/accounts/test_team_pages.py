"""Creating, renaming, securing and deleting a team from its pages; who may create teams is a site setting."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from policies.models import AuditAction, AuditEvent, Case, Evidence, Membership, Role, SourceDocument, Team
from tests.factories import CaseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anyone_signed_in_creates_a_team_and_owns_it(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("team-new"), {"name": "  Staff course  2027 "})
    team = Team.objects.get(name="Staff course 2027")
    assert response["Location"] == reverse("team-invitations", args=[team.slug])
    assert Membership.objects.get(team=team, user=user).role == Role.OWNER
    assert AuditEvent.objects.filter(team=team, action=AuditAction.TEAM_CREATED).exists()
    again = client.post(reverse("team-new"), {"name": "Staff course 2027"})
    assert again.status_code == 302 and Team.objects.filter(name="Staff course 2027").count() == 2
    assert len(set(Team.objects.values_list("slug", flat=True))) == Team.objects.count()
    assert client.post(reverse("team-new"), {"name": "   "}).status_code == 422


@override_settings(TEAM_CREATION="staff")
def test_a_site_may_keep_team_creation_to_its_administrators(client: Client) -> None:
    client.force_login(UserFactory())
    assert client.get(reverse("team-new")).status_code == 403
    assert client.post(reverse("team-new"), {"name": "Mine"}).status_code == 403
    assert "Create a team" not in client.get(reverse("home")).content.decode()
    client.force_login(UserFactory(is_staff=True))
    assert client.post(reverse("team-new"), {"name": "Mine"}).status_code == 302
    assert Team.objects.filter(name="Mine").exists()


def test_the_owner_renames_and_requires_two_factor(client: Client) -> None:
    owner = MembershipFactory(role=Role.OWNER)
    client.force_login(owner.user)
    url = reverse("team-settings", args=[owner.team.slug])
    assert client.post(url, {"name": "Renamed", "require_mfa": "on"}).status_code == 302
    owner.team.refresh_from_db()
    assert (owner.team.name, owner.team.require_mfa) == ("Renamed", True)
    assert {e.action for e in AuditEvent.objects.filter(team=owner.team)} == {
        AuditAction.TEAM_RENAMED,
        AuditAction.TEAM_SECURITY,
    }


def test_deleting_says_what_goes_and_needs_the_name(client: Client) -> None:
    owner = MembershipFactory(role=Role.OWNER)
    team = owner.team
    CaseFactory(team=team)
    MembershipFactory(team=team)
    client.force_login(owner.user)
    url = reverse("team-delete", args=[team.slug])
    page = client.get(url).content.decode()
    assert "2 memberships" in page and "1 case" in page
    assert client.post(url, {"confirmation": "wrong"}).status_code == 422
    assert Team.objects.filter(pk=team.pk).exists()
    assert client.post(url, {"confirmation": team.name}).status_code == 302
    assert not Team.objects.filter(pk=team.pk).exists()
    assert not Case.objects.filter(team_id=team.pk).exists()
    assert Membership.objects.filter(user=owner.user).count() == 0  # the account stays, the team is gone


def test_a_team_whose_cases_cite_sources_is_deleted_with_them(client: Client) -> None:
    owner = MembershipFactory(role=Role.OWNER)
    for deleted in (None, timezone.now()):  # a live case, and one deleted but not purged yet
        case = CaseFactory(team=owner.team, deleted=deleted)
        source = SourceDocument.objects.create(case=case, key="report", title="Report")
        Evidence.objects.create(case=case, source=source, key="passage", text={"en": "A passage"})
    client.force_login(owner.user)
    response = client.post(reverse("team-delete", args=[owner.team.slug]), {"confirmation": owner.team.name})
    assert response.status_code == 302
    assert not Team.objects.filter(pk=owner.team.pk).exists()
    assert not Case.all_objects.filter(team_id=owner.team.pk).exists()
    assert not SourceDocument.objects.exists() and not Evidence.objects.exists()


def test_deleting_is_for_owners(client: Client) -> None:
    facilitator = MembershipFactory(role=Role.FACILITATOR)
    client.force_login(facilitator.user)
    url = reverse("team-delete", args=[facilitator.team.slug])
    assert client.post(url, {"confirmation": facilitator.team.name}).status_code == 403
    assert Team.objects.filter(pk=facilitator.team.pk).exists()
