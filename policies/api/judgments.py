"""The caller's own weights and scores in an exercise, for its current round.

Writes go through `policies.services.judgments`, the functions behind the web inputs, so the checks and messages
are the same (a score off its criterion's scale, a criterion outside the exercise...). A PUT is all or nothing:
if any item is refused, none is saved and the 422 lists each refused item with its index.
"""

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from policies.api.auth import READ, WRITE, principal
from policies.api.errors import ApiError
from policies.api.exercises import ExerciseId
from policies.api.responses import errors
from policies.api.schemas import JudgmentsIn, JudgmentsOut
from policies.models import Criterion, Exercise, Option
from policies.selectors.access import JUDGING_ROLES, get_exercise_for_user, require_role
from policies.selectors.exercise_arrays import exercise_arrays
from policies.services.judgments import participant_for_user, save_score, save_weight

router = Router(tags=["judgments"])


def my_judgments(exercise: Exercise, user_id: int) -> dict[str, Any]:
    """What the exercise page shows the user in its inputs (the current round, earlier rounds carried over)."""
    arrays = exercise_arrays(exercise)
    mine = next((i for i, p in enumerate(arrays.participants) if p.user_id == user_id), None)
    weights: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    if mine is not None:
        for j, criterion in enumerate(arrays.criteria):
            value = float(arrays.weights[mine, j])
            if not math.isnan(value):
                weights.append({"criterion": criterion.key, "value": value})
        for i, option in enumerate(arrays.options):
            for j, criterion in enumerate(arrays.criteria):
                value = float(arrays.scores[mine, i, j])
                if not math.isnan(value):
                    scores.append({"option": option.key, "criterion": criterion.key, "value": value})
    return {
        "exercise": exercise.pk,
        "round": arrays.round,
        "participant": arrays.participants[mine].key if mine is not None else None,
        "weights": weights,
        "scores": scores,
    }


@router.get(
    "/exercises/{exercise_id}/judgments/mine",
    response={200: JudgmentsOut, **errors(401, 403, 404, 422)},
    auth=READ,
    summary="The caller's weights and scores",
    url_name="judgments-mine",
)
def get_mine(request: HttpRequest, exercise_id: ExerciseId) -> dict[str, Any]:
    user = principal(request).user
    exercise, _membership = get_exercise_for_user(user, exercise_id)
    return my_judgments(exercise, user.pk)


@router.put(
    "/exercises/{exercise_id}/judgments/mine",
    response={200: JudgmentsOut, **errors(400, 401, 403, 404, 413, 422)},
    auth=WRITE,
    summary="Record the caller's weights and scores",
    description=(
        "Saves each weight (0 to 100 points per criterion) and score (on the criterion's scale) for the "
        "current round; cells not listed keep their value. All or nothing: on any refused item nothing is "
        "saved and the 422 lists every refused item with its index. Roles: owner, facilitator, analyst, "
        "participant (observers may not judge)."
    ),
    url_name="judgments-save",
)
def put_mine(request: HttpRequest, exercise_id: ExerciseId, payload: JudgmentsIn) -> dict[str, Any]:
    user = principal(request).user
    exercise, membership = get_exercise_for_user(user, exercise_id)
    require_role(membership, JUDGING_ROLES)
    if not payload.weights and not payload.scores:
        return my_judgments(exercise, user.pk)
    keys = {item.criterion for item in (*payload.weights, *payload.scores)}
    criteria = {c.key: c for c in Criterion.objects.filter(case_id=exercise.case_id, key__in=keys)}
    options = {
        o.key: o
        for o in Option.objects.filter(case_id=exercise.case_id, key__in={s.option for s in payload.scores})
    }
    problems: list[dict[str, Any]] = []

    def refuse(kind: str, index: int, message: str) -> None:
        problems.append(
            {"location": "body", "path": f"$.{kind}[{index}]", "message": message, "index": index}
        )

    with transaction.atomic():
        participant = participant_for_user(
            exercise=exercise, user_id=user.pk, display_name=user.get_full_name() or user.get_username()
        )
        seen_weights: set[str] = set()
        for index, weight in enumerate(payload.weights):
            criterion = criteria.get(weight.criterion)
            if criterion is None:
                refuse("weights", index, _("Unknown criterion %(id)r.") % {"id": weight.criterion})
                continue
            if weight.criterion in seen_weights:
                refuse("weights", index, _("A second weight for the same criterion."))
                continue
            seen_weights.add(weight.criterion)
            try:
                save_weight(participant=participant, criterion=criterion, raw_value=repr(weight.value))
            except ValidationError as exc:
                refuse("weights", index, exc.messages[0])
        seen_cells: set[tuple[str, str]] = set()
        for index, score in enumerate(payload.scores):
            option, criterion = options.get(score.option), criteria.get(score.criterion)
            if option is None:
                refuse("scores", index, _("Unknown option %(id)r.") % {"id": score.option})
                continue
            if criterion is None:
                refuse("scores", index, _("Unknown criterion %(id)r.") % {"id": score.criterion})
                continue
            if (score.option, score.criterion) in seen_cells:
                refuse("scores", index, _("A second score for the same cell."))
                continue
            seen_cells.add((score.option, score.criterion))
            try:
                save_score(
                    participant=participant, option=option, criterion=criterion, raw_value=repr(score.value)
                )
            except ValidationError as exc:
                refuse("scores", index, exc.messages[0])
        if problems:
            # Raised inside the atomic block: everything saved above is rolled back.
            message = (
                problems[0]["message"]
                if len(problems) == 1
                else _("%(count)s items were refused; nothing was saved.") % {"count": len(problems)}
            )
            raise ApiError(422, message, details=problems)
    return my_judgments(exercise, user.pk)
