"""The bytes of each kind of report and the store that keeps them. Kept apart from the job lifecycle in
services/reports.py.

Report files live in the named storage ``STORAGES["reports"]`` (the media folder, or an S3-compatible
bucket with REPORT_STORAGE=s3). ``Report.file`` only records the name: the field keeps the default storage
so that switching stores needs no migration, which is why every read, write and delete of a report's bytes
goes through the functions here and never through ``report.file`` itself.
"""

import json
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils.translation import gettext as _

from policies.exports.judgments_csv import build_judgments_csv
from policies.exports.workbook import build_workbook
from policies.models import Report
from policies.models.reports import ReportKind
from policies.reporting.brief import render_brief
from policies.reporting.pdf import render_pdf  # the PDF report: policies/reporting
from policies.selectors.analysis_results import analysis_results
from policies.selectors.case_export import export_case
from policies.selectors.visibility import Visibility

Progress = Callable[[int, str], None]

EXTENSIONS = {
    ReportKind.BRIEF: "pdf",
    ReportKind.PDF: "pdf",
    ReportKind.XLSX: "xlsx",
    ReportKind.CSV: "csv",
    ReportKind.JSON: "json",
}
CONTENT_TYPES = {
    ReportKind.BRIEF: "application/pdf",
    ReportKind.PDF: "application/pdf",
    ReportKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportKind.CSV: "text/csv; charset=utf-8",
    ReportKind.JSON: "application/json",
}


def build_file(report: Report, seen: Visibility, progress: Progress) -> bytes:
    """The report's bytes, holding only what `seen` (its requester's view) may see."""
    exercise = report.exercise
    if report.kind == ReportKind.XLSX:
        progress(30, "analysis")
        bundle = analysis_results(exercise, visibility=seen)
        progress(70, "workbook")
        return build_workbook(bundle)
    if report.kind == ReportKind.CSV:
        progress(50, "judgments")
        return build_judgments_csv(exercise, seen)
    if report.kind == ReportKind.JSON:
        progress(50, "case file")
        # The case with this exercise only, never the team's other exercises.
        document = export_case(exercise.case, exercises={exercise.pk: seen})
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if report.kind == ReportKind.BRIEF:
        return render_brief(exercise, seen, progress)
    return render_pdf(exercise, seen, progress)


class ReportStorageError(RuntimeError):
    """The report store refused the file or could not be reached; the message is meant for the person who
    asked for the report (the job fails with it, and a retry button)."""


def report_storage() -> Storage:
    return storages["reports"]


def save_report_file(name: str, data: bytes) -> str:
    """Store a built report under ``name`` (or a free variant of it) and return the name actually used."""
    storage = report_storage()
    try:
        return storage.save(name, ContentFile(data))
    except (BotoCoreError, ClientError) as exc:  # no such bucket, access denied, endpoint unreachable...
        bucket = getattr(storage, "bucket_name", "?")
        endpoint = getattr(storage, "endpoint_url", None) or "AWS"
        raise ReportStorageError(
            _(
                "The report could not be saved in the report store (bucket %(bucket)s at %(endpoint)s): "
                "%(error)s. Ask an administrator to check the storage settings, then retry."
            )
            % {"bucket": bucket, "endpoint": endpoint, "error": exc}
        ) from exc
    except OSError as exc:  # the local folder: disk full, no permission
        raise ReportStorageError(
            _("The report could not be stored (%(error)s). Free some space and retry.") % {"error": exc}
        ) from exc


def delete_report_file(name: str) -> None:
    report_storage().delete(name)


def open_report_file(report: Report) -> File[bytes]:
    """The stored file of a finished report, opened for reading; FileNotFoundError if the store lost it."""
    if not report.file.name:
        raise FileNotFoundError(f"Report {report.pk} has no file.")
    return report_storage().open(report.file.name, "rb")
