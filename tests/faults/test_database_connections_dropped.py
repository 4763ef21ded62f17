"""PostgreSQL drops the app's connections (failover, restart, idle killer): the running server carries on.

Only a real server keeps connections between requests (CONN_MAX_AGE, gunicorn's threads); the test client and
Django's live server close them after each request, so the fault would go unseen there. Hence gunicorn.
"""

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from policies.models import Exercise, ScoreJudgment
from policies.models.exercises import Phase
from tests.conftest import ROOT, _worker_database_url, needs
from tests.faults.conftest import free_port
from tests.web.test_workshop_flow import cells, workshop

POSTGRES = connection.vendor == "postgresql"


class Guest:
    """A participant's browser on one keep-alive connection: cookies, CSRF header, nothing else."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if form is not None:
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.cookies["csrftoken"],
            }
        self.conn.request(method, path, body=urlencode(form) if form is not None else None, headers=headers)
        response = self.conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, body

    def join(self, code: str, name: str) -> None:
        status, html = self.request("GET", f"/join/{code}/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert status == 200 and token, f"join page answered {status}"
        form = {"csrfmiddlewaretoken": token.group(1), "code": code, "name": name, "join": "1"}
        status, _ = self.request("POST", "/join/", form)
        assert status == 302, f"joining answered {status}"


@pytest.fixture
def gunicorn(transactional_db) -> Iterator[int]:  # type: ignore[no-untyped-def]
    """gunicorn on the test database, one process with four threads that keep their connections for a minute."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _worker_database_url(),
        "DB_CONN_MAX_AGE": "60",
        "DEBUG": "0",
        "STATIC_MANIFEST": "0",
    }
    binary = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        # A long keep-alive, as browsers hold their connection: a socket closed between requests is no database fault.
        [binary, "workbench.wsgi", f"--bind=127.0.0.1:{port}", "--workers=1", "--threads=4",
         "--worker-class=gthread", "--keep-alive=75", "--log-level=warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group, so teardown can reach the workers too
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.1)
    yield port
    server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: no wait for idle keep-alive connections
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=10)
    # A worker outliving its master would hold a connection and block dropping the test database.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)


def terminate_other_backends() -> int:
    """Kill every other session on the test database: the server's persistent connections die under it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


@needs(POSTGRES, "PostgreSQL only: SQLite has no server connections to drop")
@pytest.mark.django_db(transaction=True)
def test_the_server_recovers_from_dropped_connections_without_a_failed_request(gunicorn: int) -> None:
    exercise = workshop()
    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.SCORING)
    options, criteria = cells(exercise)
    grid = [(option.pk, criterion.pk) for option in options for criterion in criteria]
    guests = [Guest(gunicorn) for _ in range(4)]
    for i, guest in enumerate(guests):
        guest.join(exercise.join_code, f"Guest {i}")
    failures: list[str] = []
    sent: dict[tuple[str, int, int], float] = {}

    def save_round(value: float) -> None:
        for i, guest in enumerate(guests):
            for option, criterion in grid:
                status, body = guest.request(
                    "POST",
                    f"/exercises/{exercise.pk}/play/scores/{option}/{criterion}/",
                    {"value": f"{value:g}"},
                )
                if status != 200:
                    failures.append(f"save {status}: {body[:120]}")
                else:
                    sent[(f"Guest {i}", option, criterion)] = value
            status, _ = guest.request("GET", f"/exercises/{exercise.pk}/play/state/")
            if status not in (200, 204):
                failures.append(f"poll {status}")

    save_round(1)
    dropped = []
    for value in (2, 3, 4):
        dropped.append(terminate_other_backends())
        save_round(value)
    assert all(count >= 1 for count in dropped), f"the server held no connection to drop: {dropped}"
    assert failures == []
    stored = {
        (row.participant.alias, row.option_id, row.criterion_id): row.value
        for row in ScoreJudgment.objects.filter(participant__exercise=exercise).select_related("participant")
    }
    assert stored == sent
    assert set(stored.values()) == {4.0}
