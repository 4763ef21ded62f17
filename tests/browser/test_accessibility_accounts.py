"""The account and team screens: no serious axe violation, in English and French, and nothing wider than a
390 px phone."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from policies.models import Role
from policies.services.invitations import create_link, invite_by_email, token_for
from policies.services.memberships import change_role
from tests.browser.test_accessibility import AXE_OPTIONS, serious
from tests.browser.test_accessibility_workshop import open_page
from tests.factories import PASSWORD, MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def too_wide(page) -> int:  # type: ignore[no-untyped-def]
    """How many pixels the page is wider than the viewport (0 when it fits)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_account_and_team_screens(browser, live_server, language: str) -> None:
    team = TeamFactory(name="Sahel policy unit", slug=f"sahel-{language}")
    owner = MembershipFactory(team=team, role=Role.OWNER, user__username=f"owner-{language}").user
    member = MembershipFactory(team=team, role=Role.PARTICIPANT, user__first_name="Moussa")
    change_role(team=team, actor=owner, membership_id=member.pk, role=Role.ANALYST)
    invite_by_email(team=team, actor=owner, email="awa@example.org", role=Role.FACILITATOR, site_url="/")
    link = create_link(
        team=team, actor=owner, role=Role.PARTICIPANT, expires=timezone.now() + timedelta(days=9), max_uses=25,
        label="Course B",
    )  # fmt: skip
    errors: list[str] = []
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
    problems: dict[str, list[str]] = {}
    overflow: dict[str, int] = {}
    axe = Axe()

    visitor_context, visitor = open_page(browser, live_server, errors, viewport=PHONE, locale=language)
    visitor_context.add_cookies([cookie])
    for url in (
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("invitation", args=[token_for(link)]),
        reverse("invitation", args=["not-a-token"]),
    ):
        before = len(errors)
        response = visitor.goto(url)
        if response is not None and response.status >= 400:
            del errors[before:]  # a refusal page answers 404 or 410 by design; the browser logs the status
        problems[url] = serious(axe.run(visitor, options=AXE_OPTIONS))
        overflow[url] = too_wide(visitor)
    visitor_context.close()

    for viewport in ({"width": 1280, "height": 800}, PHONE):
        context, page = open_page(browser, live_server, errors, viewport=viewport, locale=language)
        context.add_cookies([cookie])
        page.goto(reverse("account_login"))
        page.locator("#id_login").fill(owner.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_url("**/")
        page.goto(reverse("account_reauthenticate"))
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("input[name=password]").press("Enter")
        page.wait_for_load_state("load")
        for url in (
            reverse("home"),
            reverse("team-new"),
            reverse("team", args=[team.slug]),
            reverse("team-members", args=[team.slug]),
            reverse("team-invitations", args=[team.slug]),
            reverse("team-history", args=[team.slug]),
            reverse("team-settings", args=[team.slug]),
            reverse("team-delete", args=[team.slug]),
            reverse("account"),
            reverse("account-delete"),
            reverse("account_email"),
            reverse("account_change_password"),
            reverse("mfa_index"),
            reverse("mfa_activate_totp"),
        ):
            page.goto(url)
            page.wait_for_load_state("load")
            key = f"{viewport['width']} {url}"
            problems[key] = serious(axe.run(page, options=AXE_OPTIONS))
            overflow[key] = too_wide(page)
        context.close()
    assert not errors, errors
    assert not {url: found for url, found in problems.items() if found}
    assert not {url: px for url, px in overflow.items() if px > 0}
