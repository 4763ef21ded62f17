"""The user guide's screenshots, taken from the real app in English and in French.

With WORKBENCH_UPDATE_SCREENSHOTS=1 the images are written to docs/guide/img/ in both languages (commit them);
otherwise the English ones go to a temporary folder and the test checks that every image the guide shows was
produced, and that the committed copy exists, so a guide never points at a screen the app no longer has.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from policies.casefile.validation import parse_case_file
from policies.models import Exercise, Membership, Report, Role, ScoreJudgment
from policies.models.exercises import Anonymity, Phase, WeightingMethod
from policies.models.reports import ReportKind, ReportStatus
from policies.services.case_import import import_case
from policies.services.deletions import delete_case
from policies.services.invitations import create_link, invite_by_email, token_for
from policies.services.participants import join_as_guest
from policies.services.workshop import CommentSubject, add_comment, issue_join_code
from tests.browser.test_accessibility_workshop import open_page
from tests.factories import PASSWORD, CaseFactory, TeamFactory, UserFactory
from tests.viewers import judging

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
    page.goto(reverse("account_login"))
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/")


def team_screens(browser, live_server, folder: Path, language: str, team, errors: list[str]) -> None:
    """The "Your team" chapter: the owner's members, invitations and history pages (a draft case deleted among
    the membership changes), an invitation opened on a phone, and one's own account page."""
    owner = UserFactory(username=f"owner-{language}", first_name="Fatoumata", last_name="Coulibaly")
    Membership.objects.create(team=team, user=owner, role=Role.OWNER)
    for username, first, last, role in (
        ("ibrahim", "Ibrahim", "Maïga", Role.ANALYST),
        ("claire", "Claire", "Dubois", Role.PARTICIPANT),
        ("moussa", "Moussa", "Sidibé", Role.OBSERVER),
    ):
        user = UserFactory(username=f"{username}-{language}", first_name=first, last_name=last)
        Membership.objects.create(team=team, user=user, role=role)
    invitation, _sent = invite_by_email(
        team=team,
        actor=owner,
        email="awa.diallo@example.org",
        role=Role.FACILITATOR,
        site_url=live_server.url,
    )
    create_link(
        team=team, actor=owner, role=Role.PARTICIPANT, expires=timezone.now() + timedelta(days=30), max_uses=40,
        label="Staff course 2027" if language == "en" else "Cours d'état-major 2027",
    )  # fmt: skip
    draft = CaseFactory(
        team=team, title={"en": "Water allocation (draft)", "fr": "Partage de l’eau (brouillon)"}
    )
    with translation.override(language):  # the history keeps the name as its reader's language gave it
        delete_case(case=draft, user=owner, version=None)
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
    context, page = open_page(browser, live_server, errors, viewport=LAPTOP, locale=language)
    context.add_cookies([cookie])
    log_in(page, owner.username)
    page.goto(reverse("team-members", args=[team.slug]))
    page.get_by_test_id(f"role-claire-{language}").select_option(Role.ANALYST)
    page.get_by_test_id(f"member-claire-{language}").get_by_role("button").first.click()
    page.wait_for_load_state("load")
    shoot(page, folder, "team-members", language)
    page.goto(reverse("team-invitations", args=[team.slug]))
    shoot(page, folder, "team-invitations", language)
    page.goto(reverse("team-history", args=[team.slug]))
    shoot(page, folder, "team-history", language)
    page.goto(reverse("account"))
    shoot(page, folder, "account", language)
    context.close()
    phone_context, phone = open_page(
        browser, live_server, errors, viewport=PHONE, locale=language, is_mobile=True, has_touch=True
    )
    phone_context.add_cookies([cookie])
    phone.goto(reverse("invitation", args=[token_for(invitation)]))
    phone.get_by_test_id("signup").wait_for()
    shoot(phone, folder, "invitation", language)
    phone_context.close()


def case_editor_screens(
    browser, live_server, folder: Path, language: str, team, seeded, errors: list[str]
) -> None:
    """The "Build your own case" chapter: an analyst starts a case from a blank page and gives it a question,
    sources, drivers and their states; then the seeded case's cross-impact grid."""
    analyst = UserFactory(username=f"analyst-{language}", first_name="Nadia", last_name="Touré")
    Membership.objects.create(team=team, user=analyst, role=Role.ANALYST)
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
    context, page = open_page(browser, live_server, errors, viewport=LAPTOP, locale=language)
    context.add_cookies([cookie])
    log_in(page, analyst.username)

    def save(fields: dict[str, str]) -> None:
        for selector, value in fields.items():
            page.locator(selector).fill(value)
        page.locator("main button.primary[type=submit]").click()
        page.wait_for_url(f"**{reverse('case-edit', args=[case.pk])}**")

    page.goto(reverse("team", args=[team.slug]))
    page.get_by_test_id("new-case").click()
    page.locator("#id_title_en").fill("Water allocation in a drought-hit basin")
    page.locator("#id_title_fr").fill("Le partage de l'eau dans un bassin frappé par la sécheresse")
    page.locator("main button.primary[type=submit]").click()
    page.get_by_test_id("edit-header").wait_for()
    case = team.cases.get(title__en="Water allocation in a drought-hit basin")
    page.get_by_test_id("edit-header").click()
    save(
        {
            "#id_question_en": "How should the basin share its water over three dry years?",
            "#id_question_fr": "Comment le bassin doit-il partager son eau pendant trois années sèches ?",
        }
    )
    for title in ("Basin authority, annual report 2025", "Farmers' union, statement of 3 March 2026"):
        page.goto(reverse("case-item-new", args=[case.pk, "source"]))
        save({"#id_title_en": title})
    for driver, states in (
        (("Rainfall", "Pluviométrie"), (("Dry", "Sèche"), ("Wet", "Humide"))),
        (("Upstream demand", "Demande en amont"), (("Growing", "En hausse"), ("Stable", "Stable"))),
        (
            ("Cooperation between districts", "Coopération entre districts"),
            (("High", "Forte"), ("Low", "Faible")),
        ),
    ):
        page.goto(reverse("case-item-new", args=[case.pk, "driver"]))
        save({"#id_name_en": driver[0], "#id_name_fr": driver[1]})
        row = case.drivers.get(name__en=driver[0])
        for state in states:
            page.goto(reverse("case-item-new", args=[case.pk, "state"]) + f"?driver={row.pk}")
            save({"#id_name_en": state[0], "#id_name_fr": state[1]})
    page.goto(reverse("case-edit", args=[case.pk]))
    shoot(page, folder, "case-editor", language, "section[aria-labelledby=section-header]")
    shoot(page, folder, "case-drivers", language, "#list-driver")

    page.goto(reverse("cross-impacts", args=[seeded.pk]))
    page.get_by_test_id("impact-matrix").wait_for()
    shoot(page, folder, "impact-grid", language, "#impact-heading")
    context.close()


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


UPDATE = os.environ.get("WORKBENCH_UPDATE_SCREENSHOTS") == "1"


def test_the_french_guide_shows_the_same_screens_committed() -> None:
    """The French guide shows the French twin of every screen the English one shows, each committed: the suite
    takes the English screenshots only (the same flow in French doubles its minute and a half; the French screens
    are read by the accessibility and translation tests), and WORKBENCH_UPDATE_SCREENSHOTS=1 takes both."""
    english, french = referenced_images("en"), referenced_images("fr")
    assert french and {name.replace("-fr.png", "-en.png") for name in french} == english
    missing = sorted(name for name in french if not (GUIDE / "img" / name).exists())
    assert not missing, f"shown by the French guide but not committed: {missing}"


@pytest.mark.parametrize("language", ["en", "fr"] if UPDATE else ["en"])
def test_guide_screenshots(browser, live_server, tmp_path, language: str) -> None:
    update = UPDATE
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
        if phase == "closed":  # closing asks for confirmation
            boss.get_by_test_id("confirm-close-yes").click()
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
    boss.goto(reverse("workshop-projector", args=[exercise.pk]))
    boss.get_by_test_id("wall-results").wait_for()
    shoot(boss, folder, "projector", language)
    boss.goto(reverse("workshop-facilitate", args=[exercise.pk]))
    boss.get_by_test_id("hotspots").wait_for()

    # The facilitator opens a disputed cell from the hotspots: how the scores spread, with reasons.
    disputed = (options[2], criteria[0])
    reasons = (
        ("Moussa", 2, {"en": "Too slow to matter this year.", "fr": "Trop lent pour compter cette année."}),
        (
            "Claire",
            4,
            {"en": "The rebels ask for it.", "fr": "Les rebelles la demandent."},
        ),
        ("Ibrahim", 5, {"en": "It worked in 2006.", "fr": "Cela a marché en 2006."}),
    )
    for name, confidence, rationale in reasons:
        ScoreJudgment.objects.filter(
            participant__exercise=exercise,
            participant__alias=name,
            option=disputed[0],
            criterion=disputed[1],
            scenario__isnull=True,
        ).update(confidence=confidence, rationale=rationale)
    boss.get_by_test_id(f"drill-{disputed[0].key}-{disputed[1].key}").click()
    boss.get_by_test_id("cell-judgments").wait_for()
    shoot(boss, folder, "cell", language)
    boss.goto(reverse("workshop-facilitate", args=[exercise.pk]))
    boss.get_by_test_id("hotspots").wait_for()

    boss.get_by_test_id("next-round").click()
    phone.locator("#stage[data-round='2']").wait_for()
    phone.get_by_test_id(f"feedback-{options[0].key}-{criteria[0].key}").wait_for()
    shoot(phone, folder, "round2", language, "#scores-heading")
    cell = phone.get_by_test_id(f"score-{options[0].key}-{criteria[0].key}")
    cell.fill("6")
    cell.press("Tab")
    phone.locator("form.cell", has=cell).locator("[data-state=saved]").wait_for()

    # Results and reports before the comments: answering one enrols the facilitator as a participant, whom the
    # results would then count.
    boss.goto(reverse("results", args=[exercise.pk]))
    boss.wait_for_load_state("load")
    shoot(boss, folder, "results", language)
    for kind, status in ((ReportKind.BRIEF, ReportStatus.DONE), (ReportKind.PDF, ReportStatus.RUNNING)):
        Report.objects.create(
            exercise=exercise,
            kind=kind,
            language=language,
            status=status,
            progress=100 if status == ReportStatus.DONE else 60,
            requested_by=boss_user,
        )
    boss.goto(reverse("reports", args=[exercise.pk]))
    boss.get_by_test_id("download-report").wait_for()
    shoot(boss, folder, "reports", language)

    # Comments: the facilitator hides an off-topic one, pins a useful one and answers it.
    guests = {p.alias: p for p in exercise.participants.all()}
    remarks = (
        ("Claire", options[0], "Who pays for the joint patrols?", "Qui paie les patrouilles conjointes ?"),
        ("Moussa", options[1], "Is the football on tonight?", "Il y a du foot ce soir ?"),
    )
    for name, option, english, french in remarks:
        add_comment(
            viewer=judging(guests[name]),
            subject=CommentSubject(option, None),
            body=english if language == "en" else french,
        )
    boss.goto(reverse("workshop-facilitate", args=[exercise.pk]))
    said = 2 if language == "en" else 3
    reply = (
        "A question for the discussion: see the evidence for this option."
        if language == "en"
        else "Une question pour la discussion : voir les éléments de preuve de cette option."
    )
    comments = boss.get_by_test_id("comment")
    comments.filter(has_text=remarks[1][said]).get_by_test_id("comment-hide").click()
    boss.get_by_test_id("comment-hidden").wait_for()
    comments.filter(has_text=remarks[0][said]).get_by_test_id("comment-pin").click()
    boss.get_by_test_id("comment-pinned").wait_for()
    useful = comments.filter(has_text=remarks[0][said])
    useful.locator("details summary").first.click()
    useful.locator("textarea").first.fill(reply)
    useful.locator("details button[type=submit]").first.click()
    boss.get_by_text(reply).wait_for()
    boss.locator("details[open]").evaluate_all("nodes => nodes.forEach(n => n.open = false)")
    shoot(boss, folder, "comments", language, "#comments-heading")

    to_phase("closed")
    phone.locator("#stage[data-phase=closed]").wait_for()
    boss.goto(reverse("workshop-trail", args=[exercise.pk]))
    boss.get_by_test_id("trail").wait_for()
    shoot(boss, folder, "trail", language)
    phone_context.close()
    boss_context.close()
    team_screens(browser, live_server, folder, language, team, errors)
    case_editor_screens(browser, live_server, folder, language, team, case, errors)
    assert not errors, f"browser errors: {errors}"

    shown = referenced_images(language)
    assert shown, f"the {language} guide shows no screenshot"
    for name in sorted(shown):
        produced = folder / name
        assert produced.exists() and produced.stat().st_size > 1000, f"{name} was not produced"
        assert (GUIDE / "img" / name).exists(), f"{name} is shown by the guide but not committed"
