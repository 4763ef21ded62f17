"""Script payloads in every text of a case come out escaped on every screen."""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from policies.casefile.validation import parse_case_file
from policies.services.case_import import import_case
from tests.screens import main_screens

pytestmark = pytest.mark.django_db
SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"
PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"


def poison(value):
    """Every bilingual text and free-text field gets the payload appended."""
    if isinstance(value, dict):
        return {
            k: (
                v + PAYLOAD
                if k in {"en", "fr", "locator", "quote", "title", "authors", "alias"} and isinstance(v, str)
                else poison(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [poison(item) for item in value]
    return value


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # A JSON data block (json_script) holds text, not code: the payload there is inert data.
        self.in_script = tag == "script" and ("type", "application/json") not in attrs
        if (tag == "img" and ("src", "x") in attrs) or any(name.startswith("on") for name, _ in attrs):
            self.found.append(f"<{tag} {attrs}>")

    def handle_data(self, data: str) -> None:
        if self.in_script and "alert(" in data:
            self.found.append(f"script: {data[:80]}")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False


def injected_markup(html: str) -> list[str]:
    """Elements the payload would have created had it not been escaped (an img, a handler, a script)."""
    parser = _Elements()
    parser.feed(html)
    return parser.found


def test_no_screen_renders_a_payload_as_markup(client, login) -> None:
    team = login("owner").team
    document = poison(json.loads(SMALL.read_text()))
    case = import_case(case_file=parse_case_file(json.dumps(document)), team=team)
    exercise = case.exercises.get()
    urls = main_screens(case, exercise)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert(1)" not in html, url
        assert "<img src=x" not in html, url
        assert injected_markup(html) == [], url
    htmx = client.get(reverse("results", args=[exercise.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "<script>alert(1)" not in htmx
