"""What the room sees: styled error pages with a way back, honest briefing numbers, "no scores yet" instead
of a ranking of ties, an expiry date with one full stop."""

import pytest
from django.test import Client
from django.urls import reverse

from policies.models import Exercise, Role
from policies.models.exercises import Phase
from policies.services.participants import join_as_guest
from policies.services.workshop import issue_join_code
from tests.factories import MembershipFactory, ScenarioFactory, make_exercise

pytestmark = pytest.mark.django_db


def test_a_participant_who_opens_the_dashboard_gets_a_page_with_a_way_back() -> None:
    exercise = make_exercise()
    client = Client()
    client.force_login(MembershipFactory(team=exercise.team, role=Role.PARTICIPANT).user)
    response = client.get(reverse("workshop-facilitate", args=[exercise.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-testid="error-403"' in body and "does not allow this" in body
    assert f'href="{reverse("home")}"' in body and "app.css" in body


def test_a_missing_page_is_styled_and_offers_a_way_back() -> None:
    client = Client()
    client.force_login(MembershipFactory(role=Role.PARTICIPANT).user)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'data-testid="error-404"' in body and f'href="{reverse("home")}"' in body
    assert reverse("workshop-join") in body


def test_the_briefing_states_the_exercises_own_numbers() -> None:
    exercise = make_exercise(options=4, criteria=5)
    exercise.scenarios.add(ScenarioFactory(case=exercise.case), ScenarioFactory(case=exercise.case))
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, phase=Phase.BRIEFING)
    exercise = issue_join_code(exercise=exercise)
    guest = Client()
    guest.post(reverse("workshop-join"), {"code": exercise.join_code, "name": "Ana", "join": "1"})
    page = guest.get(reverse("workshop-play", args=[exercise.pk])).content.decode()
    assert "you weigh 4 options" in page and "against 5 criteria" in page and "and 2 scenarios" in page


def test_before_any_score_the_dashboard_says_so_instead_of_ranking_ties() -> None:
    exercise = make_exercise(options=3, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, phase=Phase.SCORING)
    exercise = issue_join_code(exercise=exercise)
    join_as_guest(exercise=exercise, display_name="Ana")
    boss = Client()
    boss.force_login(MembershipFactory(team=exercise.team, role=Role.FACILITATOR).user)
    page = boss.get(reverse("workshop-facilitate", args=[exercise.pk])).content.decode()
    assert 'data-testid="no-scores-yet"' in page and 'data-testid="facilitator-ranking"' not in page
    assert "1.000" not in page
    # The join code's expiry ends with one full stop, whatever the time format.
    assert ".." not in page.split('data-testid="join-link"')[1].split("</p>")[1]
