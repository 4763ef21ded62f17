"""The caller's own weights and scores in an exercise, for its current round, baseline and per scenario.

Writes go through the services behind the web inputs, so the checks and messages are the same (a score off its
criterion's scale, a criterion outside the exercise, a scenario the exercise does not take weights for...). A
PUT is all or nothing: if any item is refused, none is saved and the 422 lists each refused item with its index.
"""

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
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
from policies.api.schemas import JudgmentsIn, JudgmentsOut, ScoreIn, WeightIn
from policies.models import Criterion, Exercise, Option, Participant, Scenario, ScoreJudgment, WeightJudgment
from policies.models.cases import CaseItem
from policies.selectors.access import JUDGING_ROLES, get_exercise_for_user, require_role
from policies.selectors.exercise_arrays import ExerciseArrays, exercise_arrays
from policies.services.judgments import participant_for_user, save_score, save_weight

router = Router(tags=["judgments"])


# -- reading ----------------------------------------------------------------------------------------------


def my_judgments(exercise: Exercise, user_id: int) -> dict[str, Any]:
    """What the exercise page shows the user in its inputs (the current round, earlier rounds carried over),
    then the scenario judgments they gave themselves, not the baseline values that stand in for the others."""
    participant = Participant.objects.filter(exercise=exercise, user_id=user_id).first()
    if participant is None:
        return {
            "exercise": exercise.pk,
            "round": exercise.current_round,
            "participant": None,
            "weights": [],
            "scores": [],
        }
    arrays = exercise_arrays(exercise, only=[participant])
    return {
        "exercise": exercise.pk,
        "round": arrays.round,
        "participant": participant.key,
        "weights": _weights(arrays, participant),
        "scores": _scores(arrays, participant),
    }


def _given(value: float) -> bool:
    return not math.isnan(value)


def _weights(arrays: ExerciseArrays, participant: Participant) -> list[dict[str, Any]]:
    """Baseline weights, then each scenario's (only when the exercise lets weights differ by scenario)."""
    weights = [
        {"criterion": criterion.key, "scenario": None, "value": float(arrays.weights[0, j])}
        for j, criterion in enumerate(arrays.criteria)
        if _given(arrays.weights[0, j])
    ]
    if not arrays.weights_by_scenario:
        return weights
    given = set(
        WeightJudgment.objects.filter(
            participant=participant, round__lte=arrays.round, scenario__isnull=False
        ).values_list("criterion_id", "scenario_id")
    )
    weights += [
        {
            "criterion": criterion.key,
            "scenario": scenario.key,
            "value": float(arrays.scenario_weights[k, 0, j]),
        }
        for k, scenario in enumerate(arrays.scenarios)
        for j, criterion in enumerate(arrays.criteria)
        if (criterion.pk, scenario.pk) in given
    ]
    return weights


def _scores(arrays: ExerciseArrays, participant: Participant) -> list[dict[str, Any]]:
    """Baseline scores, then each scenario's, options and criteria in the exercise's order."""
    cells = [
        (i, option, j, criterion)
        for i, option in enumerate(arrays.options)
        for j, criterion in enumerate(arrays.criteria)
    ]
    scores = [
        {
            "option": option.key,
            "criterion": criterion.key,
            "scenario": None,
            "value": float(arrays.scores[0, i, j]),
        }
        for i, option, j, criterion in cells
        if _given(arrays.scores[0, i, j])
    ]
    given = set(
        ScoreJudgment.objects.filter(
            participant=participant, round__lte=arrays.round, scenario__isnull=False
        ).values_list("option_id", "criterion_id", "scenario_id")
    )
    scores += [
        {
            "option": option.key,
            "criterion": criterion.key,
            "scenario": scenario.key,
            "value": float(arrays.scenario_scores[k, 0, i, j]),
        }
        for k, scenario in enumerate(arrays.scenarios)
        for i, option, j, criterion in cells
        if (option.pk, criterion.pk, scenario.pk) in given
    ]
    return scores


@router.get(
    "/exercises/{exercise_id}/judgments/mine",
    response={200: JudgmentsOut, **errors(401, 403, 404, 422)},
    auth=READ,
    summary="The caller's weights and scores, baseline and per scenario",
    description=(
        "The caller's judgments in the current round, earlier rounds carried over: the baseline weights and "
        "scores (`scenario` null), then those given for a scenario in play (`scenario` its key), criteria, "
        "options and scenarios in the exercise's order. A scenario cell the caller left to the baseline is not "
        "listed; scenario weights are listed only while the exercise lets weights differ by scenario."
    ),
    url_name="judgments-mine",
)
def get_mine(request: HttpRequest, exercise_id: ExerciseId) -> dict[str, Any]:
    user = principal(request).user
    exercise, _membership = get_exercise_for_user(user, exercise_id)
    return my_judgments(exercise, user.pk)


# -- writing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """The case's items a request names by key, resolved in one query per kind."""

    exercise: Exercise
    criteria: dict[str, Criterion]
    options: dict[str, Option]
    scenarios: dict[str, Scenario]
    in_play: frozenset[int]

    @classmethod
    def of(cls, exercise: Exercise, weights: Sequence[WeightIn], scores: Sequence[ScoreIn]) -> "Named":
        case = exercise.case_id
        scenario_keys = {item.scenario for item in (*weights, *scores) if item.scenario is not None}
        return cls(
            exercise=exercise,
            criteria=_by_key(
                Criterion.objects.filter(case_id=case, key__in={i.criterion for i in (*weights, *scores)})
            ),
            options=_by_key(Option.objects.filter(case_id=case, key__in={s.option for s in scores})),
            scenarios=_by_key(Scenario.objects.filter(case_id=case, key__in=scenario_keys)),
            in_play=frozenset(exercise.scenarios.filter(key__in=scenario_keys).values_list("pk", flat=True)),
        )

    def criterion(self, key: str) -> Criterion:
        if key not in self.criteria:
            raise ValidationError(_("Unknown criterion %(id)r.") % {"id": key})
        return self.criteria[key]

    def option(self, key: str) -> Option:
        if key not in self.options:
            raise ValidationError(_("Unknown option %(id)r.") % {"id": key})
        return self.options[key]

    def scenario(self, key: str | None) -> Scenario | None:
        """The scenario named, None for the baseline; refused unless it is in play in the exercise."""
        if key is None:
            return None
        if key not in self.scenarios:
            raise ValidationError(_("Unknown scenario %(id)r.") % {"id": key})
        if self.scenarios[key].pk not in self.in_play:
            raise ValidationError(_("Scenario %(id)r is not in this exercise.") % {"id": key})
        return self.scenarios[key]


def _by_key[T: CaseItem](items: Iterable[T]) -> dict[str, T]:
    return {item.key: item for item in items}


class Refusals(list[dict[str, Any]]):
    """The refused items of a request, each with its JSON path and index, for the 422's details."""

    def add(self, kind: str, index: int, error: ValidationError) -> None:
        self.append(
            {"location": "body", "path": f"$.{kind}[{index}]", "message": error.messages[0], "index": index}
        )


def _save_each(
    kind: str,
    items: Sequence[WeightIn] | Sequence[ScoreIn],
    refused: Refusals,
    *,
    resolve: Callable[[Any], dict[str, Any]],
    cell: Callable[[Any], tuple[str | None, ...]],
    duplicate: Callable[[str | None], str],
    write: Callable[..., object],
) -> None:
    """Save each item through its service: the keys it names resolved first, then refused if it repeats a cell
    already given in the request; a refusal is noted and the other items go on, so the 422 lists them all."""
    seen: set[tuple[str | None, ...]] = set()
    for index, item in enumerate(items):
        try:
            found = resolve(item)
            if cell(item) in seen:
                raise ValidationError(duplicate(item.scenario))
            seen.add(cell(item))
            write(**found, raw_value=repr(item.value))
        except ValidationError as exc:
            refused.add(kind, index, exc)


def _duplicate_weight(scenario: str | None) -> str:
    if scenario is None:
        return _("A second weight for the same criterion.")
    return _("A second weight for the same criterion in scenario %(id)r.") % {"id": scenario}


def _duplicate_score(scenario: str | None) -> str:
    if scenario is None:
        return _("A second score for the same cell.")
    return _("A second score for the same cell in scenario %(id)r.") % {"id": scenario}


@router.put(
    "/exercises/{exercise_id}/judgments/mine",
    response={200: JudgmentsOut, **errors(400, 401, 403, 404, 413, 422)},
    auth=WRITE,
    summary="Record the caller's weights and scores, baseline and per scenario",
    description=(
        "Saves each weight (0 to 100 points per criterion) and score (on the criterion's scale) for the "
        "current round; cells not listed keep their value. Without `scenario` an item is a baseline judgment; "
        "with a scenario's key it is that scenario's, the scenario being in play in the exercise (weights only "
        "when the exercise lets weights differ by scenario). An item may appear once per criterion and scenario "
        "(weights) or option, criterion and scenario (scores). All or nothing: on any refused item nothing is "
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
    named = Named.of(exercise, payload.weights, payload.scores)
    refused = Refusals()
    with transaction.atomic():
        participant = participant_for_user(
            exercise=exercise, user_id=user.pk, display_name=user.get_full_name() or user.get_username()
        )
        _save_each(
            "weights",
            payload.weights,
            refused,
            resolve=lambda w: {
                "criterion": named.criterion(w.criterion),
                "scenario": named.scenario(w.scenario),
            },
            cell=lambda w: (w.criterion, w.scenario),
            duplicate=_duplicate_weight,
            write=partial(save_weight, participant=participant),
        )
        _save_each(
            "scores",
            payload.scores,
            refused,
            resolve=lambda s: {
                "option": named.option(s.option),
                "criterion": named.criterion(s.criterion),
                "scenario": named.scenario(s.scenario),
            },
            cell=lambda s: (s.option, s.criterion, s.scenario),
            duplicate=_duplicate_score,
            write=partial(save_score, participant=participant),
        )
        if refused:
            # Raised inside the atomic block: everything saved above is rolled back.
            message = (
                refused[0]["message"]
                if len(refused) == 1
                else _("%(count)s items were refused; nothing was saved.") % {"count": len(refused)}
            )
            raise ApiError(422, message, details=list(refused))
    return my_judgments(exercise, user.pk)
