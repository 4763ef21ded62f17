import pytest
from django.urls import reverse

from policies.models import Criterion, Option, Scenario
from tests.factories import CaseFactory, CriterionFactory, OptionFactory, ScoreJudgmentFactory

pytestmark = pytest.mark.django_db


def bilingual(**fields: str) -> dict[str, str]:
    return {
        f"{name}_{lang}": text
        for name, text in fields.items()
        for lang, text in (("en", text), ("fr", text + " (fr)"))
    }


def test_analyst_adds_and_edits_an_option_with_history(client, login) -> None:
    membership = login("analyst")
    case = CaseFactory(team=membership.team)
    url = reverse("case-item-new", args=[case.pk, "option"])
    response = client.post(
        url, bilingual(name="Border control", description="Patrols", instruments="", risks="")
    )
    assert response.status_code == 302
    option = Option.objects.get(case=case)
    assert option.key == "border-control"
    assert option.name == {"en": "Border control", "fr": "Border control (fr)"}
    assert option.description == {"en": "Patrols", "fr": "Patrols (fr)"}
    edit = reverse("case-item-edit", args=[case.pk, "option", option.pk])
    client.post(
        edit,
        {
            **bilingual(name="Border control and customs", description="Patrols", instruments="", risks=""),
            "version": "1",
        },
    )
    option.refresh_from_db()
    assert option.name["en"] == "Border control and customs"
    history = client.get(reverse("case-item-history", args=[case.pk, "option", option.pk])).content.decode()
    assert membership.user.username in history
    assert "Border control (fr)" in history and "Border control and customs" in history
    assert option.history.count() == 2


def test_a_name_is_required_and_nothing_is_saved_without_it(client, login) -> None:
    case = CaseFactory(team=login("facilitator").team)
    response = client.post(reverse("case-item-new", args=[case.pk, "scenario"]), {"plausibility": "3"})
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()
    assert not Scenario.objects.exists()


def test_scenario_plausibility_is_checked(client, login) -> None:
    case = CaseFactory(team=login("facilitator").team)
    data = {**bilingual(name="Drought", narrative="Rains fail."), "plausibility": "7"}
    response = client.post(reverse("case-item-new", args=[case.pk, "scenario"]), data)
    assert response.status_code == 422
    assert "Plausibility goes from 1" in response.content.decode()


def test_a_criterion_scale_cannot_exclude_existing_scores(client, login) -> None:
    case = CaseFactory(team=login("owner").team)
    criterion = CriterionFactory(case=case)
    ScoreJudgmentFactory(criterion=criterion, option=OptionFactory(case=case), value=8)
    data = {
        **bilingual(name="Cost", definition="Money"),
        "direction": "cost",
        "scale_min": "0",
        "scale_max": "5",
        "unit": "points",
        "version": str(criterion.version),
    }
    response = client.post(reverse("case-item-edit", args=[case.pk, "criterion", criterion.pk]), data)
    assert response.status_code == 422
    assert "existing scores lie outside" in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.scale_max == 10
    data["scale_max"] = "-1"
    assert (
        "below its maximum"
        in client.post(
            reverse("case-item-edit", args=[case.pk, "criterion", criterion.pk]), data
        ).content.decode()
    )


def test_a_group_asks_for_no_scale_and_takes_criteria(client, login) -> None:
    case = CaseFactory(team=login("owner").team)
    url = reverse("case-item-new", args=[case.pk, "criterion"])
    # A group: no direction, scale nor preference function posted, and none asked for.
    response = client.post(url, {**bilingual(name="Social", definition=""), "is_group_choice": "on"})
    assert response.status_code == 302, response.content.decode()
    group = Criterion.objects.get(key="social")
    assert group.is_group and group.parent is None
    data = {
        **bilingual(name="Speed", definition=""),
        "parent": str(group.pk),
        "direction": "benefit",
        "scale_min": "0",
        "scale_max": "10",
        "unit": "points",
    }
    assert client.post(url, data).status_code == 302
    assert Criterion.objects.get(key="speed").parent == group


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_only_editors_edit(client, login, role: str) -> None:
    case = CaseFactory(team=login(role).team)
    option = OptionFactory(case=case)
    for url in (
        reverse("case-edit", args=[case.pk]),
        reverse("case-item-edit", args=[case.pk, "option", option.pk]),
    ):
        assert client.get(url).status_code == 403
    client.post(reverse("case-item-edit", args=[case.pk, "option", option.pk]), bilingual(name="Hacked"))
    option.refresh_from_db()
    assert option.name["en"] != "Hacked"


def test_other_teams_items_and_unknown_kinds_are_not_found(client, login) -> None:
    case = CaseFactory(team=login("owner").team)
    foreign = OptionFactory()
    assert client.get(reverse("case-item-edit", args=[case.pk, "option", foreign.pk])).status_code == 404
    assert (
        client.get(reverse("case-item-edit", args=[foreign.case.pk, "option", foreign.pk])).status_code == 404
    )
    assert client.get(reverse("case-item-new", args=[case.pk, "team"])).status_code == 404
