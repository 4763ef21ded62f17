"""Re-importing a case file is safe: an unchanged file changes nothing, an edited one is previewed, with every
change and every judgment that would go, and applied only once confirmed."""

import codecs
import json

import pytest
from django.urls import reverse

from policies.casefile.validation import CaseFileError, parse_case_file
from policies.models import Case, Option, ScoreJudgment
from policies.services.case_import import import_case
from policies.services.case_update import StalePreview, apply_update, preview_update
from tests.web.test_case_files import SMALL, confirmation, upload

pytestmark = pytest.mark.django_db


def small() -> dict:
    return json.loads(SMALL.read_text())


def imported(team) -> Case:
    return import_case(case_file=parse_case_file(SMALL.read_bytes()), team=team)


def test_reimporting_an_unchanged_export_changes_nothing(client, login) -> None:
    team = login("facilitator").team
    case = imported(team)
    export = client.get(reverse("case-export", args=[case.pk])).content
    history = case.options.get(key="north-road").history.count()
    response = upload(client, team, export, as_new=False)
    assert response.status_code == 302
    assert response["Location"] == reverse("case", args=[case.pk])
    assert Case.objects.filter(team=team).count() == 1
    assert case.options.get(key="north-road").history.count() == history  # not even a history row
    page = client.get(response["Location"]).content.decode()
    assert "The file matches this case: nothing was changed." in page


def test_an_update_without_an_option_shows_what_it_would_drop_before_anything_changes(client, login) -> None:
    team = login("facilitator").team
    case = imported(team)
    exercise = case.exercises.get()
    scores_on_north = ScoreJudgment.objects.filter(option__key="north-road").count()
    assert scores_on_north > 0
    document = small()
    document["options"] = [o for o in document["options"] if o["id"] != "north-road"]
    exercise_item = document["exercises"][0]
    exercise_item["options"] = [o for o in exercise_item["options"] if o != "north-road"]
    exercise_item["scores"] = [s for s in exercise_item["scores"] if s["option"] != "north-road"]
    document["options"][0]["name"]["en"] = "South road, revised"
    document["options"].append({"id": "ferry", "name": {"en": "A ferry"}})
    response = upload(client, team, json.dumps(document).encode(), as_new=False)
    assert response.status_code == 200
    page = response.content.decode()
    changes = page[page.index('data-testid="changes-options"') :]
    changes = changes[: changes.index("</ul>")]
    assert 'data-change="removed"' in changes and "North road (north-road)" in changes
    assert 'data-change="added"' in changes and "A ferry (ferry)" in changes
    assert 'data-change="changed"' in changes and "South road, revised (south-road)" in changes
    lost = page[page.index('data-testid="judgments-lost"') :]
    assert f"{scores_on_north} judgments in" in lost and "deleted" in lost
    # Nothing was applied before the confirmation.
    assert case.options.filter(key="north-road").exists()
    assert ScoreJudgment.objects.filter(option__key="north-road").count() == scores_on_north
    assert not Option.objects.filter(key="ferry").exists()

    confirmed = client.post(reverse("case-update-confirm", args=[team.slug]), confirmation(response))
    assert confirmed.status_code == 302
    assert not case.options.filter(key="north-road").exists()
    assert not ScoreJudgment.objects.filter(option__key="north-road").exists()
    assert case.options.get(key="ferry").name == {"en": "A ferry"}
    assert set(exercise.options.values_list("key", flat=True)) == {"south-road", "no-road"}
    # The case is now the file: importing the same file again changes nothing.
    assert preview_update(parse_case_file(json.dumps(document)), case).unchanged


def test_a_preview_made_stale_by_another_change_is_shown_again(client, login) -> None:
    team = login("facilitator").team
    case = imported(team)
    document = small()
    document["options"][0]["name"]["en"] = "North road, revised"
    preview = upload(client, team, json.dumps(document).encode(), as_new=False)
    assert preview.status_code == 200
    Option.objects.filter(case=case, key="no-road").update(name={"en": "Changed meanwhile"})
    again = client.post(reverse("case-update-confirm", args=[team.slug]), confirmation(preview))
    assert again.status_code == 200
    assert 'data-testid="stale-preview"' in again.content.decode()
    assert case.options.get(key="north-road").name["en"] == "North road"
    with pytest.raises(StalePreview):
        apply_update(case_file=parse_case_file(json.dumps(document)), case=case, fingerprint="0" * 64)


def test_an_analyst_sees_no_preview_of_exercises_they_may_not_change(client, login) -> None:
    team = login("analyst").team
    imported(team)
    response = upload(client, team, SMALL.read_bytes(), as_new=False)
    assert response.status_code == 403
    assert "Import it without its exercises" in response.content.decode()


def test_a_byte_order_mark_is_accepted(client, login) -> None:
    team = login("facilitator").team
    with_bom = codecs.BOM_UTF8 + SMALL.read_bytes()
    assert parse_case_file(with_bom).case.id == "small"
    assert parse_case_file(with_bom.decode("utf-8")).case.id == "small"
    response = upload(client, team, with_bom)
    assert response.status_code == 302
    assert Case.objects.get(team=team).key == "small"


def test_every_error_is_listed_in_one_pass(client, login) -> None:
    """Six errors of three kinds (the schema's, references, what the database cannot hold): all six at once."""
    team = login("facilitator").team
    document = small()
    document["options"][0]["name"] = 5  # schema
    document["exercises"][0]["scores"][0]["value"] = "high"  # schema
    document["options"][1]["actors"] = ["nobody"]  # reference
    document["evidence"][0]["source"] = "nowhere"  # reference
    document["exercises"][0]["scores"][3]["value"] = 99  # outside the scale
    document["case"]["region"] = "r" * 1000  # longer than the database holds
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(json.dumps(document))
    paths = sorted(p.path for p in caught.value.problems)
    assert paths == sorted(
        [
            "$.options[0].name",
            "$.exercises[0].scores[0].value",
            "$.options[1].actors[0]",
            "$.evidence[0].source",
            "$.exercises[0].scores[3].value",
            "$.case.region",
        ]
    )
    response = upload(client, team, json.dumps(document).encode())
    assert response.status_code == 422
    assert "The file has 6 problems; nothing was imported." in response.content.decode()
    assert not Case.objects.exists()


def test_a_reference_to_an_item_the_schema_refused_is_not_reported_twice() -> None:
    document = small()
    document["options"][0]["name"] = (
        5  # north-road is refused; the exercise's references to it say nothing new
    )
    with pytest.raises(CaseFileError) as caught:
        parse_case_file(json.dumps(document))
    assert [p.path for p in caught.value.problems] == ["$.options[0].name"]


def test_the_import_page_links_the_format_document(client, login) -> None:
    team = login("facilitator").team
    page = client.get(reverse("case-import", args=[team.slug])).content.decode()
    assert f'href="{reverse("case-format")}"' in page
    assert f'href="{reverse("case-format-schema")}"' in page
    document = client.get(reverse("case-format"))
    assert document.status_code == 200
    assert "case file" in document.content.decode().lower()
    schema = client.get(reverse("case-format-schema"))
    assert schema.status_code == 200
    assert json.loads(schema.content)["title"].startswith("Policy workbench case file")


def test_a_file_changing_only_reference_values_is_an_update(login) -> None:
    case = imported(login("facilitator").team)
    document = small()
    option = document["options"][0]["id"]
    groups = {c.get("parent") for c in document["criteria"] if c.get("parent")}
    criterion = next(c["id"] for c in document["criteria"] if c["id"] not in groups)
    document["reference_values"] = [{"option": option, "criterion": criterion, "value": 1.5}]
    case_file = parse_case_file(json.dumps(document))
    preview = preview_update(case_file, case)
    assert not preview.unchanged and preview.header_changed
    apply_update(case_file=case_file, case=case, fingerprint=preview.fingerprint)
    saved = case.reference_values.get()
    assert (saved.option.key, saved.criterion.key, saved.value) == (option, criterion, 1.5)
    assert preview_update(case_file, case).unchanged
