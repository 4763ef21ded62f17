"""Headless Chromium (Debian's package) driven by Playwright against the live test server."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import REQUIRE_SERVICES

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(settings.CHROMIUM_PATH).exists():
        if REQUIRE_SERVICES:
            pytest.fail(f"Chromium is missing at {settings.CHROMIUM_PATH}")
        pytest.skip(f"Chromium is not installed at {settings.CHROMIUM_PATH}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=settings.CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def is_unexpected(message) -> bool:
    """Console errors other than the 422 answers that carry inline validation messages by design."""
    return message.type == "error" and "status of 422" not in message.text


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if is_unexpected(message) else None)
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"
