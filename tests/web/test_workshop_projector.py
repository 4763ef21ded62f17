"""The projector's wall: a facilitator's page that shows what the room may see, and nothing before the reveal."""

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from policies.models import Exercise, Role, ScoreJudgment, WeightJudgment
from policies.models.exercises import Phase
from policies.services.participants import join_as_guest
from policies.services.workshop import issue_join_code
from tests.factories import MembershipFactory, make_exercise

pytestmark = pytest.mark.django_db


def a_room(*, blind: bool = True) -> tuple[Exercise, Client]:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, blind=blind, phase=Phase.SCORING)
    exercise = issue_join_code(exercise=exercise)
    criteria = list(exercise.criteria.order_by("position", "pk"))
    for name, value, weight in (("Ana Secretname", 2, 70), ("Bo Othername", 9, 30)):
        guest = join_as_guest(exercise=exercise, display_name=name)
        for c, points in zip(criteria, (weight, 100 - weight), strict=True):
            WeightJudgment.objects.create(participant=guest, criterion=c, value=points)
        for option in exercise.options.all():
            for c in criteria:
                ScoreJudgment.objects.create(
                    participant=guest,
                    option=option,
                    criterion=c,
                    value=value,
                    rationale={"en": "RationaleText"},
                )
    boss = Client()
    boss.force_login(MembershipFactory(team=exercise.team, role=Role.FACILITATOR).user)
    return exercise, boss


def test_the_wall_shows_the_join_code_a_local_qr_code_and_the_counts() -> None:
    exercise, boss = a_room()
    response = boss.get(reverse("workshop-projector", args=[exercise.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert exercise.join_code in body
    assert '<svg viewBox="' in body and 'class="qr-code"' in body  # drawn on the server, not fetched
    assert f"/join/{exercise.join_code}/" in body
    assert 'data-testid="wall-joined">2<' in body
    assert 'data-testid="wall-finished">2<' in body


def test_nothing_of_a_blind_round_reaches_the_wall_before_the_reveal() -> None:
    exercise, boss = a_room(blind=True)
    for url in (
        reverse("workshop-projector", args=[exercise.pk]),
        reverse("workshop-projector-live", args=[exercise.pk]) + "?v=stale",
    ):
        body = boss.get(url).content.decode()
        assert 'data-testid="wall-blind"' in body
        assert "wall-weights" not in body and "wall-spread" not in body and "wall-consensus" not in body
        assert "70%" not in body and "RationaleText" not in body

    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.REVEAL, version=F("version") + 1)
    body = boss.get(reverse("workshop-projector", args=[exercise.pk])).content.decode()
    assert 'data-testid="wall-weights"' in body and 'data-testid="wall-spread"' in body
    assert 'data-testid="wall-consensus"' in body
    # The room's weights: the group's mean (50% each) and each person's own dots.
    assert "70%" in body and "30%" in body
    # The wall is read by the room: no names, even for a facilitator who may see them, and no rationales.
    assert "Secretname" not in body and "Othername" not in body and "RationaleText" not in body


def test_an_open_exercise_shows_its_results_at_once() -> None:
    exercise, boss = a_room(blind=False)
    body = boss.get(reverse("workshop-projector", args=[exercise.pk])).content.decode()
    assert 'data-testid="wall-spread"' in body


def test_the_poll_answers_204_while_nothing_changed() -> None:
    exercise, boss = a_room()
    page = boss.get(reverse("workshop-projector", args=[exercise.pk]))
    token = page.context["token"]
    live = reverse("workshop-projector-live", args=[exercise.pk])
    assert boss.get(live + f"?v={token}").status_code == 204
    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.REVEAL, version=F("version") + 1)
    moved = boss.get(live + f"?v={token}")
    assert moved.status_code == 200 and 'data-testid="wall-spread"' in moved.content.decode()


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.ANALYST, Role.OBSERVER])
def test_only_facilitators_open_the_wall(role: str) -> None:
    exercise, _boss = a_room()
    client = Client()
    client.force_login(MembershipFactory(team=exercise.team, role=role).user)
    assert client.get(reverse("workshop-projector", args=[exercise.pk])).status_code == 403
    assert client.get(reverse("workshop-projector-live", args=[exercise.pk])).status_code == 403
    stranger = Client()
    stranger.force_login(MembershipFactory(role=Role.OWNER).user)
    assert stranger.get(reverse("workshop-projector", args=[exercise.pk])).status_code == 404
