"""Load test of a live workshop: N participants join by code and save judgments against a real server.

    python benchmarks/workshop_load.py [--quick] [--participants N] [--saves 60] [--duration 60] [--arrival 20]
                                       [--spike] [--nodes N [--kill-at 0.5]] [--soak SECONDS]

It plays a workshop as it happens in a room:

1. creates a fresh PostgreSQL database on 127.0.0.1:5432 (user postgres; falls back to SQLite in a temporary
   DATA_DIR when PostgreSQL is unreachable, and says so in the JSON), migrates it and seeds a facilitated
   exercise in the briefing phase with 6 options x 10 criteria (60 cells) and a join code;
2. starts gunicorn (gthread workers) on a free loopback port; Redis is the cache, as deployed, when reachable;
3. the room fills during the briefing: N simulated participants, each a thread on its own keep-alive
   connection, arrive over --arrival seconds, open the join link, join as guests and open the play page, which
   then polls the phase endpoint with the token and at the interval the page gave (its hx-get and hx-trigger),
   as htmx does;
4. once everyone is in, the facilitator moves the exercise to scoring through the dashboard's phase form and
   watches the live dashboard at its polling interval; each participant's next poll brings the scoring table,
   and from then on the participant saves one score per cell (a distinct value per participant and cell),
   spread over --duration seconds, while its screen goes on polling;
5. counts check: every save the server accepted (HTTP 200) must be in the database with the value sent.

The last line is a JSON object with participants, saves, p50_ms, p95_ms, p99_ms, errors and lost (the save
latencies), plus the joining (join_p95_ms over the join page, the join and the play page), the poll that brought
the scoring table (stage_p95_ms), the other polls, the facilitator's dashboard, save_span_s (the longest time a
participant took from its first save to its 60th), scoring_s (from the phase change to the room's last save, so
including the wait for the table) and the database used. Target on 2 cores: 200 participants x 60 saves within
60 s, p95 under 150 ms, no errors, nothing lost. --quick runs 50 participants arriving over 10 s, saving for 30 s.

The server's CPU: every response carries the CPU its request took in its thread (the Server-Timing header that
SERVER_TIMING=1 turns on), averaged per kind as cpu_ms_per_save, cpu_ms_per_poll (the participants' polls,
the stage redraws included), cpu_ms_per_dashboard and cpu_ms_per_other (joining, pages, the phase change); and the
kernel's count of the web workers' CPU over the run (/proc/<pid>/stat), server_cpu_s, which adds gunicorn's own
work around the requests: cpu_ms_per_request is that total over every request, in_request_share the part the
requests account for, cores_busy the total over the elapsed time.

--spike: the room arrives within 3 s straight into an open scoring phase (the facilitator opens it first), so
the joins and the first saves land together; stage_p95_ms is then null.

--nodes N (2 or more) starts N gunicorn nodes on 127.0.0.2, 127.0.0.3... behind HAProxy on 127.0.0.1 with the
deployed rules (deploy/haproxy.cfg, round robin, no sticky sessions), and kills the last node (its master and
workers at once, SIGKILL) at --kill-at of the scoring time (0.5: halfway; 0: never). Screens behave as the real
ones: a save answered 5xx or cut off is sent again (up to 4 times, 0.5 s apart and growing), a failed poll waits
for the next tick; those are counted in `interrupted`, not in `errors`. The JSON adds nodes, balancer,
requests_by_node (from HAProxy's X-Served-By header), killed (node -> seconds into scoring), interrupted and
connection_retries; lost and duplicated are checked as always. Without HAProxy installed it prints a JSON line
saying so and exits with status 2.

--soak SECONDS keeps the room busy for that long: each participant goes on re-saving its cells in a loop at the
same pace, while a facilitator's five browsers each request a report, follow its progress bar to the end and
request the next one (five builds in flight), built by two Celery workers the benchmark starts on Redis
(redis://127.0.0.1:6379, a free database of its own among 10-15; the filesystem broker when Redis is down).
Every 10 s it samples the resident memory of each process (gunicorn master and workers, Celery workers; the
Chromium processes a worker drives for charts are summed by proportional set size, PSS). The JSON adds the
report throughput (reports_done, reports_failed, reports_unfinished, reports_per_min, and report_p50_s and
report_p95_s from request to file, queueing included), duplicated (judgment rows beyond one per participant,
cell and round) and memory (start, max and end MB per process, with a short series).
"""

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS = {"host": "127.0.0.1", "port": 6379}
FACILITATOR_PASSWORD = "bench-Facilitator-2024"  # a throwaway database's only account
REPORT_REQUESTERS = 5
#: gunicorn as deployed (docker-compose.yml's web service runs the same; tests/test_deployment.py checks).
GUNICORN_WORKER_CLASS = "gthread"
GUNICORN_THREADS = 4

SEED = """
import json
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from policies.models import Case, Criterion, Exercise, Membership, Option, Role, Team
from policies.models.exercises import Phase
from policies.services.workshop import issue_join_code
team = Team.objects.create(name="Bench", slug="bench")
facilitator = get_user_model().objects.create_user("bench-facilitator", "bench@example.org", FACILITATOR_PASSWORD)
EmailAddress.objects.create(user=facilitator, email=facilitator.email, verified=True, primary=True)
Membership.objects.create(team=team, user=facilitator, role=Role.FACILITATOR)
case = Case.objects.create(team=team, key="bench", title={"en": "Bench"})
options = [Option.objects.create(case=case, key=f"o{i}", name={"en": f"Option {i}"}, position=i) for i in range(6)]
criteria = [Criterion.objects.create(case=case, key=f"c{j}", name={"en": f"Criterion {j}"}, position=j,
            scale_min=0, scale_max=100) for j in range(10)]
exercise = Exercise.objects.create(team=team, case=case, key="bench", title={"en": "Bench"}, facilitated=True,
            blind=True, phase=Phase.BRIEFING)
exercise.options.set(options)
exercise.criteria.set(criteria)
exercise = issue_join_code(exercise=exercise)
print(json.dumps({"exercise": exercise.pk, "code": exercise.join_code, "facilitator": facilitator.username,
      "cells": [[o.pk, c.pk] for o in options for c in criteria]}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_database() -> tuple[str | None, str]:
    """A fresh database URL on the local PostgreSQL, or (None, reason) when it is unreachable."""
    try:
        import psycopg

        name = f"workshop_bench_{os.getpid()}"
        with psycopg.connect(dbname="postgres", connect_timeout=3, autocommit=True, **PG) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{name}", ""
    except Exception as exc:
        return None, f"PostgreSQL unreachable ({type(exc).__name__}: {exc})".strip()[:200]


def drop_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(dbname="postgres", connect_timeout=3, autocommit=True, **PG) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_broker(hold_seconds: float) -> tuple[str | None, str]:
    """A Redis database of the run's own (an empty one among 10-15, claimed with a key), or (None, reason).

    Its own, because workers sharing a queue with another run would take that run's report ids for theirs.
    """
    try:
        import redis

        for db in range(10, 16):
            client = redis.Redis(**REDIS, db=db, socket_timeout=3, socket_connect_timeout=3)
            if client.dbsize() == 0 and client.set(
                "workshop_load:owner", os.getpid(), nx=True, ex=int(hold_seconds)
            ):
                return f"redis://{REDIS['host']}:{REDIS['port']}/{db}", ""
        return None, "Redis has no free database among 10-15"
    except Exception as exc:
        return None, f"Redis unreachable ({type(exc).__name__}: {exc})".strip()[:200]


def release_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_timeout=3).flushdb()  # the queues and the claim: the database was empty


#: The server's CPU time of a request, from the Server-Timing header the benchmark turns on (SERVER_TIMING=1).
SERVER_CPU = re.compile(r"cpu;dur=([\d.]+)")


def request_kind(path: str) -> str:
    """What a request is, for the CPU account: a save, a poll of the screen, the dashboard's poll, or other."""
    if "/play/scores/" in path:
        return "save"
    if "/play/state/" in path:
        return "poll"
    if "/facilitate/live/" in path:
        return "dashboard"
    return "other"


class Browser(threading.Thread):
    """One person's browser: a keep-alive connection with its cookies."""

    host = "127.0.0.1"

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.cookies: dict[str, str] = {}
        self.errors: list[str] = []
        self.conn = http.client.HTTPConnection(self.host, port, timeout=30)
        self.etag = ""
        self.cpu_ms: dict[str, list[float]] = {}  # request kind -> the server's CPU milliseconds of each
        self.served_by: dict[str, int] = {}  # web node (the balancer's X-Served-By) -> requests
        self.retries = 0

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        data = urlencode(body) if body is not None else None
        head = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        if data is not None:
            head["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=head)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt:
                    raise
                self.retries += 1
        cpu = SERVER_CPU.search(response.getheader("Server-Timing") or "")
        if cpu:
            self.cpu_ms.setdefault(request_kind(path), []).append(float(cpu.group(1)))
        node = response.getheader("X-Served-By")
        if node:
            self.served_by[node] = self.served_by.get(node, 0) + 1
        self.etag = (response.getheader("ETag") or "").strip('"')
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, payload.decode("utf-8", "replace")

    def csrf_token(self, path: str) -> str | None:
        """The form's CSRF token, or None after recording why the page did not give one."""
        status, html = self.request("GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or token is None:
            self.errors.append(f"{path} {status}")
            return None
        return token.group(1)

    def timed(self, latencies: list[float], method: str, path: str, *args, **kwargs):
        began = time.perf_counter()
        try:
            return self.request(method, path, *args, **kwargs)
        finally:
            latencies.append((time.perf_counter() - began) * 1000)

    def log_in(self, username: str, password: str) -> bool:
        token = self.csrf_token("/accounts/login/")
        if token is None:
            return False
        form = {"csrfmiddlewaretoken": token, "login": username, "password": password}
        status, _ = self.request("POST", "/accounts/login/", form)
        if status != 302:
            self.errors.append(f"login {status}")
        return status == 302


#: Attempts of one save when the server answers 5xx or the connection drops, and the pause before the next
#: (times the attempt): the screen sends an unsaved form again after its next success or within 4 s.
SAVE_ATTEMPTS = 4
RETRY_AFTER = 0.5

# The screen's poll: the hx-get with the token of what it shows, and the hx-trigger interval.
POLL = re.compile(r'play/state/\?v=([^"&]+)"[^>]*hx-trigger="every (\d+)s"')


class Room:
    """What the participants and the facilitator share: who is in, and when scoring ended."""

    def __init__(self, participants: int) -> None:
        self.joined = threading.Semaphore(0)
        self.expected = participants
        self.scoring_started = threading.Event()
        self.scoring_started_at = 0.0
        self.over = threading.Event()

    def wait_for_everyone(self, timeout: float) -> int:
        deadline, count = time.monotonic() + timeout, 0
        while count < self.expected and self.joined.acquire(timeout=max(0.0, deadline - time.monotonic())):
            count += 1
        return count


class Participant(Browser):
    #: Behind a balancer with a node killed on purpose: failed saves and polls are sent again, as screens do.
    retry_failed = False

    def __init__(
        self,
        index: int,
        port: int,
        setup: dict,
        room: Room,
        saves: int,
        duration: float,
        arrive_at: float,
        soak: float | None = None,
    ) -> None:
        super().__init__(port)
        self.index, self.setup, self.room = index, setup, room
        self.saves, self.duration, self.arrive_at, self.soak = saves, duration, arrive_at, soak
        self.latencies: list[float] = []
        self.join_latencies: list[float] = []
        self.stage_latencies: list[float] = []
        self.poll_latencies: list[float] = []
        self.first_save_at = self.last_save_at = 0.0
        self.entered = False
        self.interrupted: list[str] = []  # saves and polls that failed and were sent again (a node died)
        self.accepted: dict[tuple[int, int], float] = {}
        self.accepted_saves = 0
        # Values sent after the last accepted one whose save failed: the server may or may not have kept them.
        self.unsure: dict[tuple[int, int], set[float]] = {}

    def run(self) -> None:
        try:
            self.play()
        except Exception as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def enter(self) -> tuple[str, float, str] | None:
        """Join as a guest and open the play page: the token and interval its screen polls with, and its phase."""
        code, exercise = self.setup["code"], self.setup["exercise"]
        status, html = self.timed(self.join_latencies, "GET", f"/join/{code}/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or token is None:
            self.errors.append(f"join page {status}")
            return None
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "code": code,
            "name": f"bench-{self.index}",
            "join": "1",
        }
        status, _ = self.timed(self.join_latencies, "POST", "/join/", form)
        if status != 302:
            self.errors.append(f"join {status}")
            return None
        status, html = self.timed(self.join_latencies, "GET", f"/exercises/{exercise}/play/")
        poll, phase = POLL.search(html), re.search(r'data-phase="(\w+)"', html)
        if status != 200 or poll is None:
            self.errors.append(f"play page {status}")
            return None
        return poll.group(1), float(poll.group(2)), phase.group(1) if phase else ""

    def poll(self, token: str, latencies: list[float]) -> tuple[str, float, str]:
        """One poll of the screen: (token, interval, phase shown) after it, the phase "" when unchanged."""
        status, html = self.timed(
            latencies,
            "GET",
            f"/exercises/{self.setup['exercise']}/play/state/?v={token}",
            headers=self.htmx,
        )
        if status >= 500 and self.retry_failed:  # the next poll tries again, as the screen's timer does
            self.interrupted.append(f"poll {status}")
            return token, 0.0, ""
        if status not in (200, 204):
            self.errors.append(f"poll {status}")
            return token, 0.0, ""
        if status == 204:
            return token, 0.0, ""
        found, phase = POLL.search(html), re.search(r'data-phase="(\w+)"', html)
        # The stage changed: the new one carries its token and the room's current interval.
        return self.etag or token, float(found.group(2)) if found else 0.0, phase.group(1) if phase else ""

    def play(self) -> None:
        time.sleep(max(0.0, self.arrive_at - time.monotonic()))
        joined = self.enter()
        if joined is None:
            return
        token, every, phase = joined
        self.entered = True
        self.htmx = {"X-CSRFToken": self.cookies.get("csrftoken", ""), "HX-Request": "true"}
        self.room.joined.release()
        if phase == "scoring":  # the arrival spike: the room arrives into an open scoring phase
            now = time.monotonic()
            self.score(token, every, next_poll=now + random.uniform(0, every), shown=now)
            return
        # The briefing: the screen polls until a poll brings the scoring table.
        next_poll = time.monotonic() + random.uniform(0, every)
        while True:
            if self.room.over.wait(max(0.0, next_poll - time.monotonic())):
                self.errors.append("never saw the scoring phase")
                return
            changes_expected = self.room.scoring_started.is_set()
            token, interval, phase = self.poll(
                token, self.stage_latencies if changes_expected else self.poll_latencies
            )
            every = interval or every
            next_poll = time.monotonic() + every
            if phase == "scoring":
                break
            if changes_expected:  # not the poll that brought the table: counted with the others
                self.poll_latencies.append(self.stage_latencies.pop())
        self.score(token, every, next_poll, shown=time.monotonic())

    def score(self, token: str, every: float, next_poll: float, shown: float) -> None:
        exercise = self.setup["exercise"]
        cells = list(self.setup["cells"])[: self.saves]
        random.Random(self.index).shuffle(cells)
        interval = self.duration / max(len(cells), 1)
        until = shown + self.soak if self.soak is not None else None
        # A soak goes round the cells again and again at the same pace until its end; a plain run saves each once.
        schedule = (
            ((n, cells[n % len(cells)]) for n in itertools.count()) if until is not None else enumerate(cells)
        )
        for n, (option, criterion) in schedule:
            due = shown + 1.0 + n * interval + random.uniform(0, interval * 0.5)
            if until is not None and max(due, time.monotonic()) > until:
                break  # a soak ends on time, even for a participant the server kept behind schedule
            # The screen polls on its timer even when saves fall behind schedule, as a browser's does.
            while time.monotonic() < due:
                if time.monotonic() >= next_poll:
                    token, interval_now, _phase = self.poll(token, self.poll_latencies)
                    every = interval_now or every
                    next_poll = time.monotonic() + every
                time.sleep(max(0.0, min(due, next_poll) - time.monotonic()))
            value = float((self.index * 7 + n * 13) % 101)
            form = {"value": f"{value:g}", "rationale": f"r{self.index}-{n}", "confidence": "3"}
            path = f"/exercises/{exercise}/play/scores/{option}/{criterion}/"
            status: int | str = 0
            # A save the server could not answer (a web node died under it) is sent again, as the screen does.
            for attempt in range(SAVE_ATTEMPTS if self.retry_failed else 1):
                try:
                    status, _ = self.timed(self.latencies, "POST", path, form, headers=self.htmx)
                except OSError as exc:  # the connection failed twice
                    status = f"{type(exc).__name__}"
                if status == 200 or (isinstance(status, int) and status < 500) or not self.retry_failed:
                    break
                self.unsure.setdefault((option, criterion), set()).add(value)
                self.interrupted.append(f"save {status}")
                time.sleep(RETRY_AFTER * (attempt + 1))
            self.last_save_at = time.monotonic()
            self.first_save_at = self.first_save_at or self.last_save_at
            if status == 200:
                self.accepted[(option, criterion)] = value
                self.accepted_saves += 1
                self.unsure.pop((option, criterion), None)
            else:
                self.unsure.setdefault((option, criterion), set()).add(value)
                self.errors.append(f"save {status}")


class Facilitator(Browser):
    """The facilitator's screen: opens scoring once the room is full, then watches the live dashboard."""

    def __init__(self, port: int, setup: dict, room: Room, join_timeout: float, spike: bool = False) -> None:
        super().__init__(port)
        self.setup, self.room, self.join_timeout, self.spike = setup, room, join_timeout, spike
        self.latencies: list[float] = []
        self.in_room = 0

    def run(self) -> None:
        try:
            self.facilitate()
        except Exception as exc:
            self.errors.append(f"facilitator {type(exc).__name__}: {exc}")
        finally:
            if not self.room.scoring_started.is_set():
                self.room.over.set()  # nobody waits for a phase that will not come

    def facilitate(self) -> None:
        if not self.log_in(self.setup["facilitator"], FACILITATOR_PASSWORD):
            return
        exercise = self.setup["exercise"]
        # In an arrival spike the room arrives into scoring already open; otherwise scoring opens once all are in.
        self.in_room = 0 if self.spike else self.room.wait_for_everyone(self.join_timeout)
        status, html = self.request("GET", f"/exercises/{exercise}/facilitate/")
        version = re.search(r'name="version" value="(\d+)"', html)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or version is None or token is None:
            self.errors.append(f"dashboard {status}")
            return
        form = {"csrfmiddlewaretoken": token.group(1), "phase": "scoring", "version": version.group(1)}
        self.room.scoring_started_at = time.monotonic()
        self.room.scoring_started.set()
        status, html = self.request("POST", f"/exercises/{exercise}/facilitate/phase/", form)
        if status != 302:
            self.errors.append(f"phase change {status}")
            self.room.over.set()
            return
        status, html = self.request("GET", f"/exercises/{exercise}/facilitate/")
        live = re.search(r'facilitate/live/\?v=([^"&]+)"[^>]*hx-trigger="every (\d+)s"', html)
        if status != 200 or live is None:
            self.errors.append(f"dashboard {status}")
            return
        token_, every = live.group(1), float(live.group(2))
        htmx = {"X-CSRFToken": self.cookies.get("csrftoken", ""), "HX-Request": "true"}
        while not self.room.over.wait(every):
            status, html = self.timed(
                self.latencies, "GET", f"/exercises/{exercise}/facilitate/live/?v={token_}", headers=htmx
            )
            if status == 200:
                found = re.search(r'facilitate/live/\?v=([^"&]+)"[^>]*hx-trigger="every (\d+)s"', html)
                if found:
                    token_, every = found.group(1), float(found.group(2))
            elif status != 204:
                self.errors.append(f"dashboard poll {status}")


class ReportRequester(Browser):
    """A facilitator's browser tab on the reports page: request a report, follow its progress bar, again."""

    def __init__(
        self, port: int, setup: dict, room: Room, kind: str, delay: float, soak: float, grace: float
    ) -> None:
        super().__init__(port)
        self.setup, self.room, self.kind = setup, room, kind
        self.delay, self.soak, self.grace = delay, soak, grace
        self.until = 0.0
        self.done_seconds: list[float] = []
        self.failed: list[str] = []
        self.unfinished = 0

    def run(self) -> None:
        try:
            self.work()
        except Exception as exc:
            self.errors.append(f"reports {type(exc).__name__}: {exc}")

    def work(self) -> None:
        if not self.log_in(self.setup["facilitator"], FACILITATOR_PASSWORD):
            return
        # Reports are asked for once there is something to report on, and go on for the whole soak.
        while not self.room.scoring_started.wait(1.0):
            if self.room.over.is_set():
                return
        self.until = self.room.scoring_started_at + self.soak
        time.sleep(self.delay)
        htmx = {"X-CSRFToken": self.cookies.get("csrftoken", ""), "HX-Request": "true"}
        exercise = self.setup["exercise"]
        requested = 0
        while time.monotonic() < self.until or not requested:  # at least one each, however slow the login was
            requested += 1
            began = time.monotonic()
            status, html = self.request(
                "POST", f"/exercises/{exercise}/reports/", {"kind": self.kind, "language": "en"}, htmx
            )
            found = re.search(r'data-report="(\d+)"', html)
            # 202: accepted and on its way; 286 (htmx's "stop polling"): accepted and already finished, when a
            # worker built it before the answer was written. Either way the body shows the job's state.
            if status not in (202, 286) or found is None:
                self.errors.append(f"report request {status}")
                time.sleep(1.0)
                continue
            outcome = self.outcome(html) if status == 286 else self.follow(int(found.group(1)), htmx)
            if outcome == "done":
                self.done_seconds.append(time.monotonic() - began)
            elif outcome is None:
                self.unfinished += 1
            else:
                self.failed.append(outcome)

    def follow(self, report: int, headers: dict) -> str | None:
        """Poll like the progress bar (every second) until the job ends; None if it outlives the grace period."""
        deadline = self.until + self.grace
        while time.monotonic() < deadline:
            time.sleep(1.0)
            status, html = self.request("GET", f"/reports/{report}/", headers=headers)
            if status >= 500:
                self.errors.append(f"report status {status}")
                continue
            finished = self.outcome(html)
            if finished is not None:
                return finished
        return None

    @staticmethod
    def outcome(html: str) -> str | None:
        """ "done", a failure to report, or None while the job shown in this answer is still waiting or running."""
        state = re.search(r'data-status="(\w+)"', html)
        report = re.search(r'data-report="(\d+)"', html)
        if state and state.group(1) in ("done", "failed", "cancelled"):
            return (
                "done"
                if state.group(1) == "done"
                else f"{state.group(1)}: report {report and report.group(1)}"
            )
        return None


def rss_mb(pid: int) -> float | None:
    """Resident memory of one process: psutil when installed, else the kernel's own account in /proc."""
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        pass
    except Exception:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def pss_mb(pid: int) -> float | None:
    """Proportional memory: shared pages split between sharers, so a group of Chromium processes adds up right."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return rss_mb(pid)
    return rss_mb(pid)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def descendants(pid: int) -> list[int]:
    pending, found = children(pid), []
    while pending:
        child = pending.pop()
        found.append(child)
        pending += children(child)
    return found


class MemorySampler(threading.Thread):
    """Every few seconds, the RSS of each server process; what a leak or a runaway Chromium would show."""

    def __init__(self, server: int, workers: list[int], every: float = 10.0) -> None:
        super().__init__(daemon=True)
        self.server, self.workers, self.every = server, workers, every
        self.series: dict[str, list[float]] = {}
        self.stop = threading.Event()

    def processes(self) -> dict[str, tuple[list[int], Callable[[int], float | None]]]:
        """Label -> (pids, measure). The Chromium a worker drives for chart export is several processes sharing
        most of their pages: summed under its worker by PSS, as RSS would count the shared pages many times."""
        found = {"gunicorn master": ([self.server], rss_mb)}
        for pid in sorted(children(self.server)):
            found[f"gunicorn worker {pid}"] = ([pid], rss_mb)
        for n, pid in enumerate(self.workers, 1):
            found[f"celery worker {n}"] = ([pid], rss_mb)
            found[f"celery worker {n} chromium (pss)"] = (descendants(pid), pss_mb)
        return found

    def sample(self) -> None:
        for label, (pids, measure) in self.processes().items():
            sizes = [size for size in map(measure, pids) if size is not None]
            if sizes or label in self.series:
                self.series.setdefault(label, []).append(round(sum(sizes), 1))

    def run(self) -> None:
        while True:
            self.sample()
            if self.stop.wait(self.every):
                self.sample()
                return

    def summary(self) -> dict[str, dict]:
        def short(values: list[float], points: int = 12) -> list[float]:
            step = max(1, -(-len(values) // points))
            return values[::step] + ([values[-1]] if (len(values) - 1) % step else [])

        return {
            label: {
                "start_mb": values[0],
                "max_mb": max(values),
                "end_mb": values[-1],
                "series_mb": short(values),
            }
            for label, values in self.series.items()
        }


def query(url: str | None, sqlite_path: Path, sql: str, params: tuple) -> list[tuple]:
    """Read the benchmark's database directly, beside the server: the count check trusts no HTTP answer."""
    if url:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
            return conn.execute(sql, params).fetchall()
    import sqlite3

    with sqlite3.connect(sqlite_path) as conn:
        return conn.execute(sql.replace("%s", "?"), params).fetchall()


def stored_scores(url: str | None, sqlite_path: Path, exercise: int) -> dict[tuple[str, int, int], float]:
    sql = (
        "SELECT p.alias, s.option_id, s.criterion_id, s.value FROM policies_scorejudgment s "
        "JOIN policies_participant p ON p.id = s.participant_id WHERE p.exercise_id = %s AND s.scenario_id IS NULL"
    )
    return {(alias, o, c): v for alias, o, c, v in query(url, sqlite_path, sql, (exercise,))}


def duplicated_judgments(url: str | None, sqlite_path: Path, exercise: int) -> int:
    """Rows beyond the one a participant may have per cell, scenario and round (the constraint's promise)."""
    sql = (
        "SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM policies_scorejudgment s "
        "JOIN policies_participant p ON p.id = s.participant_id WHERE p.exercise_id = %s "
        "GROUP BY s.participant_id, s.option_id, s.criterion_id, s.scenario_id, s.round) AS cells WHERE n > 1"
    )
    return int(query(url, sqlite_path, sql, (exercise,))[0][0])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def start_celery_workers(count: int, env: dict, logs: Path) -> list[subprocess.Popen]:
    """As deployed: separate worker processes, one job each at a time, on the run's own broker."""
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    workers = []
    for n in range(1, count + 1):
        log = open(logs / f"celery-{n}.log", "w")  # noqa: SIM115 - the worker writes to it until the end
        workers.append(
            subprocess.Popen(
                [
                    celery,
                    "-A",
                    "workbench",
                    "worker",
                    "--pool=solo",
                    f"--hostname=bench{n}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    return workers


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds the kernel has charged to these processes so far (/proc/<pid>/stat)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            # The command name may hold spaces: the fields after its closing parenthesis are fixed.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime and stime, fields 14 and 15
    return total


#: Web nodes' loopback addresses behind the balancer (127.0.0.1): all of 127.0.0.0/8 is the loopback.
NODE_ADDRESSES = [f"127.0.0.{n}" for n in range(2, 10)]

#: The deployment's balancer rules (docker-compose.yml's `balancer`), here with loopback nodes instead of DNS.
HAPROXY_DEPLOYED = ROOT / "deploy" / "haproxy.cfg"


def balancer_config(port: int, nodes: list[tuple[str, int]]) -> str:
    """deploy/haproxy.cfg as deployed, bound to 127.0.0.1:port, with the nodes as its servers."""
    lines, skipping = [], False
    for line in HAPROXY_DEPLOYED.read_text().splitlines():
        if line.startswith("resolvers "):
            skipping = True  # Docker's DNS: the nodes are listed instead
        elif line and not line[0].isspace():
            skipping = False
        if skipping or line.strip().startswith("server-template"):
            continue
        lines.append(line.replace("bind :8000", f"bind 127.0.0.1:{port}"))
    lines += [
        f"    server node{n} {host}:{node_port} check inter 500ms fall 2 rise 2"
        for n, (host, node_port) in enumerate(nodes, 1)
    ]
    return "\n".join(lines) + "\n"


def start_balancer(port: int, nodes: list[tuple[str, int]], folder: Path) -> subprocess.Popen | None:
    """HAProxy on 127.0.0.1:port in front of the nodes, round robin, no sticky sessions; None if not installed."""
    haproxy = shutil.which("haproxy") or next(
        (path for path in ("/usr/sbin/haproxy",) if Path(path).exists()), None
    )
    if haproxy is None:
        return None
    config = folder / "haproxy.cfg"
    config.write_text(balancer_config(port, nodes))
    return subprocess.Popen(
        [haproxy, "-f", str(config), "-db"], stdout=subprocess.DEVNULL, start_new_session=True
    )


def wait_listening(host: str, port: int, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def kill_node(process: subprocess.Popen) -> None:
    """The node dies as a machine would: its master and workers killed at once, no graceful shutdown."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=15)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="50 participants for 30 s")
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--saves", type=int, default=60, help="saves per participant (at most 60)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds over which each one saves")
    parser.add_argument("--arrival", type=float, default=20.0, help="seconds over which the room fills")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=GUNICORN_THREADS)
    parser.add_argument(
        "--soak", type=float, default=None, metavar="SECONDS", help="keep scoring, with reports"
    )
    parser.add_argument(
        "--spike", action="store_true", help="the room arrives within 3 s into an open scoring phase"
    )
    parser.add_argument("--nodes", type=int, default=1, help="web nodes behind HAProxy (2 or more)")
    parser.add_argument(
        "--kill-at",
        type=float,
        default=0.5,
        help="with --nodes: kill the last node at this fraction of the scoring time (0 to keep it)",
    )
    parser.add_argument("--report-kind", default="pdf", choices=["pdf", "xlsx", "csv", "json"])
    parser.add_argument("--celery-workers", type=int, default=2)
    parser.add_argument("--report-grace", type=float, default=180.0, help="seconds to let reports finish")
    parser.add_argument("--sample-every", type=float, default=10.0, help="seconds between memory samples")
    args = parser.parse_args()
    if args.quick:
        args.participants, args.duration, args.arrival = 50, 30.0, 10.0
    if args.spike:
        args.arrival = 3.0
    if args.nodes > 1 and not (shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists()):
        print(
            json.dumps({"nodes": args.nodes, "skipped": "HAProxy is not installed (apt-get install haproxy)"})
        )
        sys.exit(2)
    Participant.retry_failed = args.nodes > 1

    data_dir = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    url, fallback = postgres_database()
    # A Redis database of the run's own: the cache (sessions, throttling) as deployed, and the broker of a soak.
    broker, broker_fallback = redis_broker(
        hold_seconds=args.arrival + (args.soak or args.duration) + args.report_grace + 600
    )
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "STATIC_MANIFEST": "0",
        "DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
        "SERVER_TIMING": "1",  # each response tells the CPU time it took (policies.middleware)
    }
    if url:
        env["DATABASE_URL"] = url
    else:
        env.pop("DATABASE_URL", None)
    if broker:
        env["CACHE_URL"] = broker
    else:
        env.pop("CACHE_URL", None)
    if broker and args.soak:
        env["CELERY_BROKER_URL"] = broker
    elif args.soak:
        env.pop(
            "CELERY_BROKER_URL", None
        )  # never a shared queue: the filesystem broker in the run's DATA_DIR
    python = sys.executable
    server = None
    nodes: list[subprocess.Popen] = []
    balancer = None
    killed: dict[str, float] = {}
    workers: list[subprocess.Popen] = []
    sampler = None
    setup_began = time.monotonic()
    try:
        subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        seeded = subprocess.run(
            [
                python,
                "manage.py",
                "shell",
                "-c",
                SEED.replace("FACILITATOR_PASSWORD", repr(FACILITATOR_PASSWORD)),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        setup = json.loads(seeded.stdout.strip().splitlines()[-1])
        port = free_port()
        gunicorn = shutil.which("gunicorn", path=str(Path(python).parent)) or "gunicorn"
        # One node on 127.0.0.1:port, or N nodes on their own loopback addresses behind HAProxy on it.
        addresses = (
            [("127.0.0.1", port)] if args.nodes == 1 else [(a, port) for a in NODE_ADDRESSES[: args.nodes]]
        )
        for host, node_port in addresses:
            nodes.append(
                subprocess.Popen(
                    [
                        gunicorn,
                        "workbench.wsgi",
                        f"--bind={host}:{node_port}",
                        f"--workers={args.workers}",
                        f"--threads={args.threads}",
                        f"--worker-class={GUNICORN_WORKER_CLASS}",
                        "--keep-alive=75",
                        "--log-level=warning",
                    ],
                    cwd=ROOT,
                    # Behind the balancer, the participant's address is the one HAProxy forwards.
                    env={**env, "TRUSTED_PROXY_COUNT": "1"} if args.nodes > 1 else env,
                    start_new_session=True,  # its own process group, so that a node can be killed whole
                )
            )
        server = nodes[0]
        if args.soak:
            workers = start_celery_workers(args.celery_workers, env, data_dir)
        for host, node_port in addresses:
            wait_listening(host, node_port)
        if args.nodes > 1:
            balancer = start_balancer(port, addresses, data_dir)
            wait_listening("127.0.0.1", port)
        time.sleep(1.0)
        # The web workers' CPU from here on is the room's: their start-up is left out.
        node_workers = {f"node{n}": children(node.pid) for n, node in enumerate(nodes, 1)}
        cpu_before = {name: cpu_seconds(pids) for name, pids in node_workers.items()}
        start = time.monotonic() + 1.0
        room = Room(args.participants)
        # The room fills over the arrival window, during the briefing.
        people = [
            Participant(
                i,
                port,
                setup,
                room,
                min(args.saves, 60),
                args.duration,
                start + random.uniform(0, args.arrival),
                args.soak,
            )
            for i in range(args.participants)
        ]
        facilitator = Facilitator(port, setup, room, join_timeout=args.arrival + 120, spike=args.spike)
        reporters = (
            [
                ReportRequester(port, setup, room, args.report_kind, 5 + i, args.soak, args.report_grace)
                for i in range(REPORT_REQUESTERS)
            ]
            if args.soak
            else []
        )
        if args.soak:
            sampler = MemorySampler(server.pid, [worker.pid for worker in workers], every=args.sample_every)
            sampler.start()
        began = time.monotonic()
        if args.spike:  # scoring is open before the first person arrives
            facilitator.start()
            room.scoring_started.wait(timeout=120)
            time.sleep(0.5)  # the phase change's own request has been answered
            start = time.monotonic() + 0.5
            for person in people:
                person.arrive_at = start + random.uniform(0, args.arrival)
        killer = None
        if args.nodes > 1 and args.kill_at > 0:

            def kill_one_mid_scoring() -> None:
                if not room.scoring_started.wait(timeout=args.arrival + 300):
                    return
                delay = args.kill_at * args.duration + (args.arrival if args.spike else 0.0)
                if room.over.wait(delay):
                    return
                cpu_before[f"node{len(nodes)}"] -= cpu_seconds(node_workers[f"node{len(nodes)}"])
                kill_node(nodes[-1])
                killed[f"node{len(nodes)}"] = round(time.monotonic() - room.scoring_started_at, 1)

            killer = threading.Thread(target=kill_one_mid_scoring, daemon=True)
            killer.start()
        for person in [*people, *([] if args.spike else [facilitator]), *reporters]:
            person.start()
        for person in people:
            person.join(timeout=args.arrival + (args.soak or args.duration) + 300)
        room.over.set()
        facilitator.join(timeout=60)
        for reporter in reporters:
            reporter.join(timeout=args.report_grace + 120)
        elapsed = time.monotonic() - began
        # The killed node's CPU was read just before it died (cpu_before holds minus that).
        server_cpu = {
            name: round((cpu_seconds(pids) if name not in killed else 0.0) - cpu_before[name], 2)
            for name, pids in node_workers.items()
        }
        if sampler is not None:
            sampler.stop.set()
            sampler.join(timeout=30)
        sqlite_path = data_dir / "workbench.sqlite3"
        stored = stored_scores(url, sqlite_path, setup["exercise"])
        lost = 0
        for person in people:
            for (option, criterion), value in person.accepted.items():
                kept = stored.get((f"bench-{person.index}", option, criterion))
                # A later save that failed may still have been written: that is not a lost write.
                if kept != value and kept not in person.unsure.get((option, criterion), set()):
                    lost += 1
        latencies = [ms for person in people for ms in person.latencies]
        polls = [ms for person in people for ms in person.poll_latencies]
        joins = [ms for person in people for ms in person.join_latencies]
        stages = [ms for person in people for ms in person.stage_latencies]
        errors = [error for person in [*people, facilitator, *reporters] for error in person.errors]
        last_save = max((person.last_save_at for person in people), default=0.0)
        result = {
            "participants": args.participants,
            "saves": len(latencies),
            "accepted": sum(person.accepted_saves for person in people),
            "p50_ms": round(percentile(latencies, 0.50), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
            "errors": len(errors),
            "lost": lost,
            "duplicated": duplicated_judgments(url, sqlite_path, setup["exercise"]),
            "scoring_s": round(last_save - room.scoring_started_at, 1) if room.scoring_started_at else None,
            "save_span_s": round(max((p.last_save_at - p.first_save_at for p in people), default=0.0), 1),
            "joined": sum(person.entered for person in people),
            "join_p50_ms": round(percentile(joins, 0.50), 1),
            "join_p95_ms": round(percentile(joins, 0.95), 1),
            # None in an arrival spike: the room arrives into scoring, no poll brings the table.
            "stage_p95_ms": round(percentile(stages, 0.95), 1) if stages else None,
            "polls": len(polls),
            "poll_p95_ms": round(percentile(polls, 0.95), 1),
            "dashboard_polls": len(facilitator.latencies),
            "dashboard_p95_ms": round(percentile(facilitator.latencies, 0.95), 1),
            "arrival_s": args.arrival,
            "elapsed_s": round(elapsed, 1),
            "setup_s": round(began - setup_began, 1),
            "database": "postgresql" if url else "sqlite",
            "cache": "redis" if broker else "per-process memory",
            "workers": args.workers,
            "threads": args.threads,
            "spike": args.spike,
            "nodes": args.nodes,
        }
        # The server's CPU: each request's own (Server-Timing, in the request's thread: middleware, view,
        # template, queries' client side) by kind, and the web workers' total from the kernel, which adds what
        # gunicorn spends around the requests (HTTP parsing, sockets, idle threads' wake-ups).
        browsers = [*people, facilitator, *reporters]
        by_kind: dict[str, list[float]] = {}
        for browser in browsers:
            for kind, values in browser.cpu_ms.items():
                by_kind.setdefault(kind, []).extend(values)
        requests_served = sum(len(values) for values in by_kind.values())
        total_cpu = sum(server_cpu.values())
        result |= {
            "server_cpu_s": round(total_cpu, 2),
            "server_cpu_by_node_s": server_cpu,
            "requests": requests_served,
            "cpu_ms_per_request": round(1000 * total_cpu / requests_served, 2) if requests_served else None,
            "in_request_share": round(sum(map(sum, by_kind.values())) / 1000 / total_cpu, 2)
            if total_cpu
            else None,
            **{
                f"cpu_ms_per_{kind}": round(statistics.fmean(by_kind[kind]), 2)
                for kind in ("save", "poll", "dashboard", "other")
                if by_kind.get(kind)
            },
            "cores_busy": round(total_cpu / elapsed, 2),
        }
        if args.nodes > 1:
            served: dict[str, int] = {}
            for browser in browsers:
                for node, count in browser.served_by.items():
                    served[node] = served.get(node, 0) + count
            result |= {
                "balancer": "haproxy" if balancer is not None else "none",
                "requests_by_node": served,
                "killed": killed,  # node -> seconds into scoring when it was killed
                "interrupted": sum(len(person.interrupted) for person in people),
                "connection_retries": sum(browser.retries for browser in browsers),
            }
        if args.soak:
            built = [seconds for reporter in reporters for seconds in reporter.done_seconds]
            failed = [failure for reporter in reporters for failure in reporter.failed]
            result |= {
                "soak_s": args.soak,
                "broker": "redis" if broker else "filesystem",
                "celery_workers": args.celery_workers,
                "report_kind": args.report_kind,
                "reports_requested_concurrently": REPORT_REQUESTERS,
                "reports_done": len(built),
                "reports_failed": len(failed),
                "reports_unfinished": sum(reporter.unfinished for reporter in reporters),
                "reports_per_min": round(len(built) / (args.soak / 60), 2),
                "report_p50_s": round(percentile(built, 0.50), 1),
                "report_p95_s": round(percentile(built, 0.95), 1),
            }
            if failed:
                reasons = query(
                    url,
                    sqlite_path,
                    "SELECT DISTINCT error FROM policies_report WHERE status = %s",
                    ("failed",),
                )
                result["report_errors"] = [reason for (reason,) in reasons][:3]
            result["memory"] = sampler.summary() if sampler else {}
        if fallback:
            result["fallback"] = fallback + "; ran on SQLite instead"
        if broker_fallback:
            result["redis_fallback"] = (
                broker_fallback + "; no shared cache, and a soak's broker is the filesystem"
            )
        if errors:
            result["first_errors"] = sorted(set(errors))[:5]
        print(json.dumps(result))
    finally:
        for process in [*workers, *([balancer] if balancer is not None else []), *nodes]:
            if process.poll() is None:
                stop(process)
        if url:
            with contextlib.suppress(Exception):  # best-effort clean-up
                drop_postgres(url)
        if broker:
            with contextlib.suppress(Exception):
                release_redis(broker)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
