"""Institutional sign-in's rules: providers from the environment, and automatic membership by domain or claim."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from policies.models import Membership, Role
from policies.services.institutional_membership import (
    Identity,
    claim_values,
    join_by_institution,
    teams_for_identity,
)
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from workbench.institutional_sign_in import provider_origins, providers_from_environment

KEYCLOAK = {
    "OIDC_PROVIDERS": "keycloak, entra",
    "OIDC_KEYCLOAK_SERVER_URL": "https://sso.example.org/realms/staff",
    "OIDC_KEYCLOAK_CLIENT_ID": "workbench",
    "OIDC_KEYCLOAK_CLIENT_SECRET": "s3cret",
    "OIDC_KEYCLOAK_NAME": "Staff college",
    "OIDC_KEYCLOAK_TEAM_CLAIM": "groups",
    "OIDC_ENTRA_SERVER_URL": "https://login.microsoftonline.com/tenant-id/v2.0",
    "OIDC_ENTRA_CLIENT_ID": "app-id",
    "OIDC_ENTRA_CLIENT_SECRET": "value",
    "OIDC_ENTRA_TRUST_EMAIL": "1",
    "OIDC_ENTRA_SCOPES": "openid profile email",
}


def test_providers_come_from_the_environment() -> None:
    keycloak, entra = providers_from_environment(KEYCLOAK)
    assert keycloak == {
        "provider_id": "keycloak",
        "name": "Staff college",
        "client_id": "workbench",
        "secret": "s3cret",
        "settings": {"server_url": "https://sso.example.org/realms/staff", "team_claim": "groups"},
    }
    assert entra["name"] == "entra"
    assert entra["settings"]["verified_email"] is True
    assert entra["settings"]["scope"] == ["openid", "profile", "email"]
    assert provider_origins([keycloak, entra]) == [
        "https://sso.example.org",
        "https://login.microsoftonline.com",
    ]
    assert providers_from_environment({}) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"OIDC_KEYCLOAK_CLIENT_SECRET": ""}, "OIDC_KEYCLOAK_CLIENT_SECRET"),
        ({"OIDC_PROVIDERS": "Key Cloak"}, "not a valid id"),
        ({"OIDC_PROVIDERS": "keycloak,../x"}, "not a valid id"),
    ],
)
def test_a_misconfigured_provider_stops_the_start_with_its_name(change: dict[str, str], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        providers_from_environment({**KEYCLOAK, **change})


def test_claim_values_take_strings_lists_and_keycloak_paths() -> None:
    assert claim_values(["/analysts", "staff", 7, None, ""]) == {"/analysts", "analysts", "staff", "7"}
    assert claim_values("course-b") == {"course-b"}
    assert claim_values({"not": "a list"}) == frozenset()


@pytest.mark.django_db
def test_a_domain_admits_only_verified_addresses_and_a_claim_admits_its_holders() -> None:
    by_domain = TeamFactory(join_domains="ministry.example  @college.example", join_role=Role.ANALYST)
    by_claim = TeamFactory(join_claim="course-b")
    TeamFactory()  # no rule: nobody joins
    verified = Identity(email="a@Ministry.Example", email_verified=True)
    assert teams_for_identity(verified) == [by_domain]
    assert teams_for_identity(Identity(email="a@ministry.example", email_verified=False)) == []
    assert teams_for_identity(Identity(email="a@ministry.example.evil.org", email_verified=True)) == []
    assert teams_for_identity(Identity(claim_values=claim_values(["/course-b"]))) == [by_claim]
    both = Identity(email="b@college.example", email_verified=True, claim_values=frozenset({"course-b"}))
    assert teams_for_identity(both) == [by_domain, by_claim]


@pytest.mark.django_db
def test_automatic_membership_adds_but_never_demotes() -> None:
    team = TeamFactory(join_domains="ministry.example", join_role=Role.OBSERVER)
    user = UserFactory(email="x@ministry.example")
    identity = Identity(email=user.email, email_verified=True)
    assert [m.team for m in join_by_institution(user=user, identity=identity)] == [team]
    assert join_by_institution(user=user, identity=identity) == []  # already in
    owner = MembershipFactory(team=TeamFactory(join_domains="ministry.example"), role=Role.OWNER)
    join_by_institution(user=owner.user, identity=Identity(email="o@ministry.example", email_verified=True))
    assert Membership.objects.get(pk=owner.pk).role == Role.OWNER


class _Provider:
    def __init__(self, app_settings: dict[str, object]) -> None:
        self.app = type("App", (), {"settings": app_settings})()

    def get_settings(self) -> dict[str, object]:
        return {}


class _Address:
    def __init__(self, email: str, verified: bool) -> None:
        self.email, self.verified = email, verified


def social_login(email: str, verified: bool, groups: list[str], trusted: bool | None = None):  # type: ignore[no-untyped-def]
    """The parts of allauth's SocialLogin the adapter reads: provider settings, the provider's answer."""
    app_settings: dict[str, object] = {"team_claim": "groups"}
    if trusted is not None:
        app_settings["verified_email"] = trusted
    login = type("Login", (), {})()
    login.provider = _Provider(app_settings)
    login.account = type("Account", (), {"extra_data": {"userinfo": {"email": email, "groups": groups}}})()
    login.email_addresses = [_Address(email, verified)]
    return login


@pytest.mark.django_db
def test_closed_sign_up_opens_only_to_people_a_team_rule_admits(rf) -> None:
    from django.contrib.sessions.middleware import SessionMiddleware

    from policies.accounts.adapters import InstitutionalAccountAdapter, identity_of

    TeamFactory(join_domains="ministry.example")
    TeamFactory(join_claim="course-b")
    request = rf.get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    adapter = InstitutionalAccountAdapter(request)
    assert adapter.is_open_for_signup(request, social_login("a@ministry.example", True, []))
    assert adapter.is_open_for_signup(request, social_login("a@elsewhere.example", False, ["/course-b"]))
    assert not adapter.is_open_for_signup(request, social_login("a@ministry.example", False, []))
    assert not adapter.is_open_for_signup(request, social_login("a@elsewhere.example", True, ["course-a"]))
    # A provider configured as trusted vouches for addresses without an email_verified claim (Entra ID).
    trusted = social_login("a@ministry.example", False, [], trusted=True)
    assert identity_of(trusted).email_verified
    assert adapter.is_open_for_signup(request, trusted)
