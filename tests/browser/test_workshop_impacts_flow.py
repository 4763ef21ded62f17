"""The workshop's cross-impacts phase in a real browser: a participant rates cells with the keyboard, sees nobody
else's ratings while the phase is blind, and the facilitator reads the group's matrix once revealed; axe-core
finds no serious or critical violation on either screen, in English and in French."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from policies.models import Driver, DriverState, Exercise, ImpactJudgment, Membership, Role
from policies.models.exercises import Phase
from policies.services.participants import add_persona
from tests.browser.test_accessibility_workshop import check, log_in, move, open_page
from tests.factories import UserFactory, make_exercise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_cross_impacts_workshop() -> tuple[Exercise, dict[str, DriverState]]:
    """A blind, facilitated exercise in its cross-impacts phase, on two drivers of two states each."""
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, blind=True, phase=Phase.IMPACTS, consensus_threshold=1.0
    )
    exercise.refresh_from_db()
    states: dict[str, DriverState] = {}
    for d, (key, names) in enumerate([("regime", ["junta", "civilian"]), ("aid", ["suspended", "restored"])]):
        driver = Driver.objects.create(
            case=exercise.case, key=key, name={"en": key.title(), "fr": f"{key.title()} (fr)"}, position=d
        )
        for s, name in enumerate(names):
            states[name] = DriverState.objects.create(
                driver=driver, key=name, name={"en": name.title(), "fr": f"{name.title()} (fr)"}, position=s
            )
    return exercise, states


def rate(page, source: DriverState, target: DriverState, value: str, key: str) -> None:
    """Type a rating and leave the cell with `key`; wait for the page to say the cell was saved."""
    cell = page.get_by_test_id(f"rate-{source.pk}-{target.pk}")
    cell.fill(value)
    cell.press(key)
    page.locator(f"#rs-{source.pk}-{target.pk} [data-state=saved]").wait_for()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_participants_rate_blind_and_the_facilitator_reads_the_group_after_the_reveal(
    browser, live_server, language: str
) -> None:
    exercise, s = a_cross_impacts_workshop()
    me = UserFactory(username=f"rater-{language}")
    Membership.objects.create(team=exercise.team, user=me, role=Role.PARTICIPANT)
    boss = UserFactory(username=f"boss-{language}")
    Membership.objects.create(team=exercise.team, user=boss, role=Role.FACILITATOR)
    # Another member who already rated: the opposite of what is typed below on one cell, the same on another.
    other = add_persona(exercise=exercise, key="other", alias="Other member", profile={})
    ImpactJudgment.objects.create(participant=other, source=s["junta"], target=s["suspended"], value=-3)
    ImpactJudgment.objects.create(participant=other, source=s["suspended"], target=s["junta"], value=2)
    axe = Axe()
    problems: dict[str, list[str]] = {}
    errors: list[str] = []
    impacts = reverse("workshop-impacts", args=[exercise.pk])
    board = reverse("workshop-impact-group", args=[exercise.pk])

    context, page = open_page(browser, live_server, errors)
    log_in(page, me.username)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(impacts)
    assert page.locator("html").get_attribute("lang") == language
    rate(page, s["junta"], s["suspended"], "+3", "Tab")
    rate(page, s["suspended"], s["junta"], "2", "Enter")
    wrong = page.get_by_test_id(f"rate-{s['civilian'].pk}-{s['restored'].pk}")
    wrong.fill("12")
    wrong.press("Tab")
    failed = page.locator(f"#rs-{s['civilian'].pk}-{s['restored'].pk} [data-state=error]")
    failed.wait_for()
    assert failed.inner_text().strip()  # the refusal is said in words, not only in colour
    mine = {
        (row.source.key, row.target.key): row.value
        for row in ImpactJudgment.objects.filter(participant__user=me).select_related("source", "target")
    }
    assert mine == {("junta", "suspended"): 3, ("suspended", "junta"): 2}
    # Blind: the participant's screen keeps the others' ratings and the group's matrix back, and says so.
    page.reload()
    assert page.get_by_test_id(f"rate-{s['junta'].pk}-{s['suspended'].pk}").input_value() == "+3"
    page.get_by_test_id("withheld").wait_for()
    assert page.get_by_test_id("group-impacts").count() == 0
    check(page, axe, problems, f"{language}: participant rating")

    move(exercise, phase=Phase.REVEAL)
    facilitator_context, facilitator = open_page(browser, live_server, errors)
    log_in(facilitator, boss.username)
    facilitator_context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    facilitator.goto(board)
    group = facilitator.get_by_test_id("group-impacts")
    group.wait_for()
    facilitator.locator("#chart-cib-matrix .plotly-chart .main-svg").first.wait_for()  # drawn
    assert "2" in group.locator("h2").inner_text()  # two members rated
    disputed = facilitator.get_by_test_id("disputed-impacts").inner_text()
    junta = "Junta (fr)" if language == "fr" else "Junta"
    assert junta in disputed and "→" in disputed
    assert disputed.count("→") == 1  # +3 against -3 is disputed; +2 and +2 agree
    facilitator.get_by_test_id("group-scenarios").wait_for()
    check(facilitator, axe, problems, f"{language}: facilitator's group matrix")

    # After the reveal the participant sees the group's matrix too.
    page.goto(impacts)
    page.get_by_test_id("group-impacts").wait_for()
    check(page, axe, problems, f"{language}: participant after the reveal")
    facilitator_context.close()
    context.close()

    assert not errors, f"browser errors: {errors}"
    failing = {name: found for name, found in problems.items() if found}
    assert not failing, failing
