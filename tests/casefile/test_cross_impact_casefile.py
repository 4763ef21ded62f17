"""The case file carries the cross-impact matrix (version 2); version 1 files are upgraded on import."""

import json
from pathlib import Path

import pytest

from policies.casefile.schema import FORMAT_VERSION
from policies.casefile.validation import CaseFileError, parse_case_file
from policies.casefile.versions import upgrade
from policies.models import CrossImpact, DriverState, Evidence, ScenarioOrigin
from policies.selectors.case_export import export_case
from policies.services.case_import import import_case
from policies.services.cross_impact import promote_cib_scenario, set_impact
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"


def small(team=None):
    return import_case(case_file=parse_case_file(SMALL.read_bytes()), team=team or TeamFactory())


def cells(case) -> list[tuple]:
    return sorted(
        (
            c.source.driver.key,
            c.source.key,
            c.target.driver.key,
            c.target.key,
            c.value,
            json.dumps(c.reason, sort_keys=True),
            c.illustrative,
            tuple(sorted(c.evidence.values_list("key", flat=True))),
        )
        for c in CrossImpact.objects.filter(case=case).select_related("source__driver", "target__driver")
    )


def test_a_version_1_file_is_upgraded_and_exported_as_the_current_version() -> None:
    document = json.loads(SMALL.read_bytes())
    assert document["version"] == 1
    upgraded = upgrade(document)
    assert upgraded["version"] == FORMAT_VERSION == 3
    assert upgraded["sources"][0]["title"] == {"en": "A memo"}  # through version 2 to 3
    case = small()
    assert not CrossImpact.objects.filter(case=case).exists()
    assert set(case.scenarios.values_list("origin", flat=True)) <= {ScenarioOrigin.AUTHORED}
    exported = export_case(case)
    assert exported["version"] == 3 and exported.get("cross_impacts", []) == []  # defaults are left out


@pytest.mark.parametrize("version", [{}, [1], True, "1", 1.5, None])
def test_a_version_that_is_not_a_whole_number_is_refused_not_a_crash(version) -> None:
    document = json.loads(SMALL.read_bytes())
    document["version"] = version
    with pytest.raises(CaseFileError) as refusal:
        parse_case_file(json.dumps(document).encode())
    assert [problem.path for problem in refusal.value.problems] == ["$.version"]


def test_the_matrix_and_the_scenarios_origin_round_trip() -> None:
    case = small()
    state = {s.key: s for s in DriverState.objects.filter(driver__case=case)}
    evidence = list(Evidence.objects.filter(case=case))
    set_impact(
        case=case,
        source=state["wet"],
        target=state["rich"],
        value=3,
        reason={"en": "Rain makes harvests.", "fr": "La pluie fait les récoltes."},
        evidence=evidence[:1],
    )
    set_impact(case=case, source=state["poor"], target=state["dry"], value=-2, illustrative=True)
    promote_cib_scenario(
        case=case, states=[state["wet"], state["rich"]], name="Good year", plausibility=4, language="en"
    )
    document = export_case(case)
    assert len(document["cross_impacts"]) == 2
    assert {s.get("origin", "authored") for s in document["scenarios"]} >= {"cib"}
    copy = import_case(case_file=parse_case_file(json.dumps(document)), team=TeamFactory())
    assert cells(copy) == cells(case)
    assert copy.scenarios.get(key="good-year").origin == ScenarioOrigin.CIB
    # Importing the same file again into the same case replaces the matrix rather than doubling it.
    import_case(case_file=parse_case_file(json.dumps(document)), team=copy.team)
    assert len(cells(copy)) == 2


def _with_impacts(impacts: list[dict]) -> bytes:
    document = upgrade(json.loads(SMALL.read_bytes()))
    document["cross_impacts"] = impacts
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("impact", "path", "message"),
    [
        (
            {"source": ["rain", "snow"], "target": ["money", "rich"], "value": 1},
            "$.cross_impacts[0].source",
            "snow",
        ),
        (
            {"source": ["rain", "wet"], "target": ["rain", "dry"], "value": 1},
            "$.cross_impacts[0]",
            "same driver",
        ),
        (
            {"source": ["rain", "wet"], "target": ["money", "rich"], "value": 12},
            "$.cross_impacts[0].value",
            "9",
        ),
        (
            {"source": ["rain", "wet"], "target": ["money", "rich"], "value": 1.5},
            "$.cross_impacts[0].value",
            "",
        ),
        (
            {"source": ["rain", "wet"], "target": ["money", "rich"], "value": 1, "evidence": ["nowhere"]},
            "$.cross_impacts[0].evidence[0]",
            "nowhere",
        ),
    ],
)
def test_a_malformed_matrix_is_refused_with_its_path(impact, path, message) -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(_with_impacts([impact]))
    problems = {problem.path: problem.message for problem in caught.value.problems}
    assert path in problems, problems
    assert message in problems[path]


def test_a_cell_given_twice_is_refused() -> None:
    impact = {"source": ["rain", "wet"], "target": ["money", "rich"], "value": 1}
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(_with_impacts([impact, {**impact, "value": 2}]))
    assert [p.path for p in caught.value.problems] == ["$.cross_impacts[1]"]
