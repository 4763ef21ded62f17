"""Inviting people into a team (owners), and the page an invitation link opens (anyone holding it)."""

from datetime import datetime, time, timedelta

from allauth.account.adapter import get_adapter
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from policies.accounts import pending
from policies.models import InvitationKind, Membership, Role, Team
from policies.selectors.access import get_team_for_user, require_role
from policies.selectors.teams import TEAM_MANAGING_ROLES, pending_invitations
from policies.services.audit import address_of
from policies.services.invitations import (
    InvitationRefused,
    accept_invitation,
    create_link,
    invitation_for_token,
    invitation_path,
    invite_by_email,
    refuse_members,
    resend_invitation,
    revoke_invitation,
)
from policies.views.requests import AuthenticatedHttpRequest

LINK_ROLES = [choice for choice in Role.choices if choice[0] != Role.OWNER]


class EmailInvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.PARTICIPANT)


class LinkForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Label"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("For you, e.g. “Staff course 2027, group B”."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=LINK_ROLES, initial=Role.PARTICIPANT)
    max_uses = forms.IntegerField(
        label=gettext_lazy("How many people may use it"), min_value=1, max_value=1000, initial=30
    )
    expires = forms.DateField(
        label=gettext_lazy("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_expires(self) -> datetime:
        day = self.cleaned_data["expires"]
        if day < timezone.localdate():
            raise ValidationError(_("Choose today or a later day."))
        return timezone.make_aware(datetime.combine(day, time.max))


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def team_invitations(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, TEAM_MANAGING_ROLES)
    email_form = EmailInvitationForm(request.POST or None, prefix="invite")
    link_form = LinkForm(prefix="link", initial={"expires": timezone.localdate() + timedelta(days=30)})
    status = 200
    if request.method == "POST":
        if email_form.is_valid():
            try:
                invitation, sent = invite_by_email(
                    team=team,
                    actor=request.user,
                    email=email_form.cleaned_data["email"],
                    role=email_form.cleaned_data["role"],
                    site_url=_site_url(request),
                    address=address_of(request),
                )
            except ValidationError as error:
                email_form.add_error("email", error)
                status = 422
            else:
                _report_sending(request, invitation.email, sent)
                return redirect("team-invitations", team.slug)
        else:
            status = 422
    return _page(request, team, membership, email_form, link_form, status)


def _report_sending(request: HttpRequest, email: str, sent: bool) -> None:
    if sent:
        messages.success(request, _("An invitation was sent to %(email)s.") % {"email": email})
    else:
        messages.warning(
            request,
            _("The invitation to %(email)s is saved, but the email could not be sent: copy its link below.")
            % {"email": email},
        )


def _page(
    request: HttpRequest,
    team: Team,
    membership: Membership,
    email_form: EmailInvitationForm,
    link_form: LinkForm,
    status: int,
) -> HttpResponse:
    invitations = [
        (invitation, request.build_absolute_uri(invitation_path(invitation)))
        for invitation in pending_invitations(team)
    ]
    return render(
        request,
        "policies/team_invitations.html",
        {
            "team": team,
            "membership": membership,
            "email_form": email_form,
            "link_form": link_form,
            "invitations": invitations,
            "EMAIL": InvitationKind.EMAIL,
        },
        status=status,
    )


@login_required
@require_POST
def invitation_link_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, TEAM_MANAGING_ROLES)
    link_form = LinkForm(request.POST, prefix="link")
    if link_form.is_valid():
        try:
            create_link(
                team=team,
                actor=request.user,
                role=link_form.cleaned_data["role"],
                expires=link_form.cleaned_data["expires"],
                max_uses=link_form.cleaned_data["max_uses"],
                label=link_form.cleaned_data["label"],
                address=address_of(request),
            )
        except ValidationError as error:
            link_form.add_error(None, error)
        else:
            messages.success(request, _("The shareable link is ready: copy it from the list."))
            return redirect("team-invitations", team.slug)
    return _page(request, team, membership, EmailInvitationForm(prefix="invite"), link_form, 422)


@login_required
@require_POST
def invitation_resend(request: AuthenticatedHttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, TEAM_MANAGING_ROLES)
    try:
        invitation, sent = resend_invitation(
            team=team,
            actor=request.user,
            invitation_id=invitation_id,
            site_url=_site_url(request),
            address=address_of(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _report_sending(request, invitation.email, sent)
    return redirect("team-invitations", team.slug)


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    team, membership = get_team_for_user(request.user, slug)
    require_role(membership, TEAM_MANAGING_ROLES)
    try:
        revoke_invitation(
            team=team, actor=request.user, invitation_id=invitation_id, address=address_of(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation was revoked: its link no longer works."))
    return redirect("team-invitations", team.slug)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """What an invitation link opens: join (signed in), or sign up / sign in first (then it is joined)."""
    try:
        found = invitation_for_token(token)
        if request.user.is_authenticated:
            refuse_members(found, request.user)
    except InvitationRefused as refusal:
        pending.forget(request)
        return render(
            request,
            "policies/invitation.html",
            {"refusal": refusal},
            status=409 if refusal.reason == "member" else 410 if refusal.reason != "invalid" else 404,
        )
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = accept_invitation(token=token, user=request.user, address=address_of(request))
        except InvitationRefused as refusal:
            return render(request, "policies/invitation.html", {"refusal": refusal}, status=410)
        messages.success(request, _("You joined %(team)s.") % {"team": membership.team.name})
        return redirect("team", membership.team.slug)
    if not request.user.is_authenticated:
        # Kept for the sign-up or sign-in that follows; an email invitation vouches for its address.
        pending.remember(request, token)
        if found.kind == InvitationKind.EMAIL:
            get_adapter(request).stash_verified_email(request, found.email)
    return render(request, "policies/invitation.html", {"invitation": found, "token": token})
