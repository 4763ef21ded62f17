#!/usr/bin/env python
"""Where the server's CPU goes on the workshop's hot paths: a save, a participant's poll and the dashboard.

    python benchmarks/request_profile.py [--requests 400] [--participants 30]

In one process, through Django's own request handler and the whole middleware chain (Django's test client,
which skips only the socket and gunicorn), it seeds the workshop benchmark's exercise (6 options x 10
criteria, a facilitator, guests who joined by code, scoring open), then for each hot path:

1. measures the CPU milliseconds per request (the thread's CPU clock over --requests requests, no profiler);
2. profiles the same requests with cProfile and splits their CPU by where it was spent, by each function's own
   time (so nothing is counted twice): middleware, session, auth, template, queries (the ORM and the driver),
   cache, translation, the application's own code (views, services, selectors) and the rest of Django (the
   handler, URL resolution, HTTP objects).

The database is a fresh PostgreSQL one on 127.0.0.1:5432 when reachable, else SQLite in a temporary folder;
the cache is Redis on 127.0.0.1:6379 (a free database among 10-15) when reachable, else per-process memory,
as in `workshop_load.py`. The last line is a JSON object: per path, cpu_ms and the share of each part.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

#: Where a function's own time is counted, by the first fragment of its file's path that matches.
PARTS: list[tuple[str, tuple[str, ...]]] = [
    ("session", ("django/contrib/sessions/",)),
    ("auth", ("django/contrib/auth/", "/allauth/", "/axes/")),
    ("middleware", ("django/middleware/", "/whitenoise/", "/django_htmx/", "/simple_history/", "middleware")),
    ("template", ("django/template/", "/templatetags/", "/template_partials/")),
    ("queries: driver", ("django/db/backends/", "/psycopg", "sqlite3")),
    ("queries: ORM", ("django/db/", "/policies/sql/")),
    ("cache", ("django/core/cache/", "/redis/", "/django_redis/", "workbench/cache.py")),
    ("translation", ("django/utils/translation/", "gettext")),
    ("URL resolution", ("django/urls/",)),
    ("forms", ("django/forms/",)),
    ("application", ("/policies/",)),
    ("request handling", ("django/core/handlers/", "django/http/")),
    ("benchmark's client", ("django/test/", "request_profile.py", "http/cookies")),
]


def part_of(filename: str) -> str | None:
    """The part a file's code belongs to; None for Python's built-in functions (counted with their caller)."""
    if filename == "~":
        return None
    for name, fragments in PARTS:
        if any(fragment in filename for fragment in fragments):
            return name
    return "rest of Django" if "/django/" in filename else "other libraries and Python"


def split(profile: cProfile.Profile) -> dict[str, float]:
    """Each part's share of the profiled CPU, by functions' own time; a built-in function's time (a socket
    read, a dict method) goes to the parts of its callers, in proportion to what each caller spent in it."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    totals: dict[str, float] = {}
    for (filename, _line, _function), row in stats.items():
        own, callers = row[2], row[4]
        part = part_of(filename)
        if part is not None:
            totals[part] = totals.get(part, 0.0) + own
            continue
        spent = {caller: values[2] for caller, values in callers.items()}
        whole = sum(spent.values())
        if not whole:
            totals["other libraries and Python"] = totals.get("other libraries and Python", 0.0) + own
            continue
        for caller, share in spent.items():
            key = part_of(caller[0]) or "other libraries and Python"
            totals[key] = totals.get(key, 0.0) + own * share / whole
    whole = sum(totals.values()) or 1.0
    return {name: round(value / whole, 3) for name, value in sorted(totals.items(), key=lambda kv: -kv[1])}


class WsgiBrowser:
    """One browser's cookies in front of Django's WSGI handler: what gunicorn calls, without the test client's
    own work (it records every rendered template's context, which would be counted as the server's)."""

    def __init__(self, handler: Any) -> None:
        from django.test.client import RequestFactory

        self.handler, self.factory, self.cookies = handler, RequestFactory(SERVER_NAME="127.0.0.1"), {}

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None) -> Any:
        from http.cookies import SimpleCookie

        headers = {**(headers or {}), "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":  # as a browser's form and htmx send it: urlencoded, not multipart
            request = self.factory.post(
                path, urlencode(data or {}), content_type="application/x-www-form-urlencoded", headers=headers
            )
        else:
            request = self.factory.get(path, headers=headers)
        started: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]], *_args: Any) -> None:
            started["status"], started["headers"] = int(status.split()[0]), response_headers

        body = b"".join(self.handler(request.environ, start_response))
        for name, value in started["headers"]:
            if name.lower() == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    self.cookies[key] = morsel.value
        return started["status"], dict(started["headers"]), body.decode("utf-8", "replace")

    def csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.cookies.get("csrftoken", "")}


#: With --top N, the N functions of each path with the most own time are printed too.
TOP = 0
#: Queries of one request of each path, in order.
QUERIES: list[int] = []


def measure(request: Callable[[int], int], count: int, expect: set[int]) -> tuple[float, dict[str, float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(10):  # warm: the first requests compile templates and fill caches
        request(n)
    with CaptureQueriesContext(connection) as queries:
        request(10)
    QUERIES.append(len(queries.captured_queries))
    if TOP:
        for query in queries.captured_queries:
            print("   query:", query["sql"][:160])
    began = time.thread_time()
    for n in range(count):
        status = request(n)
        if status not in expect:
            raise SystemExit(f"unexpected status {status}")
    cpu_ms = (time.thread_time() - began) * 1000 / count
    profile = cProfile.Profile(time.thread_time)  # CPU, not the wall clock: waiting is not cost
    profile.enable()
    for n in range(count):
        request(count + n)
    profile.disable()
    if TOP:
        pstats.Stats(profile).sort_stats("tottime").print_stats(TOP)
    return round(cpu_ms, 2), split(profile)


#: Middleware a save and a poll still answer the same without (the session, CSRF and authentication are needed).
OPTIONAL_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "policies.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "policies.middleware.TeamMfaMiddleware",
    "axes.middleware.AxesMiddleware",
]


def middleware_costs(
    _handler: Callable[[], Any], paths: dict[str, tuple[Callable[[int], int], int]], browsers: list[Any]
) -> dict[str, dict[str, float]]:
    """Per path, the CPU milliseconds per request that each optional middleware adds: the request's CPU with the
    whole chain less its CPU with that one middleware taken out (an ablation, measured three times and the lowest kept,
    on a shared machine). The session, CSRF and authentication middleware are needed to answer at all."""
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    def cpu(request: Callable[[int], int], count: int) -> float:
        best = float("inf")
        for _ in range(3):
            began = time.thread_time()
            for n in range(count):
                request(n)
            best = min(best, (time.thread_time() - began) * 1000 / count)
        return best

    def with_handler(handler: Any) -> None:
        for browser in browsers:
            browser.handler = handler

    costs: dict[str, dict[str, float]] = {}
    for name, (request, count) in paths.items():
        with_handler(WSGIHandler())
        whole = cpu(request, count)
        costs[name] = {"whole chain": round(whole, 3)}
        for middleware in OPTIONAL_MIDDLEWARE:
            if middleware not in settings.MIDDLEWARE:
                continue
            with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != middleware]):
                with_handler(WSGIHandler())
                costs[name][middleware.rsplit(".", 1)[1]] = round(whole - cpu(request, count), 3)
        with_handler(WSGIHandler())
        costs[name] = dict(sorted(costs[name].items(), key=lambda kv: -kv[1]))
        print(f"{name}: " + ", ".join(f"{k} {v:.2f} ms" for k, v in costs[name].items()))
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--top", type=int, default=0, help="print the N most costly functions of each path")
    parser.add_argument(
        "--middleware",
        action="store_true",
        help="also rank each middleware by the CPU a save and a poll spend without it",
    )
    args = parser.parse_args()
    global TOP
    TOP = args.top

    import workshop_load

    data_dir = Path(tempfile.mkdtemp(prefix="request-profile-"))
    url, fallback = workshop_load.postgres_database()
    cache, cache_fallback = workshop_load.redis_broker(hold_seconds=900)
    os.environ.update(
        {"DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "workbench.settings", "STATIC_MANIFEST": "0"}
    )
    os.environ["DEBUG"] = "0"
    for name, value in (("DATABASE_URL", url), ("CACHE_URL", cache)):
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)
    try:
        import django

        django.setup()
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        namespace: dict = {}
        seed = workshop_load.SEED.replace("FACILITATOR_PASSWORD", repr(workshop_load.FACILITATOR_PASSWORD))
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            exec(seed, namespace)
        setup = json.loads(printed.getvalue().strip().splitlines()[-1])
        exercise, cells = setup["exercise"], setup["cells"]

        from policies.models import Exercise
        from policies.models.exercises import Phase

        handler = WSGIHandler()
        form_token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

        def signed_in(browser: WsgiBrowser, path: str, form: dict[str, str], then: str) -> None:
            _status, _headers, page = browser.request("GET", path)
            found = form_token.search(page)
            if found is None:
                raise SystemExit(f"{path} has no form")
            status, _headers, _page = browser.request(
                "POST", then, {"csrfmiddlewaretoken": found.group(1), **form}
            )
            if status != 302:
                raise SystemExit(f"{then} answered {status}")

        guests = []
        for index in range(args.participants):
            guest = WsgiBrowser(handler)
            signed_in(
                guest,
                f"/join/{setup['code']}/",
                {"code": setup["code"], "name": f"guest-{index}", "join": "1"},
                "/join/",
            )
            guest.request("GET", f"/exercises/{exercise}/play/")
            guests.append(guest)
        Exercise.objects.filter(pk=exercise).update(phase=Phase.SCORING)
        facilitator = WsgiBrowser(handler)
        signed_in(
            facilitator,
            "/accounts/login/",
            {"login": setup["facilitator"], "password": workshop_load.FACILITATOR_PASSWORD},
            "/accounts/login/",
        )
        _status, _headers, page = facilitator.request("GET", f"/exercises/{exercise}/facilitate/")
        live = re.search(r'facilitate/live/\?v=([^"&]+)"', page)
        token = {}
        for guest in guests:
            _status, headers, _page = guest.request(
                "GET",
                f"/exercises/{exercise}/play/state/?v=x",
                headers={"HX-Request": "true", **guest.csrf()},
            )
            token[id(guest)] = (headers.get("ETag") or "").strip('"')

        def save(n: int) -> int:
            guest = guests[n % len(guests)]
            option, criterion = cells[(n // len(guests)) % len(cells)]
            return int(
                guest.request(
                    "POST",
                    f"/exercises/{exercise}/play/scores/{option}/{criterion}/",
                    {"value": str(n % 101), "rationale": f"r{n}", "confidence": "3"},
                    headers={"HX-Request": "true", **guest.csrf()},
                )[0]
            )

        def poll(n: int) -> int:
            guest = guests[n % len(guests)]
            path = f"/exercises/{exercise}/play/state/?v={token[id(guest)]}"
            return int(guest.request("GET", path, headers={"HX-Request": "true", **guest.csrf()})[0])

        def dashboard(n: int) -> int:
            # A changed token each time: the dashboard is redrawn, as it is while saves arrive.
            path = f"/exercises/{exercise}/facilitate/live/?v=stale{n}"
            return int(
                facilitator.request("GET", path, headers={"HX-Request": "true", **facilitator.csrf()})[0]
            )

        def join_page(n: int) -> int:
            return int(WsgiBrowser(handler).request("GET", f"/join/{setup['code']}/")[0])

        def play_page(n: int) -> int:
            guest = guests[n % len(guests)]
            return int(guest.request("GET", f"/exercises/{exercise}/play/")[0])

        paths = {
            "save": (save, args.requests, {200}),
            "poll": (poll, args.requests, {204}),
            "dashboard": (dashboard, max(20, args.requests // 10), {200}),
            "join page": (join_page, max(20, args.requests // 10), {200}),
            "play page": (play_page, max(20, args.requests // 10), {200}),
        }
        if live is None:
            raise SystemExit("the dashboard has no live poll")
        result: dict = {}
        for name, (request, count, expect) in paths.items():
            cpu_ms, shares = measure(request, count, expect)
            result[name] = {"cpu_ms": cpu_ms, "queries": QUERIES[-1], "parts": shares}
            print(
                f"{name}: {cpu_ms} ms of CPU per request; "
                + ", ".join(f"{k} {v:.0%}" for k, v in shares.items())
            )
        if args.middleware:
            result["middleware_ms"] = middleware_costs(
                lambda: handler,
                {"save": (save, args.requests), "poll": (poll, args.requests)},
                [*guests, facilitator],
            )
        result |= {
            "database": "postgresql" if url else "sqlite",
            "cache": "redis" if cache else "per-process memory",
            "requests": args.requests,
            "participants": args.participants,
        }
        if fallback:
            result["fallback"] = fallback + "; ran on SQLite instead"
        if cache_fallback:
            result["redis_fallback"] = cache_fallback
        print(json.dumps(result))
    finally:
        from django.db import connections

        connections.close_all()
        if url:
            with contextlib.suppress(Exception):
                workshop_load.drop_postgres(url)
        if cache:
            with contextlib.suppress(Exception):
                workshop_load.release_redis(cache)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
