"""What a participant's workshop screen shows in each phase: their weighting forms and scoring tables, the
Delphi feedback of the last round, and after the reveal the group's results.

The group's numbers come from the analysis bundle, and only for a round the visibility policy opens to this
viewer; the participant's own judgments are read for them alone, so that when a full room's screens redraw
at a phase change, each costs its own judgments, not everyone's.
"""

import math
from typing import Any

import numpy as np
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from policies.formatting import number as localized
from policies.models import Exercise, Participant, ScoreJudgment
from policies.models.exercises import Phase, WeightingMethod
from policies.models.fields import localize
from policies.selectors.access import Viewer
from policies.selectors.ahp import ahp_status, pairwise_matrix
from policies.selectors.analysis_results import AnalysisRequest, AnalysisResults, analysis_results
from policies.selectors.exercise_arrays import ExerciseArrays, exercise_arrays, score_scale
from policies.selectors.scenario_changes import differs_from_baseline
from policies.selectors.visibility import Visibility, visibility_for
from policies.selectors.workshop_state import phase_deadline, phase_token, poll_seconds, weights_locked

CONFIDENCE_CHOICES = [
    (1, _lazy("1 — a guess")),
    (2, _lazy("2 — unsure")),
    (3, _lazy("3 — fairly sure")),
    (4, _lazy("4 — sure")),
    (5, _lazy("5 — certain")),
]
RATIO_CHOICES = [
    ("9", "9"),
    ("7", "7"),
    ("5", "5"),
    ("3", "3"),
    ("2", "2"),
    ("1", "1"),
    ("1/2", "1/2"),
    ("1/3", "1/3"),
    ("1/5", "1/5"),
    ("1/7", "1/7"),
    ("1/9", "1/9"),
]
# Evidence items listed in the briefing.
BRIEFING_EVIDENCE = 40


def _fmt(number: float | None) -> str:
    return "" if number is None or math.isnan(number) else f"{number:g}"


def _shown(number: float | None) -> str:
    """A number the page only shows, written as the reader's language writes it (6,5 in French); input values
    keep `_fmt`, which the save path and the scripts read."""
    return "" if number is None or math.isnan(number) else localized(number, 3)


def _own_index(arrays: ExerciseArrays, participant: Participant | None) -> int | None:
    if participant is None:
        return None
    return next((i for i, p in enumerate(arrays.participants) if p.pk == participant.pk), None)


def weighting_context(
    exercise: Exercise, participant: Participant | None, arrays: ExerciseArrays, me: int | None
) -> dict[str, Any]:
    """The baseline weighting form and, when weights differ by scenario, one form per scenario in play.

    A scenario's form starts from the participant's baseline weights (their own scenario weights where they gave
    some) and marks the criteria and comparisons they changed.
    """
    sets = [_weight_set(exercise, participant, arrays, me, None)]
    if arrays.weights_by_scenario:
        sets += [_weight_set(exercise, participant, arrays, me, s) for s in range(len(arrays.scenarios))]
    context: dict[str, Any] = {"weight_rows": sets[0]["rows"], "weight_sets": sets}
    if exercise.weighting_method == WeightingMethod.RANK:
        context["rank_choices"] = list(range(1, len(arrays.criteria) + 1))
    elif exercise.weighting_method == WeightingMethod.AHP and participant is not None:
        context.update(pairs=sets[0]["pairs"], ahp=sets[0]["ahp"], ratio_choices=RATIO_CHOICES)
    return context


def _weight_set(
    exercise: Exercise,
    participant: Participant | None,
    arrays: ExerciseArrays,
    me: int | None,
    s_index: int | None,
) -> dict[str, Any]:
    """One weighting form's rows (and AHP pairs): the baseline (`s_index` None) or scenario `s_index`."""
    criteria = arrays.criteria
    scenario = None if s_index is None else arrays.scenarios[s_index]
    base = [np.nan] * len(criteria) if me is None else list(arrays.weights[me])
    values = base if s_index is None or me is None else list(arrays.scenario_weights[s_index, me])
    rows = [
        {
            "criterion": c,
            "value": _fmt(v),
            "changed": scenario is not None and bool(differs_from_baseline(v, b)),
        }
        for c, v, b in zip(criteria, values, base, strict=True)
    ]
    result: dict[str, Any] = {
        "scenario": scenario,
        "rows": rows,
        "pairs": [],
        "ahp": None,
        # What sets a scenario's form apart: its fields' id prefix and its test ids' suffix.
        "dom": f"s{scenario.pk}-" if scenario else "",
        "testid": f"-{scenario.key}" if scenario else "",
    }
    method = exercise.weighting_method
    if method == WeightingMethod.DIRECT:
        given = [v for v in values if not math.isnan(v)]
        if len(given) != len(criteria) or not criteria:
            share = 100 // max(len(criteria), 1)
            defaults = [share] * len(criteria)
            if criteria:
                defaults[0] += 100 - share * len(criteria)
            for row, value in zip(rows, defaults, strict=True):
                row["value"] = str(value)
        else:
            total = sum(given) or 1
            for row, weight in zip(rows, given, strict=True):
                row["value"] = f"{round(weight * 100 / total):g}"
    elif method == WeightingMethod.RANK:
        order = sorted((v, i) for i, v in enumerate(values) if not math.isnan(v))
        ranks = {i: len(order) - k for k, (_v, i) in enumerate(order)} if len(order) == len(criteria) else {}
        for i, row in enumerate(rows):
            row["rank"] = ranks.get(i)
    elif method == WeightingMethod.AHP and participant is not None:
        scenario_id = scenario.pk if scenario else None
        baseline = pairwise_matrix(participant, criteria, round=exercise.current_round)
        matrix = (
            baseline
            if scenario is None
            else pairwise_matrix(participant, criteria, round=exercise.current_round, scenario=scenario_id)
        )
        for i in range(len(criteria)):
            for j in range(i + 1, len(criteria)):
                a, b = (
                    (criteria[i], criteria[j])
                    if criteria[i].pk < criteria[j].pk
                    else (criteria[j], criteria[i])
                )
                ia, ib = (i, j) if a is criteria[i] else (j, i)
                value = matrix[ia, ib]
                changed = scenario is not None and bool(differs_from_baseline(value, baseline[ia, ib]))
                result["pairs"].append({"a": a, "b": b, "value": _ratio_label(value), "changed": changed})
        result["ahp"] = ahp_status(participant, criteria, round=exercise.current_round, scenario=scenario_id)
    result["changed"] = any(row["changed"] for row in rows) or any(p["changed"] for p in result["pairs"])
    return result


def _ratio_label(value: float) -> str:
    if math.isnan(value):
        return ""
    if value >= 1:
        return f"{round(value):g}"
    return f"1/{round(1 / value):g}"


def _score_tables(
    exercise: Exercise,
    participant: Participant | None,
    arrays: ExerciseArrays,
    me: int | None,
    feedback: AnalysisResults | None,
) -> list[dict[str, Any]]:
    """The baseline table and one per scenario; scenario cells start from the baseline and mark changes. In a
    later round, each baseline cell carries the last round's group statistics (`feedback`) when the viewer may
    see them."""
    notes: dict[tuple[int, int, int | None], tuple[str, int | None]] = {}
    if participant is not None:
        for o_id, c_id, s_id, text, confidence in (
            ScoreJudgment.objects.filter(participant=participant, round__lte=exercise.current_round)
            .order_by("round")
            .values_list("option_id", "criterion_id", "scenario_id", "rationale", "confidence")
        ):
            notes[(o_id, c_id, s_id)] = (localize(text) if text else "", confidence)
    me_before = _own_index(feedback.arrays, participant) if feedback is not None else None
    # Per criterion, not per cell: a table of a few hundred cells would format each scale a few hundred times.
    scales = {
        criterion.pk: "–".join(floatformat(end, "-2") for end in score_scale(exercise, criterion))
        for criterion in arrays.criteria
    }
    # The cell's address is the exercise's score URL with the option and criterion appended.
    score_url = reverse("workshop-score", args=[exercise.pk, 0, 0]).removesuffix("0/0/")
    tables = []
    for s_index, scenario in [(None, None), *enumerate(arrays.scenarios)]:
        rows = []
        for i, option in enumerate(arrays.options):
            cells = []
            for j, criterion in enumerate(arrays.criteria):
                base = np.nan if me is None else arrays.scores[me, i, j]
                value = base if s_index is None or me is None else arrays.scenario_scores[s_index, me, i, j]
                rationale, confidence = notes.get(
                    (option.pk, criterion.pk, scenario.pk if scenario else None), ("", None)
                )
                cell = {
                    "criterion": criterion,
                    # Built here once per cell: the template would resolve each part half a dozen times.
                    "url": f"{score_url}{option.pk}/{criterion.pk}/",
                    "dom": f"{scenario.pk if scenario else 'b'}-{option.pk}-{criterion.pk}",
                    "testid": f"{option.key}-{criterion.key}" + (f"-{scenario.key}" if scenario else ""),
                    "value": _fmt(value),
                    "rationale": rationale,
                    "confidence": confidence,
                    "changed": scenario is not None and bool(differs_from_baseline(value, base)),
                    "scale": scales[criterion.pk],
                }
                if scenario is None and feedback is not None:
                    cell["feedback"] = feedback.cell(i, j, with_rationales=True)
                    cell["previous"] = (
                        "" if me_before is None else _shown(feedback.arrays.scores[me_before, i, j])
                    )
                cells.append(cell)
            rows.append({"option": option, "cells": cells})
        tables.append({"scenario": scenario, "rows": rows})
    return tables


def _feedback(exercise: Exercise, seen: Visibility) -> AnalysisResults | None:
    """The last round's group results, which a later round shows under each cell (the Delphi feedback)."""
    previous = exercise.current_round - 1
    if previous < 1 or not seen.round_visible(previous):
        return None
    return analysis_results(exercise, AnalysisRequest(round=previous), visibility=seen)


def play_context(viewer: Viewer) -> dict[str, Any]:
    """The participant's screen. It shows what a participant may see, whoever looks: a facilitator's
    "participant's view" previews exactly that (their dashboard shows the rest)."""
    exercise, participant = viewer.exercise, viewer.participant
    seen = visibility_for(exercise, facilitator=False)
    # The participant's own judgments only: the group's are read where the policy and the phase show them.
    arrays = exercise_arrays(exercise, only=[participant] if participant is not None else [])
    me = _own_index(arrays, participant)
    context: dict[str, Any] = {
        "exercise": exercise,
        "participant": participant,
        "can_judge": viewer.can_judge,
        "can_facilitate": viewer.can_facilitate,
        "me_name": seen.label(participant) if participant else "",
        "token": phase_token(exercise),
        "poll_seconds": poll_seconds(exercise, exercise.participants.count()),
        "deadline": phase_deadline(exercise),
        "criteria": arrays.criteria,
        "options": arrays.options,
        # Translated once here: the template repeats the choices in every cell of the table (300 labels).
        "confidence_choices": [(n, str(label)) for n, label in CONFIDENCE_CHOICES],
        # The briefing states the exercise's own numbers: a case's summary may describe a larger set.
        "scenario_count": len(arrays.scenarios),
        "weights_locked": weights_locked(exercise),
    }
    phase = exercise.phase
    if phase == Phase.BRIEFING:
        context["evidence"] = exercise.case.evidence.select_related("source").order_by("position", "pk")[
            :BRIEFING_EVIDENCE
        ]
    if phase in {Phase.WEIGHTING, Phase.SCORING} or not exercise.facilitated:
        context.update(weighting_context(exercise, participant, arrays, me))
    if phase == Phase.SCORING or not exercise.facilitated:
        context["tables"] = _score_tables(exercise, participant, arrays, me, _feedback(exercise, seen))
    if seen.group_results and phase not in {Phase.WEIGHTING, Phase.SCORING}:
        bundle = analysis_results(exercise, visibility=seen)
        cells = bundle.cells(with_rationales=True)
        n_c = len(arrays.criteria)
        stats_rows = []
        for i, option in enumerate(arrays.options):
            row_cells = cells[i * n_c : (i + 1) * n_c]
            mine = [_shown(arrays.scores[me, i, j]) if me is not None else "" for j in range(n_c)]
            stats_rows.append(
                {"option": option, "cells": row_cells, "pairs": list(zip(row_cells, mine, strict=True))}
            )
        context["stats_rows"] = stats_rows
        context["results"] = bundle.results
        context["consensus"] = bundle.consensus
    return context
