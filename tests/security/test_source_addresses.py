"""Source addresses are web pages only: a ``javascript:`` address is refused wherever one comes in (the model's
forms, the web's case import, the API's), and links out never hand the opened page a way back."""

import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.urls import reverse

from policies.casefile.validation import CaseFileError, parse_case_file
from policies.models import Case, SourceDocument
from policies.services.case_import import import_case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "seeds" / "mali-2012.json"
REFUSED = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "ftp://example.org/report.pdf",
    "vbscript:msgbox(1)",
]
MESSAGE = "Only web addresses are accepted: they begin with http:// or https://."


def case_file(url: str) -> bytes:
    document = json.loads(SEED.read_text())
    document["sources"][0]["url"] = url
    return json.dumps(document).encode()


@pytest.mark.parametrize("url", REFUSED)
def test_a_case_file_with_a_non_web_address_is_refused_with_its_path(url: str) -> None:
    with pytest.raises(CaseFileError) as refused:
        parse_case_file(case_file(url))
    assert [(p.path, p.message) for p in refused.value.problems] == [("$.sources[0].url", MESSAGE)]


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://127.0.0.1:8000/x", ""])
def test_web_addresses_and_none_are_accepted(url: str) -> None:
    assert parse_case_file(case_file(url)).sources[0].url == url


def test_the_web_import_lists_the_problem_and_writes_nothing(client, login) -> None:
    team = login("analyst").team
    upload = SimpleUploadedFile("case.json", case_file(REFUSED[0]), content_type="application/json")
    response = client.post(reverse("case-import", args=[team.slug]), {"file": upload, "as_new": "on"})
    assert response.status_code == 422
    assert "$.sources[0].url" in response.content.decode() and "http://" in response.content.decode()
    assert not Case.objects.filter(team=team).exists()


def test_a_form_over_sources_refuses_a_non_web_address() -> None:
    """Any ModelForm over sources (the admin's, a future editor's) runs the model's rule: Django's URL field
    already refuses what is not a URL at all; an address of another scheme gets the rule's own message."""
    form_class = modelform_factory(SourceDocument, fields=["title", "url"])
    title = '{"en": "Report"}'  # the title is a text by language, entered as JSON in a plain ModelForm
    for url in REFUSED:
        assert not form_class(data={"title": title, "url": url}).is_valid(), url
    ftp = form_class(data={"title": title, "url": "ftp://example.org/report.pdf"})
    assert not ftp.is_valid() and ftp.errors["url"] == [MESSAGE]
    assert form_class(data={"title": title, "url": "https://example.org/r"}).is_valid()


def test_links_out_carry_no_opener_no_referrer_and_no_follow(client, login) -> None:
    team = login("observer").team
    case = import_case(case_file=parse_case_file(case_file("https://example.org/report")), team=team)
    body = client.get(reverse("case-sources", args=[case.pk])).content.decode()
    links = re.findall(r'<a href="https://example.org/report"([^>]*)>', body)
    assert links == [' rel="noopener noreferrer nofollow"']


def test_an_address_stored_before_the_rule_is_shown_but_not_as_a_link(client, login) -> None:
    team = login("observer").team
    case = CaseFactory(team=team)
    SourceDocument.objects.create(
        case=case, key="old", title={"en": "Old source"}, url="javascript:alert(document.cookie)"
    )
    body = client.get(reverse("case-sources", args=[case.pk])).content.decode()
    assert "javascript:alert(document.cookie)" in body
    assert 'href="javascript:' not in body.lower()
