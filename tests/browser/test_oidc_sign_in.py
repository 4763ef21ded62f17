"""Institutional sign-in against a real OpenID Connect provider on loopback, in the browser.

The provider is django-oidc-provider in its own process (tests/oidc_provider): discovery, authorization code
with PKCE, a signed ID token checked against its keys, userinfo. Its user's verified address is at the domain
a team admits automatically, so signing in creates the account and joins the team with the team's role.
"""

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from policies.models import AuditAction, AuditEvent, Membership, Role, Team
from tests.oidc_provider.serve import CLIENT_ID, CLIENT_SECRET, EMAIL, PASSWORD, USERNAME
from workbench.institutional_sign_in import provider_origins, providers_from_environment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def provider(live_server, tmp_path) -> Iterator[str]:
    port = free_port()
    callback = f"{live_server.url}/accounts/oidc/ministry/login/callback/"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", "--port", str(port), "--db", str(tmp_path / "idp.sqlite3"),
         "--redirect-uri", callback],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.strip() == "ready":
            break
    if process.poll() is not None:
        pytest.fail("The OpenID Connect provider did not start:\n" + "".join(lines[-30:]))
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_signing_in_through_the_institution_joins_the_team_by_domain(browser, live_server, provider) -> None:
    team = Team.objects.create(name="Ministry policy unit", slug="ministry", join_domains="ministry.example",
                               join_role=Role.ANALYST)  # fmt: skip
    apps = providers_from_environment(
        {
            "OIDC_PROVIDERS": "ministry",
            "OIDC_MINISTRY_NAME": "Ministry account",
            "OIDC_MINISTRY_SERVER_URL": provider,
            "OIDC_MINISTRY_CLIENT_ID": CLIENT_ID,
            "OIDC_MINISTRY_CLIENT_SECRET": CLIENT_SECRET,
        }
    )
    csp = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], *provider_origins(apps)],
    }
    errors: list[str] = []
    with override_settings(
        SOCIALACCOUNT_PROVIDERS={"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": apps}}, SECURE_CSP=csp
    ):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        # The stand-in provider's own pages (no favicon) are not ours to judge.
        page.on(
            "console",
            lambda m: (
                errors.append(f"{m.location.get('url')}: {m.text}")
                if m.type == "error" and not m.location.get("url", "").startswith(provider)
                else None
            ),
        )
        page.goto("/accounts/login/")
        page.get_by_test_id("provider-ministry").click()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Ministry username").fill(USERNAME)
        page.get_by_label("Ministry password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in at the ministry").click()
        page.wait_for_url(f"{live_server.url}/")
        page.get_by_role("link", name="Ministry policy unit").wait_for()
        assert "You joined Ministry policy unit" in page.content()
        context.close()
    assert not errors, errors
    membership = Membership.objects.get(team=team)
    assert (membership.user.email, membership.role) == (EMAIL, Role.ANALYST)
    assert membership.user.first_name == "Aminata"
    event = AuditEvent.objects.get(action=AuditAction.SIGNED_IN, actor=membership.user)
    assert event.detail == {"method": "ministry"}
    assert AuditEvent.objects.filter(
        team=team, action=AuditAction.MEMBER_JOINED, detail__via="institution"
    ).exists()
