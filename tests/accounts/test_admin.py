"""The admin: every registered model lists, searches and filters; token hashes cannot be edited."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from policies.models import ApiToken, AuditEvent, Case, Exercise, Invitation, Membership, Report, Role, Team
from policies.services.api_tokens import create_token
from tests.factories import MembershipFactory, UserFactory, make_exercise

pytestmark = pytest.mark.django_db
MODELS = [Team, Membership, Case, Exercise, Report, ApiToken, Invitation, AuditEvent]


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def changelist(model) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_lists_searches_and_filters(staff_client: Client, model) -> None:
    exercise = make_exercise()
    MembershipFactory(team=exercise.team, role=Role.OWNER, user__username="findme")
    Report.objects.create(exercise=exercise)
    assert model in admin.site._registry
    model_admin = admin.site._registry[model]
    assert model_admin.list_display and model_admin.search_fields and model_admin.list_filter
    assert staff_client.get(changelist(model)).status_code == 200
    assert staff_client.get(changelist(model), {"q": "findme"}).status_code == 200


def test_a_search_finds_members_by_username(staff_client: Client) -> None:
    MembershipFactory(user__username="needle")
    MembershipFactory(user__username="haystack")
    page = staff_client.get(changelist(Membership), {"q": "needle"}).content.decode()
    assert "needle" in page and "haystack" not in page


def test_token_hashes_are_read_only_and_tokens_are_not_made_here(staff_client: Client) -> None:
    token, _secret = create_token(user=UserFactory(), name="script", scopes=["read"])
    url = reverse("admin:policies_apitoken_change", args=[token.pk])
    page = staff_client.get(url).content.decode()
    assert token.key_hash in page
    assert 'name="key_hash"' not in page
    staff_client.post(url, {"name": "renamed", "key_hash": "0" * 64, "revoked": "on"})
    token.refresh_from_db()
    assert token.key_hash != "0" * 64
    assert (token.name, token.revoked) == ("renamed", True)
    assert staff_client.get(reverse("admin:policies_apitoken_add")).status_code == 403


def test_the_admin_signs_in_through_allauth(client: Client) -> None:
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(reverse("admin:index"), follow=True).status_code == 403  # not staff
