"""The workshop's cross-impacts phase: participants rate cells, the facilitator reads the group's matrix; blind
until revealed, a Delphi round on the matrix, and the same authority checks as scores."""

import pytest
from django.test import Client
from django.urls import reverse

from policies.models import Driver, DriverState, Exercise, ImpactJudgment, Role
from policies.models.exercises import Phase
from policies.services.cross_impact import set_impact
from tests.factories import MembershipFactory, make_exercise

pytestmark = pytest.mark.django_db


def workshop(*, blind: bool = True, phase: str = Phase.IMPACTS) -> tuple[Exercise, dict[str, DriverState]]:
    exercise = make_exercise(options=2, criteria=2)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True, blind=blind, phase=phase, consensus_threshold=1.0
    )
    exercise.refresh_from_db()
    states = {}
    for d, (key, names) in enumerate([("regime", ["junta", "civilian"]), ("aid", ["suspended", "restored"])]):
        driver = Driver.objects.create(case=exercise.case, key=key, name={"en": key.title()}, position=d)
        for s, name in enumerate(names):
            states[name] = DriverState.objects.create(
                driver=driver, key=name, name={"en": name.title()}, position=s
            )
    # The case's own matrix: the cells the group does not rate count as the case holds them.
    set_impact(case=exercise.case, source=states["civilian"], target=states["restored"], value=2)
    return exercise, states


def member(exercise: Exercise, role: str) -> Client:
    client = Client()
    client.force_login(MembershipFactory(team=exercise.team, role=role).user)
    return client


def rate(client: Client, exercise: Exercise, source: DriverState, target: DriverState, value: str):
    return client.post(
        reverse("workshop-impact-rate", args=[exercise.pk]),
        {"source": source.pk, "target": target.pk, "value": value},
        headers={"HX-Request": "true"},
    )


def impacts_page(client: Client, exercise: Exercise) -> str:
    response = client.get(reverse("workshop-impacts", args=[exercise.pk]))
    assert response.status_code == 200
    return response.content.decode()


def group_page(client: Client, exercise: Exercise) -> str:
    response = client.get(reverse("workshop-impact-group", args=[exercise.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_blind_ratings_reach_the_facilitator_and_not_the_participants_until_revealed() -> None:
    exercise, s = workshop()
    alice, bob = member(exercise, Role.PARTICIPANT), member(exercise, Role.PARTICIPANT)
    facilitator = member(exercise, Role.FACILITATOR)
    assert rate(alice, exercise, s["junta"], s["suspended"], "+3").status_code == 200
    assert rate(bob, exercise, s["junta"], s["suspended"], "-3").status_code == 200
    assert rate(alice, exercise, s["suspended"], s["junta"], "2").status_code == 200
    assert rate(bob, exercise, s["suspended"], s["junta"], "2").status_code == 200

    board = group_page(facilitator, exercise)
    assert 'data-testid="group-impacts"' in board and 'id="figure-cib-matrix"' in board
    disputed = board.split('data-testid="disputed-impacts"')[1].split("</ul>")[0]
    assert "Junta → Aid: Suspended" in disputed and "mean 0.0, interquartile range 3.0" in disputed
    assert "Suspended → Regime: Junta" not in disputed  # both said +2: agreed
    # Scenarios consistent for the group, and for how many members.
    assert 'data-testid="group-scenarios"' in board and "/ 2" in board

    for client in (alice, bob):
        page = impacts_page(client, exercise)
        assert 'data-testid="group-impacts"' not in page and "figure-cib-matrix" not in page
        assert 'data-testid="withheld"' in page
        assert client.get(reverse("workshop-impact-group", args=[exercise.pk])).status_code == 403

    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.REVEAL)
    page = impacts_page(alice, exercise)
    assert 'data-testid="group-impacts"' in page and "Junta → Aid: Suspended" in page


def test_an_open_exercise_shows_the_group_matrix_at_once() -> None:
    exercise, s = workshop(blind=False)
    alice = member(exercise, Role.PARTICIPANT)
    rate(alice, exercise, s["junta"], s["suspended"], "1")
    assert 'data-testid="group-impacts"' in impacts_page(alice, exercise)


def test_a_delphi_round_rerates_the_matrix_with_the_previous_round_as_feedback() -> None:
    exercise, s = workshop()
    alice, bob = member(exercise, Role.PARTICIPANT), member(exercise, Role.PARTICIPANT)
    rate(alice, exercise, s["junta"], s["suspended"], "3")
    rate(bob, exercise, s["junta"], s["suspended"], "-3")
    Exercise.objects.filter(pk=exercise.pk).update(current_round=2, phase=Phase.IMPACTS)
    assert rate(bob, exercise, s["junta"], s["suspended"], "2").status_code == 200
    assert sorted(ImpactJudgment.objects.values_list("round", "value")) == [(1, -3), (1, 3), (2, 2)]
    page = impacts_page(alice, exercise)
    # Round 1 is shown as feedback; round 2 stays blind.
    assert "cross-impacts, round 1 (2 members)" in page
    assert "round 2 (" not in page
    # The facilitator sees round 2 as it is rated.
    assert "cross-impacts, round 2 (1 members)" in group_page(member(exercise, Role.FACILITATOR), exercise)


def test_an_observer_cannot_rate() -> None:
    exercise, s = workshop()
    observer = member(exercise, Role.OBSERVER)
    assert rate(observer, exercise, s["junta"], s["suspended"], "3").status_code == 403
    page = impacts_page(observer, exercise)
    assert 'data-testid="impact-ratings"' not in page
    assert not ImpactJudgment.objects.exists()


def test_a_stranger_sees_nothing() -> None:
    exercise, s = workshop()
    stranger = Client()
    stranger.force_login(MembershipFactory(role=Role.OWNER).user)
    assert stranger.get(reverse("workshop-impacts", args=[exercise.pk])).status_code == 404
    assert rate(stranger, exercise, s["junta"], s["suspended"], "3").status_code == 404
    assert stranger.get(reverse("workshop-impact-group", args=[exercise.pk])).status_code == 404


def test_ratings_are_refused_outside_the_phase_and_out_of_range() -> None:
    exercise, s = workshop(phase=Phase.SCORING)
    alice = member(exercise, Role.PARTICIPANT)
    response = rate(alice, exercise, s["junta"], s["suspended"], "3")
    assert response.status_code == 422 and "moved the exercise" in response.content.decode()
    assert 'data-testid="impacts-closed"' in impacts_page(alice, exercise)
    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.IMPACTS)
    assert rate(alice, exercise, s["junta"], s["suspended"], "10").status_code == 422
    assert rate(alice, exercise, s["junta"], s["civilian"], "1").status_code == 422  # one driver
    assert not ImpactJudgment.objects.exists()


def test_the_facilitator_puts_a_subset_of_cells_to_the_group() -> None:
    exercise, s = workshop()
    facilitator, alice = member(exercise, Role.FACILITATOR), member(exercise, Role.PARTICIPANT)
    response = facilitator.post(
        reverse("workshop-impact-group", args=[exercise.pk]),
        {"cell": [f"{s['junta'].pk}-{s['suspended'].pk}"], "version": exercise.version},
    )
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert exercise.impact_cells == [[s["junta"].pk, s["suspended"].pk]]
    page = impacts_page(alice, exercise)
    assert page.count('data-testid="rate-') == 1
    assert rate(alice, exercise, s["junta"], s["suspended"], "1").status_code == 200
    response = rate(alice, exercise, s["suspended"], s["junta"], "1")
    assert response.status_code == 422 and "did not put this cell" in response.content.decode()
    # A stale screen does not overwrite the choice; a participant may not choose.
    facilitator.post(reverse("workshop-impact-group", args=[exercise.pk]), {"cell": [], "version": 1})
    exercise.refresh_from_db()
    assert exercise.impact_cells == [[s["junta"].pk, s["suspended"].pk]]
    response = alice.post(reverse("workshop-impact-group", args=[exercise.pk]), {"version": exercise.version})
    assert response.status_code == 403


def test_ones_own_ratings_are_in_ones_personal_data() -> None:
    from policies.services.personal_data import export_personal_data

    exercise, s = workshop()
    membership = MembershipFactory(team=exercise.team, role=Role.PARTICIPANT)
    client = Client()
    client.force_login(membership.user)
    rate(client, exercise, s["junta"], s["suspended"], "-2")
    (participation,) = export_personal_data(user=membership.user)["participations"]
    (rating,) = participation["cross_impacts"]
    assert rating.pop("updated")  # when it was given
    assert rating == {"source": ["regime", "junta"], "target": ["aid", "suspended"], "round": 1, "impact": -2}


def test_the_rating_help_and_the_guide_give_the_range_the_workbench_accepts() -> None:
    """The range comes from IMPACT_LIMIT (what the case file, the case grid and the rating service accept),
    not from a number written into the help or the guide."""
    from pathlib import Path

    from policies.casefile.schema import IMPACT_LIMIT

    exercise, states = workshop()
    amina = member(exercise, Role.PARTICIPANT)
    page = impacts_page(amina, exercise)
    assert f"from −{IMPACT_LIMIT} to +{IMPACT_LIMIT}" in page
    assert "+3 strongly promotes" not in page
    assert rate(amina, exercise, states["junta"], states["suspended"], f"+{IMPACT_LIMIT}").status_code == 200
    assert (
        rate(amina, exercise, states["junta"], states["suspended"], f"{IMPACT_LIMIT + 1}").status_code == 422
    )
    french = amina.get(reverse("workshop-impacts", args=[exercise.pk]), headers={"Accept-Language": "fr"})
    assert f"de −{IMPACT_LIMIT} à +{IMPACT_LIMIT}" in french.content.decode()
    guide = Path(__file__).resolve().parents[2] / "docs" / "guide"
    assert f"from −{IMPACT_LIMIT} to +{IMPACT_LIMIT}" in (guide / "en.md").read_text()
    assert f"de −{IMPACT_LIMIT} à +{IMPACT_LIMIT}" in (guide / "fr.md").read_text()
