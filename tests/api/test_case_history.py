"""A case item's history and revert through the API: the same entries and the same service as the web editor's
History, the same roles, versions and refusals."""

import pytest

from policies.models import Case, Option
from tests.api.conftest import error_of
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_an_option_goes_back_to_its_first_version_and_the_history_says_so(caller) -> None:
    analyst = caller("analyst")
    case = CaseFactory(team=analyst.team)
    items = f"/api/cases/{case.pk}/items/option"
    created = analyst.post(items, {"name": {"en": "Negotiate", "fr": "Négocier"}}).json()
    renamed = analyst.patch(f"{items}/{created['key']}", {"name": {"en": "Talk"}, "version": 1}).json()
    assert renamed["version"] == 2

    history = analyst.get(f"{items}/{created['key']}/history")
    assert history.status_code == 200
    newest, oldest = history.json()
    assert (newest["change"], newest["latest"], oldest["change"], oldest["latest"]) == (
        "changed", True, "created", False
    )  # fmt: skip
    assert newest["who"] == oldest["who"] == analyst.user.get_username()
    [field] = newest["fields"]
    assert "Negotiate" in field["old"] and "Talk" in field["new"] and "Négocier" in field["new"]

    back = analyst.post(f"{items}/{created['id']}/revert", {"history_id": oldest["history_id"], "version": 2})
    assert back.status_code == 200, back.json()
    assert back.json()["name"] == {"en": "Negotiate", "fr": "Négocier"} and back.json()["version"] == 3
    option = Option.objects.get(pk=created["id"])
    assert option.name == {"en": "Negotiate", "fr": "Négocier"} and option.version == 3
    reverted = analyst.get(f"{items}/{created['key']}/history").json()
    assert len(reverted) == 3  # the revert is a new version, by its author
    assert (reverted[0]["change"], reverted[0]["who"]) == ("changed", analyst.user.get_username())


def test_a_stale_or_foreign_version_is_refused_and_nothing_changes(caller) -> None:
    analyst = caller("analyst")
    case = CaseFactory(team=analyst.team)
    items = f"/api/cases/{case.pk}/items/option"
    first = analyst.post(items, {"name": {"en": "First"}}).json()
    analyst.patch(f"{items}/{first['key']}", {"name": {"en": "Second"}, "version": 1})
    oldest = analyst.get(f"{items}/{first['key']}/history").json()[-1]["history_id"]

    stale = analyst.post(f"{items}/{first['key']}/revert", {"history_id": oldest, "version": 1})
    assert stale.status_code == 409 and error_of(stale)["code"] == "stale_version"
    other = analyst.post(items, {"name": {"en": "Other"}}).json()
    other_version = analyst.get(f"{items}/{other['key']}/history").json()[0]["history_id"]
    foreign = analyst.post(f"{items}/{first['key']}/revert", {"history_id": other_version, "version": 2})
    assert foreign.status_code == 422 and error_of(foreign)["details"][0]["path"] == "$.history_id"
    for bad in (
        {},
        {"history_id": oldest},
        {"history_id": "x", "version": 2},
        {"history_id": -1, "version": 2},
    ):
        assert analyst.post(f"{items}/{first['key']}/revert", bad).status_code == 422, bad
    assert Option.objects.get(pk=first["id"]).name == {"en": "Second"}


def test_the_header_goes_back_too(caller) -> None:
    owner = caller("owner")
    case = CaseFactory(team=owner.team, title={"en": "Drought basin"})
    owner.patch(f"/api/cases/{case.pk}/header", {"title": {"en": "Flooded basin"}, "version": case.version})
    history = owner.get(f"/api/cases/{case.pk}/header/history").json()
    assert "Flooded basin" in history[0]["fields"][0]["new"]
    stored = Case.objects.get(pk=case.pk)
    back = owner.post(
        f"/api/cases/{case.pk}/header/revert",
        {"history_id": history[-1]["history_id"], "version": stored.version},
    )
    assert back.status_code == 200 and back.json()["title"] == {"en": "Drought basin"}
    assert Case.objects.get(pk=case.pk).title == {"en": "Drought basin"}


def test_history_and_revert_are_for_the_teams_editors(caller) -> None:
    participant = caller("participant")
    case = CaseFactory(team=participant.team)
    assert participant.get(f"/api/cases/{case.pk}/header/history").status_code == 403
    body = {"history_id": 1, "version": case.version}
    assert participant.post(f"/api/cases/{case.pk}/header/revert", body).status_code == 403
    stranger = caller("owner")
    assert stranger.get(f"/api/cases/{case.pk}/header/history").status_code == 404
    assert stranger.post(f"/api/cases/{case.pk}/header/revert", body).status_code == 404
