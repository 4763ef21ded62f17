"""Setting up an exercise on a case."""

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from policies.models import Case, Criterion, Exercise, Option, Scenario
from policies.models.exercises import Anonymity, Phase, WeightingMethod
from policies.services.case_editing import unique_key
from policies.services.workshop import issue_join_code


@transaction.atomic
def create_exercise(
    *,
    case: Case,
    title: str,
    title_translation: Mapping[str, str] | None = None,
    options: Iterable[Option],
    criteria: Iterable[Criterion],
    scenarios: Iterable[Scenario],
    method: str,
    created_by_id: int | None,
    mode: str = "open",
    weighting_method: str = WeightingMethod.DIRECT,
    scale: tuple[float, float] | None = None,
    anonymity: str = Anonymity.NAMED,
    max_rounds: int = 3,
    consensus_threshold: float = 1.0,
    phase_minutes: int | None = None,
    weights_by_scenario: bool = False,
    guest_retention_days: int | None = None,
) -> Exercise:
    """An exercise; mode "workshop" makes it facilitated and blind, starting at the briefing with a join code."""
    if case.team_id is None:
        raise ValueError("Exercises run on a team's case, not on a shared template; copy it first.")
    facilitated = mode == "workshop"
    scenarios = list(scenarios)
    if weights_by_scenario and not scenarios:
        raise ValueError("Weights can differ by scenario only when scenarios are in play.")
    exercise = Exercise.objects.create(
        team_id=case.team_id,
        case=case,
        key=unique_key(Exercise.all_objects.filter(team_id=case.team_id, case=case), title),
        # The title as typed, in the page's language, and in the other language where one was given.
        title={**(title_translation or {}), (get_language() or "en")[:2]: title},
        method=method,
        created_by_id=created_by_id,
        facilitated=facilitated,
        blind=facilitated,
        phase=Phase.BRIEFING if facilitated else Phase.SCORING,
        phase_started=timezone.now(),
        weighting_method=weighting_method,
        scale_min=scale[0] if scale else None,
        scale_max=scale[1] if scale else None,
        anonymity=anonymity,
        max_rounds=max_rounds,
        consensus_threshold=consensus_threshold,
        phase_minutes=phase_minutes,
        weights_by_scenario=weights_by_scenario,
        guest_retention_days=guest_retention_days,
    )
    exercise.options.set(options)
    exercise.criteria.set(criteria)
    exercise.scenarios.set(scenarios)
    if facilitated:
        issue_join_code(exercise=exercise)
    return exercise
