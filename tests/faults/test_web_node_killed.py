"""A web node dies in the middle of scoring behind HAProxy: the room carries on through the other node.

The load benchmark runs as it would by hand (`benchmarks/workshop_load.py --nodes 2`): two gunicorn nodes on
127.0.0.2 and 127.0.0.3 behind HAProxy on 127.0.0.1 with the deployed rules (deploy/haproxy.cfg, no sticky
sessions), PostgreSQL and Redis when they are there (CI demands them). Halfway through scoring the second node's
master and workers are killed at once (SIGKILL), as a machine would die. Sessions, polling tokens and throttles
live in the shared database and cache, so the survivor answers everyone; a request the dead node held is sent
again, by HAProxy (a reset connection) or by the screen (an error answer), and saves are idempotent.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES, ROOT

HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)


def test_a_node_killed_mid_scoring_loses_no_save_and_duplicates_none() -> None:
    if HAPROXY is None:
        if REQUIRE_SERVICES:
            pytest.fail("HAProxy is required (WORKBENCH_REQUIRE_SERVICES=1) but not installed")
        pytest.skip("HAProxy is not installed (apt-get install haproxy): no balancer to put two nodes behind")
    participants, saves = 24, 20
    run = subprocess.run(
        [sys.executable, "benchmarks/workshop_load.py", "--nodes", "2", "--participants", str(participants),
         "--saves", str(saves), "--duration", "16", "--arrival", "4", "--workers", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    if REQUIRE_SERVICES:
        assert (result["database"], result["cache"]) == ("postgresql", "redis"), result
    assert result["nodes"] == 2 and result["balancer"] == "haproxy"
    # The second node was killed during scoring, after both had served the room.
    assert set(result["killed"]) == {"node2"}
    assert result["requests_by_node"].get("node1", 0) > 0 and result["requests_by_node"].get("node2", 0) > 0
    # Everyone joined and every save was accepted once: nothing lost, nothing written twice, no error left over.
    assert result["joined"] == participants
    assert result["accepted"] == participants * saves, result
    assert (result["lost"], result["duplicated"], result["errors"]) == (0, 0, 0), result.get("first_errors")
    # At most what was in flight on the dead node needed sending again: one request per participant.
    assert result["interrupted"] <= participants, result
