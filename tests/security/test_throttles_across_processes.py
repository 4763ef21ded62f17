"""Every limit counts once for the whole server, whichever web process answers.

`make run` serves with two gunicorn workers and no CACHE_URL. Here two web processes run on the test database
with the default cache, and the requests alternate between them: with a cache in each process's memory, each
would see only half of the wrong codes and half of the wrong passwords.
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
from django.urls import reverse

from policies.services import join_throttle
from policies.services.workshop import issue_join_code
from tests.conftest import ROOT, _worker_database_url, without_cache_url
from tests.factories import PASSWORD, ExerciseFactory, UserFactory
from tests.faults.conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def start_web_process(port: int) -> subprocess.Popen[bytes]:
    env = without_cache_url(
        {**os.environ, "DATABASE_URL": _worker_database_url(), "DEBUG": "0", "STATIC_MANIFEST": "0"}
    )
    binary = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [binary, "workbench.wsgi", f"--bind=127.0.0.1:{port}", "--workers=1", "--log-level=warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.1)


def stop_web_process(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def two_web_processes(django_db_setup) -> Iterator[list[int]]:  # type: ignore[no-untyped-def]
    ports = [free_port(), free_port()]
    servers = [start_web_process(port) for port in ports]
    yield ports
    for server in servers:
        stop_web_process(server)


class Browser:
    """Cookies and the CSRF token, on a new connection per request to whichever port it is given."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self, port: int, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=urlencode(form) if form is not None else None, headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, body

    def log_in(self, port: int, username: str, password: str) -> int:
        path = reverse("account_login")
        status, page = self.request(port, "GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token
        form = {"csrfmiddlewaretoken": token.group(1), "login": username, "password": password}
        return self.request(port, "POST", path, form)[0]


def test_wrong_join_codes_count_once_across_web_processes(
    two_web_processes: list[int], database_cache
) -> None:
    exercise = issue_join_code(exercise=ExerciseFactory())
    browser = Browser()
    answers = [
        browser.request(two_web_processes[k % 2], "GET", f"/join/AAAAAAA{chr(65 + k % 26)}/")[0]
        for k in range(join_throttle.PER_ADDRESS + 1)
    ]
    assert answers == [404] * join_throttle.PER_ADDRESS + [429]
    # Either process still opens the workshop for the right code.
    for port in two_web_processes:
        status, page = browser.request(port, "GET", f"/join/{exercise.join_code}/")
        assert status == 200 and exercise.join_code in page


def test_password_spraying_counts_once_across_web_processes(
    two_web_processes: list[int], database_cache, settings
) -> None:
    users = [UserFactory() for _ in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT)]
    browser = Browser()
    answers = [
        browser.log_in(two_web_processes[k % 2], user.username, "wrong") for k, user in enumerate(users)
    ]
    assert answers == [200] * (len(users) - 1) + [429]
    assert browser.log_in(two_web_processes[0], UserFactory().username, PASSWORD) == 429
