"""Redis as the cache (sessions, join-code throttling) dies while participants score: they go on scoring."""

import logging

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from policies.models import Exercise, ScoreJudgment
from policies.models.exercises import Phase
from tests.conftest import needs
from tests.faults.conftest import REDIS_SERVER, free_port
from tests.web.test_workshop_flow import cells, guest, score, workshop

pytestmark = pytest.mark.django_db


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "workbench.cache.TolerantRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def play_a_round(exercise: Exercise, value: str) -> None:
    """A guest joins by code, follows the phase poll and scores every cell; a wrong code is answered too."""
    client, participant = guest(exercise, f"Scorer {value}")
    exercise.refresh_from_db()
    token = f"{exercise.phase}-{exercise.current_round}-{exercise.version}"
    state = reverse("workshop-state", args=[exercise.pk])
    assert client.get(state, {"v": token}, headers={"HX-Request": "true"}).status_code == 204
    options, criteria = cells(exercise)
    for option in options:
        for criterion in criteria:
            assert score(client, exercise, option, criterion, value).status_code == 200
    assert set(ScoreJudgment.objects.filter(participant=participant).values_list("value", flat=True)) == {
        float(value)
    }
    assert client.post(reverse("workshop-join"), {"code": "WRONG-CODE"}).status_code == 422


def scoring_workshop() -> Exercise:
    exercise = workshop()
    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.SCORING)
    exercise.refresh_from_db()
    return exercise


@needs(REDIS_SERVER is not None, "redis-server is not installed: no cache server of the test's own to stop")
def test_scoring_goes_on_when_the_cache_server_dies(private_redis, caplog) -> None:
    exercise = scoring_workshop()
    with override_settings(
        CACHES=redis_cache(private_redis.url), SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
    ):
        client, participant = guest(exercise, "Amina")
        assert cache.get(f"django.contrib.sessions.cached_db{client.session.session_key}") is not None
        option, criterion = cells(exercise)[0][0], cells(exercise)[1][0]
        assert score(client, exercise, option, criterion, "3").status_code == 200

        private_redis.kill()
        with caplog.at_level(logging.WARNING, logger="workbench.cache"):
            # The participant who joined before the outage keeps their session (read from the database).
            assert score(client, exercise, option, criterion, "4").status_code == 200
            # Newcomers join, poll and score; a wrong code still gets its answer.
            play_a_round(exercise, "6")
        assert ScoreJudgment.objects.get(participant=participant).value == 4
        assert "Cache unavailable" in caplog.text

        # Back: the cache serves again, through the same client object it has kept since the first call (a new
        # one per call costs every request a fifth of a millisecond).
        private_redis.start()
        cache.set("probe", 1)
        assert cache.get("probe") == 1
        assert cache._cache.get_client() is cache._cache.get_client(write=True)
        play_a_round(exercise, "7")


def test_an_unreachable_cache_from_the_start_costs_nothing_but_the_cache() -> None:
    exercise = scoring_workshop()
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with override_settings(
        CACHES=redis_cache(closed), SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
    ):
        cache.set("probe", 1)
        assert cache.get("probe", "missing") == "missing"
        assert cache.add("probe", 1) is False
        with pytest.raises(ValueError):
            cache.incr("probe")
        play_a_round(exercise, "5")
