"""Each criterion's PROMETHEE preference function and thresholds, set in the case editor, reach the ranking."""

import numpy as np
import pytest

from policies.models import Criterion, Exercise
from policies.models.exercises import Method
from policies.selectors.analysis_results import analysis_results
from policies.selectors.exercise_arrays import preference_options
from policies.selectors.visibility import visibility_for
from tests.factories import ParticipantFactory, ScoreJudgmentFactory, WeightJudgmentFactory, make_exercise

pytestmark = pytest.mark.django_db


def criterion(**fields: object) -> Criterion:
    return Criterion(scale_min=0, scale_max=10, **fields)


def test_usual_everywhere_keeps_the_defaults() -> None:
    scale = np.array([0.0, 0.0]), np.array([10.0, 10.0])
    assert preference_options([criterion(), criterion()], *scale) == {}


def test_thresholds_follow_the_criterion_and_stretch_to_the_exercise_scale() -> None:
    linear = criterion(preference_function="linear", indifference_threshold=1, preference_threshold=3)
    missing = criterion(preference_function="v-shape")  # no p: read as usual
    options = preference_options([linear, missing], np.array([0.0, 0.0]), np.array([100.0, 100.0]))
    assert options["preference"] == ("linear", "usual")
    assert list(options["q"]) == [10.0, 0.0] and list(options["p"]) == [30.0, 0.0]
    assert "s" not in options


def _scored(exercise: Exercise) -> None:
    person = ParticipantFactory(exercise=exercise)
    options = list(exercise.options.order_by("position", "pk"))
    criteria = list(exercise.criteria.order_by("position", "pk"))
    for c in criteria:
        WeightJudgmentFactory(participant=person, criterion=c, value=50)
    for option, values in zip(options, [(6, 2), (5, 9), (1, 3)], strict=True):
        for c, value in zip(criteria, values, strict=True):
            ScoreJudgmentFactory(participant=person, option=option, criterion=c, value=value)


def test_a_v_shape_threshold_changes_promethee_scores() -> None:
    exercise = make_exercise(options=3, criteria=2)
    exercise.method = Method.PROMETHEE_II
    exercise.save()
    _scored(exercise)
    before = analysis_results(exercise, visibility=visibility_for(exercise, facilitator=True)).scores
    first = exercise.criteria.order_by("position", "pk").first()
    first.preference_function = "v-shape"
    first.preference_threshold = 8
    first.save()
    after = analysis_results(exercise, visibility=visibility_for(exercise, facilitator=True)).scores
    assert not np.allclose(before, after)
    # With p = 8, a difference of 1 point is a preference of 1/8, not a full one.
    assert after[0] < before[0]
