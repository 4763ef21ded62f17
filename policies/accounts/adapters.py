"""allauth adapters: sign-up is closed unless the site opens it or the visitor holds an invitation, or, for
institutional sign-in, a team's automatic-membership rule admits them."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.http import HttpRequest

from policies.accounts.pending import pending_invitation
from policies.models import InvitationKind
from policies.services.institutional_membership import Identity, claim_values, teams_for_identity


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.ACCOUNT_SIGNUP_OPEN) or pending_invitation(request) is not None

    def is_email_verified(self, request: HttpRequest, email: str) -> bool:
        """An email invitation reached its address: signing up with that address needs no second proof."""
        invitation = pending_invitation(request)
        if (
            invitation is not None
            and invitation.kind == InvitationKind.EMAIL
            and invitation.email.lower() == (email or "").lower()
        ):
            return True
        return bool(super().is_email_verified(request, email))


def identity_of(sociallogin: SocialLogin) -> Identity:
    """The email, whether the provider vouches for it, and the team claim's values, from a provider's answer."""
    provider = sociallogin.provider
    data: dict[str, Any] = sociallogin.account.extra_data or {}
    data = data.get("userinfo") or data.get("id_token") or data
    email = str(data.get("email") or "")
    verified = any(a.verified for a in sociallogin.email_addresses if a.email.lower() == email.lower())
    if email and not verified:
        verified = DefaultSocialAccountAdapter().is_email_verified(provider, email)
    claim = (provider.app.settings or {}).get("team_claim") if provider.app else None
    values = claim_values(data.get(claim)) if claim else frozenset()
    return Identity(email=email, email_verified=bool(email and verified), claim_values=values)


class InstitutionalAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        if super().is_open_for_signup(request, sociallogin):
            return True
        return bool(teams_for_identity(identity_of(sociallogin)))
