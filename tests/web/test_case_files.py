import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policies.casefile.validation import parse_case_file
from policies.models import Case, Option, PairwiseJudgment
from policies.models.exercises import WeightingMethod
from policies.services.case_import import import_case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"


def upload(client, team, content: bytes, as_new: bool = True, **boxes: bool):
    data = {"file": SimpleUploadedFile("case.json", content, content_type="application/json")}
    if as_new:
        data["as_new"] = "on"
    data |= {name: "on" for name, ticked in boxes.items() if ticked}
    return client.post(reverse("case-import", args=[team.slug]), data)


def confirmation(preview) -> dict[str, str]:
    """The fields of a preview page's confirmation form, as the browser would post them."""
    context = preview.context
    return {
        "document": context["document"],
        "fingerprint": context["update"].fingerprint,
        "with_exercises": "1" if context["with_exercises"] else "0",
        "replace_people": "1" if context["replace_people"] else "0",
    }


def test_facilitator_exports_edits_and_imports_as_a_new_case(client, login) -> None:
    membership = login("facilitator")
    team = membership.team
    case = import_case(case_file=parse_case_file(SMALL.read_bytes()), team=team)
    response = client.get(reverse("case-export", args=[case.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="small.json"'
    document = json.loads(response.content)
    assert document["exercises"][0]["id"] == "small-sample"
    document["options"][0]["name"]["en"] = "Northern highway"
    response = upload(client, team, json.dumps(document).encode())
    assert response.status_code == 302
    copy = Case.objects.exclude(pk=case.pk).get(team=team)
    assert copy.key == "small-2"
    assert copy.options.get(key="north-road").name["en"] == "Northern highway"
    assert case.options.get(key="north-road").name["en"] == "North road"  # the original is untouched
    assert copy.exercises.get().participants.count() == 2  # exercises travel with the file
    assert response["Location"] == reverse("case", args=[copy.pk])


def test_importing_without_as_new_updates_in_place(client, login) -> None:
    team = login("analyst").team
    case = import_case(case_file=parse_case_file(SMALL.read_bytes()), team=team)
    changed = SMALL.read_text().replace('"North road"', '"North road, revised"')
    # The file holds an exercise, which an analyst may not change: refused, with the way out.
    refused = upload(client, team, changed.encode(), as_new=False)
    assert refused.status_code == 403
    assert "Import it without its exercises" in refused.content.decode()
    assert case.options.get(key="north-road").name["en"] == "North road"
    preview = upload(client, team, changed.encode(), as_new=False, without_exercises=True)
    assert preview.status_code == 200
    assert case.options.get(key="north-road").name["en"] == "North road"  # not before confirmation
    confirmed = client.post(reverse("case-update-confirm", args=[team.slug]), confirmation(preview))
    assert confirmed.status_code == 302
    assert Case.objects.filter(team=team).count() == 1
    assert case.options.get(key="north-road").name["en"] == "North road, revised"


def test_a_bad_upload_lists_every_problem_and_writes_nothing(client, login) -> None:
    team = login("facilitator").team
    broken = (
        SMALL.read_text()
        .replace('"source": "memo"', '"source": "nowhere"')
        .replace('["ministry"]', '["army"]')
    )
    response = upload(client, team, broken.encode())
    assert response.status_code == 422
    html = response.content.decode()
    assert "$.evidence[0].source" in html
    assert "$.options[0].actors[0]" in html
    assert "nothing was imported" in html
    assert not Case.objects.exists() and not Option.objects.exists()


def test_oversized_and_non_json_uploads_are_refused(client, login) -> None:
    team = login("facilitator").team
    assert "larger than 5 MB" in upload(client, team, b" " * (5 * 1024 * 1024 + 10)).content.decode()
    assert "Not valid JSON" in upload(client, team, b"\x89PNG\r\n").content.decode()
    response = client.post(reverse("case-import", args=[team.slug]), {})
    assert response.status_code == 422
    assert not Case.objects.exists()


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_participants_and_observers_cannot_import_or_export(client, login, role: str) -> None:
    team = login(role).team
    case = CaseFactory(team=team)
    assert client.get(reverse("case-export", args=[case.pk])).status_code == 403
    assert upload(client, team, SMALL.read_bytes()).status_code == 403
    assert Case.objects.count() == 1


def test_another_teams_case_cannot_be_exported_or_copied(client, login) -> None:
    team = login("owner").team
    foreign = CaseFactory()
    assert client.get(reverse("case-export", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("case-clone", args=[team.slug, foreign.pk])).status_code == 404
    assert not Case.objects.filter(team=team).exists()


def test_a_template_is_copied_into_the_team_and_stays_shared(client, login) -> None:
    team = login("analyst").team
    template = import_case(case_file=parse_case_file(SMALL.read_bytes()), team=None)
    page = client.get(reverse("team", args=[team.slug])).content.decode()
    assert f'data-testid="copy-{template.key}"' in page
    response = client.post(reverse("case-clone", args=[team.slug, template.pk]))
    copy = Case.objects.get(team=team)
    assert response["Location"] == reverse("case", args=[copy.pk])
    assert list(copy.options.values_list("key", flat=True)) == list(
        template.options.values_list("key", flat=True)
    )
    assert copy.criteria.get(key="cost").direction == "cost"
    assert not copy.exercises.exists()
    assert Case.objects.filter(team__isnull=True).count() == 1
    # a second copy gets its own id
    client.post(reverse("case-clone", args=[team.slug, template.pk]))
    assert sorted(Case.objects.filter(team=team).values_list("key", flat=True)) == ["small", "small-2"]


def test_values_the_database_cannot_hold_are_refused_with_their_path(client, login) -> None:
    team = login("facilitator").team
    document = json.loads(SMALL.read_text())
    document["case"]["period"] = "x" * 200
    document["consistency"].append(document["consistency"][0])
    response = upload(client, team, json.dumps(document).encode())
    assert response.status_code == 422
    html = response.content.decode()
    assert "$.case.period" in html and "$.consistency[1]" in html
    assert not Case.objects.exists()


def ahp_document() -> dict:
    """The small case as an AHP exercise with Ann's comparisons for the baseline and for the "boom" scenario."""
    document = json.loads(SMALL.read_text())
    document["exercises"][0]["weighting_method"] = "ahp"
    document["exercises"][0]["pairwise"] = [
        {"participant": "ann", "criterion_a": "benefit", "criterion_b": "cost", "value": 3},
        {
            "participant": "ann",
            "criterion_a": "benefit",
            "criterion_b": "cost",
            "scenario": "boom",
            "value": 0.2,
        },
    ]
    return document


def test_an_ahp_exercise_travels_with_its_comparisons_through_export_and_import(client, login) -> None:
    team = login("facilitator").team
    case = import_case(case_file=parse_case_file(json.dumps(ahp_document())), team=team)
    document = json.loads(client.get(reverse("case-export", args=[case.pk])).content)
    assert document["exercises"][0]["weighting_method"] == "ahp"
    assert document["exercises"][0]["pairwise"] == ahp_document()["exercises"][0]["pairwise"]
    assert upload(client, team, json.dumps(document).encode()).status_code == 302
    copied = Case.objects.exclude(pk=case.pk).get(team=team).exercises.get()
    assert copied.weighting_method == WeightingMethod.AHP
    rows = PairwiseJudgment.objects.filter(participant__exercise=copied)
    assert set(rows.values_list("participant__key", "scenario__key", "value")) == {
        ("ann", None, 3.0),
        ("ann", "boom", 0.2),
    }


def test_bad_comparisons_are_listed_in_the_readers_language_and_nothing_is_imported(client, login) -> None:
    team = login("facilitator").team
    document = ahp_document()
    document["exercises"][0]["pairwise"] += [
        {"participant": "ann", "criterion_a": "cost", "criterion_b": "benefit", "value": 1 / 3},
        {"participant": "ann", "criterion_a": "cost", "criterion_b": "cost", "value": 1},
        {
            "participant": "ann",
            "criterion_a": "benefit",
            "criterion_b": "cost",
            "scenario": "bust",
            "value": 2.5,
        },
    ]
    client.cookies["django_language"] = "fr"
    response = upload(client, team, json.dumps(document).encode())
    assert response.status_code == 422
    html = response.content.decode()
    for expected in (
        "<code>$.exercises[0].pairwise[2]</code>: Deuxième comparaison des mêmes critères",
        "<code>$.exercises[0].pairwise[3].criterion_b</code>: Un critère ne peut pas être comparé à lui-même.",
        "<code>$.exercises[0].pairwise[4].scenario</code>: Le scénario &#x27;bust&#x27;",
        "<code>$.exercises[0].pairwise[4].value</code>: 2.5 n’est pas sur l’échelle.",
    ):
        assert expected in html
    assert not Case.objects.exists() and not PairwiseJudgment.objects.exists()
