"""Group results of an exercise by any of the ranking methods, as the results page shows them.

The numbers come from the one analysis bundle (policies.selectors.analysis_results) under the caller's view
(policies.selectors.visibility): in a blind exercise, a member who is not a facilitator gets the latest round
revealed to them, or a 403 saying why while none is.
"""

import math
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import StringConstraints

from policies.api.auth import READ, principal
from policies.api.errors import ApiError
from policies.api.exercises import ExerciseId
from policies.api.responses import errors
from policies.api.schemas import MethodName, ResultsOut
from policies.selectors.access import get_viewer_for_user
from policies.selectors.analysis_results import (
    AnalysisRequest,
    AnalysisResults,
    ResultsWithheld,
    analysis_results,
)
from policies.selectors.visibility import visibility

router = Router(tags=["results"])


def _finite(value: float) -> float | None:
    """JSON has no NaN or infinity: a value the method could not compute is null."""
    return value if math.isfinite(value) else None


@router.get(
    "/exercises/{exercise_id}/results",
    response={200: ResultsOut, **errors(401, 403, 404, 422)},
    auth=READ,
    summary="The group's ranking of the options, and the room's agreement",
    description=(
        "Group weights, the ranking by the chosen method (by default the exercise's own), and the consensus "
        "per baseline cell with Kendall's W: the numbers of the results page, the dashboard and the reports. "
        "Cells nobody scored count at the middle of their scale. In a blind exercise, members other than "
        "facilitators see a round once it is revealed (the latest revealed round by default; `notices` says "
        "so); before any round is, the answer is 403."
    ),
    url_name="results",
)
def get_results(
    request: HttpRequest,
    exercise_id: ExerciseId,
    method: Annotated[MethodName | None, Query(description="Ranking method.")] = None,
    round: Annotated[
        int | None, Query(ge=1, le=32767, description="Round (default: the latest you may see).")
    ] = None,
    scenario: Annotated[
        str | None,
        Query(
            max_length=80,
            description="Key of a scenario in play to rank the options in (default: the baseline).",
        ),
    ] = None,
    participant: Annotated[
        list[Annotated[str, StringConstraints(max_length=80)]] | None,
        Query(
            max_length=200,  # within Django's limit on the number of query fields (1000)
            description="Compute for these participants only (repeat the parameter; their `key` as the "
            "group judgments give it). Unknown keys are ignored, with a notice.",
        ),
    ] = None,
    criterion: Annotated[
        str | None,
        Query(max_length=80, description="Key of the criterion whose weight the sensitivity sweep varies."),
    ] = None,
) -> dict[str, Any]:
    viewer = get_viewer_for_user(principal(request).user, exercise_id)
    try:
        bundle = analysis_results(
            viewer.exercise,
            AnalysisRequest(
                method=method,
                round=round,
                scenario=scenario,
                participants=tuple(participant) if participant else None,
                criterion=criterion,
            ),
            visibility=visibility(viewer),
        )
    except ResultsWithheld as exc:
        raise ApiError(403, str(exc), code="results_withheld") from exc
    consensus = bundle.consensus
    return {
        "exercise": viewer.exercise.pk,
        "method": bundle.method,
        "round": bundle.round,
        "scenario": bundle.scenario.key if bundle.scenario is not None else None,
        "participants_scoring": bundle.participants_scoring,
        "unscored_cells": bundle.unscored_cells,
        "criteria": [
            {"id": c.pk, "key": c.key, "name": c.name, "weight": _finite(float(w)) or 0.0}
            for c, w in zip(bundle.criteria, bundle.weights.group, strict=True)
        ],
        "ranking": [
            {
                "rank": item.rank,
                "score": _finite(item.score),
                "option": {"id": item.option.pk, "key": item.option.key, "name": item.option.name},
                "contributions": [_finite(value) for value in item.contributions],
            }
            for item in bundle.results.ranking
        ],
        "consensus": {
            "threshold": consensus.threshold,
            "judged": consensus.judged,
            "agreed": consensus.agreed_count,
            "kendall_w": consensus.kendall_w,
            "raters": consensus.raters,
            "cells": [
                {
                    "option": cell.option.key,
                    "criterion": cell.criterion.key,
                    "n": cell.n,
                    "median": _finite(cell.median),
                    "q1": _finite(cell.q1),
                    "q3": _finite(cell.q3),
                    "iqr": _finite(cell.iqr),
                    "agreed": cell.agreed,
                }
                for cell in bundle.cells()
            ],
        },
        "robustness": _robustness(bundle),
        "participants": [bundle.visibility.key(p) for p in bundle.participants],
        "sensitivity": _sensitivity(bundle),
        "smaa": _smaa(bundle),
        "unavailable": {
            name: why for name, why in bundle.unavailable.items() if name in {"sensitivity", "smaa"}
        },
        "notices": bundle.notices,
    }


def _robustness(bundle: AnalysisResults) -> dict[str, Any]:
    """The scenarios and the robustness rules, with whether the scenarios were assessed (the bundle decides)."""
    analysed = bundle.scenarios
    order = [int(i) for i in bundle.order]
    scenarios = []
    for scenario, assessed in zip(bundle.all_scenarios, bundle.assessed, strict=True):
        column = analysed.column(scenario) if analysed is not None else None
        scenarios.append(
            {
                "key": scenario.key,
                "assessed": assessed,
                "probability": None
                if analysed is None or column is None
                else _finite(float(analysed.robustness.probabilities[column])),
                "scores": []
                if analysed is None or column is None
                else [_finite(float(analysed.utilities[i, column])) for i in order],
            }
        )
    return {
        "assessed": bundle.scenarios_assessed,
        "reason": bundle.unavailable.get("scenarios", "") if analysed is None else "",
        "scenarios": scenarios,
        "choices": {}
        if analysed is None
        else {rule: [bundle.options[i].key for i in picks] for rule, picks in analysed.choices.items()},
    }


def _sensitivity(bundle: AnalysisResults) -> dict[str, Any] | None:
    """The stability interval of each criterion's weight, the rank reversals and one criterion's sweep: the
    numbers behind the results page's sensitivity chart, from the bundle."""
    sweep = bundle.sensitivity
    if sweep is None:
        return None
    result = sweep.result
    criteria = [c.key for c in bundle.criteria]
    options = [o.key for o in bundle.options]
    order = [int(i) for i in bundle.order]
    return {
        "top": [options[i] for i in result.top],
        "most_sensitive": criteria[sweep.most_sensitive],
        "intervals": [
            {
                "criterion": key,
                "weight": float(result.weights[j]),
                "low": float(result.intervals[j, 0]),
                "high": float(result.intervals[j, 1]),
            }
            for j, key in enumerate(criteria)
        ],
        "reversals": [
            {
                "criterion": criteria[r.criterion],
                "weight": float(r.weight),
                "options": [options[r.option_a], options[r.option_b]],
                "leader_below": options[r.leader_below],
                "leader_above": options[r.leader_above],
                "position": r.position,
            }
            for r in result.reversals
        ],
        "sweep": {
            "criterion": criteria[sweep.criterion],
            "weights": [float(w) for w in sweep.grid],
            "scores": [[_finite(float(row[i])) for i in order] for row in sweep.scores],
        },
    }


def _smaa(bundle: AnalysisResults) -> dict[str, Any] | None:
    """SMAA-2 rank acceptabilities, central weights and confidence factors, options in ranking order."""
    smaa = bundle.smaa
    if smaa is None:
        return None
    return {
        "samples": smaa.n_samples,
        "options": [
            {
                "option": bundle.options[i].key,
                "ranks": [float(v) for v in smaa.rank_acceptability[i]],
                "central_weights": None
                if not all(math.isfinite(float(w)) for w in smaa.central_weights[i])
                else [float(w) for w in smaa.central_weights[i]],
                "confidence": float(smaa.confidence[i]),
            }
            for i in (int(k) for k in bundle.order)
        ],
    }
