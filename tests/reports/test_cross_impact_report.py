"""The PDF carries the case's cross-impact charts, and says which scenarios in play came from the analysis."""

import io
import re

import pytest
from pypdf import PdfReader

from policies.models import Driver, DriverState
from policies.models.exercises import Anonymity
from policies.reporting.pdf import plan_report, render_pdf, report_html
from policies.selectors.analysis_results import analysis_results
from policies.services.cross_impact import promote_cib_scenario, set_impact
from tests.reports.building import needs_chromium, no_progress, scored
from tests.viewers import facilitator_view

pytestmark = pytest.mark.django_db

CIB_FIGURES = ["cib-tableau", "cib-matrix", "cib-profile", "cib-succession"]


def with_matrix(exercise):
    """Two drivers of two states on the exercise's case; the junta pushes aid towards suspension."""
    case = exercise.case
    states = {}
    for d, (driver_key, keys) in enumerate(
        [("regime", ["junta", "civilian"]), ("aid", ["suspended", "restored"])]
    ):
        driver = Driver.objects.create(case=case, key=driver_key, name={"en": driver_key.title()}, position=d)
        for s, key in enumerate(keys):
            states[key] = DriverState.objects.create(
                driver=driver, key=key, name={"en": key.title()}, position=s
            )
    set_impact(case=case, source=states["junta"], target=states["suspended"], value=3)
    set_impact(case=case, source=states["civilian"], target=states["restored"], value=2)
    set_impact(case=case, source=states["suspended"], target=states["junta"], value=1)
    scenario = promote_cib_scenario(
        case=case,
        states=[states["junta"], states["suspended"]],
        name="Isolated junta",
        plausibility=3,
        language="en",
    )
    exercise.scenarios.add(scenario)
    return exercise


def test_the_report_plans_the_cross_impact_figures_in_the_scenarios_chapter() -> None:
    exercise = with_matrix(scored(Anonymity.NAMED))
    plan = plan_report(analysis_results(exercise, visibility=facilitator_view(exercise)))
    assert [figure.id for figure in plan.sections["cross_impacts"].figures] == CIB_FIGURES
    html = report_html(plan)
    assert "Scenarios from the drivers’ cross-impacts" in html
    # The scenario's entry says it came from the cross-impact analysis.
    assert re.search(
        r"<h3>Isolated junta\b.*?</h3>\s*<p class=\"refs\"><span class=\"origin\">CIB</span>", html, re.S
    )


def test_a_case_without_a_matrix_prints_no_cross_impact_figure() -> None:
    exercise = scored(Anonymity.NAMED)
    plan = plan_report(analysis_results(exercise, visibility=facilitator_view(exercise)))
    assert plan.sections["cross_impacts"].figures == []
    assert "Scenarios from the drivers’ cross-impacts" not in report_html(plan)


@needs_chromium
def test_the_pdf_draws_the_cross_impact_charts() -> None:
    exercise = with_matrix(scored(Anonymity.NAMED))
    reader = PdfReader(io.BytesIO(render_pdf(exercise, facilitator_view(exercise), no_progress)))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    assert "Scenarios from the drivers’ cross-impacts" in text
    for title in (
        "Consistent scenarios: the state of each driver",
        "Cross-impact matrix",
        "Impact balances of",
    ):
        assert title in text, title
    # Nobody scored under it, so no ranking names it; its entry among the scenarios says where it came from.
    assert "Isolated junta (not assessed) CIB · Plausibility 3 of 5" in text
