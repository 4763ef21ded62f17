"""A participant takes part in a whole workshop with the keyboard alone (WCAG 2.1.1).

The participant's page only ever receives key presses (Tab, Shift+Tab, Enter, Space, arrows, Backspace and
typed text); the facilitator, in another browser, uses the mouse. The focus is always visible and never falls
back to <body> when a poll replaces the screen: within a phase it stays on the field, at a new phase or round
it moves to the line that names the phase.
"""

import time

import pytest

from policies.models import Exercise, Membership, Role, ScoreJudgment, WeightJudgment
from policies.models.exercises import Phase
from policies.selectors.workshop_state import phase_token
from policies.services.participants import join_as_guest
from policies.services.workshop import issue_join_code
from tests.browser.test_accessibility_workshop import log_in, open_page
from tests.factories import ScenarioFactory, UserFactory, make_exercise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE = "document.activeElement"


def focus_to(page, selector: str, *, back: bool = False, limit: int = 80) -> None:
    """Tab (or Shift+Tab) until the element matching selector has the focus."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(limit):
        if page.evaluate(f"s => !!{ACTIVE} && {ACTIVE}.matches(s)", selector):
            assert_focus_visible(page)
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {selector}")


def assert_focus_visible(page) -> None:
    ring = page.evaluate(
        f"""() => {{
          const el = {ACTIVE};
          const style = getComputedStyle(el);
          return {{tag: el.tagName, style: style.outlineStyle, width: parseFloat(style.outlineWidth) || 0}};
        }}"""
    )
    assert ring["tag"] != "BODY", "the focus is lost"
    assert ring["style"] != "none" and ring["width"] >= 2, f"no visible focus indicator on {ring}"


def wait_for_phase_line(page, label: str) -> None:
    """After the facilitator moves on, the participant's focus lands on the new phase line, not on <body>."""
    page.get_by_test_id("phase").filter(has_text=label).wait_for()
    page.wait_for_function(f"!!{ACTIVE} && {ACTIVE}.matches('#stage .phase-bar')")
    assert_focus_visible(page)


def retype(page, text: str) -> None:
    """Replace a short field's value: End, Backspace until empty, then the new text."""
    page.keyboard.press("End")
    for _ in range(6):
        page.keyboard.press("Backspace")
    page.keyboard.type(text)


def eventually(check, timeout: float = 10) -> None:
    """Autosaves are debounced: wait until the database holds what was typed, or fail."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the judgment never reached the database"
        time.sleep(0.2)


def saved(page, selector: str) -> None:
    form = page.locator("form.autosave", has=page.locator(selector))
    form.locator("[data-state=saved]").wait_for()
    assert form.locator("[data-state=saved]").inner_text() == "Saved"


def test_a_participant_takes_part_with_the_keyboard_alone(browser, live_server) -> None:
    exercise = make_exercise(options=2, criteria=2)
    scenario = ScenarioFactory(case=exercise.case)
    exercise.scenarios.add(scenario)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, blind=True, phase=Phase.BRIEFING, max_rounds=3, consensus_threshold=1.0
    )
    exercise = issue_join_code(exercise=exercise)
    options = list(exercise.options.order_by("position"))
    criteria = list(exercise.criteria.order_by("position"))
    for guest, value in (
        (join_as_guest(exercise=exercise, display_name=n), v) for n, v in (("Ana", 2), ("Bo", 9))
    ):
        for option in options:
            for criterion in criteria:
                ScoreJudgment.objects.create(
                    participant=guest, option=option, criterion=criterion, value=value
                )
    boss_user = UserFactory(username="boss-keys")
    Membership.objects.create(team=exercise.team, user=boss_user, role=Role.FACILITATOR)
    errors: list[str] = []
    boss_context, boss = open_page(browser, live_server, errors)
    log_in(boss, boss_user.username)
    boss.goto(f"/exercises/{exercise.pk}/facilitate/")

    def to_phase(phase: str, label: str) -> None:
        boss.get_by_test_id(f"phase-{phase}").click()
        if phase == "closed":  # closing asks for confirmation
            boss.get_by_test_id("confirm-close-yes").click()
        boss.get_by_test_id("current-phase").filter(has_text=label).wait_for()

    context, page = open_page(browser, live_server, errors)

    # Join: the code, then a display name, each sent with Enter.
    page.goto("/join/")
    focus_to(page, "#join-code")
    page.keyboard.type(exercise.join_code.lower())
    page.keyboard.press("Enter")
    page.locator("#join-name").wait_for()
    focus_to(page, "#join-name")
    page.keyboard.type("Kim")
    page.keyboard.press("Enter")
    page.get_by_test_id("phase").filter(has_text="Briefing").wait_for()
    kim = exercise.participants.get(alias="Kim")

    # Weighting: arrows on the sliders; the other slider follows so the total stays 100.
    to_phase("weighting", "Weighting")
    wait_for_phase_line(page, "Weighting")
    first, second = (f"[data-testid=weight-{c.key}]" for c in criteria)
    focus_to(page, first)
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    saved(page, first)
    assert page.locator("output[data-total]").inner_text() == "100"
    focus_to(page, second)
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    focus_to(page, first, back=True)  # Shift+Tab goes back to the first slider
    eventually(
        lambda: (
            {w.criterion_id: w.value for w in WeightJudgment.objects.filter(participant=kim)}
            == {criteria[0].pk: 80, criteria[1].pk: 20}
        )
    )
    saved(page, first)
    assert_focus_visible(page)  # the autosave kept the focus on the slider

    # Scoring: a value, then "why and how sure?" opened with Enter, a rationale and a confidence by arrows.
    to_phase("scoring", "Scoring")
    wait_for_phase_line(page, "Scoring")
    cell = f"[data-testid=score-{options[0].key}-{criteria[0].key}]"
    focus_to(page, cell)
    page.keyboard.type("6")
    page.keyboard.press("Tab")
    assert page.evaluate(f"{ACTIVE}.tagName") == "SUMMARY"
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(f"{ACTIVE}.name") == "rationale"
    page.keyboard.type("Roads are cut in the rainy season")
    page.keyboard.press("Tab")
    assert page.evaluate(f"{ACTIVE}.name") == "confidence"
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    saved(page, cell)
    first_cell = ScoreJudgment.objects.filter(
        participant=kim, option=options[0], criterion=criteria[0], round=1
    )
    eventually(
        lambda: (
            (j := first_cell.first()) is not None
            and (j.value, j.confidence) == (6, 4)
            and "rainy season" in j.rationale.get("en", "")
        )
    )

    # A value out of range is refused in words; Shift+Tab back, correct it, and it saves.
    wrong = f"[data-testid=score-{options[0].key}-{criteria[1].key}]"
    focus_to(page, wrong)
    page.keyboard.type("99")
    page.keyboard.press("Tab")
    refused = page.locator("form.cell", has=page.locator(wrong)).locator("[data-state=error]")
    refused.wait_for()
    assert "scored from" in refused.inner_text()
    focus_to(page, wrong, back=True)
    retype(page, "3")
    page.keyboard.press("Tab")
    saved(page, wrong)
    for criterion in criteria:
        focus_to(page, f"[data-testid=score-{options[1].key}-{criterion.key}]")
        page.keyboard.type("7")
        page.keyboard.press("Tab")
        saved(page, f"[data-testid=score-{options[1].key}-{criterion.key}]")

    # The scenario table opens with Space.
    focus_to(page, "details.scenario-table > summary")
    page.keyboard.press("Space")
    in_scenario = f"[data-testid=score-{options[0].key}-{criteria[0].key}-{scenario.key}]"
    focus_to(page, in_scenario)
    retype(page, "8")
    page.keyboard.press("Tab")
    saved(page, in_scenario)
    assert (
        ScoreJudgment.objects.get(
            participant=kim, option=options[0], criterion=criteria[0], scenario=scenario
        ).value
        == 8
    )

    # A settings change swaps the stage within the phase: the focus stays on the field being worked on.
    focus_to(page, cell, back=True)
    boss.get_by_test_id("save-settings").click()
    boss.get_by_text("Settings saved.").wait_for()
    exercise.refresh_from_db()
    page.wait_for_function(
        "token => document.getElementById('stage').getAttribute('hx-get').endsWith(token)",
        arg=phase_token(exercise),
    )
    assert page.evaluate(f"{ACTIVE}.dataset.testid") == cell[len("[data-testid=") : -1]
    assert_focus_visible(page)

    to_phase("reveal", "Reveal")
    wait_for_phase_line(page, "Reveal")
    assert "in dispute" in page.get_by_test_id(f"reveal-{options[0].key}-{criteria[0].key}").inner_text()

    # Round 2: the group's median under each cell; the participant revises.
    boss.get_by_test_id("next-round").click()
    boss.get_by_text("Round 2 of 3").first.wait_for()
    wait_for_phase_line(page, "Scoring")
    assert "Round 2 of 3" in page.locator("#stage .phase-bar").inner_text()
    assert "Group median" in page.get_by_test_id(f"feedback-{options[0].key}-{criteria[0].key}").inner_text()
    focus_to(page, cell)
    retype(page, "5")
    page.keyboard.press("Tab")
    saved(page, cell)
    assert (
        ScoreJudgment.objects.get(participant=kim, option=options[0], criterion=criteria[0], round=2).value
        == 5
    )

    to_phase("closed", "Closed")
    wait_for_phase_line(page, "Closed")
    page.get_by_text("The facilitator has closed this exercise").wait_for()
    context.close()
    boss_context.close()
    assert not errors, f"browser errors: {errors}"
