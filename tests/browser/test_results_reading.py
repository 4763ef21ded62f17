"""The results page as a class reads it, in a real browser: dragging a weight ranks the options again at once,
the page has no serious accessibility violation once every chart has drawn, and the brief downloads as a PDF of
a few pages whose figures pdftotext reads."""

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from axe_playwright_python.sync_playwright import Axe
from pypdf import PdfReader

from policies.casefile.validation import parse_case_file
from policies.models import Exercise, Membership, Role
from policies.reporting.brief import MAX_PAGES
from policies.selectors.analysis_results import analysis_results
from policies.services.case_import import import_case
from tests.browser.test_accessibility import AXE_OPTIONS, serious
from tests.factories import PASSWORD, TeamFactory, UserFactory
from tests.viewers import facilitator_view

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SEED = Path(__file__).resolve().parents[2] / "seeds" / "mali-2012.json"


def signed_in(page, role: str = Role.ANALYST) -> Exercise:
    team = TeamFactory()
    user = UserFactory(username=f"reader-{role}")
    Membership.objects.create(team=team, user=user, role=role)
    exercise = import_case(case_file=parse_case_file(SEED.read_bytes()), team=team).exercises.get()
    page.goto("/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    return exercise


def whatif_order(page) -> list[str]:
    return page.locator("[data-testid=whatif-ranking] tbody tr").evaluate_all(
        "rows => rows.map(row => row.dataset.whatifOption)"
    )


def test_dragging_a_weight_ranks_the_options_again_at_once(page) -> None:
    exercise = signed_in(page)
    bundle = analysis_results(exercise, visibility=facilitator_view(exercise))
    parts, additive = bundle.parts
    assert additive
    keys = [o.key for o in bundle.options]
    group_order = [keys[i] for i in bundle.order]
    # A criterion that, given all the weight, puts another option first.
    j = next(j for j in range(parts.shape[1]) if keys[int(np.argmax(parts[:, j]))] != group_order[0])
    leader = keys[int(np.argmax(parts[:, j]))]

    page.goto(f"/exercises/{exercise.pk}/results/")
    slider = page.get_by_test_id(f"whatif-weight-{j}")
    slider.scroll_into_view_if_needed()
    slider.wait_for()  # shown once the script has started
    assert whatif_order(page) == group_order
    page.evaluate("window.__sameDocument = true")

    box = slider.bounding_box()
    assert box
    start = box["x"] + box["width"] * int(slider.input_value()) / 100
    page.mouse.move(start, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] + 40, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()

    assert slider.input_value() == "100"
    assert whatif_order(page)[0] == leader
    others = [
        int(page.get_by_test_id(f"whatif-weight-{k}").input_value()) for k in range(parts.shape[1]) if k != j
    ]
    assert others == [0] * len(others)  # the weights still add up to 100%
    moved = page.locator("[data-testid=whatif-ranking] tbody tr").first
    assert moved.locator("td").nth(2).inner_text().startswith("▲")
    assert page.evaluate("window.__sameDocument") is True  # no request, no reload
    # The server's charts stay those of the group's weights.
    assert page.locator("#chart-sensitivity").count() == 1

    # Half way: the other weights share what is left in their proportions.
    slider.focus()
    for _ in range(50):
        slider.press("ArrowLeft")
    total = sum(int(page.get_by_test_id(f"whatif-weight-{k}").input_value()) for k in range(parts.shape[1]))
    assert slider.input_value() == "50" and abs(total - 100) <= parts.shape[1]

    page.get_by_test_id("whatif-reset").click()
    assert whatif_order(page) == group_order
    assert page.locator("[data-whatif-status]").inner_text() == "The ranking is the group’s."


def test_the_results_page_has_no_serious_violation_once_its_charts_have_drawn(page) -> None:
    exercise = signed_in(page)
    page.goto(f"/exercises/{exercise.pk}/results/")
    charts = page.locator("[data-figure]")
    for k in range(charts.count()):
        chart = charts.nth(k)
        chart.scroll_into_view_if_needed()
        chart.locator(".main-svg").first.wait_for()
    assert page.locator("[data-figure][data-drawn=true]").count() == charts.count() >= 15
    problems = serious(Axe().run(page, options=AXE_OPTIONS))
    assert not problems, problems


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_brief_is_offered_first_and_downloads_as_a_short_pdf(page, celery_worker_process) -> None:
    exercise = signed_in(page, Role.FACILITATOR)
    page.goto(f"/exercises/{exercise.pk}/results/")
    offered = page.locator("button[data-testid^=generate-]").evaluate_all(
        "buttons => buttons.map(b => b.dataset.testid)"
    )
    assert offered == ["generate-brief", "generate-report"]
    page.get_by_test_id("generate-brief").click()
    link = page.locator(".report-status[data-kind=brief] a[href*=download]")
    link.wait_for(timeout=120_000)
    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename.endswith("-brief-en.pdf")
    pdf = Path(download_info.value.path()).read_bytes()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert 2 <= pages <= MAX_PAGES
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Figure 1. Weighted contributions by criterion" in text
    assert "Figure 2. Rank acceptability" in text
    assert "Figure 3. How far each weight can move" in text
    assert "Figure 4." not in text
    assert "Robustness checks" in text and "Negotiated settlement" in text
    # The figures are drawn with their labels as text.
    assert "Local legitimacy" in text

    # The reports page offers the brief first too.
    page.goto(f"/exercises/{exercise.pk}/reports/")
    assert page.locator("#report-kind option").first.get_attribute("value") == "brief"
