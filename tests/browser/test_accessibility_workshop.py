"""axe-core finds no serious or critical violation on a live workshop, phase by phase, nor on the reports screen.

The participant's screen changes with the phase, the weighting method and the round, so each variant is a
screen of its own here; folded parts (scenario tables, "why and how sure?") are opened so axe sees them too.
Colour is never the only signal: changed, disputed, saved and failed cells also say so in words.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db.models import F
from django.urls import reverse

from policies.models import Exercise, Membership, Report, Role, ScoreJudgment
from policies.models.exercises import Phase, WeightingMethod
from policies.models.reports import ReportKind, ReportStatus
from policies.services.participants import join_as_guest
from policies.services.workshop import issue_join_code
from tests.browser.conftest import is_unexpected
from tests.browser.test_accessibility import AXE_OPTIONS, serious
from tests.factories import PASSWORD, ScenarioFactory, UserFactory, make_exercise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def is_error(message) -> bool:
    """Unexpected console errors; htmx reports a poll cut short by leaving the page, which is no fault."""
    aborted = message.text.startswith(("htmx:sendAbort", "htmx:afterRequest"))
    return is_unexpected(message) and not aborted


def open_page(browser, live_server, errors: list[str], **options: object):
    context = browser.new_context(base_url=live_server.url, **options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if is_error(message) else None)
    return context, page


def log_in(page, username: str) -> None:
    page.goto(reverse("account_login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def a_workshop() -> tuple[Exercise, list]:
    """A blind, facilitated exercise with one scenario and two guests who already disagree on every cell."""
    exercise = make_exercise(options=2, criteria=3)
    scenario = ScenarioFactory(case=exercise.case)
    exercise.scenarios.add(scenario)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, blind=True, phase=Phase.SCORING, max_rounds=3, consensus_threshold=1.0
    )
    exercise = issue_join_code(exercise=exercise)
    guests = [join_as_guest(exercise=exercise, display_name=name) for name in ("Ana", "Bo")]
    for guest, value in zip(guests, (2, 9), strict=True):
        for option in exercise.options.all():
            for criterion in exercise.criteria.all():
                ScoreJudgment.objects.create(
                    participant=guest,
                    option=option,
                    criterion=criterion,
                    value=value,
                    rationale={"en": f"{guest.alias} has reasons"},
                )
    return exercise, guests


def move(exercise: Exercise, **fields: object) -> None:
    """What the facilitator's buttons do, without them: the screens under test only read the state."""
    Exercise.objects.filter(pk=exercise.pk).update(version=F("version") + 1, **fields)


def check(page, axe: Axe, problems: dict, name: str) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")
    problems[name] = serious(axe.run(page, options=AXE_OPTIONS))


def test_every_workshop_phase_and_the_reports_have_no_serious_violations(browser, live_server) -> None:
    exercise, _guests = a_workshop()
    options = list(exercise.options.order_by("position"))
    criteria = list(exercise.criteria.order_by("position"))
    scenario = exercise.scenarios.get()
    team = exercise.team
    me = UserFactory(username="judge-a11y")
    Membership.objects.create(team=team, user=me, role=Role.PARTICIPANT)
    boss = UserFactory(username="boss-a11y")
    Membership.objects.create(team=team, user=boss, role=Role.FACILITATOR)
    play = reverse("workshop-play", args=[exercise.pk])
    axe = Axe()
    problems: dict[str, list[str]] = {}
    errors: list[str] = []
    participant_context, page = open_page(browser, live_server, errors)

    # The join page, both steps, as a guest.
    page.goto(reverse("workshop-join"))
    check(page, axe, problems, "join: code")
    page.get_by_label("Workshop code").fill(exercise.join_code)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Your name, as the others will see it").wait_for()
    check(page, axe, problems, "join: name")

    log_in(page, me.username)
    move(exercise, phase=Phase.BRIEFING)
    page.goto(play)
    page.get_by_test_id("phase").filter(has_text="Briefing").wait_for()
    check(page, axe, problems, "briefing")

    # AHP last: its answered state is checked next.
    for method in (WeightingMethod.DIRECT, WeightingMethod.SWING, WeightingMethod.RANK, WeightingMethod.AHP):
        move(exercise, phase=Phase.WEIGHTING, weighting_method=method)
        page.goto(play)
        page.get_by_test_id(f"weight-{criteria[0].key}").or_(
            page.get_by_test_id(f"pair-{criteria[0].key}-{criteria[1].key}")
        ).first.wait_for()
        check(page, axe, problems, f"weighting: {method.value}")
    # AHP with every comparison answered shows the consistency ratio and the comparisons to revisit.
    for select in page.locator("form.weights select").all():
        select.select_option("9")
    page.get_by_test_id("ahp-cr").wait_for()
    check(page, axe, problems, "weighting: ahp answered")

    move(exercise, phase=Phase.SCORING, weighting_method=WeightingMethod.DIRECT)
    page.goto(play)
    first = page.get_by_test_id(f"score-{options[0].key}-{criteria[0].key}")
    first.fill("4")
    first.press("Tab")
    page.locator("form.cell", has=first).locator("[data-state=saved]").wait_for()
    wrong = page.get_by_test_id(f"score-{options[0].key}-{criteria[1].key}")
    wrong.fill("99")
    wrong.press("Tab")
    failed = page.locator("form.cell", has=wrong).locator("[data-state=error]")
    failed.wait_for()
    assert "scored from" in failed.inner_text()  # the failure is told in words, not only in red
    page.goto(play)
    page.locator("details.scenario-table > summary").first.click()
    in_scenario = page.get_by_test_id(f"score-{options[0].key}-{criteria[0].key}-{scenario.key}")
    in_scenario.fill("7")
    in_scenario.press("Tab")
    page.locator("form.cell", has=in_scenario).locator("[data-state=saved]").wait_for()
    page.goto(play)
    changed = page.locator("form.cell.changed")
    assert changed.count() == 1 and changed.locator("[data-changed]").text_content() == "changed"
    check(page, axe, problems, "scoring with a scenario table")

    for phase in (Phase.REVEAL, Phase.DISCUSSION):
        move(exercise, phase=phase)
        page.goto(play)
        page.get_by_test_id("workshop-ranking").wait_for()
        disputed = page.locator(".cell.disputed")
        assert disputed.count() >= 1
        for cell in disputed.all():
            assert "in dispute" in cell.inner_text()
        check(page, axe, problems, str(phase))

    move(exercise, phase=Phase.SCORING, current_round=2)
    page.goto(play)
    page.get_by_test_id(f"feedback-{options[0].key}-{criteria[0].key}").wait_for()
    check(page, axe, problems, "round 2 (Delphi feedback)")

    move(exercise, phase=Phase.CLOSED)
    page.goto(play)
    page.get_by_text("The facilitator has closed this exercise").wait_for()
    check(page, axe, problems, "closed")

    # The facilitator's screens, with reports in every state.
    context, facilitator = open_page(browser, live_server, errors)
    log_in(facilitator, boss.username)
    move(exercise, phase=Phase.REVEAL)
    facilitator.goto(reverse("workshop-facilitate", args=[exercise.pk]))
    facilitator.get_by_test_id("hotspots").wait_for()
    check(facilitator, axe, problems, "facilitator dashboard")
    facilitator.goto(reverse("workshop-trail", args=[exercise.pk]))
    facilitator.get_by_test_id("trail").wait_for()
    check(facilitator, axe, problems, "decision trail")
    states = [
        {"status": ReportStatus.PENDING},
        {"status": ReportStatus.PENDING, "stage": "queue-unavailable"},
        {"status": ReportStatus.RUNNING, "progress": 40, "stage": "charts"},
        {"status": ReportStatus.DONE, "progress": 100, "file": "reports/x.pdf"},
        {"status": ReportStatus.FAILED, "error": "Chromium crashed"},
        {"status": ReportStatus.CANCELLED},
    ]
    for fields in states:
        Report.objects.create(exercise=exercise, kind=ReportKind.PDF, requested_by=boss, **fields)
    facilitator.goto(reverse("reports", args=[exercise.pk]))
    facilitator.get_by_test_id("download-report").wait_for()
    assert facilitator.locator(".report-status").count() == len(states)
    check(facilitator, axe, problems, "reports")
    context.close()
    participant_context.close()

    assert not errors, f"browser errors: {errors}"
    failing = {name: found for name, found in problems.items() if found}
    assert not failing, failing
