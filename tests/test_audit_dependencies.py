"""`make audit` says plainly when nothing could be checked, and fails only on a known vulnerability.

The script runs a stand-in for pip-audit (a `pip_audit` module first on PYTHONPATH) that answers as pip-audit
does offline, behind an index without vulnerability data, and with a vulnerable package.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "audit_dependencies.py"

OFFLINE = "import sys; sys.stderr.write('requests.exceptions.ConnectionError: Max retries exceeded\\n'); sys.exit(1)"
SKIPPED = {
    "dependencies": [{"name": n, "skip_reason": f"Dependency not found on PyPI: {n}"} for n in ("a", "b")]
}
CLEAN = {"dependencies": [{"name": "django", "version": "6.1.3", "vulns": []}, SKIPPED["dependencies"][0]]}
VULNERABLE = {
    "dependencies": [
        {"name": "django", "version": "6.1.0", "vulns": [{"id": "PYSEC-2026-1", "fix_versions": ["6.1.3"]}]},
        {"name": "numpy", "version": "2.3.0", "vulns": []},
    ]
}


def audit(tmp_path: Path, stand_in: str) -> subprocess.CompletedProcess[str]:
    package = tmp_path / "pip_audit"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(stand_in)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    return subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, env=env, timeout=60)


def answering(report: dict) -> str:
    return f"print({json.dumps(json.dumps(report))})"


def test_offline_it_says_nothing_was_checked_and_does_not_fail(tmp_path: Path) -> None:
    run = audit(tmp_path, OFFLINE)
    assert run.returncode == 0
    assert run.stdout.startswith("NOT CHECKED: the vulnerability database could not be reached")
    assert "ConnectionError" in run.stdout


def test_every_package_skipped_is_not_reported_as_clean(tmp_path: Path) -> None:
    run = audit(tmp_path, answering(SKIPPED))
    assert run.returncode == 0
    assert run.stdout.startswith(
        "NOT CHECKED: the vulnerability database answered for none of the 2 packages"
    )


@pytest.mark.parametrize(
    ("report", "status", "said"),
    [
        (
            CLEAN,
            0,
            "No known vulnerabilities (1 package checked; 1 package not found in the vulnerability "
            "database, not checked).",
        ),
        (VULNERABLE, 1, "Known vulnerabilities:\n  django 6.1.0: PYSEC-2026-1 (6.1.3)"),
    ],
)
def test_what_was_checked_is_reported(tmp_path: Path, report: dict, status: int, said: str) -> None:
    run = audit(tmp_path, answering(report))
    assert (run.returncode, run.stdout.strip()) == (status, said)
