"""Benchmark of the results screen: server time of the analysis partial and bytes of a first visit.

    python benchmarks/results_page.py [--quick]

Runs standalone in a temporary DATA_DIR with a fresh SQLite database:

1. builds a synthetic exercise of 12 options x 15 criteria x 50 participants x 6 scenarios (every participant
   weights every criterion and scores every cell; in each scenario they re-score a fifth of the cells, as
   people only change what the scenario changes) and collects the static files with the production storage
   (STATIC_MANIFEST=1: hashed names, gzip and brotli copies);
2. times the htmx request of the analysis partial (SMAA at 10,000 draws, sensitivity, scenarios...) through
   Django's test client: server time is the median of repeated requests after a warm-up, for each method;
3. starts gunicorn on a free loopback port and makes a first visit to the results page the way a browser
   would: the page, then every script, stylesheet and icon it references, asking for `br, gzip`. It counts
   the bytes on the wire (status line, headers and body as sent, i.e. compressed) and checks the caching
   headers of the static files.

The last line printed is a JSON object with at least `server_ms` and `first_visit_bytes`.
Targets: server_ms under 300 ms, first_visit_bytes under 700 KB (700,000 bytes; plotly.js is most of it, so run
`make static` first: it builds the small plotly.js that the page serves).
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OPTIONS, CRITERIA, PARTICIPANTS, SCENARIOS = 12, 15, 50, 6
SCENARIO_SHARE = 0.2  # share of cells each participant re-scores in each scenario
SERVER_TARGET_MS = 300.0
BYTES_TARGET = 700_000


def _setup(data_dir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "workbench.settings"
    os.environ["DATA_DIR"] = str(data_dir)
    os.environ["STATIC_MANIFEST"] = "1"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # The test client calls itself "testserver"; the real server is reached on 127.0.0.1.
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    import django

    django.setup()


def build_exercise(seed: int = 7):  # -> (exercise, user)
    """The synthetic exercise and an analyst of its team."""
    import numpy as np
    from django.contrib.auth import get_user_model

    from policies.models import (
        Case,
        Criterion,
        Exercise,
        Membership,
        Option,
        Participant,
        Role,
        Scenario,
        ScoreJudgment,
        Team,
        WeightJudgment,
    )

    rng = np.random.default_rng(seed)
    team = Team.objects.create(name="Benchmark team", slug="benchmark")
    user = get_user_model().objects.create_user("analyst", password="benchmark-password-1")
    Membership.objects.create(team=team, user=user, role=Role.ANALYST)
    case = Case.objects.create(team=team, key="benchmark", title={"en": "Benchmark case"})
    options = Option.objects.bulk_create(
        Option(case=case, key=f"option-{i}", name={"en": f"Policy option number {i + 1}"}, position=i)
        for i in range(OPTIONS)
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(
            case=case,
            key=f"criterion-{j}",
            name={"en": f"Criterion {j + 1}"},
            position=j,
            direction="cost" if j % 5 == 4 else "benefit",
        )
        for j in range(CRITERIA)
    )
    scenarios = Scenario.objects.bulk_create(
        Scenario(
            case=case,
            key=f"scenario-{s}",
            name={"en": f"Scenario {s + 1}"},
            position=s,
            plausibility=1 + s % 5,
        )
        for s in range(SCENARIOS)
    )
    exercise = Exercise.objects.create(
        team=team, case=case, key="benchmark", title={"en": "Benchmark exercise"}
    )
    exercise.options.set(options)
    exercise.criteria.set(criteria)
    exercise.scenarios.set(scenarios)
    participants = Participant.objects.bulk_create(
        Participant(exercise=exercise, key=f"p-{k}", alias=f"Participant {k + 1}", number=k + 1)
        for k in range(PARTICIPANTS)
    )
    # Options differ in quality, participants in taste: a realistic, not uniform, spread of judgments.
    quality = rng.uniform(2, 8, size=(OPTIONS, CRITERIA))
    weights = [
        WeightJudgment(participant=p, criterion=c, value=float(rng.integers(0, 101)))
        for p in participants
        for c in criteria
    ]
    WeightJudgment.objects.bulk_create(weights, batch_size=2000)
    scores = []
    for p in participants:
        noise = rng.normal(0, 1.5, size=(OPTIONS, CRITERIA))
        values = np.clip(np.round(quality + noise), 0, 10)
        for i, option in enumerate(options):
            for j, criterion in enumerate(criteria):
                scores.append(
                    ScoreJudgment(
                        participant=p, option=option, criterion=criterion, value=float(values[i, j])
                    )
                )
        for scenario in scenarios:
            shift = rng.normal(0, 2.5, size=(OPTIONS, CRITERIA))
            changed = rng.random((OPTIONS, CRITERIA)) < SCENARIO_SHARE
            for i, j in zip(*np.nonzero(changed), strict=True):
                scores.append(
                    ScoreJudgment(
                        participant=p,
                        option=options[i],
                        criterion=criteria[j],
                        scenario=scenario,
                        value=float(np.clip(np.round(values[i, j] + shift[i, j]), 0, 10)),
                    )
                )
    ScoreJudgment.objects.bulk_create(scores, batch_size=5000)
    return exercise, user, len(scores), len(weights)


def time_partial(client, url: str, params: dict[str, str], repeats: int) -> tuple[float, int]:
    """Median milliseconds of the htmx analysis partial, after two warm-up requests; and its size."""
    headers = {"HX-Request": "true", "HX-Target": "analysis"}
    size = 0
    for _ in range(2):
        response = client.get(url, params, headers=headers)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url, params, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return statistics.median(samples), size


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(str(values["src"]))
        elif tag == "link" and values.get("href") and (values.get("rel") or "") in {"stylesheet", "icon"}:
            self.urls.append(str(values["href"]))


def fetch(port: int, path: str, cookie: str) -> dict[str, object]:
    """GET on the wire, asking for compression; bytes = status line + headers + body exactly as received."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Accept-Encoding": "br, gzip", "Cookie": cookie})
    response = connection.getresponse()
    body = response.read()  # http.client does not decode: these are the compressed bytes
    head = f"HTTP/1.1 {response.status} {response.reason}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in response.getheaders()
    )
    connection.close()
    return {
        "path": path,
        "status": response.status,
        "bytes": len(head.encode()) + 2 + len(body),
        "body_bytes": len(body),
        "encoding": response.getheader("Content-Encoding") or "identity",
        "cache_control": response.getheader("Cache-Control") or "",
        "body": body,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def first_visit(url: str, cookie: str, data_dir: Path) -> dict[str, object]:
    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "workbench.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DATA_DIR": str(data_dir)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "gunicorn did not start: " + (server.stderr.read() if server.stderr else "")
                    ) from exc
                time.sleep(0.2)
        page = fetch(port, url, cookie)
        if page["status"] != 200:
            raise RuntimeError(f"The results page answered {page['status']}")
        parser = _Assets()
        parser.feed(bytes(page["body"]).decode())
        assets = [
            fetch(port, urlsplit(urljoin(url, asset)).path, cookie) for asset in dict.fromkeys(parser.urls)
        ]
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    for item in [page, *assets]:
        item.pop("body")
    return {"page": page, "assets": assets, "total": page["bytes"] + sum(int(a["bytes"]) for a in assets)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (under a minute)")
    args = parser.parse_args()
    repeats = 5 if args.quick else 21

    data_dir = Path(tempfile.mkdtemp(prefix="results-bench-"))
    try:
        _setup(data_dir)
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        started = time.perf_counter()
        exercise, user, n_scores, n_weights = build_exercise()
        print(
            f"Exercise: {OPTIONS} options x {CRITERIA} criteria x {PARTICIPANTS} participants x {SCENARIOS} "
            f"scenarios ({n_scores} score and {n_weights} weight judgments, built in "
            f"{time.perf_counter() - started:.1f} s)"
        )
        client = Client()
        client.force_login(user)
        url = f"/exercises/{exercise.pk}/results/"

        by_method = {}
        sizes = {}
        for method in ("weighted_sum", "topsis", "promethee_ii"):
            by_method[method], sizes[method] = time_partial(client, url, {"method": method}, repeats)
            print(f"  analysis partial, {method:<13} {by_method[method]:7.1f} ms  ({sizes[method]:,} bytes)")
        scenario_ms, _size = time_partial(client, url, {"scenario": "scenario-2"}, repeats)
        print(f"  analysis partial, scenario 3     {scenario_ms:7.1f} ms")
        live_ms = statistics.median(
            _timed(lambda: client.get(url, headers={"HX-Request": "true", "HX-Target": "live-ranking"}))
            for _ in range(repeats)
        )
        print(f"  live ranking partial (exercise page) {live_ms:7.1f} ms")
        start = time.perf_counter()
        full = client.get(url)
        full_ms = (time.perf_counter() - start) * 1000
        assert full.status_code == 200

        cookie = f"{'sessionid'}={client.cookies['sessionid'].value}"
        visit = first_visit(url, cookie, data_dir)
        print("First visit (bytes on the wire, Accept-Encoding: br, gzip):")
        for item in [visit["page"], *visit["assets"]]:
            print(
                f"  {item['bytes']:>9,}  {item['encoding']:<8} {item['path']}"
                + (f"  [{item['cache_control']}]" if item["cache_control"] else "")
            )
        print(f"  {visit['total']:>9,}  total")
        long_cached = all(
            "immutable" in str(item["cache_control"])
            for item in visit["assets"]
            if "/static/" in str(item["path"])
        )
        server_ms = by_method["weighted_sum"]
        worst = max(by_method.values())
        result = {
            "server_ms": round(server_ms, 1),
            "server_ms_by_method": {k: round(v, 1) for k, v in by_method.items()},
            "server_ms_worst_method": round(worst, 1),
            "scenario_ms": round(scenario_ms, 1),
            "live_ranking_ms": round(live_ms, 1),
            "full_page_ms": round(full_ms, 1),
            "partial_bytes": sizes["weighted_sum"],
            "first_visit_bytes": visit["total"],
            "html_bytes": visit["page"]["bytes"],
            "plotly_js_bytes": sum(
                int(a["bytes"]) for a in visit["assets"] if "/vendor/plotly" in str(a["path"])
            ),
            "static_long_cached": long_cached,
            "repeats": repeats,
            "server_target_ms": SERVER_TARGET_MS,
            "bytes_target": BYTES_TARGET,
            "ok": bool(worst < SERVER_TARGET_MS and visit["total"] < BYTES_TARGET and long_cached),
        }
        print(json.dumps(result))
        return 0
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    raise SystemExit(main())
