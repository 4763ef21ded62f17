import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def attempt(client, username: str, password: str):
    return client.post(reverse("account_login"), {"login": username, "password": password})


def test_five_wrong_passwords_lock_the_account_from_that_address(client) -> None:
    user = UserFactory()
    for _ in range(4):
        response = attempt(client, user.username, "wrong")
        assert response.status_code == 200
        assert "you specified are not correct" in response.content.decode()
    locked = attempt(client, user.username, "wrong")
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    # Even the right password is refused while locked out.
    assert attempt(client, user.username, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_account_is_not_locked_by_someone_elses_failures(client) -> None:
    victim, other = UserFactory(), UserFactory()
    for _ in range(5):
        attempt(client, victim.username, "wrong")
    response = attempt(client, other.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_a_successful_login_resets_the_count(client) -> None:
    user = UserFactory()
    for _ in range(4):
        attempt(client, user.username, "wrong")
    assert attempt(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, user.username, "wrong").status_code == 200


def test_an_address_and_a_username_count_as_one_account(client) -> None:
    """allauth accepts the username or the email: five failures split between them still lock the account."""
    user = UserFactory()
    for login in (user.username, user.email, user.username, user.email):
        assert attempt(client, login, "wrong").status_code == 200
    assert attempt(client, user.email.upper(), "wrong").status_code == 429
    assert attempt(client, user.username, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_signing_in_by_email_works(client) -> None:
    user = UserFactory()
    assert attempt(client, user.email, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_spraying_from_one_address_locks_the_address_out(client) -> None:
    """Twenty wrong passwords for twenty different usernames: each account is far from its own limit, yet
    the address is locked out, even for a right password; another address is not."""
    sprayed = [UserFactory() for _ in range(20)]
    for user in sprayed[:19]:
        assert attempt(client, user.username, "Winter2026!").status_code == 200
    assert attempt(client, sprayed[19].username, "Winter2026!").status_code == 429
    bystander = UserFactory()
    locked = attempt(client, bystander.username, PASSWORD)
    assert locked.status_code == 429 and "Too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    assert attempt(elsewhere, bystander.username, PASSWORD).status_code == 302


def test_a_successful_login_does_not_clear_the_address_count(client) -> None:
    """Holding one account must not let a sprayer reset the address's count between rounds."""
    insider = UserFactory()
    for user in [UserFactory() for _ in range(15)]:
        attempt(client, user.username, "Winter2026!")
    assert attempt(client, insider.username, PASSWORD).status_code == 302
    client.logout()
    for user in [UserFactory() for _ in range(4)]:
        assert attempt(client, user.username, "Winter2026!").status_code == 200
    assert attempt(client, UserFactory().username, "Winter2026!").status_code == 429
