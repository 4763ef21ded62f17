"""Behind a balancer every request comes from the balancer: the throttles and the lockout read the address it
forwards, and only when told how many proxies stand in front (a client cannot forge its way out of a limit)."""

import pytest
from django.test import Client
from django.urls import reverse

from policies.client_address import client_address
from policies.services import join_throttle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BALANCER = "10.9.0.2"


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(join_throttle, "PER_ADDRESS", 3)
    monkeypatch.setattr(join_throttle, "SERVER_WIDE", 1000)


def wrong_codes(client: Client, forwarded: str, count: int) -> list[int]:
    return [
        client.get(
            reverse("workshop-join-code", args=[f"WRONGCD{chr(65 + k)}"]),
            REMOTE_ADDR=BALANCER,
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code
        for k in range(count)
    ]


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client, small_limits, settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    # Each guess claims another address; all are counted against the socket's.
    statuses = [wrong_codes(client, f"198.51.100.{k}", 1)[0] for k in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_behind_the_balancer_each_participant_keeps_their_own_count(client, small_limits, settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert wrong_codes(client, "198.51.100.7", 4) == [404, 404, 404, 429]
    # Another person in the same room, through the same balancer, is not locked out by the first one's typos.
    assert wrong_codes(client, "198.51.100.8", 1) == [404]
    # A client that prepends a forged entry is still counted under the address the balancer appended.
    assert wrong_codes(client, "203.0.113.1, 198.51.100.7", 1) == [429]


def test_the_address_is_read_from_the_right_of_the_header(rf, settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7, 10.9.0.1")
    assert client_address(request) == "198.51.100.7"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == BALANCER


def test_the_login_lockout_by_address_counts_the_forwarded_address(client, settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    users = [UserFactory() for _ in range(4)]

    def attempt(user, forwarded: str) -> int:
        return client.post(
            reverse("account_login"),
            {"login": user.username, "password": "wrong"},
            REMOTE_ADDR=BALANCER,
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert [attempt(user, "198.51.100.7") for user in users[:3]] == [200, 200, 429]
    # Someone else behind the same balancer may still sign in.
    assert attempt(users[3], "198.51.100.8") == 200
