"""Tokens and scopes: who gets in, with what, and the web page where users manage their tokens."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from policies.models import ApiToken, Participant, WeightJudgment
from policies.services.api_tokens import create_token, revoke_token
from tests.api.conftest import error_of
from tests.factories import MembershipFactory, UserFactory, make_exercise

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_as_a_hash_and_recognisable_by_its_prefix() -> None:
    user = UserFactory()
    token, secret = create_token(user=user, name="notebook", scopes=["write", "read"])
    assert secret.startswith("pow_") and len(secret) > 40
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.prefix == secret[:12]
    assert token.scopes == ["read", "write"]


@pytest.mark.parametrize(
    ("name", "scopes", "expires", "message"),
    [
        ("", ["read"], None, "name"),
        ("x", [], None, "scope"),
        ("x", ["admin"], None, "Unknown scope"),
        ("x", ["read"], timezone.now() - timedelta(days=1), "future"),
    ],
)
def test_create_token_refuses_bad_input(name, scopes, expires, message) -> None:
    user = UserFactory()
    with pytest.raises(ValidationError, match=message):
        create_token(user=user, name=name, scopes=scopes, expires=expires)
    assert not ApiToken.objects.exists()


def test_without_a_token_the_api_answers_401_with_the_error_body(client) -> None:
    response = client.get("/api/cases")
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "not_authenticated"
    assert "Authorization: Bearer" in error["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer pow_not-a-real-token", "not valid"),
        ("Bearer " + "x" * 5000, "not valid"),
        ("Token pow_whatever", "Authorization: Bearer"),
        ("Bearer ", "Authorization: Bearer"),
    ],
)
def test_an_invalid_token_is_401(client, header: str, message: str) -> None:
    response = client.get("/api/cases", headers={"Authorization": header})
    assert response.status_code == 401
    assert message in error_of(response)["message"]


def test_a_revoked_token_is_401(caller) -> None:
    member = caller("participant")
    revoke_token(token=ApiToken.objects.get(user=member.user))
    response = member.get("/api/cases")
    assert response.status_code == 401
    assert error_of(response)["message"] == "This API token has been revoked."


def test_an_expired_token_is_401(caller) -> None:
    member = caller("participant")
    ApiToken.objects.filter(user=member.user).update(expires=timezone.now() - timedelta(seconds=1))
    response = member.get("/api/cases")
    assert response.status_code == 401
    assert error_of(response)["message"] == "This API token has expired."


def test_a_disabled_accounts_token_is_401(caller) -> None:
    member = caller("participant")
    member.user.is_active = False
    member.user.save()
    assert member.get("/api/cases").status_code == 401


def test_a_token_with_a_future_expiry_works(caller) -> None:
    member = caller("participant")
    ApiToken.objects.filter(user=member.user).update(expires=timezone.now() + timedelta(days=1))
    assert member.get("/api/cases").status_code == 200


def test_a_missing_scope_is_403_and_nothing_is_written(caller) -> None:
    exercise = make_exercise()
    reader = caller("participant", team=exercise.team, scopes=["read"])
    criterion = exercise.criteria.first()
    response = reader.put(
        f"/api/exercises/{exercise.pk}/judgments/mine",
        {"weights": [{"criterion": criterion.key, "value": 50}]},
    )
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "forbidden"
    assert "“write” scope" in error["message"]
    assert not WeightJudgment.objects.exists() and not Participant.objects.exists()
    assert reader.post(f"/api/exercises/{exercise.pk}/reports").status_code == 403

    writer = caller("participant", team=exercise.team, scopes=["write"])
    assert writer.get("/api/cases").status_code == 403
    assert "“read” scope" in error_of(writer.get("/api/exercises"))["message"]


def test_last_used_is_recorded_at_most_once_a_minute(caller) -> None:
    member = caller("participant")
    member.get("/api/cases")
    token = ApiToken.objects.get(user=member.user)
    first = token.last_used
    assert first is not None
    member.get("/api/cases")
    token.refresh_from_db()
    assert token.last_used == first
    earlier = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used=earlier)
    member.get("/api/cases")
    token.refresh_from_db()
    assert token.last_used > earlier + timedelta(minutes=1)


def test_a_logged_in_browser_may_read_but_never_write(client, login) -> None:
    exercise = make_exercise()
    login("participant", team=exercise.team)
    response = client.get(f"/api/exercises/{exercise.pk}")
    assert response.status_code == 200
    assert response.json()["can_judge"] is True
    criterion = exercise.criteria.first()
    response = client.put(
        f"/api/exercises/{exercise.pk}/judgments/mine",
        {"weights": [{"criterion": criterion.key, "value": 50}]},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert not WeightJudgment.objects.exists()
    assert client.post(f"/api/exercises/{exercise.pk}/reports").status_code == 401


def test_a_bearer_token_is_used_even_when_a_session_is_present(client, login) -> None:
    login("participant")
    response = client.get("/api/cases", headers={"Authorization": "Bearer pow_wrong"})
    assert response.status_code == 401


def test_me_tells_the_caller_their_teams_and_token(caller) -> None:
    member = caller("analyst")
    MembershipFactory(user=member.user, role="observer")
    body = member.get("/api/me").json()
    assert body["username"] == member.user.username
    assert {(t["slug"], t["role"]) for t in body["teams"]} >= {(member.team.slug, "analyst")}
    assert len(body["teams"]) == 2
    assert body["token"]["name"] == "tests"
    assert "key_hash" not in body["token"]


def test_tokens_lists_only_the_callers_tokens_without_secrets(caller) -> None:
    member = caller("participant")
    create_token(user=member.user, name="second", scopes=["read"])
    create_token(user=UserFactory(), name="someone else's", scopes=["read"])
    body = member.get("/api/tokens").json()
    assert body["count"] == 2
    assert {t["name"] for t in body["items"]} == {"tests", "second"}
    assert all(set(t) >= {"prefix", "scopes", "last_used"} and "key_hash" not in t for t in body["items"])


# -- the web page --------------------------------------------------------------------------------------


def test_the_token_page_needs_a_login(client) -> None:
    response = client.get(reverse("api-tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_creating_a_token_shows_its_secret_once(client, login) -> None:
    membership = login("participant")
    response = client.post(
        reverse("api-tokens"), {"name": "results notebook", "scopes": ["read", "reports"], "expires": ""}
    )
    assert response.status_code == 201
    secret = response.context["secret"]
    token = ApiToken.objects.get(user=membership.user)
    assert (token.name, token.scopes) == ("results notebook", ["read", "reports"])
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # The secret works, and is never shown again.
    assert client.get("/api/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    page = client.get(reverse("api-tokens")).content.decode()
    assert secret not in page
    assert "results notebook" in page and token.prefix in page


def test_a_token_form_with_errors_creates_nothing(client, login) -> None:
    login("participant")
    response = client.post(reverse("api-tokens"), {"name": "", "scopes": []})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(reverse("api-tokens"), {"name": "x", "scopes": ["read"], "expires": yesterday})
    assert response.status_code == 422
    assert "Choose today or a later day." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_expiry_date_lasts_to_the_end_of_that_day(client, login) -> None:
    membership = login("participant")
    today = timezone.localdate()
    client.post(reverse("api-tokens"), {"name": "x", "scopes": ["read"], "expires": today.isoformat()})
    token = ApiToken.objects.get(user=membership.user)
    assert timezone.localtime(token.expires).date() == today
    assert token.expires > timezone.now()


def test_revoking_a_token_on_the_page(client, login) -> None:
    membership = login("participant")
    token, secret = create_token(user=membership.user, name="old", scopes=["read"])
    assert client.get(reverse("api-token-revoke", args=[token.pk])).status_code == 405
    response = client.post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked
    assert client.get("/api/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "revoked" in client.get(reverse("api-tokens")).content.decode()


def test_another_users_token_cannot_be_revoked(client, login) -> None:
    login("participant")
    other, _secret = create_token(user=UserFactory(), name="theirs", scopes=["read"])
    assert client.post(reverse("api-token-revoke", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert not other.revoked


def test_the_account_menu_links_to_the_token_page(client) -> None:
    client.force_login(UserFactory())
    assert f'href="{reverse("api-tokens")}"' in client.get(reverse("home")).content.decode()
