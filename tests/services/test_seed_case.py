"""The shipped Mali 2012 case meets the bar a staff-college workshop needs, in both languages."""

import json
from pathlib import Path

import pytest

from policies.casefile.validation import parse_case_file

SEED = Path(__file__).resolve().parents[2] / "seeds" / "mali-2012.json"


@pytest.fixture(scope="module")
def case_file():
    return parse_case_file(SEED.read_bytes())


def test_sizes(case_file) -> None:
    assert len(case_file.sources) == 5
    assert len(case_file.actors) >= 12
    assert len(case_file.drivers) >= 7 and all(2 <= len(d.states) <= 3 for d in case_file.drivers)
    assert len(case_file.scenarios) >= 4 and all(s.narrative.get("en") for s in case_file.scenarios)
    assert len(case_file.options) >= 8
    leaves = [c for c in case_file.criteria if c.parent]
    assert len(leaves) >= 10 and len({c.parent for c in leaves}) >= 3
    assert len(case_file.evidence) >= 40
    assert {a.kind for a in case_file.actors} >= {"state", "armed_group", "regional_body", "donor"}


def test_everything_is_sourced(case_file) -> None:
    for name in ("options", "criteria", "drivers", "actors"):
        for item in getattr(case_file, name):
            assert item.evidence, f"{name} {item.id} cites no evidence"
    assert {e.source for e in case_file.evidence} == {s.id for s in case_file.sources}
    for evidence in case_file.evidence:
        assert evidence.locator
        assert len(evidence.quote.split()) <= 20, evidence.id  # quotes stay short phrases


def test_the_named_options_are_there(case_file) -> None:
    names = " ".join(o.name["en"] for o in case_file.options).lower()
    for expected in (
        "cemoc",
        "pspsdn",
        "autonomy",
        "foreign assistance",
        "negotiat",
        "ecowas",
        "community",
        "security first",
    ):
        assert expected in names


def test_scenarios_avoid_impossible_pairs(case_file) -> None:
    impossible = {frozenset([tuple(c.a), tuple(c.b)]) for c in case_file.consistency if c.value == -2}
    assert impossible, "the documents make some combinations implausible"
    for scenario in case_file.scenarios:
        assert set(scenario.states) == {d.id for d in case_file.drivers}
        states = list(scenario.states.items())
        pairs = {frozenset([a, b]) for i, a in enumerate(states) for b in states[i + 1 :]}
        assert not pairs & impossible, scenario.id


def test_sample_exercise_has_three_differing_personas(case_file) -> None:
    exercise = case_file.exercises[0]
    assert len(exercise.participants) == 3
    cells = len(exercise.options) * len(exercise.criteria)
    for persona in exercise.participants:
        baseline = [s for s in exercise.scores if s.participant == persona.id and s.scenario is None]
        assert len(baseline) == cells
        assert all(s.rationale.get("en") and s.rationale.get("fr") for s in baseline)
    weights = {
        p.id: [w.value for w in exercise.weights if w.participant == p.id] for p in exercise.participants
    }
    assert len({tuple(v) for v in weights.values()}) == 3


def test_every_text_is_in_english_and_french() -> None:
    missing = []

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            if set(value) <= {"en", "fr"} and value:
                if not (value.get("en") and value.get("fr")) or (
                    value.get("en") == value.get("fr") and len(value["en"]) > 20
                ):
                    missing.append(path)
                return
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    walk(json.loads(SEED.read_text()), "$")
    assert missing == []
