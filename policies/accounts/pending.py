"""The invitation a visitor opened before signing up or in: kept in their session until they join."""

from django.http import HttpRequest

from policies.models import Invitation
from policies.services.invitations import InvitationRefused, invitation_for_token

SESSION_KEY = "pending_invitation"


def remember(request: HttpRequest, token: str) -> None:
    request.session[SESSION_KEY] = token


def pending_token(request: HttpRequest) -> str | None:
    token = request.session.get(SESSION_KEY)
    return token if isinstance(token, str) else None


def pending_invitation(request: HttpRequest) -> Invitation | None:
    """The session's invitation while it can still be used."""
    token = pending_token(request)
    if token is None:
        return None
    try:
        return invitation_for_token(token)
    except InvitationRefused:
        return None


def forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
