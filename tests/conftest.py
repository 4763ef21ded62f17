"""Shared fixtures: users by role, a real Celery worker process, and the service requirements of CI.

With WORKBENCH_REQUIRE_SERVICES=1 (set by .ci/run) a missing PostgreSQL, Redis or Chromium fails the run;
without it, only the tests that truly need them skip, saying why.
"""

import gc
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

# Playwright's sync API runs an event loop in the test thread; the ORM calls made beside it are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("WORKBENCH_REQUIRE_SERVICES") == "1"
ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    # Hashing passwords at production strength would dominate the suite's run time.
    if os.environ.get("DJANGO_SETTINGS_MODULE"):  # absent when the pure analysis tests run without Django
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        # Charts are drawn for real in every test (a cached drawing would hide a Chromium failure); the cache's own
        # tests turn it on. Set for the workers and servers that tests start as well.
        settings.CHART_CACHE_DIR = None
    os.environ["CHART_CACHE"] = "0"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not REQUIRE_SERVICES:
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL does not point at PostgreSQL")
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        problems.append("CELERY_BROKER_URL does not point at Redis")
    if not Path(settings.CHROMIUM_PATH).exists():
        problems.append(f"Chromium is missing at {settings.CHROMIUM_PATH}")
    if problems:
        pytest.exit("WORKBENCH_REQUIRE_SERVICES=1 but " + "; ".join(problems), returncode=3)


def pytest_collection_finish(session: pytest.Session) -> None:
    """One process runs two thousand tests and its heap grows large: Python's full collections walked all of it,
    about 8 % of the suite's time. What exists once the tests are collected (modules, Django, the URL and template
    machinery) lives for the whole run, so it is frozen out of the collector's walks, and young collections run
    less often (measured on 541 tests: 282 s to 261 s, time in the collector 23 s to 14 s)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def needs(condition: bool, reason: str) -> pytest.MarkDecorator:
    """Skip when a service is absent, unless CI demands it (then the test runs and fails loudly)."""
    return pytest.mark.skipif(not condition and not REQUIRE_SERVICES, reason=reason)


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with an empty cache: throttling counters and cached sessions would otherwise outlive
    the test, and the database rows they describe. The default cache is a table of the test database, which
    only a test that may use the database can reach (and only then is there anything to clear)."""
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        from django.core.cache import caches
        from django.core.cache.backends.db import BaseDatabaseCache

        cache = caches["default"]
        if not isinstance(cache, BaseDatabaseCache):
            cache.clear()
        elif request.node.get_closest_marker("django_db") or DATABASE_FIXTURES & set(request.fixturenames):
            request.getfixturevalue("django_db_setup")
            with request.getfixturevalue("django_db_blocker").unblock():
                cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a request that switched the thread to French (a user's
    preference, an Accept-Language header) must not leave the next test's messages in French."""
    yield
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        from django.utils import translation

        translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def database_cache(settings):  # type: ignore[no-untyped-def]
    """The default cache of an installation without CACHE_URL (a table of the database), empty, whatever this
    run's CACHE_URL; processes started with `without_cache_url` share it."""
    from django.core.cache import caches
    from django.core.management import call_command

    settings.CACHES = {"default": settings.DATABASE_CACHE}
    call_command("createcachetable", verbosity=0)
    caches["default"].clear()
    return caches["default"]


def without_cache_url(env: dict[str, str]) -> dict[str, str]:
    """A process environment that leaves the cache to its default, the database's table."""
    return {name: value for name, value in env.items() if name != "CACHE_URL"}


@pytest.fixture
def login(client):
    """Log a fresh member of a team in: login(role, team=None) -> membership."""
    from tests.factories import MembershipFactory

    def _login(role: str, team=None):
        membership = MembershipFactory(role=role, **({"team": team} if team else {}))
        client.force_login(membership.user)  # the login form itself is tested on its own, throttling included
        return membership

    return _login


def _worker_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def start_celery_worker(*extra: str) -> subprocess.Popen[str]:
    """A real worker in its own process, on the configured broker, reading the test database; waits until ready."""
    env = {**os.environ, "DATABASE_URL": _worker_database_url(), "PYTHONUNBUFFERED": "1"}
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    process = subprocess.Popen(
        [celery, "-A", "workbench", "worker", "--pool=solo", "--loglevel=info", "--without-gossip", "--without-mingle",
         *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    assert process.stdout is not None
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        lines.append(line)
        if "ready." in line:
            break
    else:
        process.kill()
        pytest.fail("The Celery worker did not start:\n" + "".join(lines[-30:]))
    if process.poll() is not None:
        pytest.fail("The Celery worker exited:\n" + "".join(lines[-30:]))
    # Keep draining its output so a full pipe never blocks the worker.
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    return process


def stop_celery_worker(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker) -> Iterator[subprocess.Popen[str]]:
    process = start_celery_worker()
    yield process
    stop_celery_worker(process)
