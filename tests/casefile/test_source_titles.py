"""A source's title is a text by language (case-file version 3), like every other text shown to people; files
of version 2, where it was one plain string, still import, their titles taken as English."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from policies.case_forms import SourceForm
from policies.casefile.schema import FORMAT_VERSION
from policies.casefile.validation import CaseFileError, parse_case_file
from policies.models import Evidence, SourceDocument
from policies.selectors.case_export import export_case
from policies.services.case_import import import_case
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"


def current_document() -> dict:
    """The small case as a current file, its source titled in both languages."""
    document = json.loads(SMALL.read_bytes())
    document["version"] = FORMAT_VERSION
    document["sources"][0]["title"] = {"en": "A memo", "fr": "Une note"}
    return document


def test_a_title_in_both_languages_round_trips() -> None:
    case = import_case(case_file=parse_case_file(json.dumps(current_document())), team=TeamFactory())
    source = SourceDocument.objects.get(case=case, key="memo")
    assert source.title == {"en": "A memo", "fr": "Une note"}
    exported = export_case(case)
    assert exported["version"] == 3
    assert exported["sources"][0]["title"] == {"en": "A memo", "fr": "Une note"}


def test_a_version_2_file_with_a_plain_title_imports_as_english() -> None:
    document = json.loads(SMALL.read_bytes())
    document["version"] = 2
    assert document["sources"][0]["title"] == "A memo"
    case = import_case(case_file=parse_case_file(json.dumps(document)), team=TeamFactory())
    assert SourceDocument.objects.get(case=case, key="memo").title == {"en": "A memo"}
    assert export_case(case)["sources"][0]["title"] == {"en": "A memo"}


def test_a_version_2_file_with_a_malformed_title_is_refused_with_its_path() -> None:
    document = json.loads(SMALL.read_bytes())
    document["version"] = 2
    document["sources"][0]["title"] = 12
    with pytest.raises(CaseFileError) as refusal:
        parse_case_file(json.dumps(document))
    assert "$.sources[0].title" in [problem.path for problem in refusal.value.problems]


@pytest.mark.parametrize(
    ("title", "path"),
    [
        ("A memo", "$.sources[0].title"),  # version 3 takes the object only
        ({"de": "Ein Memo"}, "$.sources[0].title.de.[key]"),
        ({"en": "x" * 401}, "$.sources[0].title.en"),
    ],
)
def test_a_current_file_refuses_a_title_that_is_not_a_short_text_by_language(title, path) -> None:
    document = current_document()
    document["sources"][0]["title"] = title
    with pytest.raises(CaseFileError) as refusal:
        parse_case_file(json.dumps(document))
    assert path in [problem.path for problem in refusal.value.problems]


def test_pages_show_the_title_in_the_reader_s_language_falling_back_to_english(client, login) -> None:
    membership = login("analyst")
    document = current_document()
    document["sources"].append({"id": "english-only", "title": {"en": "Only in English"}})
    case = import_case(case_file=parse_case_file(json.dumps(document)), team=membership.team)
    Evidence.objects.filter(case=case).update(source=SourceDocument.objects.get(case=case, key="memo"))
    french = {"HTTP_ACCEPT_LANGUAGE": "fr"}
    for name in ("case-sources", "case", "case-edit"):
        response = client.get(reverse(name, args=[case.pk]), **french)
        body = response.content.decode()
        assert response.status_code == 200, name
        assert "Une note" in body and "Only in English" in body, name
        assert "A memo" not in body, name
    english = client.get(reverse("case-sources", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "A memo" in english.content.decode() and "Une note" not in english.content.decode()


def test_the_source_form_edits_both_languages_side_by_side(client, login) -> None:
    membership = login("analyst")
    case = import_case(case_file=parse_case_file(json.dumps(current_document())), team=membership.team)
    source = SourceDocument.objects.get(case=case, key="memo")
    url = reverse("case-item-edit", args=[case.pk, "source", source.pk])
    form = client.get(url).content.decode()
    assert 'name="title_en"' in form and 'name="title_fr"' in form
    assert form.index('name="title_en"') < form.index('name="title_fr"') < form.index('name="authors"')
    response = client.post(
        url,
        {"version": source.version, "title_en": "A memo", "title_fr": "Un mémo", "kind": "report"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    source.refresh_from_db()
    assert source.title == {"en": "A memo", "fr": "Un mémo"}
    missing = client.post(url, {"version": source.version, "title_en": "", "title_fr": "Seulement"})
    assert missing.status_code in (200, 422)
    source.refresh_from_db()
    assert source.title == {"en": "A memo", "fr": "Un mémo"}  # the English title is required


def test_the_source_form_holds_a_title_to_the_case_file_s_length() -> None:
    case = import_case(case_file=parse_case_file(json.dumps(current_document())), team=TeamFactory())
    long = SourceForm(data={"title_en": "A memo", "title_fr": "x" * 401}, case=case)
    assert not long.is_valid() and "title_fr" in long.errors
    fits = SourceForm(data={"title_en": "A memo", "title_fr": "x" * 400}, case=case)
    assert fits.is_valid(), fits.errors
