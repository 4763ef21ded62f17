"""Scenario tables follow the baseline as it is typed and mark changed cells at once, without a reload."""

import pytest
from django.urls import reverse

from policies.models import Membership, Role, ScoreJudgment
from policies.models.exercises import Phase
from tests.browser.test_accessibility_workshop import a_workshop, log_in, move, open_page
from tests.browser.test_flush_on_unload import wait_for
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_scenario_cell_follows_its_baseline_until_changed(browser, live_server) -> None:
    exercise, _guests = a_workshop()
    option = exercise.options.order_by("position").first()
    criterion = exercise.criteria.order_by("position").first()
    scenario = exercise.scenarios.get()
    me = UserFactory(username="scenario-typist")
    Membership.objects.create(team=exercise.team, user=me, role=Role.PARTICIPANT)
    move(exercise, phase=Phase.SCORING)
    errors: list[str] = []
    context, page = open_page(browser, live_server, errors)
    log_in(page, me.username)
    page.goto(reverse("workshop-play", args=[exercise.pk]))
    page.locator("details.scenario-table > summary").first.click()
    baseline = page.get_by_test_id(f"score-{option.key}-{criterion.key}")
    in_scenario = page.get_by_test_id(f"score-{option.key}-{criterion.key}-{scenario.key}")
    scenario_cell = page.locator("form.cell", has=in_scenario)

    baseline.fill("6")
    assert in_scenario.input_value() == "6"  # prefilled from the baseline as it is typed
    assert scenario_cell.locator("[data-changed]").count() == 0
    in_scenario.fill("8")
    scenario_cell.locator("[data-changed]").wait_for()  # marked at once
    assert "changed" in scenario_cell.get_attribute("class")
    baseline.fill("7")
    assert in_scenario.input_value() == "8"  # a changed cell keeps its own value
    in_scenario.fill("7")
    assert scenario_cell.locator("[data-changed]").count() == 0  # back to the baseline: no longer changed
    saved = ScoreJudgment.objects.filter(participant__user=me, scenario=scenario, value=7)
    assert wait_for(saved.exists)
    context.close()
    assert not errors, errors
