"""The database cache that holds the throttling counters when there is no Redis: counts are exact when several
processes add to them at once, and a counter keeps the expiry its window gave it."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.conftest import ROOT, _worker_database_url, without_cache_url

pytestmark = pytest.mark.django_db(transaction=True)

INCREMENTS = """
import django; django.setup()
from django.core.cache import cache
for _ in range({count}):
    cache.incr("shared-counter")
"""


def expiry(cache, key: str):  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {cache._table} WHERE cache_key = %s", [cache.make_key(key)])
        return cursor.fetchone()[0]


def test_increments_from_several_processes_are_all_counted(database_cache) -> None:
    database_cache.add("shared-counter", 0, 600)
    env = without_cache_url(
        {**os.environ, "DATABASE_URL": _worker_database_url(), "DJANGO_SETTINGS_MODULE": "workbench.settings"}
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", INCREMENTS.format(count=40)], cwd=ROOT, env=env)
        for _ in range(4)
    ]
    assert [process.wait(timeout=120) for process in processes] == [0, 0, 0, 0]
    assert database_cache.get("shared-counter") == 160


def test_a_counter_keeps_its_expiry_and_a_missing_one_is_not_created(database_cache) -> None:
    database_cache.add("window-counter", 0, 1200)
    before = expiry(database_cache, "window-counter")
    assert database_cache.incr("window-counter") == 1 and database_cache.incr("window-counter", 4) == 5
    assert (
        expiry(database_cache, "window-counter") == before
    )  # Django's own incr would have set the default 300 s
    with pytest.raises(ValueError):
        database_cache.incr("no-such-counter")
    assert database_cache.get("no-such-counter") is None
