"""Cases through the API: lists and pages, the dossier lists, export and import, with the web's role rules."""

import json

import pytest

from policies.models import Case, Option, Scenario
from policies.models.exercises import Phase
from tests.api.conftest import SEED, error_of
from tests.factories import (
    CaseFactory,
    CriterionFactory,
    ExerciseFactory,
    MembershipFactory,
    OptionFactory,
    TeamFactory,
)
from tests.viewers import export_all

pytestmark = pytest.mark.django_db


def seed_document() -> dict:
    return json.loads(SEED.read_text())


def test_cases_lists_only_the_callers_teams(caller) -> None:
    member = caller("observer")
    mine = CaseFactory.create_batch(2, team=member.team)
    CaseFactory()  # another team's
    CaseFactory(team=None)  # a shared template: copied on the web, not listed here
    body = member.get("/api/cases").json()
    assert body["count"] == 2
    assert {item["id"] for item in body["items"]} == {case.pk for case in mine}
    assert all(item["team"] == member.team.slug for item in body["items"])


def test_lists_are_paginated_with_a_total_count(caller) -> None:
    member = caller("participant")
    cases = CaseFactory.create_batch(5, team=member.team)
    keys = sorted(case.key for case in cases)
    first = member.get("/api/cases", {"limit": 2}).json()
    assert (first["count"], first["limit"], first["offset"]) == (5, 2, 0)
    assert [item["key"] for item in first["items"]] == keys[:2]
    last = member.get("/api/cases", {"limit": 2, "offset": 4}).json()
    assert [item["key"] for item in last["items"]] == keys[4:]
    beyond = member.get("/api/cases", {"offset": 50}).json()
    assert (beyond["count"], beyond["items"]) == (5, [])
    assert member.get("/api/cases").json()["limit"] == 20


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10**7}, "offset"),
    ],
)
def test_pagination_bounds_are_checked(caller, params, parameter) -> None:
    response = caller("participant").get("/api/cases", params)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert [(d["location"], d["path"]) for d in error["details"]] == [("query", parameter)]


def test_unknown_query_parameters_are_refused(caller) -> None:
    response = caller("participant").get("/api/cases", {"limt": 5})
    assert response.status_code == 422
    error = error_of(response)
    assert "limt" in error["message"]
    assert error["details"] == [
        {"location": "query", "path": "limt", "message": "Unknown query parameter.", "index": None}
    ]


def test_a_case_summary_has_its_counts_and_the_callers_role(caller, seeded_case) -> None:
    member = caller("observer", team=seeded_case.team)
    response = member.get(f"/api/cases/{seeded_case.pk}")
    assert response.status_code == 200
    body = response.json()
    document = seed_document()
    assert body["title"] == document["case"]["title"]
    assert body["question"] == document["case"]["question"]
    assert body["role"] == "observer"
    assert body["counts"] == {
        "sources": len(document["sources"]),
        "evidence": len(document["evidence"]),
        "actors": len(document["actors"]),
        "drivers": len(document["drivers"]),
        "scenarios": len(document["scenarios"]),
        "options": len(document["options"]),
        "criteria": len(document["criteria"]),
        "exercises": 1,
    }


@pytest.mark.parametrize("suffix", ["", "/export", "/options", "/criteria", "/scenarios"])
def test_another_teams_case_is_not_found(caller, suffix: str) -> None:
    member = caller("owner")
    other = CaseFactory()
    response = member.get(f"/api/cases/{other.pk}{suffix}")
    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": "No such case.", "details": []}
    assert member.get(f"/api/cases/999999{suffix}").status_code == 404


def test_options_criteria_and_scenarios_carry_both_languages(caller, seeded_case) -> None:
    member = caller("participant", team=seeded_case.team)
    document = seed_document()
    options = member.get(f"/api/cases/{seeded_case.pk}/options", {"limit": 100}).json()
    assert options["count"] == len(document["options"])
    assert [o["key"] for o in options["items"]] == [o["id"] for o in document["options"]]
    first = options["items"][0]
    assert first["name"] == document["options"][0]["name"]
    assert set(first["description"]) == {"en", "fr"}

    criteria = member.get(f"/api/cases/{seeded_case.pk}/criteria", {"limit": 100}).json()["items"]
    by_key = {c["key"]: c for c in criteria}
    for item in document["criteria"]:
        criterion = by_key[item["id"]]
        assert criterion["name"] == item["name"]
        assert criterion["parent"] == item.get("parent")
        if criterion["is_group"]:
            assert criterion["scale"] is None and criterion["direction"] is None
        else:
            assert criterion["scale"]["min"] == item["scale"]["min"]
            assert criterion["direction"] == item["direction"]

    scenarios = member.get(f"/api/cases/{seeded_case.pk}/scenarios").json()["items"]
    assert [s["key"] for s in scenarios] == [s["id"] for s in document["scenarios"]]
    assert scenarios[0]["states"] == document["scenarios"][0]["states"]
    assert scenarios[0]["plausibility"] == document["scenarios"][0].get("plausibility", 3)


def test_a_missing_translation_is_an_empty_string(caller) -> None:
    member = caller("participant")
    case = CaseFactory(team=member.team)
    OptionFactory(case=case, name={"en": "Talks"}, description={})
    CriterionFactory(case=case, name={"fr": "Coût"})
    option = member.get(f"/api/cases/{case.pk}/options").json()["items"][0]
    assert (option["name"], option["description"]) == ({"en": "Talks", "fr": ""}, {"en": "", "fr": ""})
    criterion = member.get(f"/api/cases/{case.pk}/criteria").json()["items"][0]
    assert criterion["name"] == {"en": "", "fr": "Coût"}


def test_the_export_is_the_case_file_document(caller, seeded_case) -> None:
    member = caller("analyst", team=seeded_case.team)
    response = member.get(f"/api/cases/{seeded_case.pk}/export")
    assert response.status_code == 200
    assert response.json() == export_all(seeded_case)
    assert response.json() == seed_document()  # the seed is canonical: the round trip is lossless
    without = member.get(f"/api/cases/{seeded_case.pk}/export", {"exercises": "false"}).json()
    assert "exercises" not in without


@pytest.mark.parametrize(("role", "status"), [("participant", 403), ("observer", 403), ("facilitator", 200)])
def test_exporting_needs_a_case_editing_role(caller, seeded_case, role: str, status: int) -> None:
    response = caller(role, team=seeded_case.team).get(f"/api/cases/{seeded_case.pk}/export")
    assert response.status_code == status
    if status == 403:
        assert error_of(response)["message"] == "Your role in this team does not allow this."


# -- import ---------------------------------------------------------------------------------------------


def test_importing_a_case_file(caller) -> None:
    member = caller("facilitator")
    response = member.post(f"/api/teams/{member.team.slug}/cases", SEED.read_bytes())
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get(pk=body["id"], team=member.team)
    assert body["key"] == case.key == "mali-2012"
    assert response["Location"] == f"/api/cases/{case.pk}"
    assert case.options.count() == len(seed_document()["options"])
    assert member.get(f"/api/cases/{case.pk}/export").json() == seed_document()
    # Imported again, it becomes a second case (as on the web's default) ...
    again = member.post(f"/api/teams/{member.team.slug}/cases", SEED.read_bytes()).json()
    assert again["key"] == "mali-2012-2"
    # ... or, without as_new, previews the update of the first (tests/api/test_case_update.py).
    response = member.post(f"/api/teams/{member.team.slug}/cases?as_new=false", SEED.read_bytes())
    assert response.status_code == 200
    assert response.json()["id"] == case.pk and response.json()["unchanged"] is True
    assert Case.objects.filter(team=member.team).count() == 2


def test_a_bad_case_file_lists_its_problems_by_json_path_and_writes_nothing(caller) -> None:
    member = caller("owner")
    document = seed_document()
    del document["options"][2]["name"]
    document["exercises"][0]["scores"][0]["value"] = 99
    document["criteria"][0]["unexpected"] = True
    response = member.post(f"/api/teams/{member.team.slug}/cases", document)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_case_file"
    paths = {d["path"] for d in error["details"]}
    assert {"$.options[2].name", "$.criteria[0].unexpected"} <= paths
    assert all(d["location"] == "body" for d in error["details"])
    assert not Case.objects.exists() and not Option.objects.exists()

    document = seed_document()
    document["exercises"][0]["scores"][0]["value"] = 99
    error = error_of(member.post(f"/api/teams/{member.team.slug}/cases", document))
    assert [d["path"] for d in error["details"]] == ["$.exercises[0].scores[0].value"]
    assert "outside the criterion's scale" in error["details"][0]["message"]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"", 400), (b"{not json", 422), (b"[]", 422), (b'{"format": "other"}', 422)],
)
def test_not_a_case_file(caller, body: bytes, status: int) -> None:
    member = caller("owner")
    response = member.post(f"/api/teams/{member.team.slug}/cases", body)
    assert response.status_code == status
    error_of(response)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["case"].update(period="x" * 61), "$.case.period"),
        (lambda d: d["sources"][0].update(file="f" * 201), "$.sources[0].file"),
        (lambda d: d["case"]["title"].update(en="nul\x00byte"), "$.case.title.en"),
        (lambda d: d["consistency"].append(dict(d["consistency"][0])), "$.consistency[36]"),
        (lambda d: d["exercises"][0]["weights"][0].update(round=40000), "$.exercises[0].weights[0].round"),
    ],
)
def test_values_the_database_cannot_hold_are_refused(caller, change, path: str) -> None:
    member = caller("owner")
    document = seed_document()
    change(document)
    response = member.post(f"/api/teams/{member.team.slug}/cases", document)
    assert response.status_code == 422
    assert path in [d["path"] for d in error_of(response)["details"]]
    assert not Case.objects.exists()


def test_an_oversized_body_is_413(caller) -> None:
    member = caller("owner")
    body = b'{"format": "policy-workbench-case", "padding": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    response = member.post(f"/api/teams/{member.team.slug}/cases", body)
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"
    assert not Case.objects.exists()


def test_a_large_case_file_under_5_mb_is_read(caller) -> None:
    """Django's 2.5 MB limit on form bodies does not apply: the API reads up to 5 MB itself."""
    member = caller("owner")
    compact = json.dumps(seed_document()).encode()
    body = compact[:-1] + b" " * (4_000_000 - len(compact)) + b"}"  # whitespace: still the same document
    response = member.post(f"/api/teams/{member.team.slug}/cases", body)
    assert response.status_code == 201
    assert Case.objects.get(team=member.team).key == "mali-2012"


def test_an_analyst_imports_the_case_but_not_its_exercises(caller) -> None:
    """Exercises are created by facilitators and owners, on the web and through an import alike."""
    member = caller("analyst")
    refused = member.post(f"/api/teams/{member.team.slug}/cases", SEED.read_bytes())
    assert refused.status_code == 403
    assert "facilitator or owner" in error_of(refused)["message"]
    assert not Case.objects.exists()
    response = member.post(f"/api/teams/{member.team.slug}/cases?exercises=false", SEED.read_bytes())
    assert response.status_code == 201
    case = Case.objects.get(team=member.team)
    assert case.options.count() == len(seed_document()["options"]) and not case.exercises.exists()


@pytest.mark.parametrize(("role", "status"), [("participant", 403), ("observer", 403), ("facilitator", 201)])
def test_importing_needs_a_case_editing_role(caller, role: str, status: int) -> None:
    member = caller(role)
    response = member.post(f"/api/teams/{member.team.slug}/cases", SEED.read_bytes())
    assert response.status_code == status
    assert Case.objects.exists() == (status == 201)


def test_importing_into_another_team_is_not_found(caller) -> None:
    member = caller("owner")
    other = TeamFactory()
    response = member.post(f"/api/teams/{other.slug}/cases", SEED.read_bytes())
    assert response.status_code == 404
    assert error_of(response)["message"] == "No such team."
    assert not Case.objects.exists()


def test_importing_needs_the_write_scope(caller) -> None:
    member = caller("owner", scopes=["read", "reports"])
    response = member.post(f"/api/teams/{member.team.slug}/cases", SEED.read_bytes())
    assert response.status_code == 403
    assert not Scenario.objects.exists()


def test_importing_a_source_whose_address_is_not_a_web_page_is_refused(caller) -> None:
    member = caller("analyst")
    document = seed_document()
    document["sources"][0]["url"] = "javascript:alert(document.cookie)"
    response = member.post(f"/api/teams/{member.team.slug}/cases", document)
    assert response.status_code == 422
    details = error_of(response)["details"]
    assert [(d["path"], d["message"]) for d in details] == [
        ("$.sources[0].url", "Only web addresses are accepted: they begin with http:// or https://.")
    ]
    assert not Case.objects.exists()


def test_cases_filter_by_team_and_exercises_by_case_and_phase(caller) -> None:
    member = caller("facilitator")
    other = TeamFactory()
    MembershipFactory(team=other, user=member.membership.user, role="analyst")
    mine = CaseFactory(team=member.team)
    theirs = CaseFactory(team=other)
    stranger = CaseFactory()  # a team the caller is not in
    by_team = member.get("/api/cases", {"team": other.slug}).json()
    assert [item["id"] for item in by_team["items"]] == [theirs.pk]
    assert member.get("/api/cases").json()["count"] == 2
    assert member.get("/api/cases", {"team": stranger.team.slug}).json()["count"] == 0
    assert member.get("/api/cases", {"team": "not a slug!"}).status_code == 422

    open_one = ExerciseFactory(case=mine, team=member.team)
    workshop = ExerciseFactory(case=mine, team=member.team, facilitated=True, phase=Phase.BRIEFING)
    ExerciseFactory(case=theirs, team=other)
    in_case = member.get("/api/exercises", {"case": mine.pk}).json()
    assert {item["id"] for item in in_case["items"]} == {open_one.pk, workshop.pk}
    briefing = member.get("/api/exercises", {"case": mine.pk, "phase": "briefing"}).json()
    assert [item["id"] for item in briefing["items"]] == [workshop.pk]
    assert member.get("/api/exercises", {"phase": "no-such-phase"}).status_code == 422
