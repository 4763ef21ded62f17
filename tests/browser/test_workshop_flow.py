"""A live workshop in four browsers: a facilitator and three participants (one on a phone-sized screen).

They join by code, weigh, score blind, see the reveal, revise in round 2 until the cells agree, and the
facilitator closes the exercise; the participants' screens follow every phase without reloading.
"""

import pytest

from policies.models import Exercise, Membership, Role, ScoreJudgment, WeightJudgment
from policies.models.exercises import Phase
from policies.services.workshop import issue_join_code
from tests.browser.conftest import is_unexpected
from tests.factories import PASSWORD, UserFactory, make_exercise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(browser, live_server, errors: list[str], **options):
    context = browser.new_context(base_url=live_server.url, **options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if is_unexpected(message) else None)
    return context, page


def test_four_people_run_a_workshop_to_consensus(browser, live_server) -> None:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, blind=True, phase=Phase.BRIEFING, max_rounds=3, consensus_threshold=1.0
    )
    exercise = issue_join_code(exercise=exercise)
    boss_user = UserFactory(username="facil")
    Membership.objects.create(team=exercise.team, user=boss_user, role=Role.FACILITATOR)
    options = list(exercise.options.order_by("position"))
    criteria = list(exercise.criteria.order_by("position"))
    errors: list[str] = []
    contexts = []

    ctx, boss = new_page(browser, live_server, errors)
    contexts.append(ctx)
    boss.goto("/accounts/login/")
    boss.get_by_label("Username").fill("facil")
    boss.get_by_label("Password").fill(PASSWORD)
    boss.get_by_role("button", name="Log in").click()
    boss.goto(f"/exercises/{exercise.pk}/facilitate/")
    code = boss.get_by_test_id("join-code").inner_text().strip()
    assert code == exercise.join_code

    people = []
    for name, options_ in (("Ana", {}), ("Bo", {"viewport": {"width": 390, "height": 844}}), ("Cy", {})):
        ctx, page = new_page(browser, live_server, errors, **options_)
        contexts.append(ctx)
        page.goto("/join/")
        page.get_by_label("Workshop code").fill(code.lower())
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Your name, as the others will see it").fill(name)
        page.get_by_role("button", name="Join").click()
        page.get_by_test_id("phase").filter(has_text="Briefing").wait_for()
        people.append(page)

    def to_phase(phase: str, label: str) -> None:
        boss.get_by_test_id(f"phase-{phase}").click()
        if phase == "closed":  # closing asks for confirmation
            boss.get_by_test_id("confirm-close-yes").click()
        boss.get_by_test_id("current-phase").filter(has_text=label).wait_for()
        for page in people:
            page.get_by_test_id("phase").filter(has_text=label).wait_for()

    boss.locator("[data-testid=participants] tbody tr").nth(2).wait_for()
    to_phase("weighting", "Weighting")
    for page in people:
        page.get_by_test_id(f"weight-{criteria[0].key}").fill("70")
        page.locator("form.weights [data-state=saved]").wait_for()
        assert page.locator("output[data-total]").inner_text() == "100"
    assert WeightJudgment.objects.filter(value=70).count() == 3
    assert WeightJudgment.objects.filter(value=30).count() == 3

    def score_all(page, value: str, round_: int) -> None:
        for option in options:
            for criterion in criteria:
                cell = page.get_by_test_id(f"score-{option.key}-{criterion.key}")
                form = page.locator("form.cell", has=cell)
                cell.fill(value)
                cell.press("Tab")
                form.locator("[data-state=saved]").wait_for()

    to_phase("scoring", "Scoring")
    for page, value in zip(people, ["2", "5", "8"], strict=True):
        score_all(page, value, 1)
    assert ScoreJudgment.objects.filter(round=1).count() == 12
    # Blind: nobody sees the others' scores yet.
    assert "median" not in people[0].locator("#stage").inner_text()

    to_phase("reveal", "Reveal")
    reveal = people[1].get_by_test_id(f"reveal-{options[0].key}-{criteria[0].key}")
    assert "median 5" in reveal.inner_text() and "in dispute" in reveal.inner_text()
    boss.get_by_test_id("hotspots").wait_for()

    boss.get_by_test_id("next-round").click()
    boss.get_by_text("Round 2 of 3").first.wait_for()
    for page in people:
        page.get_by_text("Round 2 of 3").wait_for()
        feedback = page.get_by_test_id(f"feedback-{options[0].key}-{criteria[0].key}")
        assert "Group median 5" in feedback.inner_text()
    for page in people:
        score_all(page, "5", 2)
    assert ScoreJudgment.objects.filter(round=2).count() == 12
    boss.get_by_test_id("consensus-reached").wait_for()
    to_phase("closed", "Closed")
    for page in people:
        page.get_by_text("The facilitator has closed this exercise").wait_for()
    exercise.refresh_from_db()
    assert exercise.phase == Phase.CLOSED and exercise.current_round == 2
    for ctx in contexts:
        ctx.close()
    assert not errors, f"browser errors: {errors}"
