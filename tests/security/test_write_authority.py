"""Authority is read at the moment of writing, on every path: the workshop (weights, scores, comments), the
open exercise page, the API and case import. A participant row grants nothing on its own.

For each writer who may not write (an observer who joined by code, a member demoted to observer, a member
removed from the team, a guest of another exercise), every path is refused and nothing is stored; a participant
and a guest of the exercise succeed on the same requests, so the refusals are the rights, not bad requests.
"""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from policies.casefile.validation import parse_case_file
from policies.models import (
    Comment,
    Exercise,
    Membership,
    Participant,
    Role,
    ScoreJudgment,
    TokenScope,
    WeightJudgment,
)
from policies.models.exercises import Phase
from policies.services.api_tokens import create_token
from policies.services.case_import import import_case
from policies.services.workshop import issue_join_code
from tests.factories import MembershipFactory, TeamFactory, make_exercise

pytestmark = pytest.mark.django_db
SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"


def live(**fields) -> Exercise:
    """A facilitated workshop in its scoring phase (weights and scores both open), with a join code."""
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, phase=Phase.SCORING, **fields)
    return issue_join_code(exercise=exercise)


def open_exercise() -> Exercise:
    return make_exercise(options=2, criteria=2)


def joined(exercise: Exercise, client: Client, name: str = "Someone") -> Client:
    response = client.post(reverse("workshop-join"), {"code": exercise.join_code, "name": name, "join": "1"})
    assert response.status_code == 302
    return client


def member_client(exercise: Exercise, role: str) -> tuple[Client, Membership]:
    membership = MembershipFactory(team=exercise.team, role=role)
    client = Client()
    client.force_login(membership.user)
    return client, membership


# -- writers ----------------------------------------------------------------------------------------------


def observer_by_code(exercise: Exercise) -> Client:
    client, _membership = member_client(exercise, Role.OBSERVER)
    return joined(exercise, client)


def demoted_member(exercise: Exercise) -> Client:
    client, membership = member_client(exercise, Role.PARTICIPANT)
    client.get(reverse("workshop-play", args=[exercise.pk]))  # takes part: a participant row is made
    assert Participant.objects.filter(exercise=exercise, user=membership.user).exists()
    Membership.objects.filter(pk=membership.pk).update(role=Role.OBSERVER)
    return client


def removed_member(exercise: Exercise) -> Client:
    client, membership = member_client(exercise, Role.PARTICIPANT)
    client.get(reverse("workshop-play", args=[exercise.pk]))
    assert Participant.objects.filter(exercise=exercise, user=membership.user).exists()
    membership.delete()
    return client


def guest_of_another_exercise(exercise: Exercise) -> Client:
    other = live()
    return joined(other, Client(), "Elsewhere")


REFUSED: dict[str, Callable[[Exercise], Client]] = {
    "observer who joined by code": observer_by_code,
    "member demoted to observer": demoted_member,
    "member removed from the team": removed_member,
    "guest of another exercise": guest_of_another_exercise,
}
ALLOWED: dict[str, Callable[[Exercise], Client]] = {
    "participant": lambda e: member_client(e, Role.PARTICIPANT)[0],
    "guest of this exercise": lambda e: joined(e, Client(), "Invited"),
}


def workshop_writes(exercise: Exercise, client: Client) -> list[int]:
    option, criterion = exercise.options.first(), exercise.criteria.first()
    criteria = list(exercise.criteria.order_by("position", "pk"))
    return [
        client.post(
            reverse("workshop-weights", args=[exercise.pk]), {f"w-{c.pk}": "50" for c in criteria}
        ).status_code,
        client.post(
            reverse("workshop-score", args=[exercise.pk, option.pk, criterion.pk]), {"value": "5"}
        ).status_code,
        client.post(
            reverse("workshop-comments", args=[exercise.pk]), {"subject": f"o-{option.pk}", "body": "Mine"}
        ).status_code,
    ]


def stored(exercise: Exercise) -> tuple[int, int, int]:
    return (
        WeightJudgment.objects.filter(participant__exercise=exercise).count(),
        ScoreJudgment.objects.filter(participant__exercise=exercise).count(),
        Comment.objects.filter(exercise=exercise).count(),
    )


@pytest.mark.parametrize("writer", list(REFUSED))
def test_the_workshop_refuses_every_write(writer: str) -> None:
    exercise = live()
    client = REFUSED[writer](exercise)
    statuses = workshop_writes(exercise, client)
    assert all(status in {403, 404} for status in statuses), statuses
    assert stored(exercise) == (0, 0, 0)


@pytest.mark.parametrize("writer", list(ALLOWED))
def test_the_same_workshop_writes_succeed_for_who_may_judge(writer: str) -> None:
    exercise = live()
    client = ALLOWED[writer](exercise)
    assert workshop_writes(exercise, client) == [200, 200, 200]
    assert stored(exercise) == (2, 1, 1)


def open_page_writes(exercise: Exercise, client: Client) -> list[int]:
    option, criterion = exercise.options.first(), exercise.criteria.first()
    return [
        client.post(reverse("weight-save", args=[exercise.pk, criterion.pk]), {"value": "50"}).status_code,
        client.post(
            reverse("score-save", args=[exercise.pk, option.pk, criterion.pk]), {"value": "5"}
        ).status_code,
    ]


@pytest.mark.parametrize("role", [Role.OBSERVER, "demoted", "removed"])
def test_the_open_exercise_page_refuses_writes(role: str) -> None:
    exercise = open_exercise()
    client, membership = member_client(exercise, Role.PARTICIPANT if role != Role.OBSERVER else role)
    assert open_page_writes(exercise, client) == ([403, 403] if role == Role.OBSERVER else [200, 200])
    if role == "demoted":
        Membership.objects.filter(pk=membership.pk).update(role=Role.OBSERVER)
    elif role == "removed":
        membership.delete()
    before = stored(exercise)
    if role != Role.OBSERVER:
        assert open_page_writes(exercise, client) == ([403, 403] if role == "demoted" else [404, 404])
    assert stored(exercise) == before


def api_put(exercise: Exercise, secret: str) -> int:
    body = {
        "weights": [{"criterion": exercise.criteria.first().key, "value": 40}],
        "scores": [
            {"option": exercise.options.first().key, "criterion": exercise.criteria.first().key, "value": 4}
        ],
    }
    return (
        Client()
        .put(
            reverse("api:judgments-save", args=[exercise.pk]),
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        .status_code
    )


@pytest.mark.parametrize("change", ["demoted", "removed"])
def test_the_api_reads_the_role_again_at_every_write(change: str) -> None:
    exercise = open_exercise()
    membership = MembershipFactory(team=exercise.team, role=Role.PARTICIPANT)
    _token, secret = create_token(user=membership.user, name="script", scopes=[TokenScope.WRITE])
    assert api_put(exercise, secret) == 200
    if change == "demoted":
        Membership.objects.filter(pk=membership.pk).update(role=Role.OBSERVER)
    else:
        membership.delete()
    before = stored(exercise)
    assert api_put(exercise, secret) == (403 if change == "demoted" else 404)
    assert stored(exercise) == before


def test_import_cannot_replace_a_participants_judgments_without_the_role_and_the_request() -> None:
    team = TeamFactory()
    case = import_case(case_file=parse_case_file(SMALL.read_bytes()), team=team)
    exercise = case.exercises.get()
    person = MembershipFactory(team=team, role=Role.PARTICIPANT)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=False)
    client = Client()
    client.force_login(person.user)
    criterion = exercise.criteria.order_by("position", "pk").first()
    assert (
        client.post(reverse("weight-save", args=[exercise.pk, criterion.pk]), {"value": "30"}).status_code
        == 200
    )
    mine = Participant.objects.get(exercise=exercise, user=person.user)
    document = json.loads(SMALL.read_text())
    item = document["exercises"][0]
    item["participants"].append({"id": mine.key, "alias": "Forged"})
    item["weights"].append({"participant": mine.key, "criterion": criterion.key, "value": 99})
    body = json.dumps(document)

    def post(role: str, **query: str) -> int:
        importer = MembershipFactory(team=team, role=role)
        _token, secret = create_token(user=importer.user, name="import", scopes=[TokenScope.WRITE])
        url = (
            reverse("api:case-import", args=[team.slug])
            + "?"
            + "&".join(f"{k}={v}" for k, v in query.items())
        )
        client = Client(headers={"Authorization": f"Bearer {secret}"})
        response = client.post(url, body, content_type="application/json")
        if response.status_code == 200:  # an update's preview: confirm it
            response = client.post(response.json()["confirm"], body, content_type="application/json")
            return 201 if response.status_code == 200 else response.status_code
        return response.status_code

    assert post(Role.ANALYST, as_new="false") == 403  # an analyst changes no exercise
    assert post(Role.FACILITATOR, as_new="false") == 409  # a facilitator must ask for it
    assert WeightJudgment.objects.get(participant=mine).value == 30
    assert Participant.objects.get(pk=mine.pk).alias != "Forged"
    assert post(Role.ANALYST, as_new="false", exercises="false") == 201  # the case without its exercises
    assert WeightJudgment.objects.get(participant=mine).value == 30
    assert post(Role.FACILITATOR, as_new="false", replace_judgments="true") == 201
    assert WeightJudgment.objects.get(participant=mine).value == 99
