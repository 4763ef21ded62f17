#!/usr/bin/env python
"""Benchmark of report building: a full PDF on a warm worker, then concurrent requests on two workers.

Run from anywhere: ``python benchmarks/report_build.py`` (full) or ``--quick`` (under a minute). It uses a
fresh temporary data folder: SQLite and the filesystem broker by default, or PostgreSQL and Redis when
DATABASE_URL / CELERY_BROKER_URL are set. It starts its own Celery worker processes, loads the seeded Mali
case, and measures:

1. ``pdf_seconds``: request-to-done time of the seeded exercise's PDF on a warm worker (each worker has
   built one report first, on a queue of its own, so its Chromium is running), median of a few runs, plus
   its page count (pypdf) and ``pdf_queue_seconds``, the part spent waiting for a worker to take the job.
   ``pdf_seconds_runs`` lists every run, and ``pdf_build_seconds`` is the median of the worker's part (from
   claiming the job to marking it done).
   ``pdf_seconds_cached``: the same report built again with nothing changed, so that every chart's drawing comes
   from the drawing cache (policies.chart_export); ``pdf_seconds`` clears that cache before each of its runs.
2. ``brief_seconds`` and ``brief_pages``: the same for the brief (a few pages, three figures), median of the
   same number of runs on the same warm workers, each with its charts drawn afresh.
3. ``concurrent`` requests (10, or 4 with --quick) made at once against ``workers`` (2) worker processes:
   how many completed, ``failed`` and ``lost`` (still pending or running at the deadline), and the wall time.

The last printed line is one JSON object with at least pdf_seconds, pdf_pages, brief_seconds, brief_pages,
concurrent, failed and lost,
and the 1-minute load average before and after (the machine may be shared: read the times against it).
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wait_done(report_ids: list[int], deadline: float) -> dict[int, str]:
    from policies.models import Report

    while time.monotonic() < deadline:
        states = dict(Report.objects.filter(pk__in=report_ids).values_list("pk", "status"))
        if all(state in {"done", "failed", "cancelled"} for state in states.values()):
            return states
        time.sleep(0.1)
    return dict(Report.objects.filter(pk__in=report_ids).values_list("pk", "status"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and requests (under a minute)")
    args = parser.parse_args()
    runs, concurrent, workers = (1, 4, 2) if args.quick else (3, 10, 2)

    data_dir = Path(tempfile.mkdtemp(prefix="report-bench-"))
    os.environ.update(
        {"DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "workbench.settings", "STATIC_MANIFEST": "0"}
    )
    if "DATABASE_URL" in os.environ and os.environ["DATABASE_URL"].startswith("postgres"):
        os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/report_bench"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:  # a fresh database of our own
            cursor.execute("DROP DATABASE IF EXISTS report_bench")
            cursor.execute("CREATE DATABASE report_bench")
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from pypdf import PdfReader

    from policies.casefile.validation import parse_case_file
    from policies.chart_export import clear_chart_cache
    from policies.models import Membership, Report, Role, Team
    from policies.models.reports import ReportKind
    from policies.selectors.access import viewer_for_member
    from policies.services.case_import import import_case
    from policies.services.report_files import open_report_file
    from policies.services.reports import request_report
    from policies.tasks import build_report_task

    team = Team.objects.create(name="Bench", slug="bench")
    case = import_case(case_file=parse_case_file((ROOT / "seeds" / "mali-2012.json").read_bytes()), team=team)
    exercise = case.exercises.get()
    user_model = get_user_model()
    facilitators = iter(itertools.count())

    def requester():
        """A facilitator of their own for each request: one person may have only a few reports in flight."""
        user = user_model.objects.create(username=f"bench-facilitator-{next(facilitators)}")
        return viewer_for_member(
            exercise, Membership.objects.create(team=team, user=user, role=Role.FACILITATOR)
        )

    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    processes = [
        subprocess.Popen(
            [
                celery,
                "-A",
                "workbench",
                "worker",
                "--pool=solo",
                "--loglevel=warning",
                "-n",
                f"bench{i}@%h",
                "-Q",
                f"celery,bench{i}",  # its own queue too, so the warm-up reaches every worker
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(workers)
    ]
    load_before = os.getloadavg()[0]
    try:
        # Warm every worker: Chromium starts once per worker process, on its first report, and the first
        # report of a kind pays for loading what it prints (templates, fonts, figure types). So each worker
        # builds the report the runs measure, a facilitator's, first. Sent to each worker's own queue: on the
        # shared queue one worker could take both and leave the other cold.
        warm = []
        for i in range(workers):
            report = Report.objects.create(
                exercise=exercise,
                requested_by_id=requester().user_id,
                enqueued=timezone.now(),
                stage="queued",
            )
            build_report_task.apply_async((report.pk,), queue=f"bench{i}")
            warm.append(report.pk)
        warm_states = wait_done(warm, time.monotonic() + 240)
        if set(warm_states.values()) != {"done"}:
            print(f"warm-up did not finish: {warm_states}")

        builds: dict[str, list[float]] = {}  # each run's time in the worker, from claim to done, by kind

        def timed(kind: str) -> tuple[list[float], list[float], int]:
            """Request-to-done seconds of `runs` reports of `kind`, the part of each spent in the queue, and
            the page count of the last one."""
            seconds: list[float] = []
            waits: list[
                float
            ] = []  # in the queue, before a worker claimed the job (the filesystem broker polls)
            pages = 0
            for _ in range(runs):
                clear_chart_cache()  # a warm browser, but every chart drawn: pdf_seconds_cached is the other case
                start = time.monotonic()
                report = request_report(viewer=requester(), language="en", kind=kind)
                state = wait_done([report.pk], time.monotonic() + 120)[report.pk]
                seconds.append(time.monotonic() - start)
                report.refresh_from_db()
                if report.started is not None:
                    waits.append((report.started - report.created).total_seconds())
                    if report.finished is not None:
                        builds.setdefault(kind, []).append((report.finished - report.started).total_seconds())
                if state == "done":
                    with open_report_file(report) as handle:
                        pages = len(PdfReader(io.BytesIO(handle.read())).pages)
                else:
                    print(f"run failed: {state} {report.error}")
            return seconds, waits, pages

        seconds, waits, pages = timed(ReportKind.PDF)

        # Built again with nothing changed: every chart's drawing comes from the cache the last run filled.
        cached_seconds = []
        for _ in range(runs):
            start = time.monotonic()
            report = request_report(viewer=requester(), language="en")
            state = wait_done([report.pk], time.monotonic() + 120)[report.pk]
            cached_seconds.append(time.monotonic() - start)
            if state != "done":
                print(f"cached run failed: {state} {report.error}")

        brief_seconds, brief_waits, brief_pages = timed(ReportKind.BRIEF)

        clear_chart_cache()  # the concurrent batch draws its charts, as before the cache
        start = time.monotonic()
        batch = [request_report(viewer=requester(), language="en").pk for _ in range(concurrent)]
        states = wait_done(batch, time.monotonic() + 60 * concurrent)
        batch_seconds = time.monotonic() - start
        failed = sum(state == "failed" for state in states.values())
        lost = sum(state in {"pending", "running"} for state in states.values()) + (concurrent - len(states))
        completed = sum(state == "done" for state in states.values())
        load_after = os.getloadavg()[0]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)

    print(f"machine: {platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average (1 min) {load_before:.2f} before, {load_after:.2f} after")  # fmt: skip
    print(f"database: {connection.vendor}; broker: {os.environ.get('CELERY_BROKER_URL', 'filesystem')}")
    queued = statistics.median(waits) if waits else float("nan")
    print(f"warm PDF: median {statistics.median(seconds):.2f} s over {runs} run(s) ({queued:.2f} s of it in the "
          f"queue), {pages} pages; runs {', '.join(f'{s:.2f}' for s in seconds)} s, of which in the worker "
          f"{', '.join(f'{s:.2f}' for s in builds.get(ReportKind.PDF, []))} s")  # fmt: skip
    print(
        f"cached PDF (nothing changed): median {statistics.median(cached_seconds):.2f} s over {runs} run(s)"
    )
    brief_queued = statistics.median(brief_waits) if brief_waits else float("nan")
    print(f"warm brief: median {statistics.median(brief_seconds):.2f} s over {runs} run(s) ({brief_queued:.2f} s of "
          f"it in the queue), {brief_pages} pages")  # fmt: skip
    print(f"{concurrent} concurrent requests on {workers} workers: {completed} done, {failed} failed, {lost} lost, "
          f"{batch_seconds:.1f} s")  # fmt: skip
    print(json.dumps({
        "pdf_seconds": round(statistics.median(seconds), 3),
        "pdf_queue_seconds": round(queued, 3),
        "pdf_pages": pages,
        "pdf_seconds_runs": [round(s, 3) for s in seconds],
        "pdf_build_seconds": round(statistics.median(builds.get(ReportKind.PDF, [float("nan")])), 3),
        "pdf_seconds_cached": round(statistics.median(cached_seconds), 3),
        "brief_seconds": round(statistics.median(brief_seconds), 3),
        "brief_queue_seconds": round(brief_queued, 3),
        "brief_pages": brief_pages,
        "concurrent": concurrent,
        "completed": completed,
        "failed": failed,
        "lost": lost,
        "concurrent_seconds": round(batch_seconds, 2),
        "workers": workers,
        "quick": args.quick,
        "load_before": round(load_before, 2),
        "load_after": round(load_after, 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
