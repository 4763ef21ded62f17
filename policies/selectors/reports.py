"""Which reports a person may see listed and open: their own, and finished ones whose content they may see.

A report is built for its requester (services.reports): its `scope` says what it holds, and the visibility
policy decides whether another person's view covers it. The reports page, the results page's download link and
both download views ask here.
"""

from policies.models import Exercise, Report
from policies.models.reports import ReportKind, ReportStatus
from policies.selectors.visibility import Visibility

LISTED = 50


def may_open(report: Report, seen: Visibility) -> bool:
    """Whether the file of a finished report may go to a viewer with `seen`."""
    return report.status == ReportStatus.DONE and bool(report.file) and seen.covers(report.scope)


def listed_reports(
    exercise: Exercise, seen: Visibility, user_id: int | None, *, limit: int = LISTED
) -> list[Report]:
    """The viewer's own jobs in any state, and others' finished reports they may open, newest first."""
    found = []
    for report in exercise.reports.select_related("requested_by")[: limit * 4]:
        if report.requested_by_id == user_id or may_open(report, seen):
            found.append(report)
        if len(found) == limit:
            break
    return found


def latest_pdf(exercise: Exercise, seen: Visibility, kind: str = ReportKind.PDF) -> Report | None:
    """The newest finished PDF of `kind` (the full report or the brief) the viewer may open."""
    for report in exercise.reports.filter(kind=kind, status=ReportStatus.DONE)[:LISTED]:
        if may_open(report, seen):
            return report
    return None
