from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policies.selectors.access import CASE_EDITING_ROLES, FACILITATING_ROLES, get_case_for_user


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case, membership = get_case_for_user(request.user, case_id)
    return render(
        request,
        "policies/case.html",
        {
            "case": case,
            "membership": membership,
            "can_edit": membership.role in CASE_EDITING_ROLES,
            "can_facilitate": membership.role in FACILITATING_ROLES,
            "options": case.options.all(),
            "criteria": case.criteria.filter(parent__isnull=True).prefetch_related("children"),
            "scenarios": case.scenarios.all(),
            "sources": case.sources.all(),
            "exercises": case.exercises.filter(team_id=membership.team_id),
        },
    )
