"""A report rebuilt with nothing changed is the PDF laid out before; a change anywhere builds it anew, drawing
only the figures that changed."""

from pathlib import Path

import pytest
import weasyprint
from django.conf import settings

from policies import chart_export
from policies.models import ScoreJudgment
from policies.reporting import pdf
from policies.reporting.pdf import render_pdf
from tests.conftest import needs
from tests.reports.building import no_progress, scored
from tests.viewers import facilitator_view

pytestmark = [
    needs(
        Path(settings.CHROMIUM_PATH).exists(),
        "Chromium is not installed: the report's figures cannot be drawn",
    ),
    pytest.mark.django_db,
]


@pytest.fixture
def counted(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """The cache on in a folder of the test's own; counts of figures drawn and of documents laid out."""
    settings.CHART_CACHE_DIR = tmp_path / "cache"
    counts = {"drawn": 0, "laid out": 0}
    draw, lay_out = chart_export._draw, weasyprint.HTML

    def drawing(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts["drawn"] += 1
        return draw(*args, **kwargs)

    def layout(*args, **kwargs):  # type: ignore[no-untyped-def]
        counts["laid out"] += 1
        return lay_out(*args, **kwargs)

    monkeypatch.setattr(chart_export, "_draw", drawing)
    monkeypatch.setattr(weasyprint, "HTML", layout)
    return counts


def test_an_unchanged_report_is_served_again_and_a_changed_one_redraws_only_what_changed(counted) -> None:
    exercise = scored()
    first = render_pdf(exercise, facilitator_view(exercise), no_progress)
    drawn = counted["drawn"]
    assert drawn > 0 and counted["laid out"] == 1
    # Nothing changed: the same file, without drawing or laying anything out.
    assert render_pdf(exercise, facilitator_view(exercise), no_progress) == first
    assert (counted["drawn"], counted["laid out"]) == (drawn, 1)
    # One score moved: a new report, laid out again; figures that do not show scores come from the cache.
    judgment = ScoreJudgment.objects.filter(participant__exercise=exercise).first()
    assert judgment is not None
    judgment.value += 1
    judgment.save()
    changed = render_pdf(exercise, facilitator_view(exercise), no_progress)
    assert changed != first and counted["laid out"] == 2
    assert 0 < counted["drawn"] - drawn < drawn


def test_the_key_ignores_the_build_time_but_not_the_words_or_the_figures() -> None:
    figures = {"bars": ({"data": [{"type": "bar", "y": [1, 2]}], "layout": {}}, 300)}
    html = (
        '<html><head><meta name="dcterms.created" content="2026-12-07T08:00:00+00:00"></head><p>A</p></html>'
    )
    later = html.replace("08:00:00", "08:05:17")
    assert pdf.report_key(html, figures) == pdf.report_key(later, figures)
    assert pdf.report_key(html, figures) != pdf.report_key(html.replace("<p>A", "<p>B"), figures)
    other = {"bars": ({"data": [{"type": "bar", "y": [1, 3]}], "layout": {}}, 300)}
    assert pdf.report_key(html, figures) != pdf.report_key(html, other)
    assert pdf.report_key(html, figures) != pdf.report_key(html, {"bars": (figures["bars"][0], 400)})
