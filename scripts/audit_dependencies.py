"""`make audit`: the installed packages checked against the vulnerability database with pip-audit.

The database is on the internet. Where it cannot be reached, pip-audit may still answer "No known
vulnerabilities found" after skipping every package, which reads like a clean bill of health; this script says
plainly what was and was not checked instead. It exits 1 only when a known vulnerability is found, never
because the database was out of reach, so an offline machine (or CI) is not failed for lack of a network.

    python scripts/audit_dependencies.py [--timeout SECONDS]
"""

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Audit:
    vulnerable: list[str]  # "name version: id (fix versions)" per known vulnerability
    checked: int
    skipped: int


def read_report(report: dict[str, object]) -> Audit:
    """The facts of pip-audit's JSON report (``--format json``)."""
    vulnerable: list[str] = []
    checked = skipped = 0
    for dependency in report.get("dependencies", []):  # type: ignore[attr-defined]
        if "skip_reason" in dependency:
            skipped += 1
            continue
        checked += 1
        for vulnerability in dependency.get("vulns", []):
            fixes = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed version yet"
            vulnerable.append(
                f"{dependency['name']} {dependency.get('version', '')}: {vulnerability.get('id', '?')} ({fixes})"
            )
    return Audit(vulnerable, checked, skipped)


def _packages(count: int) -> str:
    return f"{count} package" if count == 1 else f"{count} packages"


def verdict(audit: Audit) -> tuple[int, str]:
    """(exit status, what to tell the person who ran it)."""
    if audit.vulnerable:
        return 1, "Known vulnerabilities:\n  " + "\n  ".join(audit.vulnerable)
    if audit.checked == 0:
        return 0, (
            f"NOT CHECKED: the vulnerability database answered for none of the {_packages(audit.skipped)} "
            "(no network, or an index without vulnerability data). Run `make audit` where the network allows."
        )
    checked = f"No known vulnerabilities ({_packages(audit.checked)} checked"
    if audit.skipped:
        return (
            0,
            f"{checked}; {_packages(audit.skipped)} not found in the vulnerability database, not checked).",
        )
    return 0, f"{checked})."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300, help="give up after this many seconds")
    arguments = parser.parse_args()
    command = [sys.executable, "-m", "pip_audit", "--skip-editable", "--format", "json"]
    command += ["--progress-spinner", "off"]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=arguments.timeout)
    except subprocess.TimeoutExpired:
        print(f"NOT CHECKED: the vulnerability database did not answer within {arguments.timeout:g} s.")
        return 0
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        reason = (run.stderr.strip().splitlines() or ["pip-audit gave no report"])[-1]
        if "No module named pip_audit" in run.stderr:
            print("NOT CHECKED: pip-audit is not installed (`make install` installs it).")
        else:
            print(f"NOT CHECKED: the vulnerability database could not be reached ({reason[:200]}).")
        return 0
    status, message = verdict(read_report(report))
    print(message)
    return status


if __name__ == "__main__":
    sys.exit(main())
