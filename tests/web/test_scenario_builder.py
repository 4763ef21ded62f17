"""The scenario builder page: the Mali case's matrix, its ranked combinations, saving ratings, promoting."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from policies.casefile.validation import parse_case_file
from policies.models import Driver, DriverState, Scenario, StateConsistency
from policies.services.case_import import import_case
from tests.factories import CaseFactory, TeamFactory

pytestmark = pytest.mark.django_db

MALI = Path(settings.BASE_DIR) / "seeds" / "mali-2012.json"
HTMX = {"HX-Request": "true"}
# The seeded case: 2 x 3 x 2 x 2 x 3 x 2 x 2 x 2 x 2 = 1152 combinations. Two -2 pairs: junta-dominant with
# restored assistance (1152 / 6 = 192 combinations) and with an ECOWAS intervention (192), both at once 96.
TOTAL, EXCLUDED = 1152, 192 + 192 - 96


def mali(team):
    return import_case(case_file=parse_case_file(MALI.read_bytes()), team=team)


def state(case, driver: str, key: str) -> DriverState:
    return DriverState.objects.get(driver__case=case, driver__key=driver, key=key)


def snapshot(case):
    return sorted(StateConsistency.objects.filter(case=case).values_list("state_a", "state_b", "value"))


def builder(case) -> str:
    return reverse("scenario-builder", args=[case.pk])


def save_url(case) -> str:
    return reverse("consistency-save", args=[case.pk])


def promote_url(case) -> str:
    return reverse("scenario-promote", args=[case.pk])


def first_row_states(body: str) -> list[int]:
    match = re.search(r'data-testid="combination-1" data-states="([\d,]+)"', body)
    assert match, "no ranked combination on the page"
    return [int(pk) for pk in match.group(1).split(",")]


# The best combination of the seeded matrix: the "Jihadist consolidation" scenario (total 18).
JIHADIST = [
    ("libya-spillover", "sustained"),
    ("bamako-order", "junta-dominant"),
    ("foreign-assistance", "suspended"),
    ("algeria-role", "ambivalent"),
    ("armed-groups", "jihadist-dominance"),
    ("drought-food", "severe"),
    ("ecowas-posture", "mediation-sanctions"),
    ("drug-trafficking", "thriving"),
    ("kidnap-ransom", "flourishing"),
]


@pytest.fixture
def editor(login):
    membership = login("analyst")
    return mali(membership.team), membership


def test_the_case_page_links_to_the_builder(client, editor) -> None:
    case, _ = editor
    body = client.get(reverse("case", args=[case.pk])).content.decode()
    assert builder(case) in body


def test_page_shows_the_matrix_and_the_ranked_combinations(client, editor) -> None:
    case, _ = editor
    response = client.get(builder(case))
    assert response.status_code == 200
    body = response.content.decode()
    # The matrix: every driver and state, a select for each pair of different drivers, stored values selected.
    for driver in case.drivers.all():
        assert escape(driver.name["en"]) in body
        for s in driver.states.all():
            assert escape(s.name["en"]) in body
    junta, restored = (
        state(case, "bamako-order", "junta-dominant"),
        state(case, "foreign-assistance", "restored"),
    )
    cell = re.search(rf'data-testid="ccm-{junta.pk}-{restored.pk}".*?</select>', body, re.S).group(0)
    assert '<option value="-2" selected>' in cell
    # Pairs of the same driver have no select; pairs of different drivers (here 177) have one each.
    sizes = [driver.states.count() for driver in case.drivers.all()]
    assert body.count('name="value" aria-label=') == (sum(sizes) ** 2 - sum(n * n for n in sizes)) // 2 == 177
    fragile = state(case, "bamako-order", "fragile-transition")
    assert f'data-testid="ccm-{junta.pk}-{fragile.pk}"' not in body
    # The counts, the time and the ranking: best first is the seeded "Jihadist consolidation" (total 18).
    assert f"{TOTAL} combinations in all: {TOTAL - EXCLUDED} consistent, {EXCLUDED} excluded" in body
    assert re.search(r"Listed in [\d.]+ ms", body)
    assert first_row_states(body) == [state(case, d, s).pk for d, s in JIHADIST]
    first = re.search(r'data-testid="combination-1".*?</tr>', body, re.S).group(0)
    assert "Jihadist consolidation" in first and ">18<" in first
    assert body.count('data-testid="combination-') == 50
    assert 'data-testid="show-more"' in body and "?limit=100" in body
    # Every existing scenario is placed in the ranking.
    assert "Negotiated stabilisation" in body and "rank 1, total 18" in body
    # Editors get the promote form on every row.
    assert body.count(f'action="{promote_url(case)}"') == 50


def test_limit_shows_more_rows(client, editor) -> None:
    case, _ = editor
    body = client.get(builder(case), {"limit": "100"}).content.decode()
    assert body.count('data-testid="combination-') == 100
    assert "?limit=150" in body
    everything = client.get(builder(case), {"limit": "1000"}).content.decode()
    assert everything.count('data-testid="combination-') == TOTAL - EXCLUDED
    assert 'data-testid="show-more"' not in everything
    # Nonsense falls back to the default.
    assert (
        client.get(builder(case), {"limit": "lots"}).content.decode().count('data-testid="combination-') == 50
    )


def test_anonymous_visitors_are_sent_to_log_in(client) -> None:
    case = mali(TeamFactory())
    before = snapshot(case)
    for response in (
        client.get(builder(case)),
        client.post(save_url(case), {"state_a": 1, "state_b": 2, "value": 1}),
        client.post(promote_url(case), {"name": "X"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert snapshot(case) == before
    assert Scenario.objects.filter(case=case).count() == 4


def test_another_teams_case_is_not_found(client, login) -> None:
    login("owner")
    case = mali(TeamFactory())
    before = snapshot(case)
    a, b = state(case, "libya-spillover", "curbed"), state(case, "drought-food", "easing")
    assert client.get(builder(case)).status_code == 404
    assert client.post(save_url(case), {"state_a": a.pk, "state_b": b.pk, "value": 2}).status_code == 404
    states = [state(case, d, s).pk for d, s in JIHADIST]
    assert (
        client.post(promote_url(case), {"state": states, "name": "X", "plausibility": "3"}).status_code == 404
    )
    assert snapshot(case) == before
    assert Scenario.objects.filter(case=case).count() == 4


@pytest.mark.parametrize("role", ["observer", "participant"])
def test_viewers_see_values_but_cannot_save_or_promote(client, login, role: str) -> None:
    membership = login(role)
    case = mali(membership.team)
    response = client.get(builder(case))
    assert response.status_code == 200
    body = response.content.decode()
    assert save_url(case) not in body
    assert 'name="value" aria-label=' not in body
    assert promote_url(case) not in body
    assert '<span class="v-2">-2</span>' in body  # read-only value
    assert f"{TOTAL - EXCLUDED} consistent" in body
    before = snapshot(case)
    a, b = state(case, "libya-spillover", "curbed"), state(case, "drought-food", "easing")
    assert client.post(save_url(case), {"state_a": a.pk, "state_b": b.pk, "value": 2}).status_code == 403
    states = [state(case, d, s).pk for d, s in JIHADIST]
    response = client.post(promote_url(case), {"state": states, "name": "Mine", "plausibility": "3"})
    assert response.status_code == 403
    assert snapshot(case) == before
    assert not Scenario.objects.filter(case=case, key="mine").exists()


@pytest.mark.parametrize("role", ["owner", "facilitator", "analyst"])
def test_editing_roles_may_save(client, login, role: str) -> None:
    membership = login(role)
    case = mali(membership.team)
    a, b = state(case, "libya-spillover", "curbed"), state(case, "drought-food", "easing")
    response = client.post(save_url(case), {"state_a": a.pk, "state_b": b.pk, "value": "1"}, headers=HTMX)
    assert response.status_code == 200
    low, high = sorted((a.pk, b.pk))
    assert snapshot(case).count((low, high, 1)) == 1


def test_saving_a_rating_announces_it_and_changes_the_ranking(client, editor) -> None:
    case, _ = editor
    suspended = state(case, "foreign-assistance", "suspended")
    thriving = state(case, "drug-trafficking", "thriving")
    before = client.get(builder(case)).content.decode()
    assert first_row_states(before) == [state(case, d, s).pk for d, s in JIHADIST]
    # The seeded +1 between these two states becomes -2: no combination holding both may be listed.
    response = client.post(
        save_url(case), {"state_a": thriving.pk, "state_b": suspended.pk, "value": "-2"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "consistency-saved"
    body = response.content.decode()
    assert 'data-state="saved"' in body
    low, high = sorted((suspended.pk, thriving.pk))
    assert f'id="mirror-{low}-{high}" class="v-2" hx-swap-oob="true">-2<' in body
    # Stored once, in either order it was imported.
    rows = StateConsistency.objects.filter(
        case=case, state_a__in=[suspended, thriving], state_b__in=[suspended, thriving]
    )
    assert list(rows.values_list("state_a", "state_b", "value")) == [(low, high, -2)]
    # The list the page refreshes (an htmx request aimed at it) now ranks another combination first.
    partial = client.get(builder(case), headers={**HTMX, "HX-Target": "combinations"})
    assert partial.status_code == 200
    refreshed = partial.content.decode()
    assert "<html" not in refreshed and "Cross-consistency matrix" not in refreshed
    top = first_row_states(refreshed)
    assert top != first_row_states(before)
    assert not {suspended.pk, thriving.pk} <= set(top)
    # Both states sit in 1152 / 4 = 288 combinations; 1152 / 24 = 48 of them were already excluded (they also
    # hold junta-dominant with an ECOWAS intervention; junta-dominant with restored assistance cannot overlap).
    excluded = EXCLUDED + 288 - 48
    assert f"{TOTAL - excluded} consistent, {excluded} excluded" in refreshed
    assert re.search(r'Jihadist consolidation —\s*<span class="error">holds an impossible pair', refreshed)


def test_zero_deletes_the_rating(client, editor) -> None:
    case, _ = editor
    junta, restored = (
        state(case, "bamako-order", "junta-dominant"),
        state(case, "foreign-assistance", "restored"),
    )
    count = StateConsistency.objects.filter(case=case).count()
    response = client.post(
        save_url(case), {"state_a": junta.pk, "state_b": restored.pk, "value": "0"}, headers=HTMX
    )
    assert response.status_code == 200
    assert StateConsistency.objects.filter(case=case).count() == count - 1
    body = client.get(builder(case)).content.decode()
    assert f"{TOTAL - 192} consistent, 192 excluded" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"state_a": "999999", "state_b": "B", "value": "1"}, "Unknown state"),
        ({"state_a": "abc", "state_b": "B", "value": "1"}, "Unknown state"),
        ({"state_b": "B", "value": "1"}, "Unknown state"),
        ({"state_a": "A", "state_b": "SAME", "value": "1"}, "Both states belong to the driver"),
        ({"state_a": "A", "state_b": "B", "value": "3"}, "whole number from -2 to +2; got 3"),
        ({"state_a": "A", "state_b": "B", "value": "-3"}, "from -2 to +2"),
        ({"state_a": "A", "state_b": "B", "value": "abc"}, "“abc” is not a whole number from -2 to +2"),
        ({"state_a": "A", "state_b": "B", "value": "1.5"}, "is not a whole number"),
        ({"state_a": "A", "state_b": "B"}, "Choose a value from -2 to +2"),
    ],
)
def test_bad_ratings_are_refused_and_nothing_is_written(client, editor, data, message: str) -> None:
    case, _ = editor
    ids = {
        "A": state(case, "libya-spillover", "curbed").pk,
        "B": state(case, "drought-food", "easing").pk,
        "SAME": state(case, "libya-spillover", "sustained").pk,
    }
    data = {key: str(ids.get(value, value)) for key, value in data.items()}
    before = snapshot(case)
    response = client.post(save_url(case), data, headers=HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'data-state="error"' in response.content.decode()
    assert "HX-Trigger" not in response
    assert snapshot(case) == before


def test_a_state_of_another_teams_case_is_unknown(client, editor) -> None:
    case, _ = editor
    other = mali(TeamFactory())
    before = snapshot(case)
    response = client.post(
        save_url(case),
        {
            "state_a": state(case, "libya-spillover", "curbed").pk,
            "state_b": state(other, "drought-food", "easing").pk,
            "value": "1",
        },
    )
    assert response.status_code == 422
    assert "Unknown state" in response.content.decode()
    assert snapshot(case) == before


def test_save_and_promote_accept_only_post(client, editor) -> None:
    case, _ = editor
    assert client.get(save_url(case)).status_code == 405
    assert client.get(promote_url(case)).status_code == 405


def promote_data(case, combination, **extra):
    return {
        "state": [state(case, d, s).pk for d, s in combination],
        "name": "Northern stalemate",
        "narrative": "Nobody wins; the North stays divided.",
        "plausibility": "4",
        **extra,
    }


# Consistent, and not one of the four seeded scenarios.
STALEMATE = [
    ("libya-spillover", "curbed"),
    ("bamako-order", "fragile-transition"),
    ("foreign-assistance", "suspended"),
    ("algeria-role", "engaged"),
    ("armed-groups", "loose-coexistence"),
    ("drought-food", "easing"),
    ("ecowas-posture", "mediation-sanctions"),
    ("drug-trafficking", "disrupted"),
    ("kidnap-ransom", "squeezed"),
]


def test_promoting_creates_the_scenario_and_returns_to_the_builder(client, editor) -> None:
    case, _ = editor
    response = client.post(promote_url(case), promote_data(case, STALEMATE))
    assert response.status_code == 302
    assert response["Location"] == builder(case)
    scenario = Scenario.objects.get(case=case, key="northern-stalemate")
    assert scenario.name == {"en": "Northern stalemate"}
    assert scenario.narrative == {"en": "Nobody wins; the North stays divided."}
    assert scenario.plausibility == 4
    assert scenario.origin == "consistency"  # the results say where it came from
    assert scenario.position == 4  # after the four seeded ones (0-3)
    assert set(scenario.states.values_list("pk", flat=True)) == {state(case, d, s).pk for d, s in STALEMATE}
    page = client.get(builder(case), {"limit": "1000"}).content.decode()
    assert "The scenario “Northern stalemate” was created." in page
    row = re.search(
        r'data-states="{}".*?</tr>'.format(",".join(str(state(case, d, s).pk) for d, s in STALEMATE)),
        page,
        re.S,
    ).group(0)
    assert "Northern stalemate" in row


def test_promoting_in_french_stores_the_french_text(client, editor) -> None:
    case, _ = editor
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.post(promote_url(case), promote_data(case, STALEMATE, name="Impasse au Nord"))
    assert response.status_code == 302
    assert Scenario.objects.get(case=case, key="impasse-au-nord").name == {"fr": "Impasse au Nord"}


IMPOSSIBLE = [
    ("libya-spillover", "sustained"),
    ("bamako-order", "junta-dominant"),
    ("foreign-assistance", "restored"),  # -2 with junta-dominant
    ("algeria-role", "ambivalent"),
    ("armed-groups", "jihadist-dominance"),
    ("drought-food", "severe"),
    ("ecowas-posture", "mediation-sanctions"),
    ("drug-trafficking", "thriving"),
    ("kidnap-ransom", "flourishing"),
]


@pytest.mark.parametrize(
    ("combination", "changes", "message"),
    [
        (IMPOSSIBLE, {}, "This combination holds an impossible pair (-2)"),
        (STALEMATE, {"name": "  "}, "Give the scenario a name."),
        (STALEMATE, {"plausibility": "9"}, "The plausibility must be from 1 to 5."),
        (STALEMATE, {"plausibility": "high"}, "is not a plausibility from 1 to 5"),
        (STALEMATE[:-2] + STALEMATE[-1:], {}, "Choose a state for the driver “Drug trafficking"),
        ([*STALEMATE, ("drug-trafficking", "thriving")], {}, "Choose only one state for the driver"),
        (STALEMATE, {"state": ["999999"]}, "Unknown state"),
        (STALEMATE, {"state": []}, "Choose a combination of states to promote."),
    ],
)
def test_bad_promotions_are_refused_and_the_form_kept(
    client, editor, combination, changes, message: str
) -> None:
    case, _ = editor
    data = promote_data(case, combination, **changes)
    response = client.post(promote_url(case), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert 'role="alert"' in body
    # What was typed is shown again.
    assert 'value="' + data["name"] + '"' in body
    assert "Nobody wins; the North stays divided.</textarea>" in body
    if data["plausibility"] == "4":
        assert re.search(r'id="promote-plausibility".*?<option value="4" selected>', body, re.S)
    assert Scenario.objects.filter(case=case).count() == 4


def test_a_case_without_drivers_explains_what_is_missing(client, login) -> None:
    membership = login("analyst")
    case = CaseFactory(team=membership.team)
    body = client.get(builder(case)).content.decode()
    assert "No drivers yet." in body
    assert "Combinations need at least two drivers" in body
    driver = Driver.objects.create(case=case, key="only", name={"en": "Lonely driver"})
    DriverState.objects.create(driver=driver, key="a", name={"en": "A"})
    other = Driver.objects.create(case=case, key="other", name={"en": "Other driver"}, position=1)
    DriverState.objects.create(driver=other, key="b", name={"en": "B"})
    DriverState.objects.create(driver=other, key="c", name={"en": "C"})
    body = client.get(builder(case)).content.decode()
    assert "The driver “Lonely driver” needs at least two states" in body
