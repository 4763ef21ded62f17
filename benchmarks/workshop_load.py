"""Load test of a live workshop: N participants join by code and save judgments against a real server.

    python benchmarks/workshop_load.py [--quick] [--participants N] [--saves 60] [--duration 60]

1. creates a fresh PostgreSQL database on 127.0.0.1:5432 (user postgres; falls back to SQLite in a temporary
   DATA_DIR when PostgreSQL is unreachable, and says so in the JSON), migrates it and seeds a facilitated
   exercise in the scoring phase with 6 options x 10 criteria (60 cells) and a join code;
2. starts gunicorn (gthread workers) on a free loopback port;
3. runs N simulated participants in threads, each on its own keep-alive connection: it opens the join link,
   joins as a guest, then saves one score per cell (a distinct value per participant and cell), spread over
   the duration, while polling the phase endpoint every 2 seconds like a participant's screen does;
4. counts check: every save the server accepted (HTTP 200) must be in the database with the value sent.

The last line is a JSON object with participants, saves, p50_ms, p95_ms, p99_ms, errors and lost (plus the
poll latencies and the database used). Target on 2 cores: 200 participants x 60 saves within 60 s, p95 under
150 ms, no errors, nothing lost. --quick runs 50 participants for 30 s.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}

SEED = """
import json
from policies.models import Case, Criterion, Exercise, Option, Team
from policies.models.exercises import Phase
from policies.services.workshop import issue_join_code
team = Team.objects.create(name="Bench", slug="bench")
case = Case.objects.create(team=team, key="bench", title={"en": "Bench"})
options = [Option.objects.create(case=case, key=f"o{i}", name={"en": f"Option {i}"}, position=i) for i in range(6)]
criteria = [Criterion.objects.create(case=case, key=f"c{j}", name={"en": f"Criterion {j}"}, position=j,
            scale_min=0, scale_max=100) for j in range(10)]
exercise = Exercise.objects.create(team=team, case=case, key="bench", title={"en": "Bench"}, facilitated=True,
            blind=True, phase=Phase.SCORING)
exercise.options.set(options)
exercise.criteria.set(criteria)
exercise = issue_join_code(exercise=exercise)
print(json.dumps({"exercise": exercise.pk, "code": exercise.join_code,
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


class Participant(threading.Thread):
    def __init__(
        self, index: int, port: int, setup: dict, saves: int, duration: float, start_at: float
    ) -> None:
        super().__init__(daemon=True)
        self.index, self.port, self.setup = index, port, setup
        self.saves, self.duration, self.start_at = saves, duration, start_at
        self.cookies: dict[str, str] = {}
        self.latencies: list[float] = []
        self.poll_latencies: list[float] = []
        self.errors: list[str] = []
        self.accepted: dict[tuple[int, int], float] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

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
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, payload.decode("utf-8", "replace")

    def run(self) -> None:
        try:
            self.play()
        except Exception as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def play(self) -> None:
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        code, exercise = self.setup["code"], self.setup["exercise"]
        status, html = self.request("GET", f"/join/{code}/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or token is None:
            self.errors.append(f"join page {status}")
            return
        status, _ = self.request(
            "POST",
            "/join/",
            {"csrfmiddlewaretoken": token.group(1), "code": code, "name": f"bench-{self.index}", "join": "1"},
        )
        if status != 302:
            self.errors.append(f"join {status}")
            return
        csrf = {"X-CSRFToken": self.cookies.get("csrftoken", ""), "HX-Request": "true"}
        cells = list(self.setup["cells"])[: self.saves]
        random.Random(self.index).shuffle(cells)
        interval = self.duration / max(len(cells), 1)
        next_poll = time.monotonic()
        phase = "scoring-1-"
        for n, (option, criterion) in enumerate(cells):
            due = self.start_at + 1.0 + n * interval + random.uniform(0, interval * 0.5)
            while time.monotonic() < due:
                if time.monotonic() >= next_poll:
                    began = time.perf_counter()
                    status, _ = self.request(
                        "GET", f"/exercises/{exercise}/play/state/?v={phase}", headers=csrf
                    )
                    self.poll_latencies.append((time.perf_counter() - began) * 1000)
                    if status not in (200, 204):
                        self.errors.append(f"poll {status}")
                    next_poll = time.monotonic() + 2.0
                time.sleep(min(0.05, max(0.0, due - time.monotonic())))
            value = float((self.index * 7 + n * 13) % 101)
            began = time.perf_counter()
            status, _ = self.request(
                "POST",
                f"/exercises/{exercise}/play/scores/{option}/{criterion}/",
                {"value": f"{value:g}", "rationale": f"r{self.index}-{n}", "confidence": "3"},
                headers=csrf,
            )
            self.latencies.append((time.perf_counter() - began) * 1000)
            if status == 200:
                self.accepted[(option, criterion)] = value
            else:
                self.errors.append(f"save {status}")


def stored_scores(url: str | None, sqlite_path: Path, exercise: int) -> dict[tuple[str, int, int], float]:
    sql = (
        "SELECT p.alias, s.option_id, s.criterion_id, s.value FROM policies_scorejudgment s "
        "JOIN policies_participant p ON p.id = s.participant_id WHERE p.exercise_id = %s AND s.scenario_id IS NULL"
    )
    if url:
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
            rows = conn.execute(sql, (exercise,)).fetchall()
    else:
        import sqlite3

        with sqlite3.connect(sqlite_path) as conn:
            rows = conn.execute(sql.replace("%s", "?"), (exercise,)).fetchall()
    return {(alias, o, c): v for alias, o, c, v in rows}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="50 participants for 30 s")
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--saves", type=int, default=60, help="saves per participant (at most 60)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds over which each one saves")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    if args.quick:
        args.participants, args.duration = 50, 30.0

    data_dir = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    url, fallback = postgres_database()
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "STATIC_MANIFEST": "0",
        "DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
    }
    if url:
        env["DATABASE_URL"] = url
    else:
        env.pop("DATABASE_URL", None)
    python = sys.executable
    server = None
    try:
        subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        seeded = subprocess.run(
            [python, "manage.py", "shell", "-c", SEED],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        setup = json.loads(seeded.stdout.strip().splitlines()[-1])
        port = free_port()
        gunicorn = shutil.which("gunicorn", path=str(Path(python).parent)) or "gunicorn"
        server = subprocess.Popen(
            [
                gunicorn,
                "workbench.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--workers={args.workers}",
                f"--threads={args.threads}",
                "--worker-class=gthread",
                "--keep-alive=75",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        time.sleep(1.0)
        start = time.monotonic() + 1.0
        # Participants arrive over the first few seconds, as in a room.
        people = [
            Participant(i, port, setup, min(args.saves, 60), args.duration, start + random.uniform(0, 3))
            for i in range(args.participants)
        ]
        began = time.monotonic()
        for person in people:
            person.start()
        for person in people:
            person.join(timeout=args.duration + 300)
        elapsed = time.monotonic() - began
        stored = stored_scores(url, data_dir / "workbench.sqlite3", setup["exercise"])
        lost = sum(
            1
            for person in people
            for (option, criterion), value in person.accepted.items()
            if stored.get((f"bench-{person.index}", option, criterion)) != value
        )
        latencies = [ms for person in people for ms in person.latencies]
        polls = [ms for person in people for ms in person.poll_latencies]
        errors = [error for person in people for error in person.errors]
        result = {
            "participants": args.participants,
            "saves": len(latencies),
            "accepted": sum(len(person.accepted) for person in people),
            "p50_ms": round(percentile(latencies, 0.50), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
            "errors": len(errors),
            "lost": lost,
            "polls": len(polls),
            "poll_p95_ms": round(percentile(polls, 0.95), 1),
            "elapsed_s": round(elapsed, 1),
            "database": "postgresql" if url else "sqlite",
            "workers": args.workers,
            "threads": args.threads,
        }
        if fallback:
            result["fallback"] = fallback + "; ran on SQLite instead"
        if errors:
            result["first_errors"] = sorted(set(errors))[:5]
        print(json.dumps(result))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if url:
            with contextlib.suppress(Exception):  # best-effort clean-up
                drop_postgres(url)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
