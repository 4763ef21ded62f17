"""A report job: requested on the web, built by a worker, tracked here so pages never wait on Celery."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from policies.models.exercises import Exercise


class ReportKind(models.TextChoices):
    # The brief first: it is what most readers want, and the forms offer the kinds in this order.
    BRIEF = "brief", _("Brief (PDF, a few pages)")
    PDF = "pdf", _("Full PDF report")
    XLSX = "xlsx", _("Excel workbook")
    CSV = "csv", _("CSV of all judgments")
    JSON = "json", _("Case file (JSON) with the exercise")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


#: What each stage a job reports (``Report.stage``, set by the worker as it goes) is called on screen. Every
#: stage the services report has a label here (a test reads them from the code).
STAGE_LABELS = {
    "queued": _("queued"),
    "queue-unavailable": _("queue unavailable"),
    "restarting": _("restarting"),
    "start": _("starting"),
    "analysis": _("analysis"),
    "content": _("writing the text"),
    "layout": _("laying out the pages"),
    "charts": _("drawing the figures"),
    "workbook": _("filling the workbook"),
    "judgments": _("listing the judgments"),
    "case file": _("writing the case file"),
    "saving": _("saving"),
    "done": _("done"),
    "cancelled": _("cancelled"),
}


class Report(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices, default=ReportKind.PDF)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    stage = models.CharField(_("stage"), max_length=120, blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    # When the job last went to the queue, and when its worker last said it was alive: the sweep re-queues a
    # job the broker lost and takes back a job whose worker died.
    enqueued = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # What the file was built to show (selectors/visibility.py, Visibility.scope): set by the worker, and read
    # before every download, so a report reaches only people who may see all it holds.
    scope = models.JSONField(_("scope"), default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_range"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="report_status_valid"),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {ReportStatus.DONE, ReportStatus.FAILED, ReportStatus.CANCELLED}

    @property
    def stage_label(self) -> str:
        """The stage in the reader's language; empty for none, or for a stage without a label."""
        return str(STAGE_LABELS.get(self.stage, ""))
