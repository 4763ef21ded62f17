"""Going back to an earlier version, for the kinds that had no history before: sources, driver states and the
case's header. Each goes through the editor's own forms, so the history records what a person did."""

import pytest
from django.urls import reverse

from policies.models import Case, Driver, DriverState, SourceDocument
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def bilingual(**fields: str) -> dict[str, str]:
    return {
        f"{name}_{lang}": (text if lang == "en" else f"{text} (fr)")
        for name, text in fields.items()
        for lang in ("en", "fr")
    }


def _post(client, url: str, data: dict[str, str], status: int = 302):
    response = client.post(url, data)
    assert response.status_code == status, response.content.decode()[-2000:]
    return response


def _oldest(item) -> int:
    return item.history.order_by("history_id").first().history_id


def test_a_source_goes_back_to_its_first_version(client, login) -> None:
    case = CaseFactory(team=login("analyst").team)
    _post(
        client,
        reverse("case-item-new", args=[case.pk, "source"]),
        {"title_en": "Annual report", "date": "2024"},
    )
    source = SourceDocument.objects.get(case=case)
    edit = reverse("case-item-edit", args=[case.pk, "source", source.pk])
    _post(client, edit, {"title_en": "Annual report, revised", "date": "2025", "version": "1"})
    source.refresh_from_db()
    assert (source.title, source.date, source.version) == ({"en": "Annual report, revised"}, "2025", 2)

    history = client.get(reverse("case-item-history", args=[case.pk, "source", source.pk]))
    assert history.status_code == 200 and "Annual report, revised" in history.content.decode()

    revert = reverse("case-item-revert", args=[case.pk, "source", source.pk, _oldest(source)])
    _post(client, revert, {"version": "2"})
    source.refresh_from_db()
    assert (source.title, source.date, source.version) == ({"en": "Annual report"}, "2024", 3)
    assert source.key == "annual-report"


def test_a_driver_state_goes_back_and_stays_with_its_driver(client, login) -> None:
    case = CaseFactory(team=login("facilitator").team)
    _post(
        client, reverse("case-item-new", args=[case.pk, "driver"]), bilingual(name="Rainfall", description="")
    )
    driver = Driver.objects.get(case=case)
    state_data = {**bilingual(name="Dry", description="Below average"), "driver": str(driver.pk)}
    _post(client, reverse("case-item-new", args=[case.pk, "state"]), state_data)
    state = DriverState.objects.get(driver=driver)
    edit = reverse("case-item-edit", args=[case.pk, "state", state.pk])
    _post(
        client,
        edit,
        {**bilingual(name="Very dry", description="Far below"), "driver": str(driver.pk), "version": "1"},
    )
    state.refresh_from_db()
    assert state.name["en"] == "Very dry"

    editor = client.get(reverse("case-edit", args=[case.pk])).content.decode()
    assert reverse("case-item-history", args=[case.pk, "state", state.pk]) in editor

    _post(
        client,
        reverse("case-item-revert", args=[case.pk, "state", state.pk, _oldest(state)]),
        {"version": "2"},
    )
    state.refresh_from_db()
    assert state.name == {"en": "Dry", "fr": "Dry (fr)"}
    assert state.description["en"] == "Below average"
    assert (state.driver_id, state.version) == (driver.pk, 3)


def test_the_case_header_goes_back_to_an_earlier_title_question_and_summary(client, login) -> None:
    membership = login("owner")
    _post(
        client,
        reverse("case-new", args=[membership.team.slug]),
        bilingual(title="Drought basin", question="Which allocation?", summary="Two dry years."),
    )
    case = Case.objects.get(team=membership.team)
    header = reverse("case-header", args=[case.pk])
    _post(
        client,
        header,
        {**bilingual(title="Flood basin", question="Which dykes?", summary="A wet decade."), "version": "1"},
    )
    case.refresh_from_db()
    assert case.title["en"] == "Flood basin" and case.version == 2

    history = client.get(reverse("case-header-history", args=[case.pk]))
    assert history.status_code == 200
    page = history.content.decode()
    assert "Drought basin" in page and "Flood basin" in page
    assert reverse("case-header-revert", args=[case.pk, _oldest(case)]) in page

    _post(client, reverse("case-header-revert", args=[case.pk, _oldest(case)]), {"version": "2"})
    case.refresh_from_db()
    assert case.title == {"en": "Drought basin", "fr": "Drought basin (fr)"}
    assert case.question["en"] == "Which allocation?" and case.summary["en"] == "Two dry years."
    assert (case.team_id, case.version) == (membership.team_id, 3)


@pytest.mark.parametrize("kind", ["source", "state", "header"])
def test_a_revert_from_a_stale_version_is_a_conflict_and_changes_nothing(client, login, kind: str) -> None:
    case = CaseFactory(team=login("analyst").team, title={"en": "First"})
    item: Case | SourceDocument | DriverState
    if kind == "source":
        item = SourceDocument.objects.create(case=case, key="s", title={"en": "First"})
    elif kind == "state":
        driver = Driver.objects.create(case=case, key="d", name={"en": "Rain"})
        item = DriverState.objects.create(driver=driver, key="s", name={"en": "First"})
    else:
        item = case
    first = _oldest(item)
    if isinstance(item, SourceDocument):
        item.title = {"en": "Second"}
    elif isinstance(item, DriverState):
        item.name = {"en": "Second"}
    else:
        item.title = {"en": "Second"}
    item.version = 2
    item.save()

    if kind == "header":
        url = reverse("case-header-revert", args=[case.pk, first])
    else:
        url = reverse("case-item-revert", args=[case.pk, kind, item.pk, first])
    response = _post(client, url, {"version": "1"}, status=409)
    assert "Someone else changed this item" in response.content.decode()
    item.refresh_from_db()
    assert item.version == 2 and "Second" in str(getattr(item, "title", None) or item.name)


def test_a_version_of_another_item_is_refused(client, login) -> None:
    case = CaseFactory(team=login("analyst").team)
    one = SourceDocument.objects.create(case=case, key="one", title={"en": "One"})
    other = SourceDocument.objects.create(case=case, key="other", title={"en": "Other"})
    url = reverse("case-item-revert", args=[case.pk, "source", one.pk, _oldest(other)])
    response = client.post(url, {"version": "1"}, follow=True)
    assert "not in this item" in response.content.decode()
    one.refresh_from_db()
    assert (one.title, one.version) == ({"en": "One"}, 1)


def test_header_history_and_revert_are_for_editors_of_the_team_only(client, login) -> None:
    membership = login("participant")
    case = CaseFactory(team=membership.team)
    first = _oldest(case)
    assert client.get(reverse("case-header-history", args=[case.pk])).status_code == 403
    assert (
        client.post(reverse("case-header-revert", args=[case.pk, first]), {"version": "1"}).status_code == 403
    )
    elsewhere = CaseFactory()
    login("owner")
    assert client.get(reverse("case-header-history", args=[elsewhere.pk])).status_code == 404
    url = reverse("case-header-revert", args=[elsewhere.pk, _oldest(elsewhere)])
    assert client.post(url, {"version": "1"}).status_code == 404
