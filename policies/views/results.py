"""The results screen: ranking, and the analysis suite that says why, how sure, and what would change it.

One GET view serves three things: the full page; the `analysis` partial when the page's controls ask for it
through htmx (HX-Target: analysis); and the `ranking` partial for any other htmx request (the exercise
page's live ranking), which stays cheap because it runs no SMAA or sensitivity analysis.
"""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from policies.charts.suite import Chart, contributions_chart, headline, sections
from policies.models import Exercise
from policies.models.exercises import Method
from policies.selectors.access import FACILITATING_ROLES, REPORTING_ROLES, get_exercise_for_user, require_role
from policies.selectors.analysis_results import (
    AnalysisRequest,
    display_name,
    participant_names,
    scenario_weights_table,
)
from policies.selectors.analysis_results import analysis_results as compute_analysis
from policies.selectors.results import ExerciseResults, exercise_results
from policies.selectors.workshop import shows_others
from policies.services.exercises import set_method

ANALYSIS_TARGET = "analysis"


def parse_request(params: QueryDict) -> tuple[AnalysisRequest, list[str]]:
    """Read the screen's query parameters; malformed numbers are dropped with a notice (defaults apply)."""
    notices: list[str] = []
    round_: int | None = None
    if params.get("round"):
        try:
            round_ = int(params["round"])
        except ValueError:
            notices.append(_("The round must be a whole number: showing the current round."))
    alpha: float | None = None
    if params.get("alpha"):
        try:
            alpha = float(params["alpha"])
        except ValueError:
            alpha = math.nan
        if not math.isfinite(alpha):
            notices.append(_("The optimism index must be a number between 0 and 1: using 0.5."))
            alpha = None
    participants = tuple(params.getlist("participant")) or None
    return (
        AnalysisRequest(
            method=params.get("method") or None,
            scenario=params.get("scenario") or None,
            round=round_,
            participants=participants,
            criterion=params.get("criterion") or None,
            alpha=alpha,
        ),
        notices,
    )


def _ranking_context(
    exercise: Exercise, results: ExerciseResults, method: str, contributions: Chart
) -> dict[str, object]:
    return {
        "exercise": exercise,
        "results": results,
        "method": method,
        "method_label": Method(method).label,
        "contributions_chart": contributions,
    }


@login_required
@require_safe
def results(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, membership = get_exercise_for_user(request.user, exercise_id)
    can_facilitate = membership.role in FACILITATING_ROLES
    if not can_facilitate and not shows_others(exercise):
        # Blind scoring: nobody but the facilitators sees the group's judgments before the reveal.
        return render(request, "policies/results_hidden.html", {"exercise": exercise}, status=403)
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target != ANALYSIS_TARGET and not htmx.history_restore_request:
        # The exercise page's live ranking: the ranking partial only, without the expensive analyses.
        method = request.GET.get("method") if request.GET.get("method") in Method.values else exercise.method
        outcome = exercise_results(exercise, method=method)
        context = _ranking_context(exercise, outcome, method, contributions_chart(outcome))
        context["can_facilitate"] = can_facilitate
        response = render(request, "policies/results.html#ranking", context)
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response

    query, notices = parse_request(request.GET)
    bundle = compute_analysis(exercise, query)
    contributions = contributions_chart(
        bundle.results, promethee_parts=bundle.method == Method.PROMETHEE_II and bundle.additive
    )
    names = [display_name(o) for o in bundle.options]
    criteria = [display_name(c) for c in bundle.criteria]
    everyone = participant_names(exercise, bundle.all_participants, for_facilitator=can_facilitate)
    context = _ranking_context(exercise, bundle.results, bundle.method, contributions)
    context.update(
        {
            "membership": membership,
            "can_facilitate": can_facilitate,
            "can_report": membership.role in REPORTING_ROLES,
            "bundle": bundle,
            "notices": notices + bundle.notices,
            "headline": headline(bundle, names, criteria),
            "sections": sections(bundle, everyone),
            "methods": Method.choices,
            "scenarios": [(s.key, display_name(s)) for s in bundle.all_scenarios],
            "rounds": list(range(1, exercise.current_round + 1)),
            "criteria_choices": [(c.key, name) for c, name in zip(bundle.criteria, criteria, strict=True)],
            "chosen_criterion": query.criterion
            if query.criterion in {c.key for c in bundle.criteria}
            else "",
            "participant_choices": [
                (p.key, name, i in bundle.selected)
                for i, (p, name) in enumerate(zip(bundle.all_participants, everyone, strict=True))
            ],
            "alpha": bundle.scenarios.alpha if bundle.scenarios else 0.5,
            "scenario_weights": scenario_weights_table(bundle),
            "oob": bool(htmx),
        }
    )
    if htmx and not htmx.history_restore_request:
        response = render(request, "policies/results.html#analysis", context)
    else:
        context["reports"] = exercise.reports.select_related("requested_by")[:5]
        response = render(request, "policies/results.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@login_required
@require_POST
def method_set(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, membership = get_exercise_for_user(request.user, exercise_id)
    require_role(membership, FACILITATING_ROLES)
    try:
        set_method(exercise=exercise, method=request.POST.get("method", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("results", exercise_id=exercise.pk)
    messages.success(
        request,
        _("The exercise now ranks options with %(method)s.") % {"method": exercise.get_method_display()},
    )
    return redirect("results", exercise_id=exercise.pk)
