"""The cross-impact grid with the keyboard alone: type a number, move with the arrow keys, and every cell left
is saved; Escape puts a cell back; letters are not typed; the saved matrix is what the page shows again."""

from pathlib import Path

import pytest
from django.urls import reverse

from policies.casefile.validation import parse_case_file
from policies.models import CrossImpact, DriverState, Role
from policies.services.case_import import import_case
from tests.browser.test_accessibility_workshop import log_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"


def cell(page, case, source: str, target: str):
    a = DriverState.objects.get(driver__case=case, key=source)
    b = DriverState.objects.get(driver__case=case, key=target)
    return page.get_by_test_id(f"impact-{a.pk}-{b.pk}")


def values(case) -> dict[tuple[str, str], int]:
    return {
        (row.source.key, row.target.key): row.value
        for row in CrossImpact.objects.filter(case=case).select_related("source", "target")
    }


def saved(page, count: int) -> None:
    """Wait until `count` cells say they were saved (the page's own status, not the database)."""
    page.locator("[data-impact-grid] [data-state=saved]").nth(count - 1).wait_for()


def test_the_grid_is_filled_with_the_keyboard(page) -> None:
    membership = MembershipFactory(role=Role.ANALYST)
    case = import_case(case_file=parse_case_file(SMALL.read_bytes()), team=membership.team)
    CrossImpact.objects.filter(case=case).delete()
    log_in(page, membership.user.username)
    page.goto(reverse("cross-impacts", args=[case.pk]))

    # Rows: rain (wet, dry), then money (rich, poor); the rain x rain and money x money blocks have no input.
    cell(page, case, "wet", "rich").focus()
    page.keyboard.type("2")
    page.keyboard.press("ArrowRight")  # wet -> poor
    assert page.evaluate("document.activeElement.dataset.testid") == cell(
        page, case, "wet", "poor"
    ).get_attribute("data-testid")
    page.keyboard.type("x-1")  # the letter is refused, the number typed
    page.keyboard.press("ArrowDown")  # dry -> poor
    page.keyboard.type("3")
    page.keyboard.press("ArrowLeft")  # dry -> rich
    page.keyboard.type("1")
    page.keyboard.press("Escape")  # put back: nothing to save there
    assert cell(page, case, "dry", "rich").input_value() == ""
    page.keyboard.press("ArrowDown")  # below are the money x money cells: no input, the focus stays
    assert page.evaluate("document.activeElement.dataset.testid") == cell(
        page, case, "dry", "rich"
    ).get_attribute("data-testid")
    saved(page, 3)
    assert values(case) == {("wet", "rich"): 2, ("wet", "poor"): -1, ("dry", "poor"): 3}

    cell(page, case, "rich", "wet").focus()
    page.keyboard.type("-2")
    page.keyboard.press("Enter")  # no cell below in that column: Enter saves in place
    saved(page, 4)
    assert values(case)[("rich", "wet")] == -2

    page.reload()
    assert cell(page, case, "wet", "rich").input_value() == "+2"
    assert cell(page, case, "wet", "poor").input_value() == "-1"
    assert cell(page, case, "dry", "rich").input_value() == ""
    assert cell(page, case, "rich", "wet").input_value() == "-2"
