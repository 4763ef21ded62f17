"""The join-code limit: per address, server-wide, and never against the right code of a room behind one NAT."""

import pytest
from django.test import Client
from django.urls import reverse

from policies.models import Participant
from policies.services import join_throttle
from policies.services.workshop import issue_join_code
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(join_throttle, "PER_ADDRESS", 3)
    monkeypatch.setattr(join_throttle, "SERVER_WIDE", 7)


def test_an_address_is_over_its_limit_after_its_own_failures_only(small_limits) -> None:
    assert [join_throttle.record_failure("10.0.0.1") for _ in range(4)] == [False, False, False, True]
    assert join_throttle.record_failure("10.0.0.2") is False  # another address keeps its own count
    assert join_throttle.may_try("10.0.0.1")  # the server-wide limit is not reached: its codes are looked at


def test_once_the_server_wide_limit_is_reached_addresses_over_their_own_are_refused(small_limits) -> None:
    for _ in range(4):
        join_throttle.record_failure("10.0.0.1")
    for address in ("10.0.0.2", "10.0.0.3"):
        join_throttle.record_failure(address)
    assert join_throttle.may_try("10.0.0.1")  # 6 wrong codes in all, the limit is 7
    join_throttle.record_failure("10.0.0.4")
    assert not join_throttle.may_try("10.0.0.1")
    # An address within its own limit is never affected.
    assert join_throttle.may_try("10.0.0.2") and join_throttle.may_try("192.0.2.9")


def test_counts_end_with_their_window(small_limits, monkeypatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(join_throttle, "_now", lambda: now[0])
    for _ in range(8):
        join_throttle.record_failure("10.0.0.1")
    assert not join_throttle.may_try("10.0.0.1")
    assert join_throttle.seconds_left() == 600 - 1_000_000 % 600
    now[0] += join_throttle.seconds_left()
    assert join_throttle.may_try("10.0.0.1")
    assert join_throttle.record_failure("10.0.0.1") is False


def test_ipv6_addresses_count_per_network(small_limits) -> None:
    for host in range(3):
        join_throttle.record_failure(f"2001:db8:1:2::{host + 1}")
    assert join_throttle.record_failure("2001:db8:1:2:ffff::9") is True  # same /64
    assert join_throttle.record_failure("2001:db8:1:3::1") is False
    assert join_throttle.record_failure("::ffff:192.0.2.1") is False
    assert join_throttle._source("::ffff:192.0.2.1") == "192.0.2.1"


def test_a_right_code_does_not_reset_the_count(small_limits) -> None:
    exercise = issue_join_code(exercise=ExerciseFactory())
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(3):
        assert client.post(reverse("workshop-join"), {"code": "AAAAAAAA"}).status_code == 422
    assert client.post(reverse("workshop-join"), {"code": exercise.join_code}).status_code == 200
    assert client.post(reverse("workshop-join"), {"code": "AAAAAAAA"}).status_code == 429


def test_during_a_guessing_campaign_an_address_over_its_limit_is_refused_unread(small_limits) -> None:
    exercise = issue_join_code(exercise=ExerciseFactory())
    room, elsewhere = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(4):
        room.post(reverse("workshop-join"), {"code": "AAAAAAAA"})
    # Throttled, yet the right code opens the workshop.
    assert (
        room.post(
            reverse("workshop-join"), {"code": exercise.join_code, "name": "A", "join": "1"}
        ).status_code
        == 302
    )
    for _ in range(2):
        elsewhere.post(reverse("workshop-join"), {"code": "BBBBBBBB"})
    Client(REMOTE_ADDR="10.0.0.3").post(
        reverse("workshop-join"), {"code": "CCCCCCCC"}
    )  # 7 wrong codes in all
    refused = room.post(reverse("workshop-join"), {"code": exercise.join_code, "name": "B", "join": "1"})
    assert refused.status_code == 429 and "Too many wrong codes" in refused.content.decode()
    assert list(Participant.objects.values_list("alias", flat=True)) == ["A"]
    # An address within its limit still joins.
    assert (
        elsewhere.post(
            reverse("workshop-join"), {"code": exercise.join_code, "name": "C", "join": "1"}
        ).status_code
        == 302
    )
