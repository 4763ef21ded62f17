"""On an open exercise that weighs per scenario, a weight typed in a scenario's table is saved for that
scenario alone, without a reload."""

import pytest
from django.urls import reverse

from policies.models import Membership, Role, WeightJudgment
from tests.browser.test_accessibility_workshop import log_in, open_page
from tests.browser.test_flush_on_unload import wait_for
from tests.factories import ScenarioFactory, UserFactory, make_exercise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_scenario_weight_is_saved_for_its_scenario(browser, live_server) -> None:
    exercise = make_exercise(options=2, criteria=2)
    scenario = ScenarioFactory(case=exercise.case)
    exercise.scenarios.add(scenario)
    exercise.weights_by_scenario = True
    exercise.save()
    criterion = exercise.criteria.order_by("position", "pk").first()
    me = UserFactory(username="scenario-weigher")
    Membership.objects.create(team=exercise.team, user=me, role=Role.PARTICIPANT)
    errors: list[str] = []
    context, page = open_page(browser, live_server, errors)
    log_in(page, me.username)
    page.goto(reverse("exercise", args=[exercise.pk]))

    page.get_by_test_id(f"weight-{criterion.key}").fill("40")
    baseline = WeightJudgment.objects.filter(participant__user=me, scenario__isnull=True, value=40)
    assert wait_for(baseline.exists)
    page.get_by_test_id(f"scenario-weights-{scenario.key}").locator("summary").click()
    page.get_by_test_id(f"weight-{criterion.key}-{scenario.key}").fill("75")
    in_scenario = WeightJudgment.objects.filter(participant__user=me, scenario=scenario, criterion=criterion)
    assert wait_for(lambda: in_scenario.filter(value=75).exists())
    assert baseline.exists()  # the baseline keeps its 40
    context.close()
    assert not errors, errors
