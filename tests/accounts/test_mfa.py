"""Two-factor authentication (allauth's TOTP) and the team rule that requires it of owners and facilitators."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from policies.models import Exercise, Role
from policies.models.exercises import Phase
from tests.accounts.helpers import reauthenticate, sign_in
from tests.factories import MembershipFactory, make_exercise

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def workshop() -> Exercise:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, phase=Phase.BRIEFING)
    exercise.team.require_mfa = True
    exercise.team.save()
    return Exercise.objects.get(pk=exercise.pk)


def activate_totp(client: Client) -> str:
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302, response.content.decode()[:400]
    return secret


def test_a_facilitator_cannot_reach_the_dashboard_without_an_authenticator(workshop: Exercise) -> None:
    facilitator = MembershipFactory(team=workshop.team, role=Role.FACILITATOR).user
    client = Client()
    assert sign_in(client, facilitator.username).status_code == 302
    dashboard = reverse("workshop-facilitate", args=[workshop.pk])
    for url in (dashboard, reverse("home"), reverse("team", args=[workshop.team.slug]), "/api/docs"):
        response = client.get(url)
        if url.startswith("/api/"):
            continue  # tokens are their own credential; the docs page reads nothing of a team
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(dashboard, headers={"HX-Request": "true"}).status_code == 403
    followed = client.get(dashboard, follow=True).content.decode()
    assert "requires two-factor authentication" in followed

    secret = activate_totp(client)
    assert Authenticator.objects.filter(user=facilitator, type=Authenticator.Type.TOTP).exists()
    assert client.get(dashboard).status_code == 200

    # From now on signing in asks for the code.
    client.post(reverse("account_logout"))
    response = sign_in(client, facilitator.username)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(dashboard).status_code == 302  # not signed in yet
    assert "_auth_user_id" not in client.session
    wrong = client.post(
        reverse("mfa_authenticate"), {"code": "000000" if current_code(secret) != "000000" else "111111"}
    )
    assert "_auth_user_id" not in client.session and wrong.status_code == 200
    assert client.post(reverse("mfa_authenticate"), {"code": current_code(secret)}).status_code == 302
    assert client.get(dashboard).status_code == 200


def test_the_rule_spares_other_roles_and_other_teams(workshop: Exercise) -> None:
    participant = MembershipFactory(team=workshop.team, role=Role.PARTICIPANT).user
    client = Client()
    client.force_login(participant)
    assert client.get(reverse("team", args=[workshop.team.slug])).status_code == 200
    assert client.get(reverse("workshop-play", args=[workshop.pk])).status_code == 200
    elsewhere = MembershipFactory(role=Role.FACILITATOR)  # a team without the rule
    client.force_login(elsewhere.user)
    assert client.get(reverse("team", args=[elsewhere.team.slug])).status_code == 200


def test_a_promotion_applies_at_the_next_click(workshop: Exercise) -> None:
    member = MembershipFactory(team=workshop.team, role=Role.ANALYST)
    client = Client()
    client.force_login(member.user)
    assert client.get(reverse("team", args=[workshop.team.slug])).status_code == 200
    member.role = Role.FACILITATOR
    member.save()
    assert client.get(reverse("team", args=[workshop.team.slug])).status_code == 302
    # Account pages stay open, so the person can set the authenticator up.
    assert client.get(reverse("account")).status_code == 200
    assert client.get(reverse("api-tokens")).status_code == 302  # a token would be a way round the rule
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_email")).status_code == 200


def test_any_account_may_turn_totp_on_without_a_rule() -> None:
    member = MembershipFactory(role=Role.PARTICIPANT)
    client = Client()
    sign_in(client, member.user.username)
    activate_totp(client)
    assert Authenticator.objects.filter(user=member.user, type=Authenticator.Type.TOTP).exists()
    page = client.get(reverse("account")).content.decode()
    assert 'class="ok"' in page
