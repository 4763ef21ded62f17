"""What happens when someone signs up or in through allauth: the history records the sign-in, an invitation
opened earlier in the session is accepted, and institutional sign-in applies the teams' membership rules."""

from typing import Any

from allauth.account.signals import user_logged_in, user_signed_up
from django.contrib import messages
from django.contrib.auth.models import User
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from policies.accounts import pending
from policies.accounts.adapters import identity_of
from policies.models import AuditAction
from policies.services.audit import address_of, record
from policies.services.institutional_membership import join_by_institution
from policies.services.invitations import InvitationRefused, accept_invitation


def _join_pending(request: HttpRequest, user: User) -> None:
    token = pending.pending_token(request)
    if token is None:
        return
    pending.forget(request)
    try:
        membership = accept_invitation(token=token, user=user, address=address_of(request))
    except InvitationRefused as refusal:
        if refusal.reason != "member":
            messages.warning(request, refusal.message)
        return
    messages.success(request, _("You joined %(team)s.") % {"team": membership.team.name})


def _join_institution(request: HttpRequest, user: User, kwargs: dict[str, Any]) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None:
        return
    for membership in join_by_institution(
        user=user, identity=identity_of(sociallogin), address=address_of(request)
    ):
        messages.success(request, _("You joined %(team)s.") % {"team": membership.team.name})


@receiver(user_logged_in, dispatch_uid="policies-signed-in")
def signed_in(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    sociallogin = kwargs.get("sociallogin")
    record(
        action=AuditAction.SIGNED_IN,
        actor=user,
        subject=user,
        detail={"method": sociallogin.account.provider if sociallogin else "password"},
        address=address_of(request),
    )
    _join_institution(request, user, kwargs)
    _join_pending(request, user)


@receiver(user_signed_up, dispatch_uid="policies-signed-up")
def signed_up(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Join at sign-up already: someone who must still confirm their address finds the team when they do."""
    _join_institution(request, user, kwargs)
    _join_pending(request, user)
