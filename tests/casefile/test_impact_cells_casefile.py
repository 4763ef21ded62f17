"""The cross-impact cells a facilitator chose for the group to rate travel with their exercise in the case file:
exported by driver and state ids, imported back as the same choice."""

import json
from pathlib import Path
from typing import Any

import pytest

from policies.casefile.validation import CaseFileError, parse_case_file
from policies.models import DriverState, Exercise, Role
from policies.selectors.access import Viewer
from policies.selectors.case_export import exercises_as_seen, export_case
from policies.services.case_import import import_case
from policies.services.case_update import preview_update
from policies.services.impact_judgments import pick_impact_cells, rated_cells
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"

# In the grid's order: source state (drivers and states as listed), then target state.
CELLS = [
    {"source": ["rain", "wet"], "target": ["money", "rich"]},
    {"source": ["money", "poor"], "target": ["rain", "dry"]},
]


def document(cells: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    data = json.loads(SMALL.read_bytes())
    if cells is not None:
        data["exercises"][0]["impact_cells"] = cells
    return data


def load(data: dict[str, Any], team=None):
    return import_case(case_file=parse_case_file(json.dumps(data)), team=team or TeamFactory())


def chosen(exercise: Exercise) -> set[tuple[str, str, str, str]]:
    exercise.refresh_from_db()
    cells = rated_cells(exercise) or set()
    states = {
        s.pk: s for s in DriverState.objects.filter(driver__case=exercise.case).select_related("driver")
    }
    return {(states[a].driver.key, states[a].key, states[b].driver.key, states[b].key) for a, b in cells}


def exported_cells(exercise: Exercise) -> list[dict[str, Any]]:
    document = export_case(exercise.case, exercises=exercises_as_seen(exercise.case, facilitator=True))
    cells: list[dict[str, Any]] = document["exercises"][0].get("impact_cells", [])
    return cells


def test_the_facilitator_s_choice_is_exported_and_imported_back() -> None:
    team = TeamFactory()
    case = load(document(), team)
    exercise = case.exercises.get()
    assert rated_cells(exercise) is None and exported_cells(exercise) == []  # every cell: nothing to write
    facilitator = MembershipFactory(team=team, role=Role.FACILITATOR)
    state = {(s.driver.key, s.key): s for s in DriverState.objects.filter(driver__case=case)}
    pick_impact_cells(
        viewer=Viewer(exercise, facilitator.user_id, Role.FACILITATOR, None),
        cells=[
            (state["money", "poor"], state["rain", "dry"]),
            (state["rain", "wet"], state["money", "rich"]),
        ],
        expected_version=exercise.version,
    )
    exercise.refresh_from_db()
    assert exported_cells(exercise) == CELLS  # by keys, in the grid's order
    exported = export_case(case, exercises=exercises_as_seen(case, facilitator=True))

    elsewhere = load(exported).exercises.get()
    assert chosen(elsewhere) == {("rain", "wet", "money", "rich"), ("money", "poor", "rain", "dry")}
    assert (
        export_case(elsewhere.case, exercises=exercises_as_seen(elsewhere.case, facilitator=True)) == exported
    )


def test_a_re_import_replaces_the_choice_and_the_preview_shows_it() -> None:
    team = TeamFactory()
    case = load(document(CELLS), team)
    exercise = case.exercises.get()
    assert len(chosen(exercise)) == 2
    fewer = document(CELLS[:1])
    preview = preview_update(parse_case_file(json.dumps(fewer)), case)
    assert preview.exercises is not None and preview.exercises.changed  # the exercise changes
    load(fewer, team)
    assert chosen(exercise) == {("rain", "wet", "money", "rich")}
    load(document([]), team)
    exercise.refresh_from_db()
    assert rated_cells(exercise) is None  # no choice: every cell again


@pytest.mark.parametrize(
    ("cells", "path", "message"),
    [
        ([{"source": ["rain", "snow"], "target": ["money", "rich"]}], ".impact_cells[0].source", "rain/snow"),
        ([{"source": ["rain", "wet"], "target": ["rain", "dry"]}], ".impact_cells[0]", "same driver"),
        ([CELLS[0], CELLS[0]], ".impact_cells[1]", "same cell twice"),
        ([{"source": ["rain"], "target": ["money", "rich"]}], ".impact_cells[0].source[1]", "Field required"),
    ],
)
def test_a_bad_cell_is_refused_with_its_path(cells, path, message) -> None:
    with pytest.raises(CaseFileError) as refusal:
        parse_case_file(json.dumps(document(cells)))
    problems = {problem.path: problem.message for problem in refusal.value.problems}
    where = f"$.exercises[0]{path}"
    assert where in problems, problems
    assert message in problems[where]
