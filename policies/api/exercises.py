"""Exercises of the caller's teams: any member reads them, as on the web."""

from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.pagination import paginate

from policies.api.auth import READ, principal
from policies.api.pagination import Page
from policies.api.responses import errors
from policies.api.schemas import MAX_ID, ExerciseDetailOut, ExerciseOut
from policies.models import Exercise
from policies.models.exercises import Phase
from policies.selectors.access import get_viewer_for_user
from policies.selectors.exercise_arrays import counted_participants
from policies.selectors.visibility import visibility

router = Router(tags=["exercises"])

ExerciseId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id of the exercise.")]


def exercise_out(exercise: Exercise) -> dict[str, Any]:
    return {
        "id": exercise.pk,
        "key": exercise.key,
        "case": exercise.case_id,
        "team": exercise.team.slug,
        "title": exercise.title,
        "method": exercise.method,
        "current_round": exercise.current_round,
        "created": exercise.created,
    }


def _refs(items: Any) -> list[dict[str, Any]]:
    return [{"id": item.pk, "key": item.key, "name": item.name} for item in items]


@router.get(
    "/exercises",
    response={200: list[ExerciseOut], **errors(401, 403, 422)},
    auth=READ,
    summary="The exercises of the caller's teams, newest first",
    url_name="exercise-list",
)
@paginate(Page, item=exercise_out)
def list_exercises(
    request: HttpRequest,
    case: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only the exercises of this case.")
    ] = None,
    phase: Annotated[
        Phase | None,
        Query(description="Only the exercises in this phase (open exercises are always in `scoring`)."),
    ] = None,
) -> QuerySet[Exercise]:
    exercises = Exercise.objects.filter(team__memberships__user_id=principal(request).user.pk)
    if case is not None:
        exercises = exercises.filter(case_id=case)
    if phase is not None:
        exercises = exercises.filter(phase=phase)
    return exercises.select_related("team").order_by("-created", "-pk")


@router.get(
    "/exercises/{exercise_id}",
    response={200: ExerciseDetailOut, **errors(401, 403, 404, 422)},
    auth=READ,
    summary="An exercise: the options, criteria and scenarios in play",
    url_name="exercise-detail",
)
def get_exercise(request: HttpRequest, exercise_id: ExerciseId) -> dict[str, Any]:
    viewer = get_viewer_for_user(principal(request).user, exercise_id)
    exercise = viewer.exercise
    seen = visibility(viewer)
    return {
        **exercise_out(exercise),
        "description": exercise.description,
        "role": viewer.role,
        "can_judge": viewer.can_judge,
        "participants": counted_participants(exercise).count(),
        "visibility": {
            "group_results": seen.group_results,
            "last_round": seen.last_round,
            "identities": seen.identities,
            "withheld": seen.withheld,
        },
        "options": _refs(exercise.options.order_by("position", "pk")),
        "criteria": _refs(exercise.criteria.order_by("position", "pk")),
        "scenarios": _refs(exercise.scenarios.order_by("position", "pk")),
    }
