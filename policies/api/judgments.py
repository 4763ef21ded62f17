"""The caller's own weights and scores in an exercise, for its current round, baseline and per scenario.

Writes go through the one judgment service behind the web inputs, so the checks and messages are the same (the
caller's role now, the exercise's weighting method, a score off its scale, a criterion outside the exercise, a
scenario the exercise does not take weights for...). A PUT is all or nothing: if any item is refused, none is
saved and the 422 lists each refused item with its index.
"""

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from policies.api.auth import READ, WRITE, principal
from policies.api.errors import ApiError
from policies.api.exercises import ExerciseId
from policies.api.responses import errors
from policies.api.schemas import GroupJudgmentsOut, JudgmentsIn, JudgmentsOut, RankIn
from policies.models import Criterion, Exercise, Option, Participant, Scenario, ScoreJudgment, WeightJudgment
from policies.models.cases import CaseItem
from policies.selectors.access import Viewer, get_exercise_for_user, get_viewer_for_user
from policies.selectors.case_export import exercise_judgments
from policies.selectors.exercise_arrays import ExerciseArrays, exercise_arrays
from policies.selectors.visibility import visibility
from policies.services.judgments import (
    ScoreEntry,
    judge,
    record_comparisons,
    record_points,
    record_ranking,
    record_score,
)

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


@router.get(
    "/exercises/{exercise_id}/judgments",
    response={200: GroupJudgmentsOut, **errors(401, 403, 404, 422)},
    auth=READ,
    summary="Everyone's weights, scores and comparisons, as you may see them",
    description=(
        "Every participant's judgments of the rounds you may see (each item says its round), with rationales "
        "and confidence: the same rows and labels as the case-file export and the CSV of judgments. In a blind "
        "exercise, members other than facilitators see a round once it is revealed; before any round is, the "
        "answer is 403 (`judgments_withheld`). Participants appear by name and own key only where the exercise "
        'lets you see identities, else as "Participant 3" and `participant-3`; `withheld` says what is left out.'
    ),
    url_name="judgments-group",
)
def get_group(request: HttpRequest, exercise_id: ExerciseId) -> dict[str, Any]:
    viewer = get_viewer_for_user(principal(request).user, exercise_id)
    seen = visibility(viewer)
    if seen.last_round < 1:
        raise ApiError(403, seen.withheld, code="judgments_withheld")
    judgments = exercise_judgments(viewer.exercise, seen)
    return {
        "exercise": viewer.exercise.pk,
        "round": seen.last_round,
        "identities": seen.identities,
        "withheld": seen.withheld,
        "participants": [
            {"key": p["id"], "label": p["alias"]}
            for p in judgments["participants"]
            if p.get("judging", True)  # the people the results count (selectors.exercise_arrays)
        ],
        "weights": judgments["weights"],
        "scores": judgments["scores"],
        "comparisons": judgments["pairwise"],
    }


# -- writing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """The case's items a request names by key, resolved in one query per kind."""

    exercise: Exercise
    criteria: dict[str | int, Criterion]
    options: dict[str | int, Option]
    scenarios: dict[str, Scenario]
    in_play: frozenset[int]

    @classmethod
    def of(cls, exercise: Exercise, payload: JudgmentsIn) -> "Named":
        case = exercise.case_id
        items: list[Any] = [*payload.weights, *payload.ranks, *payload.comparisons, *payload.scores]
        criteria = {i.criterion for i in items if hasattr(i, "criterion")}
        criteria |= {k for c in payload.comparisons for k in (c.criterion_a, c.criterion_b)}
        scenario_keys = {item.scenario for item in items if item.scenario is not None}
        return cls(
            exercise=exercise,
            criteria=_by_ref(Criterion.objects.filter(case_id=case), criteria),
            options=_by_ref(Option.objects.filter(case_id=case), {s.option for s in payload.scores}),
            scenarios=_by_key(Scenario.objects.filter(case_id=case, key__in=scenario_keys)),
            in_play=frozenset(exercise.scenarios.filter(key__in=scenario_keys).values_list("pk", flat=True)),
        )

    def criterion(self, ref: str | int) -> int:
        if ref not in self.criteria:
            raise ValidationError(_("Unknown criterion %(id)r.") % {"id": ref})
        return self.criteria[ref].pk

    def option(self, ref: str | int) -> int:
        if ref not in self.options:
            raise ValidationError(_("Unknown option %(id)r.") % {"id": ref})
        return self.options[ref].pk

    def scenario(self, key: str | None) -> int | None:
        """The scenario named, None for the baseline; refused unless it is in play in the exercise."""
        if key is None:
            return None
        if key not in self.scenarios:
            raise ValidationError(_("Unknown scenario %(id)r.") % {"id": key})
        if self.scenarios[key].pk not in self.in_play:
            raise ValidationError(_("Scenario %(id)r is not in this exercise.") % {"id": key})
        return self.scenarios[key].pk


def _by_key[T: CaseItem](items: Iterable[T]) -> dict[str, T]:
    return {item.key: item for item in items}


def _by_ref[T: CaseItem](items: QuerySet[T], refs: Iterable[str | int]) -> dict[str | int, T]:
    """The case's items named in a request, each under the reference it was named by: its key or its id."""
    refs = set(refs)
    keys = {ref for ref in refs if isinstance(ref, str)}
    ids = {ref for ref in refs if isinstance(ref, int)}
    found: dict[str | int, T] = {}
    for item in items.filter(Q(key__in=keys) | Q(pk__in=ids)):
        if item.key in keys:
            found[item.key] = item
        if item.pk in ids:
            found[item.pk] = item
    return found


class Refusals(list[dict[str, Any]]):
    """The refused items of a request, each with its JSON path and index, for the 422's details."""

    def add(self, kind: str, index: int | None, error: ValidationError) -> None:
        path = f"$.{kind}" if index is None else f"$.{kind}[{index}]"
        self.append({"location": "body", "path": path, "message": error.messages[0], "index": index})


def _each(
    kind: str,
    items: Sequence[Any],
    refused: Refusals,
    *,
    cell: Callable[[Any], tuple[str | None, ...]],
    duplicate: tuple[str, str],
    write: Callable[[Any], object],
) -> None:
    """Write each item through the judgment service, refusing one that repeats a cell already given in the
    request; a refusal is noted and the other items go on, so the 422 lists them all."""
    seen: set[tuple[str | None, ...]] = set()
    for index, item in enumerate(items):
        try:
            if cell(item) in seen:
                baseline, in_scenario = duplicate
                raise ValidationError(
                    baseline if item.scenario is None else in_scenario % {"id": item.scenario}
                )
            seen.add(cell(item))
            write(item)
        except ValidationError as exc:
            refused.add(kind, index, exc)


def _ranks(viewer: Viewer, named: Named, ranks: Sequence[RankIn], refused: Refusals) -> None:
    """Ranks go in whole, one set per scenario (a rank-order exercise ranks every criterion at once)."""
    by_scenario: dict[str | None, dict[int, int]] = {}
    for index, item in enumerate(ranks):
        try:
            chosen = by_scenario.setdefault(item.scenario, {})
            criterion = named.criterion(item.criterion)
            named.scenario(item.scenario)
            if criterion in chosen:
                raise ValidationError(_("A second rank for the same criterion."))
            chosen[criterion] = item.rank
        except ValidationError as exc:
            refused.add("ranks", index, exc)
    if refused:
        return
    for scenario, chosen in by_scenario.items():
        try:
            record_ranking(viewer=viewer, ranks=chosen, scenario=named.scenario(scenario))
        except ValidationError as exc:
            refused.add("ranks", None, exc)


@router.put(
    "/exercises/{exercise_id}/judgments/mine",
    response={200: JudgmentsOut, **errors(400, 401, 403, 404, 413, 422)},
    auth=WRITE,
    summary="Record the caller's weights and scores, baseline and per scenario",
    description=(
        "Saves judgments for the current round, in the form the exercise elicits weights: `weights` (points "
        "from 0 to 100 per criterion) for direct-points and swing exercises, `ranks` (every criterion's rank "
        "at once) for rank-order ones, `comparisons` (pairs of criteria on Saaty's scale) for AHP ones; "
        "`scores` on the criterion's scale, with an optional rationale and confidence. Cells not listed keep "
        "their value. Without `scenario` an item is a baseline judgment; with a scenario's key it is that "
        "scenario's, the scenario being in play in the exercise (weights only when the exercise lets weights "
        "differ by scenario). An item may appear once per cell. All or nothing: on any refused item nothing "
        "is saved and the 422 lists every refused item with its index. Roles: owner, facilitator, analyst, "
        "participant (observers may not judge); the same checks as the web's, through the same service."
    ),
    url_name="judgments-save",
)
def put_mine(request: HttpRequest, exercise_id: ExerciseId, payload: JudgmentsIn) -> dict[str, Any]:
    user = principal(request).user
    viewer = get_viewer_for_user(user, exercise_id)
    if not viewer.can_judge:
        raise PermissionDenied(_("Your role in this team does not allow this."))
    exercise = viewer.exercise
    if not (payload.weights or payload.ranks or payload.comparisons or payload.scores):
        return my_judgments(exercise, user.pk)
    named = Named.of(exercise, payload)
    refused = Refusals()
    with transaction.atomic():
        viewer = replace(viewer, participant=judge(viewer))
        _each(
            "weights",
            payload.weights,
            refused,
            cell=lambda w: (w.criterion, w.scenario),
            duplicate=(
                _("A second weight for the same criterion."),
                _("A second weight for the same criterion in scenario %(id)r."),
            ),
            write=lambda w: record_points(
                viewer=viewer,
                points={named.criterion(w.criterion): w.value},
                scenario=named.scenario(w.scenario),
                complete=False,
                rationales=None if w.rationale is None else {named.criterion(w.criterion): w.rationale},
            ),
        )
        _ranks(viewer, named, payload.ranks, refused)
        _each(
            "comparisons",
            payload.comparisons,
            refused,
            cell=lambda c: (*sorted((str(c.criterion_a), str(c.criterion_b))), c.scenario),
            duplicate=(
                _("A second comparison of the same criteria."),
                _("A second comparison of the same criteria in scenario %(id)r."),
            ),
            write=lambda c: record_comparisons(
                viewer=viewer,
                ratios={(named.criterion(c.criterion_a), named.criterion(c.criterion_b)): c.value},
                scenario=named.scenario(c.scenario),
            ),
        )
        _each(
            "scores",
            payload.scores,
            refused,
            cell=lambda s: (s.option, s.criterion, s.scenario),
            duplicate=(
                _("A second score for the same cell."),
                _("A second score for the same cell in scenario %(id)r."),
            ),
            write=lambda s: record_score(
                viewer=viewer,
                entry=ScoreEntry(
                    option=named.option(s.option),
                    criterion=named.criterion(s.criterion),
                    value=s.value,
                    scenario=named.scenario(s.scenario),
                    rationale=s.rationale,
                    confidence=s.confidence,
                ),
            ),
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
