"""Removing a member ends every right at once: pages, workshop, API and tokens. Their past judgments stay.

The workshop part runs through the participant row the member got when they first opened the workshop; the
re-check of membership at every workshop write is being rewritten in the exercise-level rules, so that part is
expected to fail until it lands (strict: it will say so when it passes).
"""

import pytest
from django.test import Client
from django.urls import reverse

from policies.models import Exercise, Participant, Role, ScoreJudgment, TokenScope
from policies.models.exercises import Phase
from policies.services.api_tokens import create_token
from policies.services.memberships import remove_member
from policies.services.workshop import issue_join_code
from tests.factories import MembershipFactory, make_exercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    exercise = make_exercise(options=2, criteria=2)
    team = exercise.team
    owner = MembershipFactory(team=team, role=Role.OWNER)
    member = MembershipFactory(team=team, role=Role.ANALYST)
    workshop = make_exercise(options=2, criteria=2, team=team)
    Exercise.objects.filter(pk=workshop.pk).update(facilitated=True, phase=Phase.SCORING)
    workshop = issue_join_code(exercise=Exercise.objects.get(pk=workshop.pk))
    client = Client()
    client.force_login(member.user)
    _token, secret = create_token(user=member.user, name="script", scopes=list(TokenScope.values))
    option = exercise.options.order_by("pk").first()
    criterion = exercise.criteria.order_by("pk").first()
    # While a member: a judgment on the open exercise, and a seat in the workshop.
    assert (
        client.post(
            reverse("score-save", args=[exercise.pk, option.pk, criterion.pk]), {"value": "5"}
        ).status_code
        == 200
    )
    assert client.get(reverse("workshop-play", args=[workshop.pk])).status_code == 200
    remove_member(team=team, actor=owner.user, membership_id=member.pk)
    return {"exercise": exercise, "workshop": workshop, "member": member, "client": client, "secret": secret,
            "option": option, "criterion": criterion}  # fmt: skip


def test_pages_refuse_an_ex_member_at_once(setting) -> None:
    client, exercise = setting["client"], setting["exercise"]
    team = exercise.team
    for url in (
        reverse("team", args=[team.slug]),
        reverse("team-members", args=[team.slug]),
        reverse("case", args=[exercise.case_id]),
        reverse("exercise", args=[exercise.pk]),
        reverse("results", args=[exercise.pk]),
        reverse("reports", args=[exercise.pk]),
    ):
        assert client.get(url).status_code == 404, url
    save = reverse("score-save", args=[exercise.pk, setting["option"].pk, setting["criterion"].pk])
    assert client.post(save, {"value": "9"}).status_code == 404
    assert (
        ScoreJudgment.objects.get(
            participant__user=setting["member"].user, participant__exercise=exercise
        ).value
        == 5
    )
    assert team.name not in client.get(reverse("home")).content.decode()


def test_the_api_and_tokens_refuse_an_ex_member_at_once(setting) -> None:
    exercise = setting["exercise"]
    api = Client(headers={"Authorization": f"Bearer {setting['secret']}"})
    assert api.get("/api/cases").json()["count"] == 0
    assert api.get("/api/exercises").json()["count"] == 0
    assert api.get(f"/api/exercises/{exercise.pk}").status_code == 404
    assert api.get(f"/api/exercises/{exercise.pk}/results").status_code == 404
    put = api.put(
        f"/api/exercises/{exercise.pk}/judgments/mine",
        {"scores": [{"option": setting["option"].key, "criterion": setting["criterion"].key, "value": 9}]},
        content_type="application/json",
    )
    assert put.status_code == 404
    assert (
        ScoreJudgment.objects.get(
            participant__user=setting["member"].user, participant__exercise=exercise
        ).value
        == 5
    )


def test_past_judgments_stay_with_the_exercise(setting) -> None:
    participant = Participant.objects.get(user=setting["member"].user, exercise=setting["exercise"])
    assert participant.scores.count() == 1


def test_the_workshop_refuses_an_ex_member_at_once(setting) -> None:
    client, workshop = setting["client"], setting["workshop"]
    assert client.get(reverse("workshop-play", args=[workshop.pk])).status_code == 404
    option = workshop.options.order_by("pk").first()
    criterion = workshop.criteria.order_by("pk").first()
    response = client.post(
        reverse("workshop-score", args=[workshop.pk, option.pk, criterion.pk]), {"value": "4"}
    )
    assert response.status_code in (403, 404)
    assert not ScoreJudgment.objects.filter(participant__exercise=workshop).exists()
