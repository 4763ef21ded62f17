"""The user guide's screenshots, taken from the real app in English and in French.

With WORKBENCH_UPDATE_SCREENSHOTS=1 the images are written to docs/guide/img/ (commit them); otherwise they go
to a temporary folder and the test checks that every image a guide shows was produced, and that the committed
copy exists, so a guide never points at a screen the app no longer has.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image

from policies.casefile.validation import parse_case_file
from policies.models import Exercise, Membership, Report, Role, ScoreJudgment
from policies.models.exercises import Anonymity, Phase, WeightingMethod
from policies.models.reports import ReportKind, ReportStatus
from policies.services.case_import import import_case
from policies.services.workshop import issue_join_code, join_as_guest
from tests.browser.test_accessibility_workshop import open_page
from tests.factories import PASSWORD, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide"
SEED = ROOT / "seeds" / "mali-2012.json"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def referenced_images(language: str) -> set[str]:
    return set(
        re.findall(r"\]\(img/([\w.-]+\.png)\)", (GUIDE / f"{language}.md").read_text(encoding="utf-8"))
    )


def shoot(page, folder: Path, name: str, language: str, target: str | None = None) -> None:
    """A viewport-sized PNG, scrolled to target, reduced to a palette so the repository stays small."""
    if target:
        page.locator(target).first.scroll_into_view_if_needed()
        page.evaluate("sel => document.querySelector(sel).scrollIntoView({block: 'start'})", target)
    path = folder / f"{name}-{language}.png"
    page.screenshot(path=path, animations="disabled", caret="hide")
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def log_in(page, username: str) -> None:
    """By field ids, so the same steps work whatever the page's language."""
    page.goto(reverse("login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/")


def a_workshop(team, case) -> Exercise:
    """A facilitated, blind exercise on part of the seeded case, with three guests who have already scored."""
    exercise = Exercise.objects.create(
        team=team,
        case=case,
        key="guide-workshop",
        title={"en": "Options for northern Mali", "fr": "Options pour le nord du Mali"},
        facilitated=True,
        blind=True,
        phase=Phase.BRIEFING,
        weighting_method=WeightingMethod.DIRECT,
        anonymity=Anonymity.PSEUDONYMOUS,
        max_rounds=3,
        consensus_threshold=1.5,
    )
    exercise.options.set(case.options.order_by("position")[:3])
    exercise.criteria.set(case.criteria.filter(children__isnull=True).order_by("position")[:3])
    exercise.scenarios.set(case.scenarios.order_by("position")[:1])
    exercise = issue_join_code(exercise=exercise)
    for name, base in (("Moussa", 3), ("Claire", 6), ("Ibrahim", 8)):
        guest = join_as_guest(exercise=exercise, display_name=name)
        for i, option in enumerate(exercise.options.order_by("position")):
            for j, criterion in enumerate(exercise.criteria.order_by("position")):
                ScoreJudgment.objects.create(
                    participant=guest, option=option, criterion=criterion, value=min(10, base + i - j)
                )
    return exercise


@pytest.mark.parametrize("language", ["en", "fr"])
def test_guide_screenshots(browser, live_server, tmp_path, language: str) -> None:
    update = os.environ.get("WORKBENCH_UPDATE_SCREENSHOTS") == "1"
    folder = GUIDE / "img" if update else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    team = TeamFactory(slug=f"guide-{language}", name="Sahel policy unit")
    case = import_case(case_file=parse_case_file(SEED.read_bytes()), team=team)
    exercise = a_workshop(team, case)
    boss_user = UserFactory(username=f"facilitator-{language}", first_name="Aminata", last_name="Traoré")
    Membership.objects.create(team=team, user=boss_user, role=Role.FACILITATOR)
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
    errors: list[str] = []
    boss_context, boss = open_page(browser, live_server, errors, viewport=LAPTOP, locale=language)
    boss_context.add_cookies([cookie])
    phone_context, phone = open_page(
        browser, live_server, errors, viewport=PHONE, locale=language, is_mobile=True, has_touch=True
    )
    phone_context.add_cookies([cookie])
    options = list(exercise.options.order_by("position"))
    criteria = list(exercise.criteria.order_by("position"))
    scenario = exercise.scenarios.get()

    def to_phase(phase: str) -> None:
        boss.get_by_test_id(f"phase-{phase}").click()
        phone.locator(f"#stage[data-phase={phase}]").wait_for()

    # The facilitator sets up an exercise and opens the dashboard with the join code.
    log_in(boss, boss_user.username)
    boss.goto(reverse("exercise-new", args=[case.pk]))
    shoot(boss, folder, "setup", language)
    boss.goto(reverse("workshop-facilitate", args=[exercise.pk]))
    boss.get_by_test_id("join-code").wait_for()
    shoot(boss, folder, "dashboard-code", language)

    # A participant joins on a phone.
    phone.goto(reverse("workshop-join"))
    phone.locator("#join-code").fill(exercise.join_code)
    shoot(phone, folder, "join-code", language)
    phone.locator("button[type=submit]").last.click()
    phone.locator("#join-name").fill("Awa")
    shoot(phone, folder, "join-name", language)
    phone.locator("#join-name").press("Enter")
    phone.locator("#stage[data-phase=briefing]").wait_for()
    shoot(phone, folder, "briefing", language)

    to_phase("weighting")
    phone.get_by_test_id(f"weight-{criteria[0].key}").fill("50")
    phone.locator("form.weights [data-state=saved]").wait_for()
    shoot(phone, folder, "weighting", language, "#weights-heading")

    to_phase("scoring")
    for option in options:
        for criterion in criteria:
            cell = phone.get_by_test_id(f"score-{option.key}-{criterion.key}")
            cell.fill(str(5 + options.index(option) - criteria.index(criterion)))
            cell.press("Tab")
            phone.locator("form.cell", has=cell).locator("[data-state=saved]").wait_for()
    first = phone.locator("form.cell", has=phone.get_by_test_id(f"score-{options[0].key}-{criteria[0].key}"))
    first.locator("details > summary").click()
    first.locator("textarea").fill(
        "Talks need a ceasefire first." if language == "en" else "Il faut d'abord un cessez-le-feu."
    )
    first.locator("select").select_option("3")
    first.locator("[data-state=saved]").wait_for()
    shoot(phone, folder, "scoring", language, "#scores-heading")
    phone.locator("details.scenario-table > summary").first.click()
    in_future = phone.get_by_test_id(f"score-{options[0].key}-{criteria[0].key}-{scenario.key}")
    in_future.fill("2")
    in_future.press("Tab")
    phone.locator("form.cell", has=in_future).locator("[data-state=saved]").wait_for()
    phone.reload()
    phone.locator("details.scenario-table > summary").first.click()
    shoot(phone, folder, "scenario", language, "details.scenario-table")

    to_phase("reveal")
    phone.get_by_test_id("workshop-ranking").wait_for()
    shoot(phone, folder, "reveal", language, "#reveal-heading")
    boss.get_by_test_id("hotspots").wait_for()
    shoot(boss, folder, "dashboard-reveal", language, "#phase-heading")

    boss.get_by_test_id("next-round").click()
    phone.locator("#stage[data-round='2']").wait_for()
    phone.get_by_test_id(f"feedback-{options[0].key}-{criteria[0].key}").wait_for()
    shoot(phone, folder, "round2", language, "#scores-heading")
    cell = phone.get_by_test_id(f"score-{options[0].key}-{criteria[0].key}")
    cell.fill("6")
    cell.press("Tab")
    phone.locator("form.cell", has=cell).locator("[data-state=saved]").wait_for()

    to_phase("closed")
    phone.locator("#stage[data-phase=closed]").wait_for()
    boss.goto(reverse("workshop-trail", args=[exercise.pk]))
    boss.get_by_test_id("trail").wait_for()
    shoot(boss, folder, "trail", language)
    boss.goto(reverse("results", args=[exercise.pk]))
    boss.wait_for_load_state("load")
    shoot(boss, folder, "results", language)
    for status in (ReportStatus.DONE, ReportStatus.RUNNING):
        Report.objects.create(
            exercise=exercise,
            kind=ReportKind.PDF,
            language=language,
            status=status,
            progress=100 if status == ReportStatus.DONE else 60,
            requested_by=boss_user,
        )
    boss.goto(reverse("reports", args=[exercise.pk]))
    boss.get_by_test_id("download-report").wait_for()
    shoot(boss, folder, "reports", language)
    phone_context.close()
    boss_context.close()
    assert not errors, f"browser errors: {errors}"

    shown = referenced_images(language)
    assert shown, f"the {language} guide shows no screenshot"
    for name in sorted(shown):
        produced = folder / name
        assert produced.exists() and produced.stat().st_size > 1000, f"{name} was not produced"
        assert (GUIDE / "img" / name).exists(), f"{name} is shown by the guide but not committed"
