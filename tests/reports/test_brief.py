"""The brief: the seeded Mali exercise's few pages, read back with pypdf, and the words the full report now
gets right (a number of points, the revisions of later rounds)."""

import io
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader

from policies.casefile.validation import parse_case_file
from policies.models.fields import localize
from policies.models.reports import ReportKind
from policies.reporting.brief import MAX_PAGES, render_brief
from policies.reporting.pdf import points
from policies.selectors.analysis_results import analysis_results
from policies.selectors.report_content import RoundSummary
from policies.services.case_import import import_case
from policies.services.report_files import build_file
from tests.conftest import needs
from tests.factories import TeamFactory, make_exercise
from tests.viewers import facilitator_view

ROOT = Path(__file__).resolve().parents[2]
needs_chromium = needs(
    Path(settings.CHROMIUM_PATH).exists(), "Chromium is not installed: the figures cannot be drawn"
)


def no_progress(percent: int, stage: str) -> None:
    """Progress of a build outside a job goes nowhere."""


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@needs_chromium
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_seeded_brief_fits_six_pages_and_carries_the_argument(language: str) -> None:
    case = import_case(
        case_file=parse_case_file((ROOT / "seeds" / "mali-2012.json").read_bytes()), team=TeamFactory()
    )
    exercise = case.exercises.get()
    seen = facilitator_view(exercise)
    bundle = analysis_results(exercise, visibility=seen)
    top = localize(bundle.options[bundle.top[0]].name, language)
    with translation.override(language):
        pages = pages_of(render_brief(exercise, seen, no_progress))
        expected = {
            "recommendation": "Recommandation" if language == "fr" else "Recommendation",
            "checks": "Tests de robustesse" if language == "fr" else "Robustness checks",
        }
    text = " ".join(pages)
    assert 2 <= len(pages) <= MAX_PAGES
    # The summary opens the first page, naming the option the group ranks first.
    assert expected["recommendation"].upper() in pages[0] and top in pages[0]  # the kicker, in capitals
    assert expected["checks"] in text
    for option in exercise.options.all():  # the ranking names every option
        assert localize(option.name, language) in text
    # The three figures that carry the argument, numbered 1 to 3, and no more.
    assert [f"Figure {n}." in text for n in (1, 2, 3, 4)] == [True, True, True, False]
    # The full report's annexes stay in the full report.
    assert "Annex" not in text and "Annexe" not in text


@needs_chromium
@pytest.mark.django_db
def test_a_brief_job_builds_a_pdf_of_the_brief() -> None:
    from policies.models import Report

    exercise = make_exercise(options=3, criteria=2)
    report = Report(exercise=exercise, kind=ReportKind.BRIEF, language="en")
    with translation.override("en"):
        pdf = build_file(report, facilitator_view(exercise), no_progress)
    assert pdf.startswith(b"%PDF")
    assert "BRIEF" in pages_of(pdf)[0]  # the kicker, in capitals


def test_the_brief_is_offered_first() -> None:
    assert ReportKind.values[0] == ReportKind.BRIEF


@pytest.mark.parametrize(
    ("language", "value", "text"),
    [
        ("en", 1.0, "1 point"),
        ("en", 0.0, "0 points"),
        ("en", 1.5, "1.5 points"),
        ("en", 2.0, "2 points"),
        ("fr", 1.0, "1 point"),
        ("fr", 1.5, "1,5 points"),
        ("fr", 3.0, "3 points"),
    ],
)
def test_a_number_of_points_agrees_with_its_noun(language: str, value: float, text: str) -> None:
    with translation.override(language):
        assert points(value) == text


def test_the_round_table_counts_revisions_after_the_first_round() -> None:
    rounds = [
        RoundSummary(1, 3, 12, 12, 8, 0.1, 0.5),
        RoundSummary(2, 3, 1, 12, 9, 0.05, 0.6),
        RoundSummary(3, 3, 4, 12, 10, 0.05, 0.7),
    ]

    content = SimpleNamespace(consensus_threshold=1.0, disputed=[], rounds=rounds)
    with translation.override("en"):
        html = render_to_string(
            "policies/report/disagreement.html",
            {"content": content, "threshold_points": points(1.0), "figs": {}, "sections": {}},
        )
    assert "12 given" in html
    assert "1 revision<" in html and "4 revisions" in html
    assert "Scores given: " not in html and "1 points" not in html
    assert "at most 1 point." in html


@pytest.mark.parametrize(
    ("margin", "text"), [(0.01, "by 1 percentage point (now"), (0.05, "by 5 percentage points")]
)
def test_the_weights_check_says_point_or_points(margin: float, text: str) -> None:
    from policies.reporting import summary

    bundle = SimpleNamespace(
        sensitivity=SimpleNamespace(
            result=SimpleNamespace(
                weights=np.array([0.5, 0.5]),
                intervals=np.array([[0.5 - margin, 1.0], [0.0, 1.0]]),
                top=[0],
            ),
            most_sensitive=0,
        )
    )
    with translation.override("en"):
        _lines, check = summary._weights(bundle, ["A", "B"], ["Cost", "Time"], 0)
    assert text in check.finding
