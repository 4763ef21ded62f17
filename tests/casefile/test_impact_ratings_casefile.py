"""A workshop's cross-impact ratings travel in the case file: exported under the reader's visibility exactly as
scores are, imported through the impact-judgment service with the same authority rules as scores."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from policies.casefile.validation import CaseFileError, parse_case_file
from policies.models import Exercise, ImpactJudgment, Participant, Team
from policies.models.exercises import Anonymity, Phase
from policies.selectors.case_export import exercises_as_seen, export_case
from policies.selectors.visibility import visibility_for
from policies.services.case_import import PeopleInTheWay, import_case
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"

RATINGS = [
    {"participant": "ann", "source": ["rain", "wet"], "target": ["money", "rich"], "value": 2},
    {"participant": "ann", "source": ["money", "poor"], "target": ["rain", "dry"], "value": -3, "round": 2},
    {"participant": "bob", "source": ["rain", "wet"], "target": ["money", "rich"], "value": -1},
    {"participant": "bob", "source": ["rain", "dry"], "target": ["money", "poor"], "value": 6},
]


def document(ratings: list[dict[str, Any]]) -> dict[str, Any]:
    data = json.loads(SMALL.read_bytes())
    data["exercises"][0]["impacts"] = copy.deepcopy(ratings)
    return data


def load(data: dict[str, Any], team: Team, **options: Any):
    return import_case(case_file=parse_case_file(json.dumps(data)), team=team, **options)


def stored(exercise: Exercise) -> set[tuple[str, str, str, int, int]]:
    return {
        (j.participant.key, j.source.key, j.target.key, j.value, j.round)
        for j in ImpactJudgment.objects.filter(participant__exercise=exercise).select_related(
            "participant", "source", "target"
        )
    }


def exported_ratings(exercise: Exercise, *, facilitator: bool) -> list[dict[str, Any]]:
    (item,) = export_case(
        exercise.case, exercises={exercise.pk: visibility_for(exercise, facilitator=facilitator)}
    )["exercises"]
    ratings: list[dict[str, Any]] = item.get("impacts", [])  # the file leaves empty lists out
    return ratings


def test_impact_ratings_round_trip_and_a_re_import_replaces_them() -> None:
    team = TeamFactory()
    case = load(document(RATINGS), team)
    exercise = case.exercises.get()
    assert stored(exercise) == {
        ("ann", "wet", "rich", 2, 1),
        ("ann", "poor", "dry", -3, 2),
        ("bob", "wet", "rich", -1, 1),
        ("bob", "dry", "poor", 6, 1),
    }
    Exercise.objects.filter(pk=exercise.pk).update(current_round=2)
    exported = export_case(case, exercises=exercises_as_seen(case, facilitator=True))
    # Canonical: by participant, then the cell in the grid's order, defaults (round 1) left out.
    assert exported["exercises"][0]["impacts"] == RATINGS
    again = load(exported, team)
    assert stored(again.exercises.get()) == stored(exercise)
    assert export_case(again, exercises=exercises_as_seen(again, facilitator=True)) == exported

    # An edited file replaces the personas' ratings: one changed, one gone.
    edited = [dict(RATINGS[0], value=1), RATINGS[2]]
    load(document(edited), team)
    assert stored(exercise) == {("ann", "wet", "rich", 1, 1), ("bob", "wet", "rich", -1, 1)}


def test_a_blind_exercise_exports_no_ones_ratings_to_a_participant_before_the_reveal() -> None:
    case = load(document(RATINGS[:1] + RATINGS[2:]), TeamFactory())
    exercise = case.exercises.get()
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, blind=True, phase=Phase.IMPACTS, anonymity=Anonymity.PSEUDONYMOUS
    )
    exercise.refresh_from_db()

    assert exported_ratings(exercise, facilitator=False) == []
    (item,) = export_case(case, exercises=exercises_as_seen(case, facilitator=False))["exercises"]
    assert item["withheld"]  # the file says what it left out
    # The facilitator gets every rating, named by alias.
    assert {r["participant"] for r in exported_ratings(exercise, facilitator=True)} == {"ann", "bob"}

    exercise.phase = Phase.REVEAL
    exercise.save(update_fields=["phase"])
    revealed = exported_ratings(exercise, facilitator=False)
    assert len(revealed) == 3
    # Pseudonymous: a participant reads numbers, keyed as the participants list keys them.
    people = {p.key: p.number for p in Participant.objects.filter(exercise=exercise)}
    assert {r["participant"] for r in revealed} == {f"participant-{n}" for n in people.values()}


def test_a_delphi_round_is_withheld_from_a_participant_while_it_is_rated_blind() -> None:
    case = load(document(RATINGS), TeamFactory())
    exercise = case.exercises.get()
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, blind=True, phase=Phase.IMPACTS, current_round=2
    )
    exercise.refresh_from_db()
    rounds = {r.get("round", 1) for r in exported_ratings(exercise, facilitator=False)}
    assert rounds == {1}  # round 1's group matrix is the feedback; round 2 stays blind
    assert {r.get("round", 1) for r in exported_ratings(exercise, facilitator=True)} == {1, 2}


@pytest.mark.parametrize(
    ("rating", "path", "words"),
    [
        ({"participant": "zed"}, "$.exercises[0].impacts[0].participant", "Unknown participant"),
        ({"source": ["rain", "snow"]}, "$.exercises[0].impacts[0].source", "Unknown driver state"),
        ({"target": ["rain", "dry"]}, "$.exercises[0].impacts[0]", "same driver"),
        ({"value": 10}, "$.exercises[0].impacts[0].value", ""),
        ({"value": 1.5}, "$.exercises[0].impacts[0].value", ""),
        ({"round": 40_000}, "$.exercises[0].impacts[0].round", "Rounds go up to"),
    ],
)
def test_bad_ratings_are_refused_with_their_place_in_the_file(
    rating: dict[str, Any], path: str, words: str
) -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(json.dumps(document([dict(RATINGS[0], **rating)])))
    problems = [p for p in caught.value.problems if p.path == path]
    assert problems and words in problems[0].message, caught.value.problems


def test_a_second_rating_of_the_same_cell_and_round_is_refused() -> None:
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(json.dumps(document([RATINGS[0], dict(RATINGS[0], value=1)])))
    assert [p.path for p in caught.value.problems] == ["$.exercises[0].impacts[1]"]
    parse_case_file(json.dumps(document([RATINGS[0], dict(RATINGS[0], value=1, round=2)])))  # another round


def test_a_member_s_ratings_are_replaced_only_when_asked_for() -> None:
    team = TeamFactory()
    case = load(document(RATINGS), team)
    exercise = case.exercises.get()
    ann = Participant.objects.get(exercise=exercise, key="ann")
    Participant.objects.filter(pk=ann.pk).update(user=UserFactory())
    edited = [dict(RATINGS[0], value=-2)]
    with pytest.raises(PeopleInTheWay):
        load(document(edited), team)
    assert ("ann", "wet", "rich", 2, 1) in stored(exercise)  # nothing was written
    load(document(edited), team, replace_people=True)
    assert stored(exercise) == {("ann", "wet", "rich", -2, 1)}
