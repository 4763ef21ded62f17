from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from policies.models import Case
from policies.selectors.access import CASE_EDITING_ROLES, get_team_for_user, require_role, teams_for_user
from policies.selectors.teams import TEAM_MANAGING_ROLES, can_create_teams, deletion_summary
from policies.services.audit import address_of
from policies.services.teams import create_team, delete_team, rename_team, set_mfa_rule
from policies.views.requests import AuthenticatedHttpRequest


class TeamNameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Team name"), max_length=120)


class TeamSettingsForm(TeamNameForm):
    require_mfa = forms.BooleanField(
        label=gettext_lazy("Owners and facilitators must use two-factor authentication"),
        required=False,
        help_text=gettext_lazy(
            "They cannot open any page of the workbench until they have set up an authenticator app."
        ),
    )


class TeamDeleteForm(forms.Form):
    confirmation = forms.CharField(label=gettext_lazy("Type the team's name to confirm"), max_length=200)


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    teams = teams_for_user(request.user).prefetch_related("cases", "exercises")
    return render(
        request, "policies/home.html", {"teams": teams, "can_create_teams": can_create_teams(request.user)}
    )


@login_required
def team_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
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
            "can_manage": membership.role in TEAM_MANAGING_ROLES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_create_teams(request.user):
        raise PermissionDenied(_("On this site only administrators create teams."))
    form = TeamNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = create_team(user=request.user, name=form.cleaned_data["name"], address=address_of(request))
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(
                request, _("The team “%(name)s” is ready: invite its members.") % {"name": team.name}
            )
            return redirect("team-invitations", team.slug)
    return render(request, "policies/team_new.html", {"form": form}, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def team_settings(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, TEAM_MANAGING_ROLES)
    initial = {"name": team.name, "require_mfa": team.require_mfa}
    form = TeamSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        address = address_of(request)
        try:
            rename_team(team=team, actor=request.user, name=form.cleaned_data["name"], address=address)
            set_mfa_rule(
                team=team, actor=request.user, required=form.cleaned_data["require_mfa"], address=address
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("The team's settings were saved."))
            return redirect("team-settings", team.slug)
    return render(
        request,
        "policies/team_settings.html",
        {"team": team, "membership": membership, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_delete(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, TEAM_MANAGING_ROLES)
    form = TeamDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delete_team(team=team, actor=request.user, confirmation=form.cleaned_data["confirmation"])
        except ValidationError as error:
            form.add_error("confirmation", error)
        else:
            messages.success(request, _("The team “%(name)s” was deleted.") % {"name": team.name})
            return redirect("home")
    return render(
        request,
        "policies/team_delete.html",
        {"team": team, "membership": membership, "form": form, "summary": deletion_summary(team)},
        status=422 if form.errors else 200,
    )
