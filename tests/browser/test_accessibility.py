"""axe-core (WCAG 2.2 A and AA rules) finds no serious or critical violation on the main screens."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from policies.casefile.validation import parse_case_file
from policies.models import Membership, Role
from policies.services.case_import import import_case
from tests.factories import PASSWORD, TeamFactory, UserFactory
from tests.screens import main_screens

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SEED = Path(__file__).resolve().parents[2] / "seeds" / "mali-2012.json"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_main_screens_have_no_serious_violations(page) -> None:
    team = TeamFactory(slug="a11y")
    case = import_case(case_file=parse_case_file(SEED.read_bytes()), team=team)
    exercise = case.exercises.get()
    user = UserFactory(username="facilitator-a11y")
    Membership.objects.create(team=team, user=user, role=Role.FACILITATOR)

    page.goto(reverse("account_login"))
    axe = Axe()
    problems = {"login": serious(axe.run(page, options=AXE_OPTIONS))}
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")

    screens = main_screens(case, exercise)
    for url in screens:
        page.goto(url)
        page.wait_for_load_state("load")
        problems[url] = serious(axe.run(page, options=AXE_OPTIONS))
    failing = {url: found for url, found in problems.items() if found}
    assert not failing, failing
