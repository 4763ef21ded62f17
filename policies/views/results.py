from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policies.charts import contributions_figure
from policies.models.exercises import Method
from policies.models.fields import localize
from policies.selectors.access import REPORTING_ROLES, get_exercise_for_user
from policies.selectors.results import exercise_results


@login_required
def results(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise, membership = get_exercise_for_user(request.user, exercise_id)
    method = request.GET.get("method") if request.GET.get("method") in Method.values else exercise.method
    outcome = exercise_results(exercise, method=method)
    figure = contributions_figure(
        [localize(item.option.name) for item in outcome.ranking],
        [localize(c.name) for c in outcome.criteria],
        [item.contributions for item in outcome.ranking],
    )
    context = {
        "exercise": exercise,
        "membership": membership,
        "results": outcome,
        "methods": Method.choices,
        "method": method,
        "method_label": Method(method).label,
        "weights": list(zip(outcome.criteria, outcome.weights, strict=True)),
        "figure": figure.to_plotly_json(),
        "can_report": membership.role in REPORTING_ROLES,
        "reports": exercise.reports.select_related("requested_by")[:5],
    }
    template = "policies/results.html#ranking" if request.htmx else "policies/results.html"
    return render(request, template, context)
