"""API test helpers: members with tokens, and a client that speaks JSON with a bearer token."""

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from policies.casefile.validation import parse_case_file
from policies.models import Membership, TokenScope
from policies.services.api_tokens import create_token
from policies.services.case_import import import_case
from tests.factories import MembershipFactory, TeamFactory

ALL_SCOPES = tuple(TokenScope.values)
SEED = Path(__file__).resolve().parent.parent.parent / "seeds" / "mali-2012.json"
# Responses of the schemathesis run, by "METHOD path status"; summed up at the end of the session.
FUZZ_STATUSES: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if not FUZZ_STATUSES:
        return
    terminalreporter.section("schemathesis: responses by operation and status")
    for key, count in sorted(FUZZ_STATUSES.items()):
        terminalreporter.write_line(f"{count:6d}  {key}")
    terminalreporter.write_line(f"{sum(FUZZ_STATUSES.values()):6d}  requests in all")


@dataclass
class Caller:
    """A member of a team holding a token; `get`/`post`/`put` call the API with it."""

    client: Client
    membership: Membership
    secret: str

    @property
    def user(self):  # type: ignore[no-untyped-def]
        return self.membership.user

    @property
    def team(self):  # type: ignore[no-untyped-def]
        return self.membership.team

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}", **(headers or {})}

    def get(
        self, url: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        return self.client.get(url, params or {}, headers=self._headers(headers))

    def post(self, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = body if isinstance(body, bytes | str) else json.dumps(body) if body is not None else ""
        return self.client.post(url, data, content_type="application/json", headers=self._headers(headers))

    def put(self, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return self.client.put(url, data, content_type="application/json", headers=self._headers(headers))

    def patch(self, url: str, body: Any = None) -> Any:
        return self.client.patch(
            url, json.dumps(body), content_type="application/json", headers=self._headers(None)
        )

    def delete(self, url: str) -> Any:
        return self.client.delete(url, headers=self._headers(None))


@pytest.fixture
def caller(client):
    """caller(role, team=None, scopes=all) -> Caller: a new member of `team` with a fresh token."""

    def _caller(role: str = "participant", team=None, scopes=ALL_SCOPES) -> Caller:
        membership = MembershipFactory(role=role, **({"team": team} if team else {}))
        _token, secret = create_token(user=membership.user, name="tests", scopes=scopes)
        return Caller(client=client, membership=membership, secret=secret)

    return _caller


@pytest.fixture
def seeded_case():
    """The Mali 2012 seed, with its sample exercise, imported into a fresh team."""
    team = TeamFactory()
    return import_case(case_file=parse_case_file(SEED.read_bytes()), team=team)


def error_of(response) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The `error` object of an API error response, after checking the body has the one error shape."""
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]
