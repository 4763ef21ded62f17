"""Updating a team's case from a case file through the API, as on the web: a preview of every change with a
fingerprint first, then a confirmation that applies it, refused if the case changed in between."""

import json

import pytest

from policies.models import Case, Option, ScoreJudgment, SourceDocument
from tests.api.conftest import SEED, error_of

pytestmark = pytest.mark.django_db


def seed_document() -> dict:
    return json.loads(SEED.read_text())


def imported(member) -> Case:
    response = member.post(f"/api/teams/{member.team.slug}/cases", SEED.read_bytes())
    assert response.status_code == 201
    return Case.objects.get(pk=response.json()["id"])


def edited() -> tuple[dict, str, str]:
    """The seed with its first option renamed, its last option removed and a source added."""
    document = seed_document()
    renamed = document["options"][0]["id"]
    removed = document["options"][-1]["id"]
    document["options"][0]["name"] = {"en": "Renamed option", "fr": "Option renommée"}
    del document["options"][-1]
    for exercise in document["exercises"]:
        exercise["options"] = [key for key in exercise["options"] if key != removed]
        exercise["scores"] = [s for s in exercise["scores"] if s["option"] != removed]
    document["sources"].append({"id": "new-memo", "title": {"en": "A new memo", "fr": "Une nouvelle note"}})
    return document, renamed, removed


def test_an_update_is_previewed_then_applied_on_confirmation(caller) -> None:
    member = caller("facilitator")
    case = imported(member)
    document, renamed, removed = edited()
    assert ScoreJudgment.objects.filter(option__case=case, option__key=removed).exists()
    preview = member.post(f"/api/teams/{member.team.slug}/cases?as_new=false", document)
    assert preview.status_code == 200
    body = preview.json()
    assert body["id"] == case.pk and body["unchanged"] is False
    changes = {item["kind"]: item for item in body["items"]}
    assert any(renamed in name for name in changes["options"]["changed"])
    assert any(removed in name for name in changes["options"]["removed"])
    assert changes["sources"]["added"] == ["A new memo (new-memo)"]
    assert body["judgments_lost_count"] > 0 and body["judgments_lost"]
    assert len(body["fingerprint"]) == 64 and body["fingerprint"] in body["confirm"]
    # Nothing is written by the preview.
    assert Option.objects.filter(case=case, key=removed).exists()
    assert not SourceDocument.objects.filter(case=case, key="new-memo").exists()
    assert Case.objects.filter(team=member.team).count() == 1

    confirmed = member.post(body["confirm"], document)
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["id"] == case.pk and confirmed.json()["unchanged"] is False
    assert not Option.objects.filter(case=case, key=removed).exists()
    assert not ScoreJudgment.objects.filter(option__case=case, option__key=removed).exists()
    assert Option.objects.get(case=case, key=renamed).name["en"] == "Renamed option"
    assert SourceDocument.objects.get(case=case, key="new-memo").title["fr"] == "Une nouvelle note"
    assert member.get(f"/api/cases/{case.pk}/export").json()["options"] == document["options"]


def test_a_confirmation_after_the_case_changed_is_refused_and_writes_nothing(caller) -> None:
    member = caller("owner")
    case = imported(member)
    document, renamed, removed = edited()
    body = member.post(f"/api/teams/{member.team.slug}/cases?as_new=false", document).json()
    Option.objects.filter(case=case, key=renamed).update(name={"en": "Changed meanwhile"})
    stale = member.post(body["confirm"], document)
    assert stale.status_code == 409
    assert error_of(stale)["code"] == "stale_preview"
    assert Option.objects.filter(case=case, key=removed).exists()
    assert Option.objects.get(case=case, key=renamed).name == {"en": "Changed meanwhile"}
    # A fresh preview gives a new fingerprint, which applies.
    again = member.post(f"/api/teams/{member.team.slug}/cases?as_new=false", document).json()
    assert again["fingerprint"] != body["fingerprint"]
    assert member.post(again["confirm"], document).status_code == 200
    assert not Option.objects.filter(case=case, key=removed).exists()


def test_an_unchanged_file_changes_nothing(caller) -> None:
    member = caller("facilitator")
    case = imported(member)
    before = (case.version, case.updated)
    preview = member.post(f"/api/teams/{member.team.slug}/cases?as_new=false", SEED.read_bytes())
    assert preview.status_code == 200
    body = preview.json()
    assert body["unchanged"] is True and body["items"] == [] and body["judgments_lost_count"] == 0
    confirmed = member.post(body["confirm"], SEED.read_bytes())
    assert confirmed.status_code == 200 and confirmed.json()["unchanged"] is True
    case.refresh_from_db()
    assert (case.version, case.updated) == before
    assert Case.objects.filter(team=member.team).count() == 1


def test_roles_are_the_web_s(caller) -> None:
    facilitator = caller("facilitator")
    case = imported(facilitator)
    document, _renamed, removed = edited()
    participant = caller("participant", team=facilitator.team)
    refused = participant.post(f"/api/teams/{participant.team.slug}/cases?as_new=false", document)
    assert refused.status_code == 403
    fingerprint = "0" * 64
    assert (
        participant.post(
            f"/api/teams/{participant.team.slug}/cases/update?fingerprint={fingerprint}", document
        ).status_code
        == 403
    )
    # An analyst updates the case's content, not its exercises.
    analyst = caller("analyst", team=facilitator.team)
    assert analyst.post(f"/api/teams/{analyst.team.slug}/cases?as_new=false", document).status_code == 403
    body = analyst.post(f"/api/teams/{analyst.team.slug}/cases?as_new=false&exercises=false", document).json()
    assert "exercises=false" in body["confirm"]
    assert analyst.post(body["confirm"], document).status_code == 200
    assert not Option.objects.filter(case=case, key=removed).exists()
    # Another team's member cannot reach the team at all.
    stranger = caller("owner")
    assert (
        stranger.post(f"/api/teams/{facilitator.team.slug}/cases?as_new=false", document).status_code == 404
    )


def test_confirming_needs_a_fingerprint_and_a_case_to_update(caller) -> None:
    member = caller("owner")
    imported(member)
    url = f"/api/teams/{member.team.slug}/cases/update"
    assert member.post(url, SEED.read_bytes()).status_code == 422  # no fingerprint
    assert member.post(f"{url}?fingerprint=abc", SEED.read_bytes()).status_code == 422
    other = seed_document()
    other["case"]["id"] = "not-in-the-team"
    missing = member.post(f"{url}?fingerprint={'0' * 64}", other)
    assert missing.status_code == 404
    bad = seed_document()
    bad["options"][0]["name"] = 3
    assert member.post(f"{url}?fingerprint={'0' * 64}", bad).status_code == 422
