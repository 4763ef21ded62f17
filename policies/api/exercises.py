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
from policies.selectors.access import JUDGING_ROLES, get_exercise_for_user

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
) -> QuerySet[Exercise]:
    exercises = Exercise.objects.filter(team__memberships__user_id=principal(request).user.pk)
    if case is not None:
        exercises = exercises.filter(case_id=case)
    return exercises.select_related("team").order_by("-created", "-pk")


@router.get(
    "/exercises/{exercise_id}",
    response={200: ExerciseDetailOut, **errors(401, 403, 404, 422)},
    auth=READ,
    summary="An exercise: the options, criteria and scenarios in play",
    url_name="exercise-detail",
)
def get_exercise(request: HttpRequest, exercise_id: ExerciseId) -> dict[str, Any]:
    exercise, membership = get_exercise_for_user(principal(request).user, exercise_id)
    return {
        **exercise_out(exercise),
        "description": exercise.description,
        "role": membership.role,
        "can_judge": membership.role in JUDGING_ROLES,
        "participants": exercise.participants.count(),
        "options": _refs(exercise.options.order_by("position", "pk")),
        "criteria": _refs(exercise.criteria.order_by("position", "pk")),
        "scenarios": _refs(exercise.scenarios.order_by("position", "pk")),
    }
