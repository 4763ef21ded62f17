from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policies.models import Case
from policies.selectors.access import CASE_EDITING_ROLES, get_team_for_user, teams_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    teams = teams_for_user(request.user).prefetch_related("cases", "exercises")
    return render(request, "policies/home.html", {"teams": teams})


@login_required
def team_detail(request: HttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    return render(
        request,
        "policies/team.html",
        {
            "team": team,
            "membership": membership,
            "cases": team.cases.all(),
            "exercises": team.exercises.select_related("case"),
            "templates": Case.objects.filter(team__isnull=True),
            "can_edit": membership.role in CASE_EDITING_ROLES,
        },
    )
