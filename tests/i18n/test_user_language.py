"""The language switcher remembers a signed-in user's choice on their profile, over the browser's wishes."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from policies.models import UserProfile
from policies.services.preferences import saved_language, set_language
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FRENCH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"}
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}


def switch(client: Client, language: str, **headers: str):
    return client.post(reverse("set_language"), {"language": language, "next": "/"}, **headers)


def page_language(client: Client, **headers: str) -> str:
    response = client.get(reverse("home"), **headers)
    assert response.status_code == 200
    return response["Content-Language"]


def test_a_switch_is_saved_and_applies_in_a_later_session_whatever_the_browser_asks() -> None:
    user = UserFactory()
    first = Client()
    first.force_login(user)
    assert page_language(first, **ENGLISH_BROWSER) == "en"
    response = switch(first, "fr", **ENGLISH_BROWSER)
    assert response.status_code == 302 and response["Location"] == "/"
    assert saved_language(user=user) == "fr"
    assert page_language(first, **ENGLISH_BROWSER) == "fr"

    later = Client()  # another browser: no cookie, an English Accept-Language
    later.force_login(user)
    response = later.get(reverse("home"), **ENGLISH_BROWSER)
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.text
    assert "Se déconnecter" in response.text


def test_switching_back_replaces_the_saved_language() -> None:
    user = UserFactory()
    client = Client()
    client.force_login(user)
    switch(client, "fr")
    switch(client, "en")
    assert saved_language(user=user) == "en"
    other = Client()
    other.force_login(user)
    assert page_language(other, **FRENCH_BROWSER) == "en"


def test_the_saved_language_applies_on_login_and_outlives_logout() -> None:
    user = UserFactory()
    set_language(user=user, language="fr")
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": user.get_username(), "password": PASSWORD}, **ENGLISH_BROWSER
    )
    assert response.status_code == 302
    assert page_language(client, **ENGLISH_BROWSER) == "fr"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"  # set for the time after logout
    client.post(reverse("account_logout"))
    response = client.get(reverse("account_login"), **ENGLISH_BROWSER)
    assert response["Content-Language"] == "fr"


@pytest.mark.parametrize("code", ["de", "xx", "fr-ca", "", "en'><script>", "f" * 300])
def test_unknown_language_codes_are_refused_and_nothing_is_saved(code: str) -> None:
    user = UserFactory()
    set_language(user=user, language="en")
    client = Client()
    client.force_login(user)
    response = switch(client, code)
    assert response.status_code == 400
    assert saved_language(user=user) == "en"
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    assert cookie is None or cookie.value == "en"  # at most the saved choice, never the refused code
    anonymous = switch(Client(), code)
    assert anonymous.status_code == 400
    assert settings.LANGUAGE_COOKIE_NAME not in anonymous.cookies


def test_the_service_refuses_unknown_codes_too() -> None:
    user = UserFactory()
    with pytest.raises(ValidationError):
        set_language(user=user, language="de")
    assert not UserProfile.objects.filter(user=user).exists()
    set_language(user=user, language="")  # "" means: follow the browser
    assert saved_language(user=user) == ""


def test_a_user_who_never_chose_follows_the_browser() -> None:
    client = Client()
    client.force_login(UserFactory())
    assert page_language(client, **FRENCH_BROWSER) == "fr"
    assert page_language(client, **ENGLISH_BROWSER) == "en"
    assert not UserProfile.objects.exists()  # reading the choice creates no profile


def test_anonymous_visitors_keep_the_cookie_and_browser_behaviour() -> None:
    client = Client()
    login = reverse("account_login")
    assert client.get(login, **FRENCH_BROWSER)["Content-Language"] == "fr"
    assert client.get(login, **ENGLISH_BROWSER)["Content-Language"] == "en"
    response = switch(client, "fr", **ENGLISH_BROWSER)
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert client.get(login, **ENGLISH_BROWSER)["Content-Language"] == "fr"  # the cookie wins
    assert not UserProfile.objects.exists()


def test_the_switch_needs_a_csrf_token() -> None:
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert switch(client, "fr").status_code == 403
    assert saved_language(user=user) == ""
    # With the token the page's form carries, the same post goes through.
    page = client.get(reverse("home"))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("set_language"), {"language": "fr", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert saved_language(user=user) == "fr"


def test_the_switch_only_accepts_post() -> None:
    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("set_language"), {"language": "fr"}).status_code == 405


def test_the_switcher_names_each_language_in_itself_and_posts_to_the_saving_view() -> None:
    client = Client()
    client.force_login(UserFactory())
    html = client.get(reverse("home"), **ENGLISH_BROWSER).text
    assert f'action="{reverse("set_language")}"' in html
    assert 'lang="fr"' in html and "français" in html.lower()
