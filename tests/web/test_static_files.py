"""Static files without a collected manifest, as in the tests and in development: served from the apps' folders,
each found when it is asked for (settings.WHITENOISE_AUTOREFRESH), never outside those folders."""

from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware

from tests.conftest import ROOT


def _not_static(request: HttpRequest) -> HttpResponse:
    return HttpResponse("not a static file", status=404)


def test_an_apps_static_file_is_served(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/static/policies/app.css")
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content)
        == (ROOT / "policies" / "static" / "policies" / "app.css").read_bytes()
    )


@pytest.mark.parametrize(
    "path", ["/static/policies/../../../workbench/settings.py", "/static/policies/..%2F..%2Fmanage.py"]
)
def test_a_path_out_of_the_static_folders_is_refused(client, path: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 404
    # Words of the two files the paths aim at.
    assert b"WHITENOISE_AUTOREFRESH" not in response.content
    assert b"execute_from_command_line" not in response.content


def test_a_file_is_found_when_asked_for_not_listed_once_at_start(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    """Listing every app's folder when the middleware is built cost 12 ms per test client; a file that appears
    after the build is served, which shows that nothing was listed up front."""
    settings.STATICFILES_DIRS = [tmp_path]
    middleware = WhiteNoiseMiddleware(_not_static)
    (tmp_path / "late.txt").write_text("written after the middleware was built")
    response = middleware(RequestFactory().get("/static/late.txt"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"written after the middleware was built"
    assert middleware(RequestFactory().get("/static/missing.txt")).status_code == 404
