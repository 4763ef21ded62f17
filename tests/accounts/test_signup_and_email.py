"""Sign-up is closed unless the site opens it; new addresses are confirmed by email; passwords reset by email."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests.accounts.helpers import links_in_last_mail, path_of, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-fresh-long-passphrase-42"


def signup(client: Client, username: str, email: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def test_sign_up_is_closed_by_default() -> None:
    client = Client()
    page = client.get(reverse("account_signup"))
    assert "Accounts are by invitation" in page.content.decode()
    response = signup(client, "intruder", "intruder@example.org")
    assert not get_user_model().objects.filter(username="intruder").exists()
    assert "Accounts are by invitation" in response.content.decode()
    login_page = client.get(reverse("account_login")).content.decode()
    assert "ask a team owner to invite you" in login_page
    assert reverse("account_signup") not in login_page


@override_settings(ACCOUNT_SIGNUP_OPEN=True)
def test_an_open_site_takes_sign_ups_and_confirms_the_address_by_email() -> None:
    client = Client()
    response = signup(client, "newcomer", "newcomer@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(username="newcomer")
    assert "_auth_user_id" not in client.session  # not signed in before the address is confirmed
    assert not EmailAddress.objects.get(user=user).verified
    # Signing in is refused until the link in the mail is followed.
    refused = sign_in(client, "newcomer", NEW_PASSWORD)
    assert refused["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    [link] = [url for url in links_in_last_mail("newcomer@example.org") if "/confirm-email/" in url]
    confirmed = client.post(path_of(link))
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)  # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION


def test_a_bad_confirmation_key_confirms_nothing() -> None:
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client = Client()
    response = client.get(reverse("account_confirm_email", args=["not-a-real-key"]))
    assert response.status_code in (200, 404)
    assert not EmailAddress.objects.get(user=user).verified


def test_password_reset_by_email() -> None:
    user = UserFactory()
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    [link] = [url for url in links_in_last_mail(user.email) if "/password/reset/key/" in url]
    form = client.get(path_of(link), follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0] if form.redirect_chain else path_of(link),
                       {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})  # fmt: skip
    assert done.status_code == 302
    assert sign_in(Client(), user.username, NEW_PASSWORD).status_code == 302
    assert sign_in(Client(), user.username, PASSWORD).status_code == 200  # the old one no longer works
    # The link is used up: following it again changes nothing.
    again = Client().get(path_of(link), follow=True)
    assert "bad token" in again.content.decode().lower() or "invalid" in again.content.decode().lower()


def test_a_reset_for_an_unknown_address_reveals_nothing() -> None:
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302  # same answer as for a known address
    assert all("/password/reset/key/" not in m.body for m in mail.outbox)


def test_the_mail_settings_come_from_the_environment() -> None:
    import importlib
    import os

    import workbench.settings as workbench_settings

    saved = {k: os.environ.get(k) for k in ("EMAIL_URL", "EMAIL_HOST")}
    try:
        os.environ["EMAIL_URL"] = "smtp://mailer:secret@mail.example.org:587/?tls=True"
        reloaded = importlib.reload(workbench_settings)
        options = reloaded.MAILERS["default"]["OPTIONS"]
        assert reloaded.MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend")
        assert (options["host"], options["port"], options["username"], options["use_tls"]) == (
            "mail.example.org", 587, "mailer", True
        )  # fmt: skip
        del os.environ["EMAIL_URL"]
        os.environ["EMAIL_HOST"] = "relay.example.org"
        reloaded = importlib.reload(workbench_settings)
        assert reloaded.MAILERS["default"]["OPTIONS"]["host"] == "relay.example.org"
        del os.environ["EMAIL_HOST"]
        reloaded = importlib.reload(workbench_settings)
        assert reloaded.MAILERS["default"]["BACKEND"].endswith("console.EmailBackend")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        importlib.reload(workbench_settings)
