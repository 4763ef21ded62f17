"""The page's plotly.js, which `make static` builds from plotly-bundle/ with only the trace types our figures use.

Every chart of the results screen and of the exercise page's live ranking draws with it, under the site's
Content-Security-Policy (no eval); each figure, as the screen shows it and as the PDF prints it, in English and
in French, gives the same SVG as the full plotly.js of the plotly package; and the bundle is the small build of
the plotly.js version that the plotly package writes its figures for. (The workshop screens draw no chart:
their rankings are lists.)
"""

import copy
import filecmp
import json
import re
from pathlib import Path
from urllib.parse import unquote

import plotly
import pytest
from django.conf import settings
from django.test import Client

from policies.casefile.validation import parse_case_file
from policies.chart_export import PAGE_PLOTLY_JS, plotly_js_path
from policies.models import Membership, Role
from policies.reporting.figures import for_print
from policies.services.case_import import import_case
from tests.conftest import REQUIRE_SERVICES
from tests.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "mali-2012.json"
FULL_PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

#: The trace types plotly-bundle/index.js registers (scatter comes with plotly.js's core).
TRACE_TYPES = {"bar", "box", "heatmap", "scatter", "scatterpolar"}
#: The charts of the results screen for the seeded case: every figure builder of policies/charts.
RESULTS_CHARTS = {
    "contributions",
    "method-ranks",
    "profiles",
    "score-heatmap",
    "weights",
    "elicitation",
    "spread",
    "consensus",
    "sensitivity",
    "tornado",
    "acceptability",
    "central-weights",
    "scenario-heatmap",
    "regret",
    "rules",
}

# For each trace type, the SVG group plotly.js draws one of per visible trace.
DRAWN = """el => {
  const selectors = {
    bar: ".cartesianlayer .trace.bars", box: ".cartesianlayer .trace.boxes", heatmap: ".cartesianlayer .hm",
    scatter: ".cartesianlayer .trace.scatter", scatterpolar: ".polarlayer .trace.scatter",
  };
  const expected = {}, drawn = {};
  for (const trace of el.data) {
    const type = trace.type || "scatter";
    if (trace.visible === false || trace.visible === "legendonly") { continue; }
    expected[type] = (expected[type] || 0) + 1;
    drawn[type] = el.querySelectorAll(selectors[type] || "none").length;
  }
  return {expected, drawn, svg: el.querySelectorAll(".main-svg").length};
}"""

# Math.random seeded afresh before each figure, so that the ids plotly.js draws from it (clip paths) match.
TO_SVG = """async ([figure, height]) => {
  let seed = 1;
  Math.random = () => { seed = (seed * 16807) % 2147483647; return (seed - 1) / 2147483646; };
  return await Plotly.toImage(figure, {format: "svg", width: 900, height: height});
}"""


def bundle_is_built() -> bool:
    """False where `make static` fell back to the plotly package's full plotly.js (no npm on the machine)."""
    return PAGE_PLOTLY_JS.is_file() and not filecmp.cmp(PAGE_PLOTLY_JS, FULL_PLOTLY_JS, shallow=False)


needs_bundle = pytest.mark.skipif(
    not bundle_is_built() and not REQUIRE_SERVICES,
    reason="policies/static/vendor/plotly.min.js is the full plotly.js: npm was missing when make built it",
)


def seeded_exercise():
    """The seeded case's exercise, and an analyst of its team."""
    team = TeamFactory()
    user = UserFactory(username="nadia")
    Membership.objects.create(team=team, user=user, role=Role.ANALYST)
    exercise = import_case(case_file=parse_case_file(SEED.read_bytes()), team=team).exercises.get()
    return exercise, user


def signed_in_page(browser, live_server, user, errors: list[str]):
    """A browser page of the live server with the user's session, collecting page errors and CSP reports."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return context, page


def figures_of(html: str) -> dict[str, dict]:
    """The figures a page carries as JSON, by chart id."""
    scripts = re.findall(r'<script type="application/json" id="figure-([\w-]+)">(.*?)</script>', html, re.S)
    return {chart: json.loads(text) for chart, text in scripts}


def svgs(browser, plotly_js: Path, figures: dict[str, dict]) -> dict[str, str]:
    """Each figure drawn to SVG by the given plotly.js on a blank page."""
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><html><body></body></html>")
        page.add_script_tag(path=str(plotly_js))
        return {
            name: page.evaluate(TO_SVG, [figure, figure["layout"].get("height") or 500])
            for name, figure in figures.items()
        }
    finally:
        page.close()


@needs_bundle
def test_the_bundle_holds_our_trace_types_at_the_plotly_packages_version(browser) -> None:
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><html><body></body></html>")
        page.add_script_tag(path=str(PAGE_PLOTLY_JS))
        small = page.evaluate("() => [Plotly.version, Object.keys(Plotly.PlotSchema.get().traces)]")
        page.add_script_tag(path=str(FULL_PLOTLY_JS))
        full_version = page.evaluate("() => Plotly.version")
    finally:
        page.close()
    version, traces = small
    # The figures plotly.py writes are read by the plotly.js they were made for.
    assert version == full_version
    pinned = json.loads((ROOT / "plotly-bundle" / "package.json").read_text())["devDependencies"]["plotly.js"]
    assert version == pinned
    assert set(traces) == TRACE_TYPES
    # A quarter of the full bundle, and no code generated at run time (the CSP forbids eval).
    source = PAGE_PLOTLY_JS.read_text()
    assert len(source) < FULL_PLOTLY_JS.stat().st_size / 3
    assert "new Function" not in source and not re.search(r"[^\w.]eval\(", source)
    # The PDF's charts are drawn by the same file.
    assert plotly_js_path() == PAGE_PLOTLY_JS


def test_every_chart_of_the_results_and_exercise_screens_draws(browser, live_server) -> None:
    exercise, user = seeded_exercise()
    errors: list[str] = []
    context, page = signed_in_page(browser, live_server, user, errors)
    try:
        response = page.goto(f"/exercises/{exercise.pk}/results/")
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-eval" not in policy  # so a bundle needing eval fails
        charts = page.eval_on_selector_all("[data-figure]", "els => els.map(el => el.dataset.figure)")
        assert {chart.removeprefix("figure-") for chart in charts} == RESULTS_CHARTS
        types: set[str] = set()
        for chart in charts:
            element = page.locator(f'[data-figure="{chart}"]')
            element.scroll_into_view_if_needed()
            element.locator(".main-svg").first.wait_for()
            drawn = element.evaluate(DRAWN)
            assert drawn["expected"], chart
            assert drawn["drawn"] == drawn["expected"], chart
            types |= set(drawn["expected"])
        assert types == TRACE_TYPES  # every trace type of the bundle is drawn on this screen

        # The exercise page's live ranking arrives through htmx and is drawn when it settles.
        page.goto(f"/exercises/{exercise.pk}/")
        chart = page.locator('#live-ranking [data-figure="figure-contributions"]')
        chart.scroll_into_view_if_needed()
        chart.locator(".main-svg").first.wait_for()
        drawn = chart.evaluate(DRAWN)
        assert drawn["drawn"] == drawn["expected"] == {"bar": len(exercise.criteria.all())}
    finally:
        context.close()
    assert not errors, f"browser errors: {errors}"


@needs_bundle
@pytest.mark.parametrize("language", ["en", "fr"])
def test_figures_are_drawn_as_the_full_plotly_js_draws_them(browser, language: str) -> None:
    exercise, user = seeded_exercise()
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/exercises/{exercise.pk}/results/")
    assert response.status_code == 200
    screen = figures_of(response.content.decode())
    assert set(screen) == RESULTS_CHARTS
    printed = {f"{name} (print)": for_print(copy.deepcopy(figure))[1] for name, figure in screen.items()}
    figures = {**screen, **printed}

    small = svgs(browser, PAGE_PLOTLY_JS, figures)
    full = svgs(browser, FULL_PLOTLY_JS, figures)
    for name in figures:
        assert small[name].startswith("data:image/svg+xml,"), name
        assert small[name] == full[name], name
    # Numbers follow the page's language through each figure's separators, which any plotly.js reads.
    ticks = re.findall(r'class="ytick"><text[^>]*>([^<]*)<', unquote(small["sensitivity"]))
    assert ("0,2" if language == "fr" else "0.2") in ticks
