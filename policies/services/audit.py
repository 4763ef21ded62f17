"""Writing the team history: every membership change, invitation and sign-in goes through `record`."""

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest

from policies.client_address import client_address
from policies.models import AuditEvent, Team


def address_of(request: HttpRequest) -> str | None:
    """The client's address for the history, read as the throttles read it."""
    return client_address(request)


def name_of(user: User | None) -> str:
    if user is None:
        return ""
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return f"{full} ({user.get_username()})" if full else user.get_username()


def record(
    *,
    action: str,
    team: Team | None = None,
    actor: User | None = None,
    subject: User | None = None,
    subject_name: str = "",
    detail: dict[str, Any] | None = None,
    address: str | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        team=team,
        action=action,
        actor=actor,
        actor_name=name_of(actor),
        subject=subject,
        subject_name=subject_name or name_of(subject),
        detail=detail or {},
        address=address,
    )
