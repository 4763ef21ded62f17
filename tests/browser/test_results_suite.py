"""The results screen's analysis suite in a real browser: switching method and scenario redraws the charts
through htmx without reloading the page, the state is bookmarkable, and a chart downloads as SVG."""

from pathlib import Path

import pytest

from policies.casefile.validation import parse_case_file
from policies.models import Membership, Role
from policies.services.case_import import import_case
from tests.factories import PASSWORD, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SEED = Path(__file__).resolve().parents[2] / "seeds" / "mali-2012.json"

PLOTTED = 'id => document.querySelector(`[data-figure="figure-${id}"]`).data'


def plotted(page, chart: str):
    """What Plotly actually drew for a chart (its gd.data), once it is on screen."""
    page.locator(f"#chart-{chart}").scroll_into_view_if_needed()
    page.locator(f"#chart-{chart} .main-svg").first.wait_for()
    return page.evaluate(PLOTTED, chart)


def test_switching_method_and_scenario_redraws_the_charts(page) -> None:
    team = TeamFactory()
    UserFactory(username="nadia")
    Membership.objects.create(
        team=team, user=UserFactory._meta.model.objects.get(username="nadia"), role=Role.ANALYST
    )
    exercise = import_case(case_file=parse_case_file(SEED.read_bytes()), team=team).exercises.get()

    page.goto("/")
    page.get_by_label("Username").fill("nadia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/exercises/{exercise.pk}/results/")
    contributions = plotted(page, "contributions")
    heatmap = plotted(page, "score-heatmap")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    # Method: PROMETHEE II's bars are its criteria's parts of the net flow, so the plotted numbers change.
    page.locator("#results-controls").scroll_into_view_if_needed()
    page.get_by_label("Method", exact=True).select_option("promethee_ii")
    page.wait_for_function("() => location.search.includes('method=promethee_ii')")
    page.locator("table[data-testid=ranking] caption", has_text="PROMETHEE II").wait_for()
    after = plotted(page, "contributions")
    assert [trace["x"] for trace in after] != [trace["x"] for trace in contributions]
    assert any(x < 0 for trace in after for x in trace["x"])  # flows pull some options down
    assert page.evaluate("window.__sameDocument") is True

    # Scenario: the scores in that future replace the baseline's on every chart.
    page.get_by_label("Scenario", exact=True).select_option("sc-jihadist-consolidation")
    page.wait_for_function("() => location.search.includes('scenario=sc-jihadist-consolidation')")
    page.get_by_test_id("at-a-glance").filter(has_text="Jihadist consolidation").wait_for()
    assert plotted(page, "score-heatmap")[0]["z"] != heatmap[0]["z"]
    plotted(page, "scenario-heatmap")
    layout = page.evaluate("() => document.querySelector('[data-figure=\"figure-scenario-heatmap\"]').layout")
    assert layout["shapes"][0]["x0"] == 0.5  # the scenario on view is outlined
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator("#results-status").inner_text().startswith("Community-based security ranks first")

    # Each chart downloads as SVG (and PNG) from the browser.
    page.locator("#chart-contributions").scroll_into_view_if_needed()
    with page.expect_download() as download_info:
        page.locator("#chart-contributions button[data-download=svg]").click()
    download = download_info.value
    assert download.suggested_filename == "contributions.svg"
    assert Path(download.path()).read_text()[:200].lstrip().startswith("<svg")

    # The URL is the state: opening it again shows the same choice, server-rendered.
    page.goto(page.url)
    assert page.get_by_label("Method", exact=True).input_value() == "promethee_ii"
    assert page.get_by_label("Scenario", exact=True).input_value() == "sc-jihadist-consolidation"
    page.locator("table[data-testid=ranking] caption", has_text="PROMETHEE II").wait_for()


def test_a_name_holding_a_link_is_shown_as_typed_and_is_no_link(page) -> None:
    """Plotly draws <a href> in a label as a link: the results screen shows the name as text instead."""
    team = TeamFactory()
    user = UserFactory(username="amadou")
    Membership.objects.create(team=team, user=user, role=Role.ANALYST)
    exercise = import_case(case_file=parse_case_file(SEED.read_bytes()), team=team).exercises.get()
    label = '<a href="http://x.io">Go</a>'  # short enough for one line of a tick label
    option = exercise.options.first()
    option.name = {"en": label}
    option.save()

    page.goto("/")
    page.get_by_label("Username").fill("amadou")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/exercises/{exercise.pk}/results/")
    plotted(page, "contributions")
    chart = page.locator("#chart-contributions")
    assert chart.locator("a").count() == 0
    assert label in chart.locator(".main-svg").first.text_content()
