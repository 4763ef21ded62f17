"""Automatic team membership for people who sign in through their institution's OpenID Connect provider.

A site administrator sets, per team, email domains and/or a value of the provider's team claim (for example
a Keycloak group or an Entra ID group id) and the role such people get. A domain counts only for an address
the provider vouches for (`email_verified`, or the provider configured as trusted). Someone already in the
team keeps the role they have: automatic membership adds, it never demotes or removes.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import User

from policies.models import Membership, Team
from policies.services.memberships import add_member


@dataclass(frozen=True)
class Identity:
    """What a provider said about the person, reduced to what membership rules read."""

    email: str = ""
    email_verified: bool = False
    claim_values: frozenset[str] = field(default_factory=frozenset)

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2].lower() if "@" in self.email else ""


def claim_values(raw: object) -> frozenset[str]:
    """A claim's values as strings: providers send one string, a list, or (Keycloak paths) '/group'."""
    items = raw if isinstance(raw, list | tuple) else [raw]
    values = set()
    for item in items:
        if isinstance(item, str | int) and str(item).strip():
            text = str(item).strip()
            values.add(text)
            values.add(text.lstrip("/"))
    return frozenset(values)


def _domains(team: Team) -> set[str]:
    return {d.strip().lower().lstrip("@") for d in team.join_domains.replace(",", " ").split() if d.strip()}


def teams_for_identity(identity: Identity) -> list[Team]:
    teams = Team.objects.exclude(join_domains="", join_claim="").order_by("pk")
    matched = []
    for team in teams:
        by_domain = identity.email_verified and identity.domain and identity.domain in _domains(team)
        by_claim = team.join_claim and team.join_claim.strip() in identity.claim_values
        if by_domain or by_claim:
            matched.append(team)
    return matched


def join_by_institution(*, user: User, identity: Identity, address: str | None = None) -> list[Membership]:
    """Add `user` to every team whose rule the identity meets; returns the memberships created."""
    joined = []
    for team in teams_for_identity(identity):
        membership, created = add_member(
            team=team, user=user, role=team.join_role, via="institution", address=address
        )
        if created:
            joined.append(membership)
    return joined
