"""Direct points typed as numbers move their sliders and keep the total at 100; a swing out of range says so
and marks the field, instead of failing silently."""

import pytest
from django.urls import reverse

from policies.models import Exercise, Membership, Role, WeightJudgment
from policies.models.exercises import Phase, WeightingMethod
from tests.browser.test_accessibility_workshop import log_in, open_page
from tests.factories import UserFactory, make_exercise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_weighing(method: str) -> tuple[Exercise, list]:
    exercise = make_exercise(options=2, criteria=3)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, phase=Phase.WEIGHTING, weighting_method=method
    )
    return exercise, list(exercise.criteria.order_by("position", "pk"))


def total(page) -> int:
    return sum(
        int(v)
        for v in page.locator("form.weights input[type=range]").evaluate_all("els => els.map(e => e.value)")
    )


def test_typed_points_keep_the_sum_and_are_saved(browser, live_server) -> None:
    exercise, criteria = a_weighing(WeightingMethod.DIRECT)
    me = UserFactory(username="exact-points")
    Membership.objects.create(team=exercise.team, user=me, role=Role.PARTICIPANT)
    errors: list[str] = []
    context, page = open_page(browser, live_server, errors)
    log_in(page, me.username)
    page.goto(reverse("workshop-play", args=[exercise.pk]))

    typed = page.get_by_test_id(f"points-{criteria[0].key}")
    typed.fill("55")
    assert page.get_by_test_id(f"weight-{criteria[0].key}").input_value() == "55"
    assert total(page) == 100
    page.locator("form.weights [data-state=saved]").wait_for()
    # The other fields follow their rebalanced sliders.
    others = [int(page.get_by_test_id(f"points-{c.key}").input_value()) for c in criteria[1:]]
    assert sum(others) == 45
    saved = {w.criterion_id: w.value for w in WeightJudgment.objects.filter(participant__user=me)}
    assert saved[criteria[0].pk] == 55 and sum(saved.values()) == 100

    # Moving a slider updates the typed numbers.
    page.get_by_test_id(f"weight-{criteria[1].key}").fill("10")
    assert int(page.get_by_test_id(f"points-{criteria[1].key}").input_value()) == 10
    assert total(page) == 100

    # Not a whole number from 0 to 100: marked invalid, told in words, nothing sent.
    typed.fill("150")
    assert typed.get_attribute("aria-invalid") == "true"
    page.locator("form.weights [data-state=invalid]").wait_for()
    assert "0 to 100" in page.locator("form.weights .status").inner_text()
    assert page.get_by_test_id(f"weight-{criteria[0].key}").input_value() != "150"
    typed.fill("40")
    assert typed.get_attribute("aria-invalid") is None
    page.locator("form.weights [data-state=saved]").wait_for()
    assert total(page) == 100
    context.close()
    assert not errors, errors


def test_an_out_of_range_swing_shows_a_message_and_an_invalid_state(browser, live_server) -> None:
    exercise, criteria = a_weighing(WeightingMethod.SWING)
    me = UserFactory(username="swing-150")
    Membership.objects.create(team=exercise.team, user=me, role=Role.PARTICIPANT)
    errors: list[str] = []
    context, page = open_page(browser, live_server, errors)
    log_in(page, me.username)
    page.goto(reverse("workshop-play", args=[exercise.pk]))
    field = page.get_by_test_id(f"weight-{criteria[1].key}")
    field.fill("150")
    field.press("Tab")
    page.locator("form.weights [data-state=invalid]").wait_for()
    assert field.get_attribute("aria-invalid") == "true"
    assert "0 to 100" in page.locator("form.weights .status").inner_text()
    field.fill("60")
    field.press("Tab")
    assert field.get_attribute("aria-invalid") is None
    context.close()
    assert not errors, errors


def test_a_save_answered_after_a_field_turned_invalid_does_not_say_saved(browser, live_server) -> None:
    """The save of a slider move is still on its way when a typed number turns invalid: its late "Saved" must not
    replace the message that the value now in the field is not saved."""
    exercise, criteria = a_weighing(WeightingMethod.DIRECT)
    me = UserFactory(username="late-answer")
    Membership.objects.create(team=exercise.team, user=me, role=Role.PARTICIPANT)
    errors: list[str] = []
    context, page = open_page(browser, live_server, errors)
    log_in(page, me.username)
    page.goto(reverse("workshop-play", args=[exercise.pk]))
    held = []
    page.route("**/weights/**", lambda route: held.append(route))
    page.get_by_test_id(f"weight-{criteria[1].key}").fill("10")
    for _ in range(100):  # the route's handler runs as the page waits
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the save was not sent"
    typed = page.get_by_test_id(f"points-{criteria[0].key}")
    typed.fill("150")
    page.locator("form.weights [data-state=invalid]").wait_for()
    for route in held:
        route.continue_()
    page.wait_for_function("() => document.querySelector('form.weights.htmx-request') === null")
    assert "0 to 100" in page.locator("form.weights .status").inner_text()
    assert typed.get_attribute("aria-invalid") == "true"
    context.close()
    assert not errors, errors
