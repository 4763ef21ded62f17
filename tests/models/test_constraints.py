"""The database itself refuses what must never hold, whatever code path writes."""

import pytest
from django.db import IntegrityError, transaction

from policies.models import Membership, ScoreJudgment, WeightJudgment
from tests.factories import (
    CriterionFactory,
    MembershipFactory,
    OptionFactory,
    ParticipantFactory,
    ScoreJudgmentFactory,
    WeightJudgmentFactory,
    make_exercise,
)

pytestmark = pytest.mark.django_db


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_one_membership_per_user_and_team() -> None:
    membership = MembershipFactory()
    assert refused(
        lambda: Membership.objects.create(team=membership.team, user=membership.user, role="observer")
    )


def test_unknown_role_is_refused() -> None:
    assert refused(lambda: MembershipFactory(role="king"))


def test_one_baseline_score_per_cell_and_round() -> None:
    exercise = make_exercise()
    participant = ParticipantFactory(exercise=exercise)
    option, criterion = exercise.options.first(), exercise.criteria.first()
    ScoreJudgmentFactory(participant=participant, option=option, criterion=criterion)
    assert refused(
        lambda: ScoreJudgment.objects.create(
            participant=participant, option=option, criterion=criterion, value=3
        )
    )
    # Another round of the same cell is a revision, not a duplicate.
    ScoreJudgment.objects.create(
        participant=participant, option=option, criterion=criterion, value=3, round=2
    )


def test_scenario_scores_are_unique_per_scenario() -> None:
    from policies.models import Scenario

    exercise = make_exercise()
    scenario = Scenario.objects.create(case=exercise.case, key="s", name={"en": "S"})
    participant = ParticipantFactory(exercise=exercise)
    option, criterion = exercise.options.first(), exercise.criteria.first()
    ScoreJudgmentFactory(participant=participant, option=option, criterion=criterion)
    ScoreJudgmentFactory(participant=participant, option=option, criterion=criterion, scenario=scenario)
    assert refused(
        lambda: ScoreJudgmentFactory(
            participant=participant, option=option, criterion=criterion, scenario=scenario
        )
    )


def test_weights_stay_within_0_and_100_points() -> None:
    assert refused(lambda: WeightJudgmentFactory(value=101))
    assert refused(lambda: WeightJudgmentFactory(value=-1))
    assert WeightJudgment.objects.count() == 0


def test_confidence_is_1_to_5_and_round_positive() -> None:
    assert refused(lambda: ScoreJudgmentFactory(confidence=6))
    assert refused(lambda: ScoreJudgmentFactory(round=0))


def test_criterion_scale_must_be_ordered() -> None:
    assert refused(lambda: CriterionFactory(scale_min=10, scale_max=0))


def test_option_keys_are_unique_within_a_case() -> None:
    option = OptionFactory()
    assert refused(lambda: OptionFactory(case=option.case, key=option.key))
