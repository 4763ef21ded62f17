"""Case items through the API: a round trip for every kind, versions and 409, delete, reorder and roles."""

from typing import Any

import pytest

from policies.models import Case, Criterion, DeletedItem, Option, ScoreJudgment
from tests.factories import CaseFactory, CriterionFactory, OptionFactory, ScoreJudgmentFactory

pytestmark = pytest.mark.django_db


def items(case: Case, kind: str) -> str:
    return f"/api/cases/{case.pk}/items/{kind}"


def test_every_kind_round_trips(caller) -> None:
    analyst = caller("analyst")
    case = CaseFactory(team=analyst.team)

    def create(kind: str, body: dict[str, Any]) -> dict[str, Any]:
        response = analyst.post(items(case, kind), body)
        assert response.status_code == 201, response.json()
        created = response.json()
        assert created["version"] == 1
        again = analyst.get(f"{items(case, kind)}/{created['key']}").json()
        assert again == created  # by key, the same as by id
        assert analyst.get(f"{items(case, kind)}/{created['id']}").json() == created
        return created

    source = create("source", {"title": "Basin report", "date": "2025"})
    evidence = create(
        "evidence", {"text": {"en": "Reservoirs at 20 %", "fr": "Réservoirs à 20 %"}, "source": source["key"]}
    )
    assert evidence["source"] == "basin-report"
    actor = create(
        "actor", {"name": {"en": "Farmers"}, "stance": "More water", "evidence": [evidence["key"]]}
    )
    assert actor["evidence"] == [evidence["key"]] and actor["stance"] == {"en": "More water"}
    driver = create("driver", {"name": {"en": "Rainfall"}})
    dry = create("state", {"name": {"en": "Dry"}, "driver": driver["key"]})
    create("state", {"name": {"en": "Wet"}, "driver": driver["id"]})
    scenario = create(
        "scenario", {"name": {"en": "Drought"}, "plausibility": 4, "states": {"rainfall": "dry"}}
    )
    assert scenario["states"] == {"rainfall": dry["key"]}
    option = create(
        "option",
        {
            "name": {"en": "Quotas"},
            "instruments": {"en": "Decree"},
            "actors": ["farmers"],
            "evidence": [evidence["id"]],
        },
    )
    assert option["actors"] == ["farmers"] and option["instruments"] == {"en": "Decree"}
    group = create("criterion", {"name": {"en": "Social"}, "is_group": True})
    assert group["is_group"] is True
    leaf = create(
        "criterion",
        {
            "name": {"en": "Households"},
            "parent": "social",
            "direction": "benefit",
            "scale_min": 0,
            "scale_max": 10,
            "scale_low": {"en": "nobody served"},
            "scale_high": {"en": "all served"},
            "preference_function": "v-shape",
            "preference_threshold": 2,
        },
    )
    assert (
        leaf["parent"] == "social"
        and leaf["preference_function"] == "v-shape"
        and leaf["preference_threshold"] == 2
    )
    listed = analyst.get(items(case, "criterion")).json()
    assert [c["key"] for c in listed] == ["social", "households"]

    updated = analyst.patch(
        f"{items(case, 'option')}/quotas", {"version": 1, "description": {"en": "Rotate"}}
    )
    assert updated.status_code == 200, updated.json()
    assert updated.json()["version"] == 2 and updated.json()["name"] == {
        "en": "Quotas"
    }  # untouched fields kept
    assert updated.json()["actors"] == ["farmers"]


def test_a_stale_update_is_a_409_and_nothing_is_lost(caller) -> None:
    analyst = caller("analyst")
    case = CaseFactory(team=analyst.team)
    option = OptionFactory(case=case, name={"en": "Quotas"})
    url = f"{items(case, 'option')}/{option.key}"
    assert analyst.patch(url, {"version": 1, "description": {"en": "Weekly rotation"}}).status_code == 200
    stale = analyst.patch(url, {"version": 1, "name": {"en": "Quotas", "fr": "Quotas tournants"}})
    assert stale.status_code == 409
    body = stale.json()["error"]
    assert body["code"] == "stale_version"
    assert any("Weekly rotation" in detail["message"] for detail in body["details"])
    option.refresh_from_db()
    assert option.description == {"en": "Weekly rotation"} and option.name == {"en": "Quotas"}
    fresh = analyst.patch(url, {"version": 2, "name": {"en": "Quotas", "fr": "Quotas tournants"}})
    assert fresh.status_code == 200
    option.refresh_from_db()
    assert option.description == {"en": "Weekly rotation"} and option.name["fr"] == "Quotas tournants"


def test_every_problem_is_listed_and_no_database_words(caller) -> None:
    analyst = caller("analyst")
    case = CaseFactory(team=analyst.team)
    response = analyst.post(
        items(case, "criterion"),
        {
            "name": {"en": "Cost", "de": "Kosten"},
            "scale_min": 10,
            "scale_max": 0,
            "colour": "red",
            "parent": "nope",
        },
    )
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    paths = {d["path"] for d in details}
    assert {"$.colour", "$.name.de", "$.parent"} <= paths
    assert "Constraint" not in response.content.decode()
    assert not Criterion.objects.exists()
    # An update must say which version it was made from.
    option = OptionFactory(case=case)
    assert analyst.patch(f"{items(case, 'option')}/{option.pk}", {"name": {"en": "X"}}).status_code == 422


def test_delete_answers_what_went_and_can_be_restored_on_the_web(caller, client) -> None:
    analyst = caller("analyst")
    case = CaseFactory(team=analyst.team)
    option = OptionFactory(case=case)
    ScoreJudgmentFactory(option=option, criterion=CriterionFactory(case=case), value=3)
    url = f"{items(case, 'option')}/{option.key}"
    assert analyst.delete(f"{url}?version=7").status_code == 409
    response = analyst.delete(f"{url}?version=1")
    assert response.status_code == 200
    assert {"what": "score judgments", "count": 1} in response.json()["took_along"]
    assert not Option.objects.filter(pk=option.pk).exists()
    client.force_login(analyst.user)
    client.post(response.json()["restore"])
    assert Option.objects.filter(pk=option.pk).exists() and ScoreJudgment.objects.count() == 1
    assert not DeletedItem.objects.exists()


def test_reorder_takes_the_whole_list(caller) -> None:
    analyst = caller("analyst")
    case = CaseFactory(team=analyst.team)
    a, b, c = (OptionFactory(case=case, position=n) for n in (1, 2, 3))
    url = f"/api/cases/{case.pk}/order/option"
    assert analyst.put(url, {"order": [c.key, a.pk, b.key]}).status_code == 200
    assert list(case.options.order_by("position").values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]
    assert analyst.put(url, {"order": [a.key, b.key]}).status_code == 422
    assert analyst.put(url, {"order": [a.key, a.key, b.key]}).status_code == 422


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_readers_read_but_do_not_write(caller, role: str) -> None:
    reader = caller(role)
    case = CaseFactory(team=reader.team)
    option = OptionFactory(case=case)
    assert reader.get(items(case, "option")).status_code == 200
    assert reader.post(items(case, "option"), {"name": {"en": "X"}}).status_code == 403
    assert (
        reader.patch(f"{items(case, 'option')}/{option.pk}", {"version": 1, "name": {"en": "X"}}).status_code
        == 403
    )
    assert reader.delete(f"{items(case, 'option')}/{option.pk}?version=1").status_code == 403
    assert Option.objects.filter(case=case).count() == 1


def test_another_teams_case_is_not_found(caller) -> None:
    analyst = caller("analyst")
    foreign = OptionFactory()
    assert analyst.get(f"{items(foreign.case, 'option')}/{foreign.pk}").status_code == 404
    assert analyst.post(items(foreign.case, "option"), {"name": {"en": "X"}}).status_code == 404


def test_a_blank_case_and_its_header(caller) -> None:
    analyst = caller("analyst")
    created = analyst.post(
        f"/api/teams/{analyst.team.slug}/cases/blank", {"title": {"en": "Basin", "fr": "Bassin"}}
    )
    assert created.status_code == 201, created.json()
    case = Case.objects.get(pk=created.json()["id"])
    assert not case.options.exists() and case.title == {"en": "Basin", "fr": "Bassin"}
    url = f"/api/cases/{case.pk}/header"
    changed = analyst.patch(url, {"version": 1, "question": {"en": "How to share water?"}})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert changed.json()["title"] == {"en": "Basin", "fr": "Bassin"}  # kept
    stale = analyst.patch(url, {"version": 1, "title": "Other"})
    assert stale.status_code == 409
    case.refresh_from_db()
    assert case.title["en"] == "Basin" and case.question == {"en": "How to share water?"}
    assert analyst.post(f"/api/teams/{analyst.team.slug}/cases/blank", {"title": ""}).status_code == 422
    reader = caller("participant", team=analyst.team)
    assert reader.post(f"/api/teams/{analyst.team.slug}/cases/blank", {"title": "X"}).status_code == 403
    assert reader.patch(url, {"version": 2, "title": "X"}).status_code == 403
