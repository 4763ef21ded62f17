"""A team's members: the list for every member; role changes, removal and transfer for its owners; leaving."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policies.models import Role
from policies.selectors.access import get_team_for_user, require_role
from policies.selectors.teams import TEAM_MANAGING_ROLES, members_of
from policies.services.audit import address_of
from policies.services.memberships import change_role, leave_team, remove_member, transfer_ownership
from policies.views.requests import AuthenticatedHttpRequest

NON_OWNER_ROLES = [choice for choice in Role.choices if choice[0] != Role.OWNER]


@login_required
def team_members(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    return render(
        request,
        "policies/team_members.html",
        {
            "team": team,
            "membership": membership,
            "members": members_of(team),
            "roles": Role.choices,
            "non_owner_roles": NON_OWNER_ROLES,
            "can_manage": membership.role in TEAM_MANAGING_ROLES,
        },
    )


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_POST
def member_role(request: AuthenticatedHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, TEAM_MANAGING_ROLES)
    try:
        changed = change_role(
            team=team,
            actor=request.user,
            membership_id=membership_id,
            role=request.POST.get("role", ""),
            address=address_of(request),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("%(person)s is now %(role)s.")
            % {"person": changed.user.get_username(), "role": changed.get_role_display()},
        )
    return redirect("team-members", team.slug)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, TEAM_MANAGING_ROLES)
    try:
        remove_member(team=team, actor=request.user, membership_id=membership_id, address=address_of(request))
    except ValidationError as error:
        _refused(request, error)
        return redirect("team-members", team.slug)
    messages.success(request, _("The member was removed from the team."))
    if membership.pk == membership_id:
        return redirect("home")
    return redirect("team-members", team.slug)


@login_required
@require_POST
def ownership_transfer(request: AuthenticatedHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, TEAM_MANAGING_ROLES)
    try:
        new_owner = transfer_ownership(
            team=team,
            actor=request.user,
            membership_id=membership_id,
            then_role=request.POST.get("then_role", Role.FACILITATOR),
            address=address_of(request),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("%(person)s now owns the team.") % {"person": new_owner.user.get_username()}
        )
    return redirect("team-members", team.slug)


@login_required
@require_POST
def team_leave(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    team, _membership = get_team_for_user(request.user, slug)
    try:
        leave_team(team=team, user=request.user, address=address_of(request))
    except ValidationError as error:
        _refused(request, error)
        return redirect("team-members", team.slug)
    messages.success(request, _("You left %(team)s.") % {"team": team.name})
    return redirect("home")
