"""Invitations by email and by class link, through the pages and the mailbox: joining, and every refusal."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from policies.models import AuditAction, AuditEvent, Invitation, Membership, Role
from policies.services.invitations import create_link, invite_by_email, token_for
from tests.accounts.helpers import links_in_last_mail, path_of, sign_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSPHRASE = "a-fresh-long-passphrase-42"


@pytest.fixture
def owner_client(client):
    owner = MembershipFactory(role=Role.OWNER)
    client.force_login(owner.user)
    client.owner = owner
    return client


def invite(owner_client, email: str, role: str = Role.ANALYST):  # type: ignore[no-untyped-def]
    team = owner_client.owner.team
    return owner_client.post(
        reverse("team-invitations", args=[team.slug]), {"invite-email": email, "invite-role": role}
    )


def signup(client: Client, username: str, email: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": PASSPHRASE, "password2": PASSPHRASE},
    )


def test_an_email_invitation_creates_the_account_and_joins_the_team(owner_client) -> None:
    team = owner_client.owner.team
    assert invite(owner_client, "amina@example.org").status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["amina@example.org"]
    assert team.name in message.subject
    [link] = links_in_last_mail("amina@example.org")

    visitor = Client()
    page = visitor.get(path_of(link))
    assert page.status_code == 200
    assert "Analyst" in page.content.decode()
    # Sign-up is closed to the world but open to the person holding the invitation.
    response = signup(visitor, "amina", "amina@example.org")
    assert response.status_code == 302
    user = get_user_model().objects.get(username="amina")
    assert Membership.objects.get(team=team, user=user).role == Role.ANALYST
    # The invitation reached this address: no second confirmation mail, and she is signed in at once.
    assert EmailAddress.objects.get(user=user).verified
    assert visitor.session["_auth_user_id"] == str(user.pk)
    assert not any("confirm-email" in m.body for m in mail.outbox)
    invitation = Invitation.objects.get(team=team)
    assert (invitation.use_count, invitation.accepted_by) == (1, user)
    # Single use: the same link now says so, even to someone else.
    reused = Client().get(path_of(link))
    assert reused.status_code == 410
    assert 'data-reason="used"' in reused.content.decode()
    assert AuditEvent.objects.filter(team=team, action=AuditAction.MEMBER_JOINED, subject=user).exists()


def test_signing_up_with_another_address_keeps_the_invited_one_as_verified(owner_client) -> None:
    """allauth records the invited address as verified beside the one typed, which still needs confirming."""
    invite(owner_client, "amina@example.org")
    [link] = links_in_last_mail("amina@example.org")
    visitor = Client()
    visitor.get(path_of(link))
    signup(visitor, "amina2", "other-address@example.org")
    user = get_user_model().objects.get(username="amina2")
    addresses = dict(EmailAddress.objects.filter(user=user).values_list("email", "verified"))
    assert addresses == {"amina@example.org": True, "other-address@example.org": False}
    assert Membership.objects.filter(team=owner_client.owner.team, user=user).exists()


def test_an_existing_account_signs_in_and_joins(owner_client) -> None:
    person = UserFactory()
    invite(owner_client, person.email, Role.OBSERVER)
    [link] = links_in_last_mail(person.email)
    visitor = Client()
    visitor.get(path_of(link))
    assert sign_in(visitor, person.username).status_code == 302
    assert Membership.objects.get(team=owner_client.owner.team, user=person).role == Role.OBSERVER


def test_a_signed_in_person_accepts_with_a_click(owner_client) -> None:
    person = UserFactory()
    invite(owner_client, person.email)
    [link] = links_in_last_mail(person.email)
    visitor = Client()
    visitor.force_login(person)
    assert visitor.get(path_of(link)).status_code == 200
    assert not Membership.objects.filter(
        user=person, team=owner_client.owner.team
    ).exists()  # GET joins nobody
    assert visitor.post(path_of(link)).status_code == 302
    assert Membership.objects.filter(user=person, team=owner_client.owner.team).exists()


def test_expired_revoked_replaced_and_forged_links_are_refused(owner_client) -> None:
    team = owner_client.owner.team
    invitation, _sent = invite_by_email(
        team=team,
        actor=owner_client.owner.user,
        email="late@example.org",
        role=Role.PARTICIPANT,
        site_url="/",
    )
    url = reverse("invitation", args=[token_for(invitation)])
    Invitation.objects.filter(pk=invitation.pk).update(expires=timezone.now() - timedelta(minutes=1))
    expired = Client().get(url)
    assert (expired.status_code, 'data-reason="expired"' in expired.content.decode()) == (410, True)

    # A resend gives a fresh link and a fresh expiry; the old link is retired.
    Invitation.objects.filter(pk=invitation.pk).update(expires=timezone.now() + timedelta(days=1))
    owner_client.post(reverse("invitation-resend", args=[team.slug, invitation.pk]))
    [fresh] = links_in_last_mail("late@example.org")
    assert path_of(fresh) != url
    assert 'data-reason="invalid"' in Client().get(url).content.decode()
    assert Client().get(path_of(fresh)).status_code == 200

    owner_client.post(reverse("invitation-revoke", args=[team.slug, invitation.pk]))
    revoked = Client().get(path_of(fresh))
    assert (revoked.status_code, 'data-reason="revoked"' in revoked.content.decode()) == (410, True)
    # Nor does a revoked invitation open sign-up.
    visitor = Client()
    visitor.get(path_of(fresh))
    signup(visitor, "late", "late@example.org")
    assert not get_user_model().objects.filter(username="late").exists()

    forged = token_for(invitation)[:-2] + "xx"
    assert Client().get(reverse("invitation", args=[forged])).status_code == 404


def test_a_member_is_told_they_already_are_one(owner_client) -> None:
    team = owner_client.owner.team
    member = MembershipFactory(team=team, role=Role.PARTICIPANT).user
    link = create_link(
        team=team,
        actor=owner_client.owner.user,
        role=Role.ANALYST,
        expires=timezone.now() + timedelta(days=1),
        max_uses=5,
    )
    client = Client()
    client.force_login(member)
    response = client.post(reverse("invitation", args=[token_for(link)]))
    assert response.status_code == 409
    assert 'data-reason="member"' in response.content.decode()
    assert Membership.objects.get(team=team, user=member).role == Role.PARTICIPANT  # never changed by a link
    assert Invitation.objects.get(pk=link.pk).use_count == 0


def test_the_owner_invites_someone_already_in_the_team_or_already_invited(owner_client) -> None:
    team = owner_client.owner.team
    member = MembershipFactory(team=team).user
    assert invite(owner_client, member.email).status_code == 422
    assert invite(owner_client, "twice@example.org").status_code == 302
    again = invite(owner_client, "twice@example.org")
    assert again.status_code == 422
    assert "pending invitation" in again.content.decode()
    assert invite(owner_client, "not an address").status_code == 422


def test_a_class_link_serves_up_to_its_cap_and_can_be_revoked(owner_client) -> None:
    team = owner_client.owner.team
    response = owner_client.post(
        reverse("invitation-link-new", args=[team.slug]),
        {
            "link-label": "Course B",
            "link-role": Role.PARTICIPANT,
            "link-max_uses": "2",
            "link-expires": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    link = Invitation.objects.get(team=team, label="Course B")
    url = reverse("invitation", args=[token_for(link)])
    page = owner_client.get(reverse("team-invitations", args=[team.slug])).content.decode()
    assert url in page  # the owner copies it from the list

    students = [UserFactory() for _ in range(3)]
    for student in students[:2]:
        client = Client()
        client.force_login(student)
        assert client.post(url).status_code == 302
    late = Client()
    late.force_login(students[2])
    refused = late.post(url)
    assert (refused.status_code, 'data-reason="used"' in refused.content.decode()) == (410, True)
    assert Membership.objects.filter(team=team, role=Role.PARTICIPANT, user__in=students).count() == 2
    assert link.team.invitations.get().use_count == 2


def test_a_class_link_signs_up_a_student_who_confirms_their_address(owner_client) -> None:
    team = owner_client.owner.team
    link = create_link(
        team=team,
        actor=owner_client.owner.user,
        role=Role.PARTICIPANT,
        expires=timezone.now() + timedelta(days=1),
        max_uses=30,
    )
    visitor = Client()
    visitor.get(reverse("invitation", args=[token_for(link)]))
    signup(visitor, "student", "student@example.org")
    student = get_user_model().objects.get(username="student")
    assert Membership.objects.get(team=team, user=student).role == Role.PARTICIPANT
    assert not EmailAddress.objects.get(user=student).verified  # a link proves no address
    assert any("/confirm-email/" in link for link in links_in_last_mail("student@example.org"))


def test_class_links_never_make_owners_and_need_a_future_date(owner_client) -> None:
    team = owner_client.owner.team
    for data in (
        {"link-role": Role.OWNER, "link-max_uses": "5", "link-expires": timezone.localdate().isoformat()},
        {"link-role": Role.PARTICIPANT, "link-max_uses": "5", "link-expires": "2000-01-01"},
        {
            "link-role": Role.PARTICIPANT,
            "link-max_uses": "0",
            "link-expires": timezone.localdate().isoformat(),
        },
    ):
        assert owner_client.post(reverse("invitation-link-new", args=[team.slug]), data).status_code == 422
    assert not Invitation.objects.filter(team=team).exists()


def test_only_owners_invite_even_through_the_service() -> None:
    facilitator = MembershipFactory(role=Role.FACILITATOR)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        invite_by_email(
            team=facilitator.team,
            actor=facilitator.user,
            email="x@example.org",
            role=Role.OWNER,
            site_url="/",
        )
    assert not Invitation.objects.exists()


def test_pending_invitations_are_listed_until_used_or_revoked(owner_client) -> None:
    team = owner_client.owner.team
    invite(owner_client, "one@example.org")
    invite(owner_client, "two@example.org")
    page = owner_client.get(reverse("team-invitations", args=[team.slug])).content.decode()
    assert "one@example.org" in page and "two@example.org" in page
    two = Invitation.objects.get(email="two@example.org")
    owner_client.post(reverse("invitation-revoke", args=[team.slug, two.pk]))
    page = owner_client.get(reverse("team-invitations", args=[team.slug])).content.decode()
    assert "one@example.org" in page and "two@example.org" not in page
    actions = set(AuditEvent.objects.filter(team=team).values_list("action", flat=True))
    assert {AuditAction.INVITATION_SENT, AuditAction.INVITATION_REVOKED} <= actions
