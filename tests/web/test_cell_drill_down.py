"""From a disputed cell, the facilitator sees each score with its reason, named as the anonymity mode allows."""

import pytest
from django.test import Client
from django.urls import reverse

from policies.models import Exercise, Role, ScoreJudgment
from policies.models.exercises import Anonymity, Phase
from policies.services.participants import join_as_guest
from policies.services.workshop import issue_join_code
from tests.factories import MembershipFactory, make_exercise

pytestmark = pytest.mark.django_db


def a_dispute(anonymity: str) -> tuple[Exercise, Client, str]:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, blind=True, phase=Phase.SCORING, anonymity=anonymity
    )
    exercise = issue_join_code(exercise=exercise)
    option, criterion = (
        exercise.options.order_by("position").first(),
        exercise.criteria.order_by("position").first(),
    )
    for name, value, confidence in (("Ana Alias", 2, 4), ("Bo Alias", 9, 2), ("Cy Alias", 9, None)):
        guest = join_as_guest(exercise=exercise, display_name=name)
        ScoreJudgment.objects.create(
            participant=guest,
            option=option,
            criterion=criterion,
            value=value,
            confidence=confidence,
            rationale={"en": f"Because {name.split()[0]} thinks so"},
        )
    boss = Client()
    boss.force_login(MembershipFactory(team=exercise.team, role=Role.FACILITATOR).user)
    return exercise, boss, reverse("workshop-cell", args=[exercise.pk, option.pk, criterion.pk])


def test_the_dashboard_links_a_disputed_cell_to_its_scores_and_reasons() -> None:
    exercise, boss, url = a_dispute(Anonymity.NAMED)
    dashboard = boss.get(reverse("workshop-facilitate", args=[exercise.pk])).content.decode()
    assert url in dashboard
    page = boss.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Because Ana thinks so" in body and "Because Bo thinks so" in body
    rows = page.context["detail"].judgments
    assert [(r.label, r.value, r.confidence) for r in rows] == [
        ("Ana Alias", "2", 4),
        ("Bo Alias", "9", 2),
        ("Cy Alias", "9", None),
    ]
    assert [(c.value, c.count) for c in page.context["detail"].counts] == [("2", 1), ("9", 2)]
    assert page.context["detail"].stats.n == 3


@pytest.mark.parametrize(
    ("anonymity", "names_shown"),
    [(Anonymity.NAMED, True), (Anonymity.PSEUDONYMOUS, True), (Anonymity.ANONYMOUS, False)],
)
def test_people_are_named_as_the_anonymity_mode_allows(anonymity: str, names_shown: bool) -> None:
    _exercise, boss, url = a_dispute(anonymity)
    body = boss.get(url).content.decode()
    assert ("Ana Alias" in body) is names_shown
    assert ("Participant 1" in body) is not names_shown
    assert "Because Ana thinks so" in body  # the reasons are the point of the drill-down


def test_a_cell_outside_the_exercise_is_missing_and_others_are_refused() -> None:
    exercise, boss, url = a_dispute(Anonymity.NAMED)
    assert boss.get(reverse("workshop-cell", args=[exercise.pk, 999999, 999999])).status_code == 404
    participant = Client()
    participant.force_login(MembershipFactory(team=exercise.team, role=Role.PARTICIPANT).user)
    assert participant.get(url).status_code == 403
