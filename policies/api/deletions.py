"""Whole cases and exercises deleted and restored through the API, as on the web.

The same services (`policies.services.deletions`) hide and bring back, under the same roles: owners,
facilitators and analysts delete and restore cases; owners and facilitators, exercises. A deletion carries the
`version` it was decided from (a stale one is refused with 409, nothing deleted) and answers what went with the
deleted thing, counted, and until when it can be restored. Each is written to the team's history.

The routes join the cases' and the exercises' routers: they share those routers' paths (a DELETE beside a GET),
and one path must be one URL pattern.
"""

from collections.abc import Callable
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query

from policies.api import cases, exercises
from policies.api.auth import WRITE, principal
from policies.api.errors import ApiError
from policies.api.responses import errors
from policies.api.schemas import MAX_ID
from policies.models import Case, Exercise, Membership
from policies.selectors.access import (
    CASE_EDITING_ROLES,
    FACILITATING_ROLES,
    get_case_for_user,
    get_exercise_for_user,
    require_role,
)
from policies.services.audit import address_of
from policies.services.case_editing import Dependant, StaleEdit, restorable_until
from policies.services.deletions import (
    case_account,
    delete_case,
    delete_exercise,
    deleted_cases,
    deleted_exercises,
    exercise_account,
    restore_case,
    restore_exercise,
)

CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id of the case.")]
ExerciseId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id of the exercise.")]
Version = Annotated[int | None, Query(ge=0, le=2**31, description="The version you read (required).")]


def _required(version: int | None) -> int:
    if version is None:
        raise ApiError(
            422,
            _("Send the version you read, as ?version=."),
            details=[{"location": "query", "path": "version", "message": _("Required.")}],
        )
    return version


def _stale(stale: StaleEdit) -> ApiError:
    return ApiError(
        409,
        _("It changed since you read it; it is now at version %(now)s. Read it again before deleting.")
        % {"now": stale.version},
        code="stale_version",
    )


def _delete(
    request: HttpRequest,
    account: list[Dependant],
    delete: Callable[..., Case | Exercise],
    version: int | None,
) -> dict[str, Any]:
    """Delete through the service from the version read; answer the name, what went with it and until when."""
    try:
        deleted = delete(principal(request).user, _required(version), address_of(request))
    except StaleEdit as stale:
        raise _stale(stale) from stale
    return {
        "deleted": str(deleted),
        "took_along": [{"what": item.label, "count": item.count} for item in account],
        "restorable_until": restorable_until(deleted.deleted) if deleted.deleted else None,
    }


def _restore(request: HttpRequest, restore: Callable[..., Case | Exercise]) -> dict[str, Any]:
    try:
        restored = restore(principal(request).user, address_of(request))
    except ValidationError as exc:  # its window closed between the lookup and the write
        raise ApiError(404, " ".join(exc.messages)) from exc
    return {"restored": str(restored), "id": restored.pk}


def _deleted_for(request: HttpRequest, roles: frozenset[str]) -> list[Membership]:
    """The caller's memberships allowed to restore: a deleted thing is found only in those teams."""
    memberships = Membership.objects.filter(user_id=principal(request).user.pk).select_related("team")
    return [membership for membership in memberships if membership.role in roles]


def _find_deleted(request: HttpRequest, pk: int, roles: frozenset[str], within: Any) -> Any:
    """A deleted case or exercise the caller may restore; 404 otherwise, as for anything the caller cannot reach
    (restoring a thing that is not deleted, or is past its window, included)."""
    for membership in _deleted_for(request, roles):
        found: QuerySet[Any] = within(membership.team).filter(pk=pk)
        if (thing := found.first()) is not None:
            return thing
    raise ApiError(404, _("Nothing deleted by that id can be restored by you."))


@cases.router.delete(
    "/cases/{case_id}",
    response={200: dict[str, Any], **errors(401, 403, 404, 409, 422)},
    auth=WRITE,
    summary="Delete a whole case, restorable for 30 days",
    description="Hides the case with its items and exercises, answers what went with it, counted, and until "
    "when it can be restored (POST /cases/{case_id}/restore). 409 if `version` is not the stored one. Roles: "
    "owner, facilitator, analyst.",
    url_name="case-delete",
)
def delete_whole_case(request: HttpRequest, case_id: CaseId, version: Version = None) -> dict[str, Any]:
    case, membership = get_case_for_user(principal(request).user, case_id)
    require_role(membership, CASE_EDITING_ROLES)
    return _delete(
        request,
        case_account(case),
        lambda user, read, address: delete_case(case=case, user=user, version=read, address=address),
        version,
    )


@cases.router.post(
    "/cases/{case_id}/restore",
    response={200: dict[str, Any], **errors(401, 403, 404, 422)},
    auth=WRITE,
    summary="Bring back a case deleted less than 30 days ago",
    description="404 for a case that is not deleted, is past its window, or is not in one of the caller's "
    "teams where they edit cases.",
    url_name="case-restore",
)
def restore_whole_case(request: HttpRequest, case_id: CaseId) -> dict[str, Any]:
    case: Case = _find_deleted(request, case_id, CASE_EDITING_ROLES, deleted_cases)
    return _restore(request, lambda user, address: restore_case(case=case, user=user, address=address))


@exercises.router.delete(
    "/exercises/{exercise_id}",
    response={200: dict[str, Any], **errors(401, 403, 404, 409, 422)},
    auth=WRITE,
    summary="Delete an exercise, restorable for 30 days",
    description="Hides the exercise with its participants, judgments and reports, answers what went with it, "
    "counted, and until when it can be restored (POST /exercises/{exercise_id}/restore). 409 if `version` is "
    "not the stored one. Roles: owner, facilitator.",
    url_name="exercise-delete",
)
def delete_whole_exercise(
    request: HttpRequest, exercise_id: ExerciseId, version: Version = None
) -> dict[str, Any]:
    exercise, membership = get_exercise_for_user(principal(request).user, exercise_id)
    require_role(membership, FACILITATING_ROLES)
    return _delete(
        request,
        exercise_account(exercise),
        lambda user, read, address: delete_exercise(
            exercise=exercise, user=user, version=read, address=address
        ),
        version,
    )


@exercises.router.post(
    "/exercises/{exercise_id}/restore",
    response={200: dict[str, Any], **errors(401, 403, 404, 422)},
    auth=WRITE,
    summary="Bring back an exercise deleted less than 30 days ago",
    description="404 for an exercise that is not deleted, is past its window, whose case is deleted (it comes "
    "back with its case), or that is not in one of the caller's teams where they facilitate.",
    url_name="exercise-restore",
)
def restore_whole_exercise(request: HttpRequest, exercise_id: ExerciseId) -> dict[str, Any]:
    exercise: Exercise = _find_deleted(request, exercise_id, FACILITATING_ROLES, deleted_exercises)
    return _restore(
        request, lambda user, address: restore_exercise(exercise=exercise, user=user, address=address)
    )
