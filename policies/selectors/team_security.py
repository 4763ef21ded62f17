"""Whether a person's roles oblige them to use two-factor authentication they have not set up yet."""

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User

from policies.models import Team
from policies.selectors.access import FACILITATING_ROLES


def has_totp(user: User) -> bool:
    return bool(Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists())


def team_requiring_mfa(user: User) -> Team | None:
    """A team that requires two-factor authentication of its owners and facilitators, where `user` holds one
    of those roles without an authenticator app; None when nothing is missing.

    Asked at every request of a signed-in person, so the common case (no such team) is one small query; the
    authenticator is looked up only for those the rule concerns.
    """
    team = (
        Team.objects.filter(
            require_mfa=True, memberships__user_id=user.pk, memberships__role__in=FACILITATING_ROLES
        )
        .order_by("name")
        .first()
    )
    if team is None or has_totp(user):
        return None
    return team
