"""The case dossier screens: actors, drivers and scenarios, options, criteria, sources and evidence."""

import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies.casefile.validation import parse_case_file
from policies.models import Actor, Case, Driver, DriverState, Evidence, Scenario, SourceDocument
from policies.services.case_import import import_case
from tests.factories import (
    CaseFactory,
    CriterionFactory,
    MembershipFactory,
    OptionFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "seeds" / "mali-2012.json"
DATA = json.loads(SEED.read_text(encoding="utf-8"))
SCREENS = ["case-actors", "case-futures", "case-options", "case-criteria", "case-sources"]
ROLES = ["owner", "facilitator", "analyst", "participant", "observer"]
# Session, user, case and membership, plus at most 7 queries of the heaviest screen (sources), with margin.
MAX_QUERIES = 12


def seed(key: str) -> dict:
    return {item["id"]: item for item in DATA[key]}


def import_mali(team) -> Case:
    return import_case(case_file=parse_case_file(SEED.read_bytes()), team=team)


def page(client, name: str, case: Case) -> str:
    response = client.get(reverse(name, args=[case.pk]))
    assert response.status_code == 200, name
    return response.content.decode()


def element(body: str, element_id: str) -> str:
    """The HTML of the element carrying `element_id`, from its start tag to its matching end tag."""
    start = re.search(rf'<(\w+)\b[^>]*\bid="{re.escape(element_id)}"', body)
    assert start, f"no element with id {element_id!r}"
    tag, depth = start.group(1), 0
    for match in re.finditer(rf"<(/?){tag}\b[^>]*>", body[start.start() :]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return body[start.start() : start.start() + match.end()]
    raise AssertionError(f"element {element_id!r} is not closed")


def text(html: str) -> str:
    """Visible text, unescaped and with whitespace collapsed, for comparing with the case file."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def ids(body: str) -> list[str]:
    return re.findall(r'\bid="([^"]+)"', body)


@pytest.fixture
def mali(client, login) -> Case:
    team = TeamFactory()
    login("analyst", team=team)
    return import_mali(team)


def small_case(team) -> Case:
    """One of everything, built with factories and the ORM: the smallest case every screen fills."""
    case = CaseFactory(team=team)
    source = SourceDocument.objects.create(case=case, key="memo", title={"en": "A memo"}, kind="report")
    evidence = Evidence.objects.create(
        case=case, key="ev-1", source=source, locator="p. 1", text={"en": "Roads matter.", "fr": "Routes."}
    )
    actor = Actor.objects.create(case=case, key="ministry", name={"en": "Ministry"}, kind="state")
    actor.evidence.set([evidence])
    driver = Driver.objects.create(case=case, key="rain", name={"en": "Rain"})
    driver.evidence.set([evidence])
    wet = DriverState.objects.create(driver=driver, key="wet", name={"en": "Wet"})
    DriverState.objects.create(driver=driver, key="dry", name={"en": "Dry"}, position=1)
    scenario = Scenario.objects.create(case=case, key="boom", name={"en": "Boom"}, plausibility=4)
    scenario.states.set([wet])
    scenario.evidence.set([evidence])
    option = OptionFactory(case=case)
    option.actors.set([actor])
    option.evidence.set([evidence])
    group = CriterionFactory(case=case, is_group=True)
    leaf = CriterionFactory(case=case, parent=group, direction="cost")
    group.evidence.set([evidence])
    leaf.evidence.set([evidence])
    return case


# --- content -------------------------------------------------------------------------------------------


def test_actors_page_shows_every_actor_with_stance_kind_options_and_evidence(client, mali) -> None:
    body = page(client, "case-actors", mali)
    for key, actor in seed("actors").items():
        item = text(element(body, f"actor-{key}"))
        assert actor["name"]["en"] in item
    mnla = text(element(body, "actor-mnla"))
    assert seed("actors")["mnla"]["stance"]["en"] in mnla
    assert "Armed group" in mnla
    # Every evidence item of MNLA is cited, with its source title.
    for key in seed("actors")["mnla"]["evidence"]:
        assert f'href="{reverse("case-sources", args=[mali.pk])}#ev-{key}"' in element(body, "actor-mnla")
    # Algeria is involved in the CEMOC option, linked to its anchor on the options page.
    algeria = element(body, "actor-algeria")
    assert f'href="{reverse("case-options", args=[mali.pk])}#option-opt-cemoc"' in algeria
    assert seed("options")["opt-cemoc"]["name"]["en"] in text(algeria)


def test_options_page_shows_cemoc_with_actors_risks_and_cited_evidence(client, mali) -> None:
    body = page(client, "case-options", mali)
    for key, option in seed("options").items():
        assert option["name"]["en"] in text(element(body, f"option-{key}"))
    cemoc_html = element(body, "option-opt-cemoc")
    cemoc, data = text(cemoc_html), seed("options")["opt-cemoc"]
    for field in ("description", "instruments", "risks"):
        assert data[field]["en"] in cemoc
    actors_url = reverse("case-actors", args=[mali.pk])
    for key in data["actors"]:
        assert f'href="{actors_url}#actor-{key}"' in cemoc_html
        assert seed("actors")[key]["name"]["en"] in cemoc
    # The citation of the CEMOC evidence: its text, then "Source title, locator" linking to its anchor.
    evidence = seed("evidence")["ev-cemoc"]
    source = seed("sources")[evidence["source"]]
    assert evidence["text"]["en"] in cemoc
    citation = re.search(
        rf'<a href="{re.escape(reverse("case-sources", args=[mali.pk]))}#ev-ev-cemoc">(.*?)</a>', cemoc_html
    )
    assert citation
    assert text(citation.group(1)) == f"{source['title']['en']}, {evidence['locator']}"


def test_quoted_phrases_are_shown_in_q(client, mali) -> None:
    body = page(client, "case-criteria", mali)
    evidence = seed("evidence")["ev-paper-abstract-timelag"]
    assert evidence["quote"]
    assert f"<q>{evidence['quote']}</q>" in unescape(element(body, "criterion-g-effectiveness"))


def test_futures_page_shows_drivers_states_and_the_scenario_table(client, mali) -> None:
    body = page(client, "case-futures", mali)
    for key, driver in seed("drivers").items():
        item = text(element(body, f"driver-{key}"))
        assert driver["name"]["en"] in item
        assert driver["description"]["en"] in item
        for state in driver["states"]:
            assert state["name"]["en"] in item
    scenarios = DATA["scenarios"]
    for scenario in scenarios:
        item = text(element(body, f"scenario-{scenario['id']}"))
        assert scenario["name"]["en"] in item
        assert scenario["narrative"]["en"] in item
        assert f"Plausibility {scenario.get('plausibility', 3)} out of 5" in item
    # The table: one column per scenario (in order), one row per driver, each cell the scenario's state.
    table = re.search(r'<table class="data futures-table">.*?</table>', body, re.S).group(0)
    header = re.findall(r'<th scope="col" data-scenario="([^"]+)"', table)
    assert header == [scenario["id"] for scenario in scenarios]
    for driver in DATA["drivers"]:
        row = re.search(rf'<tr data-driver="{driver["id"]}">(.*?)</tr>', table, re.S)
        assert row, driver["id"]
        cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
        assert [re.findall(r'data-state="([^"]+)"', cell) for cell in cells] == [
            [scenario["states"][driver["id"]]] for scenario in scenarios
        ]
    # Spelled out: in "Negotiated stabilisation" the spillover from Libya is curbed.
    row = re.search(r'<tr data-driver="libya-spillover">(.*?)</tr>', table, re.S).group(1)
    cell = re.findall(r"<td>(.*?)</td>", row, re.S)[header.index("sc-negotiated-stabilisation")]
    curbed = next(s for s in seed("drivers")["libya-spillover"]["states"] if s["id"] == "curbed")
    assert text(cell).strip() == curbed["name"]["en"]


def test_criteria_page_shows_the_tree_with_directions_and_scales(client, mali) -> None:
    body = page(client, "case-criteria", mali)
    criteria = seed("criteria")
    for key, criterion in criteria.items():
        item = text(element(body, f"criterion-{key}"))
        assert criterion["name"]["en"] in item
        assert criterion["definition"]["en"] in item
        if criterion.get("parent"):
            # A leaf sits inside its group's element.
            assert f'id="criterion-{key}"' in element(body, f"criterion-{criterion['parent']}")
        else:
            assert "Group" in item
    cost_html = element(body, "criterion-c-cost")
    cost = text(cost_html)
    assert 'data-direction="cost"' in cost_html
    assert "Cost (less is better)" in cost
    assert "Benefit (more is better)" not in cost
    assert "from 0 to 10 points" in cost
    assert "0 means " + criteria["c-cost"]["scale"]["low"]["en"] in cost
    assert "10 means " + criteria["c-cost"]["scale"]["high"]["en"] in cost
    assert "Benefit (more is better)" in text(element(body, "criterion-c-capacity"))


def test_sources_page_shows_bibliography_and_every_evidence_item(client, mali) -> None:
    body = page(client, "case-sources", mali)
    for key, source in seed("sources").items():
        item = text(element(body, f"source-{key}"))
        assert source["title"]["en"] in item
        for field in ("authors", "publisher", "date"):
            if source.get(field):
                assert source[field] in item
    panel = text(element(body, "source-src-carnegie-panel"))
    assert "Panel summary" in panel  # the kind, as a label
    # Every evidence item has its anchor, under the source it cites, with its locator and quoted phrase.
    for key, evidence in seed("evidence").items():
        item_html = element(element(body, f"source-{evidence['source']}"), f"ev-{key}")
        item = text(item_html)
        assert evidence["text"]["en"] in item
        assert evidence.get("locator", "") in item
        if evidence.get("quote"):
            assert f"<q>{evidence['quote']}</q>" in unescape(item_html)
    # And says what it supports, linking back to the item.
    cemoc = element(body, "ev-ev-cemoc")
    assert f'href="{reverse("case-options", args=[mali.pk])}#option-opt-cemoc"' in cemoc


def test_french_readers_see_the_french_texts(client, mali) -> None:
    client.cookies["django_language"] = "fr"
    actors = page(client, "case-actors", mali)
    assert '<html lang="fr">' in actors
    mnla = seed("actors")["mnla"]
    assert mnla["name"]["fr"] in text(actors)
    assert mnla["stance"]["fr"] in text(actors)
    assert mnla["stance"]["en"] not in text(actors)
    options = text(page(client, "case-options", mali))
    cemoc = seed("options")["opt-cemoc"]
    assert cemoc["name"]["fr"] in options
    assert cemoc["name"]["en"] not in options
    assert seed("evidence")["ev-cemoc"]["text"]["fr"] in options
    futures = text(page(client, "case-futures", mali))
    scenario = seed("scenarios")["sc-negotiated-stabilisation"]
    assert scenario["narrative"]["fr"] in futures
    assert scenario["narrative"]["en"] not in futures
    assert seed("drivers")["libya-spillover"]["name"]["fr"] in futures
    criteria = text(page(client, "case-criteria", mali))
    cost = seed("criteria")["c-cost"]
    assert cost["definition"]["fr"] in criteria
    assert cost["scale"]["high"]["fr"] in criteria
    assert seed("criteria")["g-effectiveness"]["name"]["fr"] in criteria
    sources = text(page(client, "case-sources", mali))
    assert seed("evidence")["ev-cemoc"]["text"]["fr"] in sources


# --- navigation and links ------------------------------------------------------------------------------


def test_every_citation_and_cross_link_lands_on_an_existing_anchor(client, mali) -> None:
    urls = {name: reverse(name, args=[mali.pk]) for name in SCREENS}
    bodies = {name: page(client, name, mali) for name in SCREENS}
    anchors = {urls[name]: ids(body) for name, body in bodies.items()}
    for name in SCREENS:
        assert len(anchors[urls[name]]) == len(set(anchors[urls[name]])), f"duplicate ids on {name}"
    evidence_ids = {f"ev-{key}" for key in seed("evidence")}
    assert evidence_ids <= set(anchors[urls["case-sources"]])
    for name, body in bodies.items():
        links = re.findall(r'href="([^"#]*)#([^"]+)"', body)
        citations = [
            fragment for url, fragment in links if url == urls["case-sources"] and fragment.startswith("ev-")
        ]
        if name != "case-sources":
            assert citations, f"no evidence citation on {name}"
        assert set(citations) <= evidence_ids, name
        for url, fragment in links:
            target = url or urls[name]
            if target in anchors:
                assert fragment in anchors[target], f"{name}: {url}#{fragment} does not exist"


def test_dossier_navigation_marks_the_current_screen(client, mali) -> None:
    overview = page(client, "case", mali)
    nav = element(overview.replace('class="dossier-nav"', 'id="nav" class="dossier-nav"', 1), "nav")
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', nav) == [reverse("case", args=[mali.pk])]
    for name in SCREENS:
        assert f'href="{reverse(name, args=[mali.pk])}"' in nav
        body = page(client, name, mali)
        assert re.findall(r'<a href="([^"]+)" aria-current="page"', body) == [reverse(name, args=[mali.pk])]


def test_an_empty_case_shows_empty_states(client, login) -> None:
    membership = login("participant")
    case = CaseFactory(team=membership.team)
    expected = {
        "case-actors": ["No actors yet."],
        "case-futures": ["No drivers yet.", "No scenarios yet."],
        "case-options": ["No options yet."],
        "case-criteria": ["No criteria yet."],
        "case-sources": ["No sources yet."],
    }
    for name, messages in expected.items():
        body = text(page(client, name, case))
        for message in messages:
            assert message in body, name


def test_items_without_evidence_or_texts_say_so(client, login) -> None:
    membership = login("participant")
    case = CaseFactory(team=membership.team)
    OptionFactory(case=case, key="bare")
    group = CriterionFactory(case=case, key="empty-group", is_group=True)
    SourceDocument.objects.create(case=case, key="lonely", title={"en": "A lonely memo"})
    options = text(element(page(client, "case-options", case), "option-bare"))
    assert "No evidence cited yet." in options
    assert "No risks recorded yet." in options
    assert "No actors named yet." in options
    criteria = page(client, "case-criteria", case)
    assert "No criteria in this group yet." in text(element(criteria, f"criterion-{group.key}"))
    sources = text(element(page(client, "case-sources", case), "source-lonely"))
    assert "No evidence is drawn from this source yet." in sources
    assert "Not stated" in sources


# --- permissions ---------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client) -> None:
    case = small_case(TeamFactory())
    for name in SCREENS:
        response = client.get(reverse(name, args=[case.pk]))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES)
def test_members_of_another_team_get_404(client, login, role: str) -> None:
    case = small_case(TeamFactory())
    login(role)
    for name in SCREENS:
        assert client.get(reverse(name, args=[case.pk])).status_code == 404, name


def test_a_template_case_without_team_is_not_found(client, login) -> None:
    login("owner")
    case = CaseFactory(team=None)
    for name in SCREENS:
        assert client.get(reverse(name, args=[case.pk])).status_code == 404, name


@pytest.mark.parametrize("role", ROLES)
def test_every_role_of_the_team_reads_the_dossier(client, login, role: str) -> None:
    team = TeamFactory()
    case = small_case(team)
    login(role, team=team)
    option, leaf = case.options.get(), case.criteria.get(parent__isnull=False)
    expected = {
        "case-actors": "Ministry",
        "case-futures": "Boom",
        "case-options": option.name["en"],
        "case-criteria": leaf.name["en"],
        "case-sources": "A memo",
    }
    for name, content in expected.items():
        assert content in text(page(client, name, case)), name


# --- queries -------------------------------------------------------------------------------------------


def count_queries(client, name: str, case: Case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name, args=[case.pk])).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", SCREENS)
def test_queries_are_bounded_and_do_not_grow_with_the_case(
    client, name: str, django_assert_max_num_queries
) -> None:
    team = TeamFactory()
    membership = MembershipFactory(team=team, role="observer")
    client.force_login(membership.user)
    small, mali = small_case(team), import_mali(team)
    client.get(reverse(name, args=[small.pk]))  # warm up the session and any per-process cache
    with django_assert_max_num_queries(MAX_QUERIES):
        page(client, name, mali)
    assert count_queries(client, name, mali) == count_queries(client, name, small)
