"""The participant's screen of an open exercise: weights and scores, each saved as it is typed.

Scenarios in play get a score table each, as on the workshop screen: it starts from the participant's baseline
scores, and a participant changes only what would differ in that future (changed cells are marked). A score can
be cleared by emptying its cell.

An exercise that elicits weights otherwise than by points (ranks, pairwise comparisons), or runs as a facilitated
workshop, is scored on the workshop screen, which has a form for every method.
"""

import math

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policies.judgment_input import parse_number, posted_id
from policies.selectors.access import get_viewer_for_user
from policies.selectors.exercise_arrays import ExerciseArrays, exercise_arrays, score_scale
from policies.selectors.scenario_changes import differs_from_baseline
from policies.selectors.visibility import visibility
from policies.services.judgments import (
    POINTS_METHODS,
    ScoreEntry,
    clear_score,
    record_points,
    record_score,
)


def _value(number: float) -> str:
    return "" if math.isnan(number) else f"{number:g}"


@login_required
def exercise_detail(request: HttpRequest, exercise_id: int) -> HttpResponse:
    viewer = get_viewer_for_user(request.user, exercise_id)
    exercise = viewer.exercise
    if exercise.facilitated or exercise.weighting_method not in POINTS_METHODS:
        return redirect("workshop-play", exercise_id=exercise.pk)
    own = [viewer.participant] if viewer.participant is not None else []
    arrays = exercise_arrays(exercise, only=own)
    mine = 0 if own else None
    weight_rows = _weight_rows(arrays, mine, None)
    # When the exercise weighs per scenario, one weights table per scenario in play, as in a workshop.
    scenario_weight_tables = [
        {"scenario": scenario, "rows": _weight_rows(arrays, mine, k)}
        for k, scenario in enumerate(arrays.scenarios)
        if arrays.weights_by_scenario
    ]
    score_rows = _score_rows(arrays, mine, None)
    scenario_tables = [
        {"scenario": scenario, "rows": _score_rows(arrays, mine, k)}
        for k, scenario in enumerate(arrays.scenarios)
    ]
    scales = [
        (c, "–".join(floatformat(end, "-2") for end in score_scale(exercise, c))) for c in arrays.criteria
    ]
    return render(
        request,
        "policies/exercise.html",
        {
            "exercise": exercise,
            "can_judge": viewer.can_judge,
            "shows_results": visibility(viewer).group_results,
            "criteria": arrays.criteria,
            "scales": scales,
            "weight_rows": weight_rows,
            "scenario_weight_tables": scenario_weight_tables,
            "score_rows": score_rows,
            "scenario_tables": scenario_tables,
        },
    )


def _weight_rows(arrays: ExerciseArrays, mine: int | None, s_index: int | None) -> list[dict[str, object]]:
    """One weights table's rows: the baseline points (`s_index` None) or a scenario's, prefilled from the
    baseline (`exercise_arrays` puts the baseline weight wherever no scenario weight was given), changes marked."""
    rows = []
    for j, criterion in enumerate(arrays.criteria):
        base = math.nan if mine is None else float(arrays.weights[mine, j])
        value = base if s_index is None or mine is None else float(arrays.scenario_weights[s_index, mine, j])
        changed = s_index is not None and bool(differs_from_baseline(value, base))
        rows.append({"criterion": criterion, "value": _value(value), "changed": changed})
    return rows


def _score_rows(arrays: ExerciseArrays, mine: int | None, s_index: int | None) -> list[dict[str, object]]:
    """One score table's rows: the baseline (`s_index` None) or a scenario's, prefilled from the baseline
    (`exercise_arrays` puts the baseline score wherever no scenario score was given) with changes marked."""
    rows = []
    for i, option in enumerate(arrays.options):
        cells = []
        for j, criterion in enumerate(arrays.criteria):
            base = math.nan if mine is None else float(arrays.scores[mine, i, j])
            value = (
                base
                if s_index is None or mine is None
                else float(arrays.scenario_scores[s_index, mine, i, j])
            )
            changed = s_index is not None and bool(differs_from_baseline(value, base))
            cells.append({"criterion": criterion, "value": _value(value), "changed": changed})
        rows.append({"option": option, "cells": cells})
    return rows


@login_required
@require_POST
def weight_save(request: HttpRequest, exercise_id: int, criterion_id: int) -> HttpResponse:
    """One criterion's points, for the baseline or, when `scenario` is posted, for that scenario (the service
    refuses a scenario not in play or an exercise that does not weigh per scenario)."""
    viewer = get_viewer_for_user(request.user, exercise_id)
    raw_scenario = (request.POST.get("scenario") or "").strip()
    scenario = posted_id(raw_scenario)
    if raw_scenario and scenario is None:
        return _judgment_status(request, error=_("This exercise does not take weights for this scenario."))
    try:
        value = parse_number(request.POST.get("value"))
        record_points(viewer=viewer, points={criterion_id: value}, scenario=scenario, complete=False)
    except ValidationError as exc:
        return _judgment_status(request, error=exc.messages[0])
    return _judgment_status(request)


@login_required
@require_POST
def score_save(request: HttpRequest, exercise_id: int, option_id: int, criterion_id: int) -> HttpResponse:
    """One cell of a score table (the baseline's, or a scenario's when `scenario` is posted); an emptied cell
    clears the score given there."""
    viewer = get_viewer_for_user(request.user, exercise_id)
    raw_scenario = (request.POST.get("scenario") or "").strip()
    scenario = posted_id(raw_scenario)
    if raw_scenario and scenario is None:
        return _judgment_status(request, error=_("This cell is not part of the exercise."))
    raw_value = request.POST.get("value")
    try:
        if not (raw_value or "").strip():
            clear_score(viewer=viewer, option=option_id, criterion=criterion_id, scenario=scenario)
            return _judgment_status(request, cleared=True)
        entry = ScoreEntry(
            option=option_id, criterion=criterion_id, value=parse_number(raw_value), scenario=scenario
        )
        record_score(viewer=viewer, entry=entry)
    except ValidationError as exc:
        return _judgment_status(request, error=exc.messages[0])
    return _judgment_status(request)


def _judgment_status(
    request: HttpRequest, *, error: str | None = None, cleared: bool = False
) -> HttpResponse:
    """The saved/failed note beside an input; a saved judgment also tells the page to refresh its ranking."""
    response = render(
        request,
        "policies/exercise.html#judgment-status",
        {"error": error, "cleared": cleared},
        status=422 if error else 200,
    )
    if not error:
        response["HX-Trigger"] = "judgment-saved"
    return response
