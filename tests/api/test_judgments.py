"""The caller's judgments through the API: saved by the same service as the web, all or nothing."""

import pytest
from django.urls import reverse

from policies.models import Participant, ScoreJudgment, WeightJudgment
from tests.api.conftest import error_of
from tests.factories import CriterionFactory, make_exercise

pytestmark = pytest.mark.django_db


def url(exercise) -> str:  # type: ignore[no-untyped-def]
    return f"/api/exercises/{exercise.pk}/judgments/mine"


def test_judgments_saved_through_the_api_are_read_back_by_the_api_and_the_web(caller, client) -> None:
    exercise = make_exercise(options=3, criteria=2)
    member = caller("participant", team=exercise.team)
    options = list(exercise.options.order_by("position"))
    first, second = exercise.criteria.order_by("position")
    best = options[1]
    scores = [
        {"option": option.key, "criterion": criterion.key, "value": 9 if option == best else 2}
        for option in options
        for criterion in (first, second)
    ]
    response = member.put(
        url(exercise),
        {
            "weights": [{"criterion": first.key, "value": 70}, {"criterion": second.key, "value": 30}],
            "scores": scores,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["round"] == 1
    assert body["participant"] == f"user-{member.user.pk}"
    assert {(w["criterion"], w["value"]) for w in body["weights"]} == {(first.key, 70), (second.key, 30)}
    assert len(body["scores"]) == 6
    assert member.get(url(exercise)).json() == body
    assert WeightJudgment.objects.filter(participant__user=member.user).count() == 2
    assert ScoreJudgment.objects.filter(participant__user=member.user, value=9).count() == 2

    # The web shows the same: the participant's inputs hold the values, the results rank the best option first.
    client.force_login(member.user)
    page = client.get(reverse("exercise", args=[exercise.pk]))
    assert [row["value"] for row in page.context["weight_rows"]] == ["70", "30"]
    ranking = client.get(reverse("results", args=[exercise.pk]), headers={"HX-Request": "true"})
    assert ranking.context["results"].ranking[0].option == best
    api_results = member.get(f"/api/exercises/{exercise.pk}/results").json()
    assert api_results["ranking"][0]["option"]["key"] == best.key
    assert api_results["participants_scoring"] == 1


def test_a_second_put_updates_the_cells_it_names_and_keeps_the_others(caller) -> None:
    exercise = make_exercise(options=1, criteria=2)
    member = caller("analyst", team=exercise.team)
    first, second = exercise.criteria.order_by("position")
    member.put(url(exercise), {"weights": [{"criterion": first.key, "value": 10}]})
    member.put(url(exercise), {"weights": [{"criterion": second.key, "value": 20}]})
    body = member.put(url(exercise), {"weights": [{"criterion": first.key, "value": 15.5}]}).json()
    assert {(w["criterion"], w["value"]) for w in body["weights"]} == {(first.key, 15.5), (second.key, 20)}
    assert WeightJudgment.objects.count() == 2


def test_an_off_scale_score_is_422_with_the_scale_message_and_nothing_is_written(caller) -> None:
    exercise = make_exercise(options=2, criteria=1)
    member = caller("participant", team=exercise.team)
    criterion = exercise.criteria.get()
    criterion.name = {"en": "Cost"}
    criterion.save()
    option_a, option_b = exercise.options.order_by("position")
    response = member.put(
        url(exercise),
        {
            "weights": [{"criterion": criterion.key, "value": 40}],
            "scores": [
                {"option": option_a.key, "criterion": criterion.key, "value": 5},
                {"option": option_b.key, "criterion": criterion.key, "value": 11},
            ],
        },
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["message"] == "Cost is scored from 0 to 10."
    assert error["details"] == [
        {"location": "body", "path": "$.scores[1]", "message": "Cost is scored from 0 to 10.", "index": 1}
    ]
    assert not WeightJudgment.objects.exists()
    assert not ScoreJudgment.objects.exists()
    assert not Participant.objects.exists()


def test_every_refused_item_is_listed_with_its_index(caller) -> None:
    exercise = make_exercise(options=1, criteria=2)
    member = caller("participant", team=exercise.team)
    first, second = exercise.criteria.order_by("position")
    outside = CriterionFactory(case=exercise.case)  # of the case, not of the exercise
    option = exercise.options.get()
    response = member.put(
        url(exercise),
        {
            "weights": [
                {"criterion": first.key, "value": 101},
                {"criterion": second.key, "value": 50},
                {"criterion": "no-such-criterion", "value": 5},
                {"criterion": outside.key, "value": 5},
                {"criterion": second.key, "value": 60},
            ],
            "scores": [
                {"option": "no-such-option", "criterion": first.key, "value": 5},
                {"option": option.key, "criterion": first.key, "value": 5},
            ],
        },
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["message"] == "5 items were refused; nothing was saved."
    assert [(d["path"], d["index"], d["message"]) for d in error["details"]] == [
        ("$.weights[0]", 0, "Give between 0 and 100 points."),
        ("$.weights[2]", 2, "Unknown criterion 'no-such-criterion'."),
        ("$.weights[3]", 3, "This criterion is not part of the exercise."),
        ("$.weights[4]", 4, "A second weight for the same criterion."),
        ("$.scores[0]", 0, "Unknown option 'no-such-option'."),
    ]
    assert not WeightJudgment.objects.exists() and not ScoreJudgment.objects.exists()


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"weights": [{"criterion": "c", "value": "5"}]}, "$.weights[0].value"),
        ({"weights": [{"criterion": "c", "value": 5, "round": 2}]}, "$.weights[0].round"),
        ({"weights": [{"criterion": "Not A Key", "value": 5}]}, "$.weights[0].criterion"),
        ({"scores": [{"option": "o", "value": 5}]}, "$.scores[0].criterion"),
        ({"weight": []}, "$.weight"),
        ({"weights": {"c": 5}}, "$.weights"),
    ],
)
def test_malformed_bodies_are_422_with_the_place_of_the_problem(caller, body, path: str) -> None:
    exercise = make_exercise()
    member = caller("participant", team=exercise.team)
    response = member.put(url(exercise), body)
    assert response.status_code == 422
    error = error_of(response)
    assert path in [d["path"] for d in error["details"]]
    assert not Participant.objects.exists()


def test_a_body_that_is_not_json_is_400(caller) -> None:
    exercise = make_exercise()
    member = caller("participant", team=exercise.team)
    response = member.put(url(exercise), "{weights: ")
    assert response.status_code == 400
    assert error_of(response) == {
        "code": "bad_request",
        "message": "The request body is not valid JSON.",
        "details": [],
    }


def test_an_empty_put_changes_nothing(caller) -> None:
    exercise = make_exercise()
    member = caller("participant", team=exercise.team)
    response = member.put(url(exercise), {})
    assert response.status_code == 200
    assert response.json()["participant"] is None
    assert not Participant.objects.exists()


def test_observers_may_read_but_not_judge(caller) -> None:
    exercise = make_exercise()
    member = caller("observer", team=exercise.team)
    assert member.get(url(exercise)).json()["weights"] == []
    criterion = exercise.criteria.first()
    response = member.put(url(exercise), {"weights": [{"criterion": criterion.key, "value": 50}]})
    assert response.status_code == 403
    assert error_of(response)["message"] == "Your role in this team does not allow this."
    assert not Participant.objects.exists()


@pytest.mark.parametrize("role", ["owner", "facilitator", "analyst", "participant"])
def test_judging_roles_may_judge(caller, role: str) -> None:
    exercise = make_exercise()
    member = caller(role, team=exercise.team)
    criterion = exercise.criteria.first()
    response = member.put(url(exercise), {"weights": [{"criterion": criterion.key, "value": 50}]})
    assert response.status_code == 200


def test_another_teams_exercise_is_not_found(caller) -> None:
    member = caller("owner")
    other = make_exercise()
    criterion = other.criteria.first()
    assert member.get(url(other)).status_code == 404
    response = member.put(url(other), {"weights": [{"criterion": criterion.key, "value": 50}]})
    assert response.status_code == 404
    assert error_of(response)["message"] == "No such exercise."
    assert not Participant.objects.exists()


def test_only_the_callers_own_judgments_are_shown(caller) -> None:
    exercise = make_exercise(options=1, criteria=1)
    alice = caller("participant", team=exercise.team)
    bob = caller("participant", team=exercise.team)
    criterion = exercise.criteria.get()
    alice.put(url(exercise), {"weights": [{"criterion": criterion.key, "value": 80}]})
    assert bob.get(url(exercise)).json()["weights"] == []
    assert alice.get(url(exercise)).json()["weights"] == [{"criterion": criterion.key, "value": 80.0}]
