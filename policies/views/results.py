from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policies.charts import contributions_figure
from policies.models.exercises import Method
from policies.models.fields import localize
from policies.selectors.access import FACILITATING_ROLES, REPORTING_ROLES, get_exercise_for_user, require_role
from policies.selectors.results import exercise_results
from policies.services.exercises import set_method


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
        "can_facilitate": membership.role in FACILITATING_ROLES,
        "reports": exercise.reports.select_related("requested_by")[:5],
    }
    template = "policies/results.html#ranking" if request.htmx else "policies/results.html"
    return render(request, template, context)


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
