"""The group's judgments through the API: what the visibility policy lets each caller see, labelled its way."""

import pytest

from policies.models import PairwiseJudgment, ScoreJudgment, WeightJudgment
from policies.models.exercises import Anonymity, Phase
from policies.selectors.case_export import exercise_judgments
from policies.selectors.visibility import visibility_for
from tests.api.conftest import error_of
from tests.factories import ParticipantFactory, make_exercise

pytestmark = pytest.mark.django_db


def _judged_exercise(caller, *, blind: bool, anonymity: str = Anonymity.NAMED):  # type: ignore[no-untyped-def]
    """An exercise in scoring with two members who judged it, one with a rationale and a confidence."""
    exercise = make_exercise(options=2, criteria=2)
    exercise.blind = blind
    exercise.anonymity = anonymity
    exercise.phase = Phase.SCORING
    exercise.save()
    option = exercise.options.order_by("position", "pk").first()
    c1, c2 = exercise.criteria.order_by("position", "pk")
    people = []
    for name in ("Alice Secret", "Bob Hidden"):
        member = caller("participant", team=exercise.team)
        person = ParticipantFactory(
            exercise=exercise, user=member.user, key=f"user-{member.user.pk}", alias=name
        )
        WeightJudgment.objects.create(participant=person, criterion=c1, value=60, rationale={"en": "matters"})
        ScoreJudgment.objects.create(
            participant=person, option=option, criterion=c1, value=7, confidence=4, rationale={"en": "why"}
        )
        PairwiseJudgment.objects.create(participant=person, criterion_a=c1, criterion_b=c2, value=3)
        people.append((member, person))
    return exercise, people


def test_a_facilitator_gets_everyones_judgments_by_name(caller) -> None:
    exercise, people = _judged_exercise(caller, blind=True)
    facilitator = caller("facilitator", team=exercise.team)
    response = facilitator.get(f"/api/exercises/{exercise.pk}/judgments")
    assert response.status_code == 200
    body = response.json()
    assert body["withheld"] == "" and body["identities"] is True and body["round"] == 1
    assert body["participants"] == [{"key": p.key, "label": p.alias} for _m, p in people]
    assert sorted(w["participant"] for w in body["weights"]) == sorted(p.key for _m, p in people)
    score = body["scores"][0]
    assert (score["value"], score["confidence"], score["round"], score["scenario"]) == (7.0, 4, 1, None)
    assert score["rationale"] == {"en": "why", "fr": ""}
    assert body["weights"][0]["rationale"]["en"] == "matters"
    assert [c["value"] for c in body["comparisons"]] == [3.0, 3.0]
    # The same rows and keys as the case-file export made for the same view.
    exported = exercise_judgments(exercise, visibility_for(exercise, facilitator=True))
    assert [s["participant"] for s in body["scores"]] == [s["participant"] for s in exported["scores"]]


def test_a_participant_is_refused_before_the_reveal(caller) -> None:
    exercise, people = _judged_exercise(caller, blind=True)
    member = people[0][0]
    response = member.get(f"/api/exercises/{exercise.pk}/judgments")
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "judgments_withheld"
    assert "blind" in error["message"]
    assert "Bob Hidden" not in response.content.decode()


def test_after_the_reveal_a_pseudonymous_exercise_shows_numbers_not_accounts(caller) -> None:
    exercise, people = _judged_exercise(caller, blind=True, anonymity=Anonymity.PSEUDONYMOUS)
    exercise.phase = Phase.REVEAL
    exercise.save()
    member = people[0][0]
    response = member.get(f"/api/exercises/{exercise.pk}/judgments")
    assert response.status_code == 200
    body = response.json()
    assert body["identities"] is False and "by number" in body["withheld"]
    assert body["participants"] == [
        {"key": f"participant-{p.number}", "label": f"Participant {p.number}"} for _m, p in people
    ]
    text = response.content.decode()
    for member_, person in people:
        assert person.key not in text and person.alias not in text
        assert f"user-{member_.user.pk}" not in text
    assert len(body["scores"]) == 2


def test_earlier_rounds_stay_visible_while_the_next_is_judged_blind(caller) -> None:
    exercise, people = _judged_exercise(caller, blind=True)
    exercise.current_round = 2
    exercise.save()
    body = people[0][0].get(f"/api/exercises/{exercise.pk}/judgments").json()
    assert body["round"] == 1 and "Round 2" in body["withheld"]
    assert {s["round"] for s in body["scores"]} == {1}


def test_a_guest_of_another_exercise_or_another_team_gets_404(caller) -> None:
    exercise, _people = _judged_exercise(caller, blind=False)
    other, _ = _judged_exercise(caller, blind=False)
    outsider = caller("owner", team=other.team)
    ParticipantFactory(exercise=other, user=outsider.user, key=f"guest-{outsider.user.pk}", is_guest=True)
    response = outsider.get(f"/api/exercises/{exercise.pk}/judgments")
    assert response.status_code == 404
    assert error_of(response)["message"] == "No such exercise."


def test_a_read_token_is_enough_and_no_token_is_401(caller, client) -> None:
    exercise, _people = _judged_exercise(caller, blind=False)
    reader = caller("observer", team=exercise.team, scopes=("read",))
    response = reader.get(f"/api/exercises/{exercise.pk}/judgments")
    assert response.status_code == 200
    assert len(response.json()["scores"]) == 2
    assert client.get(f"/api/exercises/{exercise.pk}/judgments").status_code == 401
    assert reader.get(f"/api/exercises/{exercise.pk}/judgments", {"round": 1}).status_code == 422


def test_a_facilitator_who_only_commented_is_no_participant_in_the_api(caller) -> None:
    from policies.models import Comment

    exercise, people = _judged_exercise(caller, blind=True)
    facilitator = caller("facilitator", team=exercise.team)
    replier = ParticipantFactory(
        exercise=exercise, user=facilitator.user, key=f"user-{facilitator.user.pk}", judging=False
    )
    Comment.objects.create(exercise=exercise, author=replier, option=exercise.options.first(), body="Thanks")
    body = facilitator.get(f"/api/exercises/{exercise.pk}/judgments").json()
    assert body["participants"] == [{"key": p.key, "label": p.alias} for _m, p in people]
    detail = facilitator.get(f"/api/exercises/{exercise.pk}").json()
    assert detail["participants"] == 2
    results = facilitator.get(f"/api/exercises/{exercise.pk}/results")
    assert results.status_code == 200
    assert sorted(results.json()["participants"]) == sorted(p.key for _m, p in people)
