"""The bytes of each kind of report. Kept apart from the job lifecycle in services/reports.py."""

import json
from collections.abc import Callable

from policies.exports.judgments_csv import build_judgments_csv
from policies.exports.workbook import build_workbook
from policies.models import Report
from policies.models.reports import ReportKind
from policies.reporting.pdf import render_pdf  # the PDF report: policies/reporting
from policies.selectors.analysis_results import analysis_results
from policies.selectors.case_export import export_case

Progress = Callable[[int, str], None]

EXTENSIONS = {ReportKind.PDF: "pdf", ReportKind.XLSX: "xlsx", ReportKind.CSV: "csv", ReportKind.JSON: "json"}
CONTENT_TYPES = {
    ReportKind.PDF: "application/pdf",
    ReportKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportKind.CSV: "text/csv; charset=utf-8",
    ReportKind.JSON: "application/json",
}


def build_file(report: Report, progress: Progress) -> bytes:
    exercise = report.exercise
    if report.kind == ReportKind.XLSX:
        progress(30, "analysis")
        results = analysis_results(exercise)
        progress(70, "workbook")
        return build_workbook(exercise, results)
    if report.kind == ReportKind.CSV:
        progress(50, "judgments")
        return build_judgments_csv(exercise)
    if report.kind == ReportKind.JSON:
        progress(50, "case file")
        document = export_case(exercise.case, with_exercises=False)
        # The case with this exercise only, never the team's other exercises.
        full = export_case(exercise.case)
        document["exercises"] = [e for e in full["exercises"] if e["id"] == exercise.key]
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return render_pdf(exercise, progress)
