"""The phase timer means something: when it runs out, saves are refused (lock) or the exercise moves on
(advance), as the facilitator chose; weights can be locked while the room scores; closing asks first."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from policies.models import Exercise, Role, ScoreJudgment, WeightJudgment
from policies.models.exercises import Phase, WhenTimeIsUp
from policies.services.judgments import ScoreEntry, record_points, record_score
from policies.services.participants import join_as_guest
from policies.services.workshop import apply_deadline, issue_join_code
from tests.factories import MembershipFactory, make_exercise
from tests.viewers import judging

pytestmark = pytest.mark.django_db


def timed(rule: str, *, minutes_ago: int, phase: str = Phase.SCORING) -> Exercise:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True,
        phase=phase,
        phase_minutes=5,
        phase_started=timezone.now() - timedelta(minutes=minutes_ago),
        when_time_is_up=rule,
    )
    return issue_join_code(exercise=Exercise.objects.get(pk=exercise.pk))


def a_score(exercise: Exercise) -> ScoreEntry:
    return ScoreEntry(option=exercise.options.first().pk, criterion=exercise.criteria.first().pk, value=5)


def test_a_locked_phase_refuses_saves_with_a_clear_message() -> None:
    exercise = timed(WhenTimeIsUp.LOCK, minutes_ago=6)
    guest = join_as_guest(exercise=exercise, display_name="Ana")
    with pytest.raises(ValidationError) as refused:
        record_score(viewer=judging(guest), entry=a_score(exercise))
    assert refused.value.code == "locked"
    assert "Time is up" in refused.value.messages[0] and "not recorded" in refused.value.messages[0]
    assert not ScoreJudgment.objects.filter(participant=guest).exists()


def test_before_the_deadline_and_without_a_rule_saves_go_through() -> None:
    for rule, minutes_ago in ((WhenTimeIsUp.LOCK, 2), (WhenTimeIsUp.NOTHING, 60)):
        exercise = timed(rule, minutes_ago=minutes_ago)
        guest = join_as_guest(exercise=exercise, display_name="Ana")
        record_score(viewer=judging(guest), entry=a_score(exercise))
        assert ScoreJudgment.objects.filter(participant=guest).count() == 1


def test_the_live_save_answers_the_lock_in_words() -> None:
    exercise = timed(WhenTimeIsUp.LOCK, minutes_ago=6)
    client = Client()
    client.post(reverse("workshop-join"), {"code": exercise.join_code, "name": "Ana", "join": "1"})
    url = reverse(
        "workshop-score", args=[exercise.pk, exercise.options.first().pk, exercise.criteria.first().pk]
    )
    response = client.post(url, {"value": "5"})
    assert response.status_code == 422
    assert "Time is up" in response.content.decode()


def test_move_on_advances_the_phase_at_the_first_poll_past_the_deadline() -> None:
    exercise = timed(WhenTimeIsUp.ADVANCE, minutes_ago=6, phase=Phase.WEIGHTING)
    client = Client()
    client.post(reverse("workshop-join"), {"code": exercise.join_code, "name": "Ana", "join": "1"})
    response = client.get(reverse("workshop-state", args=[exercise.pk]) + "?v=stale")
    assert response.status_code == 200
    exercise.refresh_from_db()
    assert exercise.phase == Phase.SCORING
    assert timezone.now() - exercise.phase_started < timedelta(minutes=1)  # the new phase has its full time


def test_move_on_never_closes_the_exercise() -> None:
    exercise = timed(WhenTimeIsUp.ADVANCE, minutes_ago=6, phase=Phase.DISCUSSION)
    assert apply_deadline(exercise).phase == Phase.DISCUSSION


def test_weights_locked_while_scoring_are_refused() -> None:
    exercise = timed(WhenTimeIsUp.NOTHING, minutes_ago=0)
    Exercise.objects.filter(pk=exercise.pk).update(weights_locked=True)
    exercise.refresh_from_db()
    guest = join_as_guest(exercise=exercise, display_name="Ana")
    points = {c.pk: 50.0 for c in exercise.criteria.all()}
    with pytest.raises(ValidationError) as refused:
        record_points(viewer=judging(guest), points=points)
    assert refused.value.code == "weights_locked"
    assert not WeightJudgment.objects.filter(participant=guest).exists()
    # Scores still go through: only the weights are locked.
    record_score(viewer=judging(guest), entry=a_score(exercise))


def test_closing_asks_for_confirmation_and_the_dashboard_says_which_rule_applies() -> None:
    exercise = timed(WhenTimeIsUp.LOCK, minutes_ago=6)
    boss = Client()
    boss.force_login(MembershipFactory(team=exercise.team, role=Role.FACILITATOR).user)
    page = boss.get(reverse("workshop-facilitate", args=[exercise.pk])).content.decode()
    assert 'data-testid="phase-locked"' in page and "the phase locks" in page
    asked = boss.post(
        reverse("workshop-phase", args=[exercise.pk]), {"phase": Phase.CLOSED, "version": exercise.version}
    )
    assert asked.status_code == 200 and 'data-testid="confirm-close"' in asked.content.decode()
    exercise.refresh_from_db()
    assert exercise.phase == Phase.SCORING
    done = boss.post(
        reverse("workshop-phase", args=[exercise.pk]),
        {"phase": Phase.CLOSED, "version": exercise.version, "confirm": "yes"},
    )
    assert done.status_code == 302
    exercise.refresh_from_db()
    assert exercise.phase == Phase.CLOSED
    page = boss.get(reverse("workshop-facilitate", args=[exercise.pk])).content.decode()
    assert 'data-testid="closed-note"' in page and "you can close the exercise" not in page


def test_giving_more_time_unlocks_the_phase() -> None:
    exercise = timed(WhenTimeIsUp.LOCK, minutes_ago=6)
    boss = Client()
    boss.force_login(MembershipFactory(team=exercise.team, role=Role.FACILITATOR).user)
    boss.post(
        reverse("workshop-phase", args=[exercise.pk]), {"phase": Phase.SCORING, "version": exercise.version}
    )
    exercise.refresh_from_db()
    guest = join_as_guest(exercise=exercise, display_name="Ana")
    record_score(viewer=judging(guest), entry=a_score(exercise))
