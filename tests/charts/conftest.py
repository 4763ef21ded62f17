"""Analysis bundles of the seeded Mali 2012 exercise, for checking what each figure plots.

The case is imported once per test module inside a transaction that is rolled back: the bundles keep the
options, criteria and participants in memory, and no row outlives the fixture.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction

from policies.casefile.validation import parse_case_file
from policies.selectors.analysis_results import AnalysisRequest, AnalysisResults, analysis_results
from policies.selectors.exercise_arrays import ExerciseArrays, exercise_arrays
from policies.services.case_import import import_case
from tests.factories import TeamFactory
from tests.viewers import facilitator_view

SEED = Path(__file__).resolve().parents[2] / "seeds" / "mali-2012.json"

Bundles = dict[str, AnalysisResults]

REQUESTS = {
    "weighted_sum": AnalysisRequest(method="weighted_sum"),
    "topsis": AnalysisRequest(method="topsis"),
    "promethee_ii": AnalysisRequest(method="promethee_ii"),
    "scenario": AnalysisRequest(method="weighted_sum", scenario="sc-jihadist-consolidation"),
    "two_participants": AnalysisRequest(method="weighted_sum", participants=("analyst-a", "analyst-c")),
    "cost_criterion": AnalysisRequest(criterion="c-cost", alpha=1.0),
    "bad": AnalysisRequest(
        method="astrology", scenario="nope", round=5, participants=("ghost",), criterion="nope", alpha=3.0
    ),
}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> tuple[Bundles, ExerciseArrays]:
    """Bundles for several requests, and the exercise's raw arrays, computed on a rolled-back import."""
    with django_db_blocker.unblock(), transaction.atomic():
        case = import_case(case_file=parse_case_file(SEED.read_bytes()), team=TeamFactory())
        exercise = case.exercises.get()
        seen = facilitator_view(exercise)
        bundles = {
            name: analysis_results(exercise, request, visibility=seen) for name, request in REQUESTS.items()
        }
        for computed in bundles.values():  # the parts computed on first use, while the rows still exist
            for part in ("consensus", "comparison", "sensitivity", "smaa", "disagreement", "scenarios"):
                getattr(computed, part)
            computed.rationales  # noqa: B018
        arrays = exercise_arrays(exercise)
        transaction.set_rollback(True)
    return bundles, arrays


@pytest.fixture(scope="module")
def bundles(seeded) -> Bundles:
    return seeded[0]


@pytest.fixture(scope="module")
def arrays(seeded) -> ExerciseArrays:
    return seeded[1]


@pytest.fixture
def bundle(bundles) -> AnalysisResults:
    return bundles["weighted_sum"]


@pytest.fixture(scope="module")
def names() -> Callable[[AnalysisResults], tuple[list[str], list[str]]]:
    from policies.selectors.analysis_results import display_name

    def _names(result: AnalysisResults) -> tuple[list[str], list[str]]:
        return [display_name(o) for o in result.options], [display_name(c) for c in result.criteria]

    return _names
