"""The cross-impact page: the grid, a cell's reason and evidence, .scw and CSV files in and out, promotion."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policies.casefile.scenariowizard import read_matrix_csv, read_scw
from policies.casefile.validation import parse_case_file
from policies.models import CrossImpact, DriverState, Evidence, Scenario, ScenarioOrigin
from policies.services.case_import import import_case
from policies.services.cross_impact import set_impact
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

MALI = Path(settings.BASE_DIR) / "seeds" / "mali-2012.json"


def mali(team):
    case = import_case(case_file=parse_case_file(MALI.read_bytes()), team=team)
    # Start from an empty matrix whatever the seed holds, so the numbers below are this test's own.
    CrossImpact.objects.filter(case=case).delete()
    return case


def state(case, driver: str, key: str) -> DriverState:
    return DriverState.objects.select_related("driver").get(driver__case=case, driver__key=driver, key=key)


def snapshot(case) -> list[tuple[int, int, int]]:
    return sorted(CrossImpact.objects.filter(case=case).values_list("source", "target", "value"))


@pytest.fixture
def editor(client, login):
    membership = login("analyst")
    return mali(membership.team)


def page(client, case, **query) -> str:
    response = client.get(reverse("cross-impacts", args=[case.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def save(client, case, source, target, value: str):
    return client.post(
        reverse("cross-impact-save", args=[case.pk]),
        {"source": source.pk, "target": target.pk, "value": value},
        headers={"HX-Request": "true"},
    )


def test_the_grid_has_an_input_per_cell_of_two_different_drivers(client, editor) -> None:
    body = page(client, editor)
    states = DriverState.objects.filter(driver__case=editor)
    n = states.count()
    same = sum(d.states.count() ** 2 for d in editor.drivers.all())
    inputs = re.findall(r'data-testid="impact-(\d+)-(\d+)"', body)
    assert len(inputs) == n * n - same
    assert "data-impact-grid" in body and "impact_grid.js" in body


def test_a_typed_impact_is_saved_and_zero_deletes_it(client, editor) -> None:
    junta, suspended = (
        state(editor, "bamako-order", "junta-dominant"),
        state(editor, "foreign-assistance", "suspended"),
    )
    response = save(client, editor, junta, suspended, "+3")
    assert response.status_code == 200 and 'data-state="saved"' in response.content.decode()
    assert response["HX-Trigger"] == "impact-saved"
    assert snapshot(editor) == [(junta.pk, suspended.pk, 3)]
    assert save(client, editor, junta, suspended, "−2").status_code == 200  # a typographic minus
    assert snapshot(editor) == [(junta.pk, suspended.pk, -2)]
    assert save(client, editor, junta, suspended, "").status_code == 200
    assert snapshot(editor) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [("12", "from -9 to +9"), ("two", "not a whole number"), ("1.5", "not a whole number")],
)
def test_a_bad_value_is_refused_and_nothing_written(client, editor, value, message) -> None:
    junta, suspended = (
        state(editor, "bamako-order", "junta-dominant"),
        state(editor, "foreign-assistance", "suspended"),
    )
    response = save(client, editor, junta, suspended, value)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert snapshot(editor) == []


def test_a_cell_within_one_driver_or_of_another_case_is_refused(client, editor) -> None:
    junta, civil = (
        state(editor, "bamako-order", "junta-dominant"),
        state(editor, "bamako-order", "constitutional-order"),
    )
    response = save(client, editor, junta, civil, "1")
    assert response.status_code == 422 and "two different drivers" in response.content.decode()
    other = mali(TeamFactory())
    foreign = state(other, "foreign-assistance", "suspended")
    response = save(client, editor, junta, foreign, "1")
    assert response.status_code == 422 and "Unknown state" in response.content.decode()
    assert snapshot(editor) == [] and snapshot(other) == []


def test_an_observer_reads_the_matrix_but_cannot_write(client, login) -> None:
    membership = login("observer")
    case = mali(membership.team)
    junta, suspended = (
        state(case, "bamako-order", "junta-dominant"),
        state(case, "foreign-assistance", "suspended"),
    )
    set_impact(case=case, source=junta, target=suspended, value=2)
    body = page(client, case)
    assert "data-impact-grid" not in body and not re.search(r'data-testid="impact-\d', body)
    assert "+2" in body
    assert save(client, case, junta, suspended, "3").status_code == 403
    assert snapshot(case) == [(junta.pk, suspended.pk, 2)]


def test_a_cells_reason_evidence_and_illustrative_mark(client, editor) -> None:
    junta, suspended = (
        state(editor, "bamako-order", "junta-dominant"),
        state(editor, "foreign-assistance", "suspended"),
    )
    evidence = Evidence.objects.filter(case=editor).order_by("pk")[:2]
    url = reverse("cross-impact-cell", args=[editor.pk, junta.pk, suspended.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "value": "+3",
            "reason_en": "Donors suspend aid after a coup.",
            "reason_fr": "Les bailleurs suspendent l'aide après un coup d'État.",
            "evidence": [e.pk for e in evidence],
        },
    )
    assert response.status_code == 302
    cell = CrossImpact.objects.get(source=junta, target=suspended)
    assert cell.value == 3 and not cell.illustrative
    assert cell.reason["en"] == "Donors suspend aid after a coup."
    assert set(cell.evidence.values_list("pk", flat=True)) == {e.pk for e in evidence}
    body = page(client, editor)
    assert "Donors suspend aid after a coup." in body and evidence[0].key in body
    # Typing a new value in the grid keeps the reason and the evidence.
    save(client, editor, junta, suspended, "2")
    cell.refresh_from_db()
    assert cell.value == 2 and cell.reason["en"] and cell.evidence.count() == 2
    # Another case's evidence is not offered, and is refused if posted.
    foreign = Evidence.objects.filter(case=mali(TeamFactory())).first()
    response = client.post(url, {"value": "1", "evidence": [foreign.pk], "illustrative": "on"})
    assert response.status_code == 422
    cell.refresh_from_db()
    assert cell.value == 2 and not cell.illustrative


def test_a_cell_page_of_one_driver_is_not_found(client, editor) -> None:
    junta, civil = (
        state(editor, "bamako-order", "junta-dominant"),
        state(editor, "bamako-order", "constitutional-order"),
    )
    assert client.get(reverse("cross-impact-cell", args=[editor.pk, junta.pk, civil.pk])).status_code == 404


def _some_impacts(case) -> None:
    set_impact(
        case=case,
        source=state(case, "bamako-order", "junta-dominant"),
        target=state(case, "foreign-assistance", "suspended"),
        value=3,
        reason={"en": "Kept through files."},
    )
    set_impact(
        case=case,
        source=state(case, "libya-spillover", "sustained"),
        target=state(case, "armed-groups", "jihadist-dominance"),
        value=2,
    )
    set_impact(
        case=case,
        source=state(case, "ecowas-posture", "military-intervention"),
        target=state(case, "kidnap-ransom", "flourishing"),
        value=-6,
    )


@pytest.mark.parametrize("file_format", ["scw", "csv"])
def test_a_file_round_trips_through_the_page(client, editor, file_format) -> None:
    _some_impacts(editor)
    before = snapshot(editor)
    response = client.get(reverse("cross-impact-export", args=[editor.pk, file_format]))
    assert response.status_code == 200
    assert f"{editor.key}-cross-impacts.{file_format}" in response["Content-Disposition"]
    data = response.content
    parsed = read_scw(data) if file_format == "scw" else read_matrix_csv(data)
    assert len(parsed.descriptors) == editor.drivers.count()
    CrossImpact.objects.filter(case=editor).update(value=1)
    response = client.post(
        reverse("cross-impact-import", args=[editor.pk]),
        {"file": SimpleUploadedFile(f"matrix.{file_format}", data)},
    )
    assert response.status_code == 302
    assert snapshot(editor) == before
    # The reason a file cannot carry is kept.
    assert CrossImpact.objects.get(case=editor, value=3).reason == {"en": "Kept through files."}


def test_a_french_export_reads_back_into_the_case(client, editor) -> None:
    _some_impacts(editor)
    before = snapshot(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    data = client.get(reverse("cross-impact-export", args=[editor.pk, "csv"])).content
    assert "Flux persistants" in data.decode("utf-8-sig")
    CrossImpact.objects.filter(case=editor).delete()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("cross-impact-import", args=[editor.pk]), {"file": SimpleUploadedFile("m.csv", data)}
    )
    assert response.status_code == 302
    assert [row[2] for row in snapshot(editor)] == [row[2] for row in before]


SCW_BAD_ROW = """$ ScenarioWizard 4.0
Test
&A. First
 -A1 "One"
 -A2 "Two"
&B. Second
 -B1 "Three"
 -B2 "Four"
#
#
#
#
#
 0 , 0 , 1 , 2
 0 , 0 , x , 1
 1 , 0 , 0 , 0
 0 , 1 , 0 , 0
#
"""


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bad.scw", SCW_BAD_ROW.encode(), "Line 15:"),
        ("bad.csv", b",,A,A\n,,x,y\nA,x,0,0\n", "Line "),
        ("matrix.xlsx", b"PK\x03\x04", "Choose a .scw"),
    ],
)
def test_a_malformed_file_is_refused_with_its_line_and_reason(client, editor, name, data, expected) -> None:
    _some_impacts(editor)
    before = snapshot(editor)
    response = client.post(
        reverse("cross-impact-import", args=[editor.pk]), {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-testid="import-problems"' in body and expected in body
    assert snapshot(editor) == before


def test_a_file_of_other_drivers_is_refused_naming_them(client, editor) -> None:
    data = SCW_BAD_ROW.replace(" 0 , 0 , x , 1", " 0 , 0 , 0 , 1").encode()
    response = client.post(
        reverse("cross-impact-import", args=[editor.pk]), {"file": SimpleUploadedFile("other.scw", data)}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "driver “A. First” is not a driver of this case" in body
    assert "driver “B. Second” is not a driver of this case" in body
    assert snapshot(editor) == []


def test_an_observer_cannot_import(client, login) -> None:
    membership = login("observer")
    case = mali(membership.team)
    response = client.post(
        reverse("cross-impact-import", args=[case.pk]),
        {"file": SimpleUploadedFile("m.scw", SCW_BAD_ROW.encode())},
    )
    assert response.status_code == 403


def test_consistent_scenarios_are_listed_and_charted(client, editor) -> None:
    _some_impacts(editor)
    body = page(client, editor)
    assert 'data-testid="cib-scenarios"' in body
    for chart in ("cib-tableau", "cib-matrix", "cib-profile", "cib-succession"):
        assert f'id="figure-{chart}"' in body, chart
    figure = json.loads(re.search(r'id="figure-cib-matrix">(.*?)</script>', body, re.S).group(1))
    assert figure["data"][0]["type"] == "heatmap"


def _consistent_states(client, case) -> list[int]:
    body = page(client, case)
    row = re.search(r'data-testid="cib-scenario-1">(.*?)</tr>', body, re.S).group(1)
    return [int(pk) for pk in re.findall(r'name="state" value="(\d+)"', row)]


def test_promoting_a_consistent_scenario_makes_a_cib_scenario_with_a_skeleton(client, editor) -> None:
    _some_impacts(editor)
    states = _consistent_states(client, editor)
    response = client.post(
        reverse("cib-promote", args=[editor.pk]),
        {"state": states, "name": "Junta and jihadists", "plausibility": "4"},
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get(case=editor, name__en="Junta and jihadists")
    assert scenario.origin == ScenarioOrigin.CIB and scenario.plausibility == 4
    assert sorted(scenario.states.values_list("pk", flat=True)) == sorted(states)
    narrative = scenario.narrative["en"]
    for pk in states:
        assert DriverState.objects.get(pk=pk).name["en"] in narrative
    assert "Junta and jihadists" in page(client, editor)  # the listed scenario now names it


def test_an_inconsistent_scenario_is_not_promoted(client, editor) -> None:
    _some_impacts(editor)
    # Aid restored under the junta goes against its +3 push towards suspension, whatever the other drivers.
    picked = {"bamako-order": "junta-dominant", "foreign-assistance": "restored"}
    states = [
        state(editor, driver.key, picked[driver.key]).pk if driver.key in picked else driver.states.first().pk
        for driver in editor.drivers.all()
    ]
    count = Scenario.objects.filter(case=editor).count()
    response = client.post(
        reverse("cib-promote", args=[editor.pk]),
        {"state": states, "name": "Against the push", "plausibility": "3"},
    )
    assert response.status_code == 422
    assert "not consistent" in response.content.decode()
    assert Scenario.objects.filter(case=editor).count() == count


def test_the_page_reads_in_french(client, editor) -> None:
    _some_impacts(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    body = page(client, editor)
    assert "Matrice d’impacts croisés" in body and "Scénarios cohérents" in body
    assert "Télécharger pour ScenarioWizard (.scw)" in body
    figure = json.loads(re.search(r'id="figure-cib-tableau">(.*?)</script>', body, re.S).group(1))
    assert figure["layout"]["title"]["text"].startswith("Scénarios cohérents")
