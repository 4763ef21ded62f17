import pytest
from django.urls import reverse

from policies.models import ScoreJudgment, WeightJudgment
from tests.factories import make_exercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client, login):
    exercise = make_exercise(options=3, criteria=2)
    membership = login("participant", team=exercise.team)
    return exercise, membership


def test_page_lists_every_cell(client, setup) -> None:
    exercise, _ = setup
    response = client.get(reverse("exercise", args=[exercise.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for option in exercise.options.all():
        for criterion in exercise.criteria.all():
            assert reverse("score-save", args=[exercise.pk, option.pk, criterion.pk]) in body


def test_a_score_is_saved_and_announced(client, setup) -> None:
    exercise, membership = setup
    option, criterion = exercise.options.first(), exercise.criteria.first()
    url = reverse("score-save", args=[exercise.pk, option.pk, criterion.pk])
    response = client.post(url, {"value": "7,5"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "judgment-saved"
    assert 'data-state="saved"' in response.content.decode()
    judgment = ScoreJudgment.objects.get()
    assert (judgment.value, judgment.participant.user, judgment.round) == (7.5, membership.user, 1)
    # Saving again updates the same cell.
    client.post(url, {"value": "3"}, headers={"HX-Request": "true"})
    assert ScoreJudgment.objects.get().value == 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11", "scored from 0 to 10"),
        ("-1", "scored from 0 to 10"),
        ("abc", "is not a number"),
        ("   x", "is not a number"),
        ("nan", "finite"),
        ("inf", "finite"),
        ("1e400", "finite"),
    ],
)
def test_bad_scores_are_refused_inline(client, setup, value: str, message: str) -> None:
    exercise, _ = setup
    option, criterion = exercise.options.first(), exercise.criteria.first()
    response = client.post(
        reverse("score-save", args=[exercise.pk, option.pk, criterion.pk]), {"value": value}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert "HX-Trigger" not in response
    assert not ScoreJudgment.objects.exists()


@pytest.mark.parametrize(
    ("value", "status"), [("40", 200), ("100", 200), ("0", 200), ("101", 422), ("-5", 422), ("x", 422)]
)
def test_weights_are_points_between_0_and_100(client, setup, value: str, status: int) -> None:
    exercise, _ = setup
    criterion = exercise.criteria.first()
    response = client.post(reverse("weight-save", args=[exercise.pk, criterion.pk]), {"value": value})
    assert response.status_code == status
    assert WeightJudgment.objects.filter(value=float(value) if status == 200 else None).exists() == (
        status == 200
    )


def test_saved_values_are_shown_again(client, setup) -> None:
    exercise, _ = setup
    option, criterion = exercise.options.first(), exercise.criteria.first()
    client.post(reverse("score-save", args=[exercise.pk, option.pk, criterion.pk]), {"value": "6.25"})
    client.post(reverse("weight-save", args=[exercise.pk, criterion.pk]), {"value": "35"})
    body = client.get(reverse("exercise", args=[exercise.pk])).content.decode()
    assert 'value="6.25"' in body
    assert 'value="35"' in body
