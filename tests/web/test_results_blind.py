import pytest
from django.urls import reverse

from policies.models.exercises import Phase
from tests.factories import make_exercise

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "status"), [("participant", 403), ("analyst", 403), ("facilitator", 200)])
def test_blind_results_wait_for_the_reveal(client, login, role: str, status: int) -> None:
    exercise = make_exercise()
    exercise.blind, exercise.facilitated, exercise.phase = True, True, Phase.SCORING
    exercise.save()
    login(role, team=exercise.team)
    response = client.get(reverse("results", args=[exercise.pk]))
    assert response.status_code == status
    if status == 403:
        assert "hidden until the reveal" in response.content.decode()
        assert 'data-testid="ranking"' not in response.content.decode()
    exercise.phase = Phase.REVEAL
    exercise.save()
    assert client.get(reverse("results", args=[exercise.pk])).status_code == 200
