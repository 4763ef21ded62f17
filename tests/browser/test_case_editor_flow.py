"""An analyst builds a case from a blank page in the browser, with no import: "water allocation in a
drought-hit basin". A facilitator then sets up an open exercise on it with its three scenarios in play, a
participant scores on the baseline and under one scenario, and the PDF report names the options and says which
scenario was judged. Then two tabs edit the same option (the second is refused, nothing is lost), an option is
deleted and restored, a pasted table is previewed, and the new screens pass axe in English and French."""

import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from policies.models import Case, Criterion, DriverState, Exercise, Option, Scenario, ScoreJudgment, Team
from tests.browser.test_accessibility import AXE_OPTIONS, serious
from tests.factories import PASSWORD, MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    login = reverse("account_login")
    page.goto(login)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # Away from the login page: the login page's own address ends in "/" too, so "**/" would not wait.
    page.wait_for_url(lambda url: urlsplit(url).path != login)


def switch_user(page, username: str) -> None:
    """Sign out by forgetting the cookies, then sign in as `username`. The page is left first, once quiet: a
    request still in flight from it would come back signed out and set a new CSRF cookie under the login form's
    feet."""
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.context.clear_cookies()
    sign_in(page, username)


def add(page, case: Case, kind: str, fields: dict[str, str], *, query: str = "") -> None:
    """Open the form of a new item, fill it and save; back on the editor."""
    page.goto(reverse("case-item-new", args=[case.pk, kind]) + query)
    for selector, value in fields.items():
        target = page.locator(selector)
        tag = target.evaluate("node => node.tagName + ':' + (node.type || '')")
        if tag.startswith("SELECT"):
            target.select_option(label=value)
        elif tag.endswith(":checkbox"):
            target.check()
        else:
            target.fill(value)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{reverse('case-edit', args=[case.pk])}**")


def build_basin_case(page, team: Team) -> Case:
    """The "water allocation in a drought-hit basin" case, built in the browser from a blank page by a signed-in
    analyst of `team`: 2 sources, 4 pieces of evidence, 3 actors, 3 drivers of 2 states, 3 scenarios, 4 options
    and 5 criteria in 2 groups."""
    page.goto(reverse("team", args=[team.slug]))
    page.get_by_test_id("new-case").click()
    page.locator("#id_title_en").fill("Water allocation in a drought-hit basin")
    page.locator("#id_title_fr").fill("Partage de l'eau dans un bassin frappé par la sécheresse")
    page.get_by_role("button", name="Create the case").click()
    case = Case.objects.get(team=team)
    page.wait_for_url(f"**{reverse('case-edit', args=[case.pk])}")

    page.get_by_test_id("edit-header").click()
    page.locator("#id_question_en").fill("How should the basin share its water over three dry years?")
    page.locator("#id_question_fr").fill("Comment le bassin doit-il partager son eau ?")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{reverse('case-edit', args=[case.pk])}")

    for title in ("Basin authority report 2025", "Farmers' union statement"):
        add(page, case, "source", {"#id_title_en": title})
    for text, source in (
        ("Reservoirs hold 20 % of their capacity.", "Basin authority report 2025"),
        ("Upstream farms draw 70 % of the water.", "Basin authority report 2025"),
        ("Farmers ask for guaranteed quotas.", "Farmers' union statement"),
        ("Cities ration water two days a week.", "Basin authority report 2025"),
    ):
        add(page, case, "evidence", {"#id_text_en": text, "#id_source": source})
    for name in ("Basin authority", "Farmers' union", "City water utility"):
        add(page, case, "actor", {"#id_name_en": name})
    for driver, states in (
        ("Rainfall", ("Dry", "Wet")),
        ("Upstream demand", ("Growing", "Stable")),
        ("Cooperation", ("High", "Low")),
    ):
        add(page, case, "driver", {"#id_name_en": driver})
        driver_row = case.drivers.get(name__en=driver)
        for state in states:
            add(page, case, "state", {"#id_name_en": state}, query=f"?driver={driver_row.pk}")
    rainfall = case.drivers.get(key="rainfall")
    for name, state in (("Long drought", "Dry"), ("Wet return", "Wet"), ("Muddling through", "Dry")):
        add(
            page,
            case,
            "scenario",
            {"#id_name_en": name, "#id_plausibility": "3", f"#id_driver_{rainfall.pk}": state},
        )
    assert list(Scenario.objects.get(case=case, key="wet-return").states.all()) == [
        DriverState.objects.get(driver=rainfall, key="wet")
    ]
    for name in ("Rotate quotas", "Water market", "Desalination plant", "Drip irrigation subsidy"):
        add(page, case, "option", {"#id_name_en": name, "#id_instruments_en": "A decree"})
    for group in ("Social", "Economic"):
        add(page, case, "criterion", {"#id_name_en": group, "#id_is_group_choice": "on"})
    for name, group, direction in (
        ("Households served", "Social", "Benefit (more is better)"),
        ("Fairness between districts", "Social", "Benefit (more is better)"),
        ("Cost to the budget", "Economic", "Cost (less is better)"),
        ("Farm output", "Economic", "Benefit (more is better)"),
        ("Time to effect", "Economic", "Cost (less is better)"),
    ):
        add(
            page,
            case,
            "criterion",
            {
                "#id_name_en": name,
                "#id_parent": group,
                "#id_direction": direction,
                "#id_scale_low_en": "worst",
                "#id_scale_high_en": "best",
            },
        )
    return case


def test_a_case_from_a_blank_page(page) -> None:
    team = TeamFactory(slug="basin")
    MembershipFactory(team=team, role="analyst", user__username="nadia")
    sign_in(page, "nadia")
    case = build_basin_case(page, team)
    assert case.sources.count() == 2 and case.evidence.count() == 4 and case.actors.count() == 3
    assert case.drivers.count() == 3 and DriverState.objects.filter(driver__case=case).count() == 6
    assert case.scenarios.count() == 3 and case.options.count() == 4
    assert case.criteria.filter(is_group=True).count() == 2
    assert case.criteria.filter(is_group=False, parent__isnull=False).count() == 5
    assert Criterion.objects.get(case=case, key="households-served").scale_low == {"en": "worst"}

    # A group hides the scale's fields while ticked.
    page.goto(reverse("case-item-new", args=[case.pk, "criterion"]))
    page.locator("#id_is_group_choice").check()
    assert page.locator("#id_scale_min").is_hidden()
    page.locator("#id_is_group_choice").uncheck()
    assert page.locator("#id_scale_min").is_visible()

    # Keyboard reorder: the Down button of the first option.
    page.goto(reverse("case-edit", args=[case.pk]))
    page.get_by_role("button", name="Move “Rotate quotas” down").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert list(case.options.order_by("position").values_list("key", flat=True))[:2] == [
        "water-market",
        "rotate-quotas",
    ]

    # The dossier reads the new case: the criteria tree with what the ends of each scale mean.
    page.goto(reverse("case-criteria", args=[case.pk]))
    tree = page.locator("main").inner_text()
    assert "Households served" in tree and "Economic" in tree and "worst" in tree


# Baseline scores of the case's options on its five criteria (0 to 10; for the two cost criteria, more is costlier).
BASIN_SCORES = {
    "rotate-quotas": (6, 8, 2, 5, 3),
    "water-market": (5, 3, 3, 8, 4),
    "desalination-plant": (9, 6, 9, 6, 9),
    "drip-irrigation-subsidy": (4, 5, 5, 7, 6),
}
BASIN_CRITERIA = (
    "households-served",
    "fairness-between-districts",
    "cost-to-the-budget",
    "farm-output",
    "time-to-effect",
)


def test_an_open_exercise_on_the_new_case_ends_in_a_pdf(page, celery_worker_process) -> None:
    """The case built above, with no import, carries an open exercise from its set-up to the PDF report; the
    participant scores under one scenario of three, and the report says which one."""
    team = TeamFactory(slug="basin-pdf")
    MembershipFactory(team=team, role="analyst", user__username="nadia")
    MembershipFactory(team=team, role="facilitator", user__username="farid")
    participant = MembershipFactory(team=team, role="participant", user__username="lina").user
    sign_in(page, "nadia")
    case = build_basin_case(page, team)

    # The facilitator sets up an open exercise with every option, criterion and scenario in play.
    switch_user(page, "farid")
    page.goto(reverse("case", args=[case.pk]))
    page.get_by_test_id("new-exercise").click()
    page.locator("#id_title").fill("Three dry years")
    assert page.locator("input[name=scenarios]:checked").count() == 3
    page.locator("input[name=mode][value=open]").check()
    page.get_by_role("button", name="Create the exercise").click()
    exercise = Exercise.objects.get(case=case)
    page.wait_for_url(f"**{reverse('exercise', args=[exercise.pk])}")
    assert not exercise.facilitated
    assert sorted(exercise.scenarios.values_list("key", flat=True)) == [
        "long-drought",
        "muddling-through",
        "wet-return",
    ]
    assert exercise.options.count() == 4 and exercise.criteria.count() == 5

    # A participant scores every option on the baseline, then changes two scores in a long drought.
    switch_user(page, "lina")
    page.goto(reverse("exercise", args=[exercise.pk]))
    page.wait_for_load_state("networkidle")  # htmx has wired up every input
    options = {option.key: option for option in case.options.all()}
    criteria = {criterion.key: criterion for criterion in case.criteria.filter(is_group=False)}

    def score(option: str, criterion: str, value: str, scenario: Scenario | None = None) -> None:
        suffix = f"-{scenario.key}" if scenario else ""
        cell = page.get_by_test_id(f"score-{option}-{criterion}{suffix}")
        cell.fill(value)
        cell.press("Tab")
        status = f"{scenario.pk}-" if scenario else ""
        status += f"{options[option].pk}-{criteria[criterion].pk}"
        page.locator(f"[id='ss-{status}'] [data-state=saved]").wait_for()

    for option, values in BASIN_SCORES.items():
        for criterion, value in zip(BASIN_CRITERIA, values, strict=True):
            score(option, criterion, str(value))
    page.reload()
    page.wait_for_load_state("networkidle")
    drought = Scenario.objects.get(case=case, key="long-drought")
    page.get_by_test_id("scenario-table-long-drought").locator("summary").click()
    # The scenario's table starts from the baseline.
    assert page.get_by_test_id("score-water-market-farm-output-long-drought").input_value() == "8"
    score("water-market", "farm-output", "2", drought)
    score("drip-irrigation-subsidy", "farm-output", "9", drought)
    mine = ScoreJudgment.objects.filter(participant__user=participant)
    assert mine.filter(scenario__isnull=True).count() == 20
    assert sorted(mine.filter(scenario__isnull=False).values_list("scenario__key", "value")) == [
        ("long-drought", 2),
        ("long-drought", 9),
    ]

    # From the results page, the PDF report.
    page.get_by_role("link", name="See the group results").click()
    # Charts are drawn as they come near the viewport; the first one may sit just below it.
    page.locator(".plotly-chart").first.scroll_into_view_if_needed()
    page.locator(".plotly-chart .main-svg").first.wait_for()
    page.get_by_test_id("generate-report").click()
    link = page.get_by_test_id("download-report")
    link.wait_for(timeout=120_000)
    with page.expect_download() as download_info:
        link.click()
    pdf = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    text = " ".join(" ".join(page_.extract_text() for page_ in pdf.pages).split())
    assert "Three dry years" in text and "Water allocation in a drought-hit basin" in text
    for name in ("Rotate quotas", "Water market", "Desalination plant", "Drip irrigation subsidy"):
        assert name in text, name
    # One scenario of three was judged, and the report says so: the other two are marked as unjudged, and no
    # sentence claims the options were judged under all three, or under none.
    assert "Participants judged the options again under 1 of the 3 scenarios in play" in text
    assert "Long drought (no judgment changed" not in text
    for name in ("Wet return", "Muddling through"):
        assert f"{name} (no judgment changed: the baseline stands)" in text, name
    assert "scored the options again under 3 scenarios" not in text
    # The summary's robustness verdict counts all three scenarios, and says which two repeat the baseline.
    assert "Nobody changed a judgment under Wet return, Muddling through: the baseline stands there." in text
    assert "nobody judged the options under the 3 scenarios" not in text


def test_two_tabs_delete_restore_and_paste(browser, live_server) -> None:
    team = TeamFactory(slug="tabs")
    MembershipFactory(team=team, role="analyst", user__username="omar")
    case = Case.objects.create(team=team, key="basin", title={"en": "Basin"})
    option = Option.objects.create(case=case, key="quotas", name={"en": "Quotas"}, position=1)
    context = browser.new_context(base_url=live_server.url)
    first, second = context.new_page(), context.new_page()
    sign_in(first, "omar")
    url = reverse("case-item-edit", args=[case.pk, "option", option.pk])
    first.goto(url)
    second.goto(url)
    first.locator("#id_description_en").fill("Districts draw in turn.")
    first.get_by_role("button", name="Save").click()
    first.wait_for_url(f"**{reverse('case-edit', args=[case.pk])}**")
    second.locator("#id_name_fr").fill("Quotas tournants")
    second.get_by_role("button", name="Save").click()
    assert "Someone else saved this item" in second.locator("body").inner_text()
    conflicts = second.get_by_test_id("conflicts").inner_text()
    assert "Districts draw in turn." in conflicts
    option.refresh_from_db()
    assert option.description == {"en": "Districts draw in turn."} and "fr" not in option.name
    # Having seen it, the second tab keeps both changes by copying the first one in.
    second.locator("#id_description_en").fill("Districts draw in turn.")
    second.get_by_role("button", name="Save").click()
    second.wait_for_url(f"**{reverse('case-edit', args=[case.pk])}**")
    option.refresh_from_db()
    assert option.name == {"en": "Quotas", "fr": "Quotas tournants"}
    assert option.description == {"en": "Districts draw in turn."}

    page = first
    page.goto(reverse("case-edit", args=[case.pk]))
    page.get_by_test_id("delete-option-quotas").click()
    assert "Nothing else depends on it." in page.get_by_test_id("dependants").inner_text()
    page.get_by_test_id("confirm-delete").click()
    page.wait_for_url(f"**{reverse('case-edit', args=[case.pk])}**")
    assert not Option.objects.filter(pk=option.pk).exists()
    page.get_by_role("button", name="Restore “Quotas”").click()
    page.wait_for_load_state("load")
    assert Option.objects.get(pk=option.pk).name["fr"] == "Quotas tournants"

    page.goto(reverse("case-paste", args=[case.pk, "option"]))
    page.get_by_test_id("paste-table").fill(
        "name_en\tname_fr\nWater market\tMarché de l'eau\nPipeline\tConduite\n"
    )
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_test_id("paste-preview").inner_text()
    assert "Water market" in preview and "Pipeline" in preview
    assert case.options.count() == 1
    page.get_by_test_id("paste-save").click()
    page.wait_for_url(f"**{reverse('case-edit', args=[case.pk])}**")
    assert list(case.options.order_by("position").values_list("key", flat=True)) == [
        "quotas",
        "water-market",
        "pipeline",
    ]
    context.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_new_screens_pass_axe(browser, live_server, language: str) -> None:
    team = TeamFactory(slug=f"axe-{language}")
    MembershipFactory(team=team, role="analyst", user__username=f"axe-{language}")
    case = Case.objects.create(team=team, key="basin", title={"en": "Basin", "fr": "Bassin"})
    option = Option.objects.create(case=case, key="quotas", name={"en": "Quotas"}, position=1)
    group = Criterion.objects.create(case=case, key="social", name={"en": "Social"}, is_group=True)
    criterion = Criterion.objects.create(case=case, key="homes", name={"en": "Homes"}, parent=group)
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in(page, f"axe-{language}")
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    screens = [
        reverse("case-new", args=[team.slug]),
        reverse("case-edit", args=[case.pk]),
        reverse("case-header", args=[case.pk]),
        reverse("case-item-edit", args=[case.pk, "criterion", criterion.pk]),
        reverse("case-item-new", args=[case.pk, "scenario"]),
        reverse("case-item-new", args=[case.pk, "option"]),
        reverse("case-item-delete", args=[case.pk, "option", option.pk]),
        reverse("case-paste", args=[case.pk, "criterion"]),
    ]
    axe = Axe()
    problems = {}
    for url in screens:
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == language
        problems[url] = serious(axe.run(page, options=AXE_OPTIONS))
    # A preview with an error in it, too.
    page.goto(reverse("case-paste", args=[case.pk, "criterion"]))
    page.get_by_test_id("paste-table").fill("name_en,scale_min,scale_max\nCost,5,1\n")
    page.locator("button[name=action][value=preview]").click()
    page.wait_for_load_state("load")
    problems["paste preview"] = serious(axe.run(page, options=AXE_OPTIONS))
    context.close()
    failing = {url: found for url, found in problems.items() if found}
    assert not failing, failing
