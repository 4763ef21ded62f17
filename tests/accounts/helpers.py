"""Shared steps of the account tests: signing in through allauth's form, reading links out of mails."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

LINK = re.compile(r"https?://[^\s]+")


def sign_in(client: Client, login: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Through allauth's login form, as a person does (force_login skips allauth's stages)."""
    return client.post(reverse("account_login"), {"login": login, "password": password})


def links_in_last_mail(to: str | None = None) -> list[str]:
    messages = [m for m in mail.outbox if to is None or to in m.to]
    assert messages, f"no mail to {to}"
    return LINK.findall(messages[-1].body)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def reauthenticate(client: Client, password: str = PASSWORD) -> None:
    """allauth asks for the password again before sensitive changes (two-factor set-up, account deletion)."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:300]
