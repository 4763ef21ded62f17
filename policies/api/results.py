"""Group results of an exercise by any of the ranking methods: any member reads them, as on the web."""

import math
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router

from policies.api.auth import READ, principal
from policies.api.exercises import ExerciseId
from policies.api.responses import errors
from policies.api.schemas import MethodName, ResultsOut
from policies.selectors.access import get_exercise_for_user
from policies.selectors.results import exercise_results

router = Router(tags=["results"])


def _finite(value: float) -> float | None:
    """JSON has no NaN or infinity: a value the method could not compute is null."""
    return value if math.isfinite(value) else None


@router.get(
    "/exercises/{exercise_id}/results",
    response={200: ResultsOut, **errors(401, 403, 404, 422)},
    auth=READ,
    summary="The group's ranking of the options",
    description=(
        "Group weights (mean of each participant's normalised points) and the ranking by the chosen method; "
        "by default the exercise's own method. Cells nobody scored count at the middle of their scale."
    ),
    url_name="results",
)
def get_results(
    request: HttpRequest,
    exercise_id: ExerciseId,
    method: Annotated[MethodName | None, Query(description="Ranking method.")] = None,
) -> dict[str, Any]:
    exercise, _membership = get_exercise_for_user(principal(request).user, exercise_id)
    outcome = exercise_results(exercise, method=method)
    return {
        "exercise": exercise.pk,
        "method": outcome.method,
        "round": exercise.current_round,
        "participants_scoring": outcome.participants_scoring,
        "unscored_cells": outcome.unscored_cells,
        "criteria": [
            {"id": c.pk, "key": c.key, "name": c.name, "weight": _finite(float(w)) or 0.0}
            for c, w in zip(outcome.criteria, outcome.weights, strict=True)
        ],
        "ranking": [
            {
                "rank": item.rank,
                "score": _finite(item.score),
                "option": {"id": item.option.pk, "key": item.option.key, "name": item.option.name},
                "contributions": [_finite(value) for value in item.contributions],
            }
            for item in outcome.ranking
        ],
    }
