"""The results screen: ranking, and the analysis suite that says why, how sure, and what would change it.

One GET view serves three things: the full page; the `analysis` partial when the page's controls ask for it
through htmx (HX-Target: analysis); and the `ranking` partial for any other htmx request (the exercise
page's live ranking), which stays cheap because it runs no SMAA or sensitivity analysis.
"""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from policies.charts.suite import Chart, contributions_chart, headline, sections
from policies.charts.suite.whatif import what_if
from policies.formatting import display_name, scenario_label
from policies.models import Exercise
from policies.models.exercises import Method
from policies.models.reports import ReportKind
from policies.selectors.access import (
    FACILITATING_ROLES,
    get_exercise_for_user,
    get_viewer_for_user,
    require_role,
)
from policies.selectors.analysis_results import (
    AnalysisRequest,
    ExerciseResults,
    ResultsWithheld,
    scenario_weights_table,
)
from policies.selectors.analysis_results import analysis_results as compute_analysis
from policies.selectors.reports import latest_pdf
from policies.selectors.visibility import visibility
from policies.services.exercises import set_method
from policies.views.requests import AuthenticatedHttpRequest

ANALYSIS_TARGET = "analysis"


def parse_request(params: QueryDict) -> tuple[AnalysisRequest, list[str]]:
    """Read the screen's query parameters; malformed numbers are dropped with a notice (defaults apply)."""
    notices: list[str] = []
    round_: int | None = None
    if round_text := params.get("round"):
        try:
            round_ = int(round_text)
        except ValueError:
            notices.append(_("The round must be a whole number: showing the current round."))
    alpha: float | None = None
    if alpha_text := params.get("alpha", "").strip():
        try:
            # Either decimal mark: the field shows the page language's ("0,5" in French) and sends it back.
            alpha = float(alpha_text.replace(",", "."))
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
def results(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    viewer = get_viewer_for_user(request.user, exercise_id)
    exercise = viewer.exercise
    seen = visibility(viewer)
    htmx = request.htmx
    query, notices = parse_request(request.GET)
    ranking_only = bool(htmx) and htmx.target != ANALYSIS_TARGET and not htmx.history_restore_request
    if ranking_only:
        # The exercise page's live ranking: the current round's ranking partial, without the costly analyses.
        query = AnalysisRequest(method=query.method)
    try:
        bundle = compute_analysis(exercise, query, visibility=seen)
    except ResultsWithheld as exc:
        return render(
            request, "policies/results_hidden.html", {"exercise": exercise, "reason": str(exc)}, status=403
        )
    if ranking_only:
        context = _ranking_context(
            exercise, bundle.results, bundle.method, contributions_chart(bundle.results)
        )
        context["can_facilitate"] = viewer.can_facilitate
        response = render(request, "policies/results.html#ranking", context)
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response

    contributions = contributions_chart(
        bundle.results, promethee_parts=bundle.method == Method.PROMETHEE_II and bundle.additive
    )
    names = [display_name(o) for o in bundle.options]
    criteria = [display_name(c) for c in bundle.criteria]
    context = _ranking_context(exercise, bundle.results, bundle.method, contributions)
    context.update(
        {
            "can_facilitate": viewer.can_facilitate,
            "can_report": viewer.can_report,
            "bundle": bundle,
            "notices": notices + bundle.notices,
            "headline": headline(bundle, names, criteria),
            "whatif": what_if(bundle, names, criteria),
            "sections": sections(bundle),
            "methods": Method.choices,
            "scenarios": [(s.key, scenario_label(s)) for s in bundle.all_scenarios],
            "rounds": list(range(1, seen.last_round + 1)),
            "criteria_choices": [(c.key, name) for c, name in zip(bundle.criteria, criteria, strict=True)],
            "chosen_criterion": query.criterion
            if query.criterion in {c.key for c in bundle.criteria}
            else "",
            "participant_choices": [
                (seen.key(p), name, i in bundle.selected)
                for i, (p, name) in enumerate(zip(bundle.all_participants, bundle.labels, strict=True))
            ],
            "alpha": bundle.scenarios.alpha if bundle.scenarios else 0.5,
            "scenario_weights": scenario_weights_table(bundle),
            "oob": bool(htmx),
            # The page shows the contributions under "why", not beside the ranking as the exercise page does.
            "contributions_apart": True,
        }
    )
    if htmx and not htmx.history_restore_request:
        response = render(request, "policies/results.html#analysis", context)
    else:
        # The brief first: most readers want the few pages; the full report stays beside it.
        context["latest_reports"] = [
            report
            for report in (
                latest_pdf(exercise, seen, ReportKind.BRIEF),
                latest_pdf(exercise, seen, ReportKind.PDF),
            )
            if report is not None
        ]
        response = render(request, "policies/results.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@login_required
@require_POST
def method_set(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
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
