"""Setting up an exercise on a case."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import get_language

from policies.models import Case, Criterion, Exercise, Option, Scenario
from policies.services.case_editing import unique_key


@transaction.atomic
def create_exercise(
    *,
    case: Case,
    title: str,
    options: Iterable[Option],
    criteria: Iterable[Criterion],
    scenarios: Iterable[Scenario],
    method: str,
    created_by_id: int | None,
) -> Exercise:
    if case.team_id is None:
        raise ValueError("Exercises run on a team's case, not on a shared template; copy it first.")
    exercise = Exercise.objects.create(
        team_id=case.team_id,
        case=case,
        key=unique_key(Exercise.objects.filter(team_id=case.team_id, case=case), title),
        title={(get_language() or "en")[:2]: title},
        method=method,
        created_by_id=created_by_id,
    )
    exercise.options.set(options)
    exercise.criteria.set(criteria)
    exercise.scenarios.set(scenarios)
    return exercise
