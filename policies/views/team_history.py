"""A team's history for its owners: membership and role changes, invitations, deletions and members' sign-ins."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from policies.selectors.access import get_team_for_user, require_role
from policies.selectors.teams import TEAM_MANAGING_ROLES, team_history

PAGE_SIZE = 50


@login_required
def team_history_view(request: HttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, TEAM_MANAGING_ROLES)
    page = Paginator(team_history(team), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "policies/team_history.html", {"team": team, "membership": membership, "page": page}
    )
