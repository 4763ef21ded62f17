"""Every participant screen fits a 390 x 844 phone: the page is never wider than the screen, and controls
are targets of at least 44 px."""

import pytest
from django.urls import reverse

from policies.models import Membership, Option, Role
from policies.models.exercises import Phase, WeightingMethod
from tests.browser.test_accessibility_workshop import a_workshop, log_in, move, open_page
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# Visible controls smaller than a 44 px target (checkboxes and radios sit inside their larger labels).
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'button, select, textarea, summary, input:not([type=hidden]):not([type=checkbox]):not([type=radio])'))
  .filter(el => el.offsetParent !== null)
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width > 0 && box.height < 44)
  .map(([el, box]) => (el.getAttribute('data-testid') || el.name || el.tagName) + ' ' + Math.round(box.height))"""


def measure(page, name: str, wide: dict, small: dict) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")
    width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    if width > PHONE["width"]:
        wide[name] = width
    too_small = page.evaluate(SMALL_TARGETS)
    if too_small:
        small[name] = too_small


def test_every_participant_screen_fits_a_phone(browser, live_server) -> None:
    exercise, _guests = a_workshop()
    # A long name, as real cases have: it once made the comment form's "About" list wider than the phone.
    long_name = "Negotiate with the northern armed groups under a regional mediation mandate"
    Option.objects.filter(pk=exercise.options.order_by("position").first().pk).update(name={"en": long_name})
    options = list(exercise.options.order_by("position"))
    criteria = list(exercise.criteria.order_by("position"))
    me = UserFactory(username="phone-judge")
    Membership.objects.create(team=exercise.team, user=me, role=Role.PARTICIPANT)
    play = reverse("workshop-play", args=[exercise.pk])
    errors: list[str] = []
    wide: dict[str, int] = {}
    small: dict[str, list[str]] = {}
    context, page = open_page(browser, live_server, errors, viewport=PHONE, is_mobile=True, has_touch=True)

    page.goto(reverse("workshop-join"))
    measure(page, "join: code", wide, small)
    page.get_by_label("Workshop code").fill(exercise.join_code)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Your name, as the others will see it").wait_for()
    measure(page, "join: name", wide, small)

    log_in(page, me.username)
    measure(page, "home", wide, small)
    move(exercise, phase=Phase.BRIEFING)
    page.goto(play)
    page.get_by_test_id("phase").filter(has_text="Briefing").wait_for()
    measure(page, "briefing", wide, small)
    for method in (WeightingMethod.DIRECT, WeightingMethod.SWING, WeightingMethod.RANK, WeightingMethod.AHP):
        move(exercise, phase=Phase.WEIGHTING, weighting_method=method)
        page.goto(play)
        page.get_by_test_id(f"weight-{criteria[0].key}").or_(
            page.get_by_test_id(f"pair-{criteria[0].key}-{criteria[1].key}")
        ).first.wait_for()
        measure(page, f"weighting: {method.value}", wide, small)
    move(exercise, phase=Phase.SCORING, weighting_method=WeightingMethod.DIRECT)
    page.goto(play)
    page.get_by_test_id(f"score-{options[0].key}-{criteria[0].key}").wait_for()
    measure(page, "scoring", wide, small)
    for phase in (Phase.REVEAL, Phase.DISCUSSION):
        move(exercise, phase=phase)
        page.goto(play)
        page.get_by_test_id("workshop-ranking").wait_for()
        page.locator("#comments form").first.wait_for()
        measure(page, f"{phase}, with comments", wide, small)
    # The comment form's Post button takes a tap (nothing covers it).
    page.get_by_test_id("comment-body").fill("Seen on a phone")
    page.get_by_role("button", name="Post").tap()
    page.get_by_text("Seen on a phone").wait_for()
    move(exercise, phase=Phase.SCORING, current_round=2)
    page.goto(play)
    page.get_by_test_id(f"feedback-{options[0].key}-{criteria[0].key}").wait_for()
    measure(page, "round 2", wide, small)
    move(exercise, phase=Phase.CLOSED)
    page.goto(play)
    page.get_by_text("The facilitator has closed this exercise").wait_for()
    measure(page, "closed", wide, small)
    page.goto("/no/such/page/")
    measure(page, "not found", wide, small)
    errors = [e for e in errors if "404 (Not Found)" not in e]  # that page's status, on purpose
    context.close()
    assert not wide, f"pages wider than the phone: {wide}"
    assert not small, f"targets under 44 px: {small}"
    assert not errors, errors
