"""The projector's wall through a whole exercise: it follows the phases by polling, keeps a blind round off
the wall until the reveal, then draws the room's results, in English and French, with no serious axe finding."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone

from policies.models import Membership, Role, ScoreJudgment, WeightJudgment
from policies.models.exercises import Exercise, Phase
from policies.services.participants import join_as_guest
from policies.services.workshop import issue_join_code
from tests.browser.test_accessibility import AXE_OPTIONS, serious
from tests.browser.test_accessibility_workshop import log_in, move, open_page
from tests.factories import UserFactory, make_exercise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_wall_follows_an_exercise_and_shows_nothing_blind(browser, live_server) -> None:
    exercise = make_exercise(options=3, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, blind=True, phase=Phase.BRIEFING, phase_minutes=5, phase_started=timezone.now()
    )
    exercise = issue_join_code(exercise=exercise)
    boss = UserFactory(username="wall-boss")
    Membership.objects.create(team=exercise.team, user=boss, role=Role.FACILITATOR)
    errors: list[str] = []
    context, page = open_page(browser, live_server, errors, viewport={"width": 1280, "height": 720})
    log_in(page, boss.username)
    page.goto(reverse("workshop-facilitate", args=[exercise.pk]))
    page.get_by_test_id("projector-link").click()
    page.get_by_test_id("wall-code").wait_for()
    assert page.get_by_test_id("wall-code").inner_text() == exercise.join_code
    qr = page.get_by_test_id("wall-qr").locator("svg")
    assert qr.bounding_box()["width"] > 150  # large enough to scan across a room
    assert page.get_by_test_id("wall-phase").inner_text() == "Briefing"
    assert ":" in page.get_by_test_id("wall-timer").inner_text()  # the countdown runs
    axe = Axe()
    problems = {"briefing": serious(axe.run(page, options=AXE_OPTIONS))}

    # People join and judge while scoring is blind: the wall counts them and shows nothing of their judgments.
    criteria = list(exercise.criteria.order_by("position", "pk"))
    for name, value, first in (("Ana", 2, 80), ("Bo", 9, 20)):
        guest = join_as_guest(exercise=exercise, display_name=name)
        for c, points in zip(criteria, (first, 100 - first), strict=True):
            WeightJudgment.objects.create(participant=guest, criterion=c, value=points)
        for option in exercise.options.all():
            for c in criteria:
                ScoreJudgment.objects.create(participant=guest, option=option, criterion=c, value=value)
    move(exercise, phase=Phase.SCORING)
    page.get_by_test_id("wall-phase").filter(has_text="Scoring").wait_for()
    page.get_by_test_id("wall-finished").filter(has_text="2").wait_for()
    page.get_by_test_id("wall-blind").wait_for()
    assert page.get_by_test_id("wall-results").count() == 0
    assert "80%" not in page.content() and "Ana" not in page.content()
    problems["blind scoring"] = serious(axe.run(page, options=AXE_OPTIONS))

    # The reveal draws the charts without a reload.
    move(exercise, phase=Phase.REVEAL)
    page.get_by_test_id("wall-results").wait_for()
    assert page.get_by_test_id("wall-weights").locator("tbody tr").count() == 2
    assert page.get_by_test_id("wall-spread").locator("tbody tr").count() == 3
    assert page.locator("[data-testid=wall-spread] .wall-dot").count() == 6
    assert page.get_by_test_id("wall-consensus").get_attribute("value") == "0.0"  # 2 against 9: no agreement
    assert "Ana" not in page.content()  # the room reads it: numbers, never names
    problems["reveal"] = serious(axe.run(page, options=AXE_OPTIONS))

    # In French, for a francophone room.
    page.locator("#language-select").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.get_by_test_id("wall-phase").filter(has_text="Révélation").wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"
    problems["reveal, French"] = serious(axe.run(page, options=AXE_OPTIONS))

    move(exercise, phase=Phase.CLOSED)
    page.get_by_test_id("wall-phase").filter(has_text="Clôturé").or_(
        page.get_by_test_id("wall-phase").filter(has_text="Clos")
    ).first.wait_for()
    assert page.get_by_test_id("wall-code").count() == 0  # a closed exercise takes nobody new
    context.close()
    assert not errors, errors
    assert not any(problems.values()), problems
