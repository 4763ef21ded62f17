"""The facilitator's controls in a browser: a timer that locks the phase, more time, closing with a
confirmation, comments answered, hidden and pinned on the dashboard, and the drill-down from a disputed cell;
axe finds nothing serious or critical on these screens."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone

from policies.models import Comment, Exercise, Membership, Role, ScoreJudgment
from policies.models.exercises import Phase
from policies.services.participants import join_as_guest
from policies.services.workshop import CommentSubject, add_comment, issue_join_code
from tests.browser.test_accessibility import AXE_OPTIONS, serious
from tests.browser.test_accessibility_workshop import log_in, open_page
from tests.factories import UserFactory, make_exercise
from tests.viewers import judging

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_timer_locks_the_phase_and_the_facilitator_gives_more_time(browser, live_server) -> None:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, phase=Phase.SCORING)
    exercise = issue_join_code(exercise=exercise)
    options = list(exercise.options.order_by("position", "pk"))
    criteria = list(exercise.criteria.order_by("position", "pk"))
    boss_user, me = UserFactory(username="timer-boss"), UserFactory(username="timer-judge")
    Membership.objects.create(team=exercise.team, user=boss_user, role=Role.FACILITATOR)
    Membership.objects.create(team=exercise.team, user=me, role=Role.PARTICIPANT)
    errors: list[str] = []
    boss_context, boss = open_page(browser, live_server, errors)
    log_in(boss, boss_user.username)
    boss.goto(reverse("workshop-facilitate", args=[exercise.pk]))
    boss.get_by_label("Timer per phase, in minutes").fill("1")
    boss.get_by_label("When time is up").select_option("lock")
    boss.get_by_test_id("save-settings").click()
    boss.get_by_text("Settings saved.").wait_for()
    # The phase restarts so that the timer runs; then the minute passes (the clock is moved, not waited for).
    boss.get_by_test_id("phase-weighting").click()
    boss.get_by_test_id("phase-scoring").click()
    boss.get_by_test_id("timer-rule").filter(has_text="the phase locks").wait_for()
    Exercise.objects.filter(pk=exercise.pk).update(phase_started=timezone.now() - timedelta(minutes=2))

    person_context, person = open_page(browser, live_server, errors)
    log_in(person, me.username)
    person.goto(reverse("workshop-play", args=[exercise.pk]))
    cell = person.get_by_test_id(f"score-{options[0].key}-{criteria[0].key}")
    cell.fill("4")
    cell.press("Tab")
    refused = person.locator("form.cell", has=cell).locator("[data-state=error]")
    refused.wait_for()
    assert "Time is up" in refused.inner_text()
    person.locator(".timer").filter(has_text="locked").wait_for()  # the countdown says why
    assert not ScoreJudgment.objects.filter(participant__user=me).exists()

    boss.reload()
    boss.get_by_test_id("phase-locked").wait_for()
    axe = Axe()
    problems = {"dashboard, locked": serious(axe.run(boss, options=AXE_OPTIONS))}
    boss.get_by_test_id("more-time").click()
    boss.get_by_test_id("timer-rule").wait_for()
    assert boss.get_by_test_id("phase-locked").count() == 0
    # The participant's screen learns of the extra time by its poll, which redraws the table: typing before that
    # redraw would race it, as no person can (they see the lock until then).
    person.locator(".timer").filter(has_not_text="Time is up").wait_for()
    cell.fill("5")
    cell.press("Tab")
    person.locator("form.cell", has=cell).locator("[data-state=saved]").wait_for()
    assert ScoreJudgment.objects.get(participant__user=me).value == 5

    # Closing asks first; cancelling changes nothing.
    boss.get_by_test_id("phase-closed").click()
    boss.get_by_test_id("confirm-close").wait_for()
    problems["dashboard, confirm close"] = serious(axe.run(boss, options=AXE_OPTIONS))
    boss.get_by_role("link", name="Cancel").click()
    assert Exercise.objects.get(pk=exercise.pk).phase == Phase.SCORING
    boss.get_by_test_id("phase-closed").click()
    boss.get_by_test_id("confirm-close-yes").click()
    boss.get_by_test_id("closed-note").wait_for()
    assert boss.get_by_test_id("phase-closed").get_attribute("aria-current") == "step"
    assert Exercise.objects.get(pk=exercise.pk).phase == Phase.CLOSED
    boss_context.close()
    person_context.close()
    assert not errors, errors
    assert not any(problems.values()), problems


def test_comments_and_the_drill_down_on_the_dashboard(browser, live_server) -> None:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, phase=Phase.DISCUSSION)
    exercise = issue_join_code(exercise=exercise)
    option = exercise.options.order_by("position", "pk").first()
    criterion = exercise.criteria.order_by("position", "pk").first()
    for name, value in (("Ana", 1), ("Bo", 9)):
        guest = join_as_guest(exercise=exercise, display_name=name)
        ScoreJudgment.objects.create(
            participant=guest,
            option=option,
            criterion=criterion,
            value=value,
            rationale={"en": f"{name}'s reason"},
        )
    add_comment(viewer=judging(guest), subject=CommentSubject(option, None), body="An off-topic remark")
    boss_user = UserFactory(username="comment-boss")
    Membership.objects.create(team=exercise.team, user=boss_user, role=Role.FACILITATOR)
    errors: list[str] = []
    context, boss = open_page(browser, live_server, errors)
    log_in(boss, boss_user.username)
    boss.goto(reverse("workshop-facilitate", args=[exercise.pk]))
    comment = boss.get_by_test_id("comment").filter(has_text="An off-topic remark")
    comment.wait_for()
    comment.get_by_test_id("comment-hide").click()
    boss.get_by_test_id("comment-hidden").wait_for()
    assert Comment.objects.get(body="An off-topic remark").hidden
    boss.get_by_test_id("comment-pin").click()
    boss.get_by_test_id("comment-pinned").wait_for()
    boss.locator("#comments details summary").first.click()
    boss.get_by_label("Your reply").fill("Let us keep to the options.")
    boss.get_by_role("button", name="Reply", exact=True).click()
    boss.get_by_text("Let us keep to the options.").wait_for()
    axe = Axe()
    problems = {"dashboard, comments": serious(axe.run(boss, options=AXE_OPTIONS))}

    boss.get_by_test_id(f"drill-{option.key}-{criterion.key}").click()
    boss.get_by_test_id("cell-judgments").wait_for()
    assert "Ana's reason" in boss.get_by_test_id("cell-judgments").inner_text()
    assert boss.get_by_test_id("cell-distribution").locator("tbody tr").count() == 2
    problems["drill-down"] = serious(axe.run(boss, options=AXE_OPTIONS))
    context.close()
    assert not errors, errors
    assert not any(problems.values()), problems
