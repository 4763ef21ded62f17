"""The workshop soak, short: 50 participants score for 30 s while five report builds run, nothing lost.

The benchmark (benchmarks/workshop_load.py) runs as it would by hand: gunicorn, two Celery workers, PostgreSQL
and Redis when they are there (CI demands them), SQLite and the filesystem broker otherwise. The full soak is the same
script run by hand: `python benchmarks/workshop_load.py --soak 600` (200 participants, PDF reports).
"""

import json
import subprocess
import sys

from tests.conftest import REQUIRE_SERVICES, ROOT


def test_a_short_soak_loses_nothing_and_answers_every_request() -> None:
    run = subprocess.run(
        [sys.executable, "benchmarks/workshop_load.py", "--quick", "--soak", "30", "--report-kind", "xlsx",
         "--report-grace", "60", "--sample-every", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    if REQUIRE_SERVICES:
        assert (result["database"], result["broker"]) == ("postgresql", "redis"), result
    # Every save and poll answered (no 5xx, no dropped connection), and every accepted save is in the database once.
    assert result["errors"] == 0, result.get("first_errors")
    # Every participant joined during the briefing, saw the facilitator open scoring and saved.
    assert result["joined"] == result["participants"] == 50, result
    assert result["accepted"] == result["saves"] >= 50, result
    assert (result["lost"], result["duplicated"]) == (0, 0)
    # Reports went through the queue the whole time and each one ended built.
    assert result["reports_done"] >= 1
    assert (result["reports_failed"], result["reports_unfinished"]) == (0, 0), result.get("report_errors")
    assert {"gunicorn master", "celery worker 1", "celery worker 2"} <= set(result["memory"])
