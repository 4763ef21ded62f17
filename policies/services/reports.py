"""The life of a report job: requested on the web, built by a Celery worker, never stuck and never lost.

- The web only writes a Report row and enqueues its id after the transaction commits.
- A worker claims the row with a conditional update (pending -> running), so a duplicate delivery builds once.
- While building, the worker beats a heartbeat and checks between stages whether the job was cancelled.
- A periodic sweep re-queues jobs the broker never took (it was down) and takes back jobs whose worker died
  (stale heartbeat); after MAX_ATTEMPTS such deaths the job fails with a retry button rather than looping.
"""

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.chart_export import ChartExportError
from policies.models import Membership, Report
from policies.models.reports import ReportKind, ReportStatus
from policies.selectors.access import Viewer, viewer_for_member
from policies.selectors.visibility import Visibility, visibility, visibility_for
from policies.services.report_files import (
    EXTENSIONS,
    ReportStorageError,
    build_file,
    delete_report_file,
    save_report_file,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
ACTIVE = (ReportStatus.PENDING, ReportStatus.RUNNING)


class ReportCancelled(Exception):
    """The job was cancelled while it was being built; the worker stops quietly."""


class ReportWithheld(Exception):
    """The person may not see any of what a report would hold yet; the message says why."""


class ReportQuotaExceeded(Exception):
    """The requester already has as many reports in flight as a person may; the message says so to them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            ngettext(
                "You already have %(count)s report waiting or being built. Wait until it is ready, or cancel "
                "it, before asking for another.",
                "You already have %(count)s reports waiting or being built. Wait until one is ready, or cancel "
                "one, before asking for another.",
                limit,
            )
            % {"count": limit}
        )


def request_report(*, viewer: Viewer, language: str, kind: str = ReportKind.PDF) -> Report:
    """A report job for `viewer`, built for what they may see (policies.selectors.visibility); or, while the
    same person's job for the same report (exercise, kind, language) is waiting or being built, that job, so
    that a double click builds once.

    Raises PermissionDenied for a role that may not request reports, ReportWithheld when nothing of the
    exercise's results is theirs to see yet (blind scoring of the first round), ReportQuotaExceeded beyond
    ``REPORTS_IN_FLIGHT_PER_USER`` jobs in flight for one person (each PDF costs seconds of Chromium).
    """
    if kind not in ReportKind.values:
        raise ValueError(f"Unknown report kind {kind!r}.")
    if not viewer.can_report:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    seen = visibility(viewer)
    if seen.last_round < 1:
        raise ReportWithheld(seen.withheld)
    exercise, user_id, language = viewer.exercise, viewer.user_id, language[:2]
    with transaction.atomic():
        if user_id is not None:
            # One person's requests one at a time, so that two clicks answered by two processes cannot both
            # pass the checks below (a row lock on PostgreSQL; SQLite's immediate transactions lock anyway).
            list(get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk"))
            in_flight = Report.objects.filter(requested_by_id=user_id, status__in=ACTIVE)
            same = in_flight.filter(exercise=exercise, kind=kind, language=language).first()
            if same is not None:
                return same
            limit = settings.REPORTS_IN_FLIGHT_PER_USER
            if in_flight.count() >= limit:
                raise ReportQuotaExceeded(limit)
        report = Report.objects.create(
            exercise=exercise, kind=kind, language=language, requested_by_id=user_id
        )
        transaction.on_commit(lambda: enqueue_report(report.pk))
    return report


def enqueue_report(report_id: int) -> bool:
    """Hand the job to the broker. If the broker is down the job stays pending, saved, and the sweep re-queues
    it when the broker is back; the page says so instead of pretending."""
    from policies.tasks import build_report_task

    try:
        build_report_task.delay(report_id)
    except Exception as exc:  # kombu raises several unrelated types when the broker is unreachable
        logger.warning("Report %s not queued, broker unreachable: %s", report_id, exc)
        Report.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(
            enqueued=None, stage="queue-unavailable"
        )
        return False
    Report.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(
        enqueued=timezone.now(), stage="queued"
    )
    return True


def _requester_visibility(report: Report) -> Visibility:
    """What the person who asked may see now: a report is built for its requester's role at build time, and
    someone who has left the team gets nothing. A report nobody in particular asked for (made by a script,
    or its requester's account deleted) holds what any member who is not a facilitator may see."""
    if report.requested_by_id is None:
        seen = visibility_for(report.exercise, facilitator=False)
    else:
        membership = Membership.objects.filter(
            user_id=report.requested_by_id, team_id=report.exercise.team_id
        ).first()
        if membership is None:
            raise ReportForbidden(
                _("The person who asked for this report is no longer a member of the team.")
            )
        seen = visibility(viewer_for_member(report.exercise, membership))
    if seen.last_round < 1:
        raise ReportForbidden(seen.withheld)
    return seen


class ReportForbidden(Exception):
    """Building the report would show its requester what they may not see now."""


def cancel_report(*, report: Report) -> bool:
    cancelled = Report.objects.filter(pk=report.pk, status__in=ACTIVE).update(
        status=ReportStatus.CANCELLED, finished=timezone.now(), stage="cancelled"
    )
    return bool(cancelled)


def retry_report(*, report: Report) -> bool:
    """Start a failed or cancelled job again from scratch."""
    restarted = Report.objects.filter(
        pk=report.pk, status__in=(ReportStatus.FAILED, ReportStatus.CANCELLED)
    ).update(
        status=ReportStatus.PENDING, progress=0, stage="", error="", attempts=0, started=None, finished=None
    )
    if restarted:
        transaction.on_commit(lambda: enqueue_report(report.pk))
    return bool(restarted)


def _beat(report_id: int, percent: int, stage: str) -> None:
    alive = Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
        progress=percent, stage=stage, heartbeat=timezone.now()
    )
    if not alive:
        raise ReportCancelled


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building a report makes hundreds of thousands of short-lived objects (WeasyPrint's boxes and styles), many
    in reference cycles. The cyclic collector's passes over them took about a sixth of a full PDF's build, and
    more in a worker whose heap is large. It is paused for one build, which raises the peak by about 10 MB, and
    collects once when the report is already marked done, so that nobody waits for it. That collection is of the
    youngest generation only: with the collector paused, everything the build made is still there. A full
    collection would also walk the whole older heap (0.2 s a report in a large process); cycles there, which the
    build did not make, are left to Python's own later collections."""
    if not gc.isenabled():  # paused by a caller already: theirs to resume
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def build_report(report_id: int) -> None:
    with _collector_paused():
        _build_report(report_id)


def _build_report(report_id: int) -> None:
    now = timezone.now()
    claimed = Report.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(
        status=ReportStatus.RUNNING,
        started=now,
        heartbeat=now,
        progress=5,
        stage="start",
        error="",
        attempts=F("attempts") + 1,
    )
    if not claimed:
        logger.info("Report %s is already taken, finished or cancelled", report_id)
        return
    report = Report.objects.select_related("exercise__case", "exercise__team").get(pk=report_id)
    try:
        with translation.override(report.language):
            seen = _requester_visibility(report)
            Report.objects.filter(pk=report_id).update(scope=seen.scope)
            data = build_file(report, seen, lambda percent, stage: _beat(report_id, percent, stage))
        _beat(report_id, 95, "saving")
        name = f"{report.exercise.key}-{report.kind}-{report.pk}.{EXTENSIONS[ReportKind(report.kind)]}"
        stored = save_report_file(f"reports/{timezone.now():%Y/%m}/{name}", data)
        finished = Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
            file=stored, status=ReportStatus.DONE, progress=100, stage="done", finished=timezone.now()
        )
        if not finished:  # cancelled during the last step: the file is not wanted
            delete_report_file(stored)
    except ReportCancelled:
        logger.info("Report %s was cancelled while building", report_id)
    except DatabaseError:
        # Transient: hand the job back so the task's retry (or the sweep) can claim it again.
        Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(status=ReportStatus.PENDING)
        raise
    except Exception as exc:
        logger.exception("Report %s failed", report_id)
        if isinstance(exc, ChartExportError | ReportStorageError | ReportForbidden):
            message = str(exc)
        else:
            message = _("The report could not be built: %(error)s") % {"error": exc}
        Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
            status=ReportStatus.FAILED, error=message, finished=timezone.now()
        )


@dataclass(frozen=True)
class SweepResult:
    requeued: int
    restarted: int
    failed: int


def sweep_reports(*, now: datetime | None = None, stale_after: timedelta | None = None) -> SweepResult:
    """Re-queue what the broker lost and take back what a dead worker held; run every minute by Celery beat."""
    now = now or timezone.now()
    if stale_after is None:  # not `or`: a zero timedelta is a valid (if brutal) threshold
        stale_after = timedelta(seconds=settings.REPORT_STALE_SECONDS)
    restarted = failed = 0
    for report in Report.objects.filter(status=ReportStatus.RUNNING, heartbeat__lt=now - stale_after):
        if report.attempts >= MAX_ATTEMPTS:
            failed += Report.objects.filter(pk=report.pk, status=ReportStatus.RUNNING).update(
                status=ReportStatus.FAILED,
                finished=now,
                error=_(
                    "The worker building this report stopped %(count)s times. Retry, or ask an administrator."
                )
                % {"count": report.attempts},
            )
        else:
            restarted += Report.objects.filter(pk=report.pk, status=ReportStatus.RUNNING).update(
                status=ReportStatus.PENDING, stage="restarting", enqueued=None
            )
    requeue_before = now - timedelta(seconds=settings.REPORT_REQUEUE_SECONDS)
    waiting = Report.objects.filter(status=ReportStatus.PENDING).filter(
        Q(enqueued__isnull=True) | Q(enqueued__lt=requeue_before)
    )
    requeued = 0
    for report_id in list(waiting.values_list("pk", flat=True)):
        requeued += enqueue_report(report_id)
    return SweepResult(requeued=requeued, restarted=restarted, failed=failed)
