"""The case editor end to end over HTTP: a case from a blank page, every kind of item, conflicts, delete and
restore, order, copies, earlier versions and pasted tables."""

import pytest
from django.urls import reverse

from policies.models import (
    Actor,
    Case,
    Criterion,
    DeletedItem,
    Driver,
    DriverState,
    Evidence,
    Option,
    Scenario,
    ScoreJudgment,
    SourceDocument,
)
from tests.factories import CaseFactory, CriterionFactory, OptionFactory, ScoreJudgmentFactory, make_exercise

pytestmark = pytest.mark.django_db


def bilingual(**fields: str) -> dict[str, str]:
    return {
        f"{name}_{lang}": text
        for name, text in fields.items()
        for lang, text in (("en", text), ("fr", f"{text} (fr)" if text else ""))
    }


def new(client, case: Case, kind: str, data: dict[str, str]) -> None:
    response = client.post(reverse("case-item-new", args=[case.pk, kind]), data)
    assert response.status_code == 302, response.content.decode()[-3000:]


def test_a_whole_case_from_a_blank_page(client, login) -> None:
    membership = login("analyst")
    response = client.post(reverse("case-new", args=[membership.team.slug]), bilingual(title="Drought basin"))
    assert response.status_code == 302
    case = Case.objects.get(team=membership.team)
    # No placeholder option nor criterion.
    assert not case.options.exists() and not case.criteria.exists()
    header = {
        **bilingual(title="Drought basin", question="How to share water?", summary="Three dry years."),
        "period": "2026",
        "region": "Basin",
        "version": "1",
    }
    assert client.post(reverse("case-header", args=[case.pk]), header).status_code == 302
    case.refresh_from_db()
    assert case.question == {"en": "How to share water?", "fr": "How to share water? (fr)"}

    new(
        client,
        case,
        "source",
        {**bilingual(title="Basin report"), "date": "2025", "url": "https://example.org/r"},
    )
    source = SourceDocument.objects.get(case=case)
    new(client, case, "evidence", {**bilingual(text="Reservoirs at 20 %."), "source": str(source.pk)})
    evidence = Evidence.objects.get(case=case)
    new(
        client,
        case,
        "actor",
        {**bilingual(name="Farmers", stance="More water"), "evidence": [str(evidence.pk)]},
    )
    actor = Actor.objects.get(case=case)
    assert list(actor.evidence.all()) == [evidence]
    new(client, case, "driver", bilingual(name="Rainfall", description=""))
    driver = Driver.objects.get(case=case)
    new(client, case, "state", {**bilingual(name="Dry", description=""), "driver": str(driver.pk)})
    new(client, case, "state", {**bilingual(name="Wet", description=""), "driver": str(driver.pk)})
    dry = DriverState.objects.get(driver=driver, key="dry")
    new(
        client,
        case,
        "scenario",
        {
            **bilingual(name="Long drought", narrative=""),
            "plausibility": "4",
            f"driver_{driver.pk}": str(dry.pk),
        },
    )
    assert list(Scenario.objects.get(case=case).states.all()) == [dry]
    new(
        client,
        case,
        "option",
        {
            **bilingual(name="Quotas", description="", instruments="Decree", risks="Cheating"),
            "actors": [str(actor.pk)],
            "evidence": [str(evidence.pk)],
        },
    )
    option = Option.objects.get(case=case)
    assert option.instruments == {"en": "Decree", "fr": "Decree (fr)"}
    assert list(option.actors.all()) == [actor]
    new(client, case, "criterion", {**bilingual(name="Social", definition=""), "is_group_choice": "on"})
    group = Criterion.objects.get(case=case, key="social")
    new(
        client,
        case,
        "criterion",
        {
            **bilingual(name="Households", definition="", scale_low="nobody served", scale_high="all served"),
            "parent": str(group.pk),
            "direction": "benefit",
            "scale_min": "0",
            "scale_max": "10",
            "unit": "points",
            "preference_function": "linear",
            "indifference_threshold": "1",
            "preference_threshold": "3",
        },
    )
    leaf = Criterion.objects.get(case=case, key="households")
    assert leaf.parent == group and not leaf.is_group
    assert leaf.scale_low == {"en": "nobody served", "fr": "nobody served (fr)"}
    assert (leaf.preference_function, leaf.indifference_threshold, leaf.preference_threshold) == (
        "linear",
        1,
        3,
    )
    page = client.get(reverse("case-edit", args=[case.pk])).content.decode()
    for text in ("Basin report", "Reservoirs at 20", "Farmers", "Rainfall", "Dry", "Long drought", "Quotas"):
        assert text in page


def test_database_words_never_reach_a_message_and_all_errors_show_at_once(client, login) -> None:
    case = CaseFactory(team=login("owner").team)
    data = {
        **bilingual(name="Cost", definition=""),
        "direction": "cost",
        "scale_min": "10",
        "scale_max": "0",
        "unit": "points",
        "preference_function": "level",
        "indifference_threshold": "-1",
    }
    response = client.post(reverse("case-item-new", args=[case.pk, "criterion"]), data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Constraint" not in page and "criterion_scale_ordered" not in page
    assert "The scale minimum must be below its maximum." in page
    assert "The indifference threshold cannot be negative." in page
    assert "The chosen preference function needs this threshold." in page  # p is missing
    assert not Criterion.objects.exists()


def test_a_stale_save_is_refused_with_the_other_change_shown(client, login) -> None:
    case = CaseFactory(team=login("analyst").team)
    option = OptionFactory(case=case, name={"en": "Quotas"}, description={"en": "Old"})
    url = reverse("case-item-edit", args=[case.pk, "option", option.pk])
    base = bilingual(name="Quotas", description="", instruments="", risks="")
    first = {**base, "description_en": "Weekly rotation", "name_fr": "", "version": "1"}
    assert client.post(url, first).status_code == 302
    # A second tab, opened at version 1, now saves the French name.
    second = {**base, "description_en": "Old", "name_fr": "Quotas tournants", "version": "1"}
    response = client.post(url, second)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this item" in page
    assert "Weekly rotation" in page  # the other person's change is shown
    option.refresh_from_db()
    assert option.description == {"en": "Weekly rotation"} and "fr" not in option.name
    # The form now carries the stored version: saving again is a deliberate choice, and succeeds.
    assert 'name="version" value="2"' in page
    assert (
        client.post(url, {**second, "description_en": "Weekly rotation", "version": "2"}).status_code == 302
    )
    option.refresh_from_db()
    assert option.name == {"en": "Quotas", "fr": "Quotas tournants"}
    assert option.description == {"en": "Weekly rotation"}
    assert option.version == 3


def test_delete_shows_what_goes_and_restore_brings_it_back(client, login) -> None:
    case = CaseFactory(team=login("owner").team)
    option = OptionFactory(case=case)
    ScoreJudgmentFactory(option=option, criterion=CriterionFactory(case=case), value=4)
    url = reverse("case-item-delete", args=[case.pk, "option", option.pk])
    page = client.get(url).content.decode()
    assert "1 score judgments" in page
    assert client.post(url, {"version": str(option.version)}).status_code == 302
    assert not Option.objects.filter(pk=option.pk).exists() and not ScoreJudgment.objects.exists()
    deleted = DeletedItem.objects.get(case=case)
    assert str(option) in client.get(reverse("case-edit", args=[case.pk])).content.decode()
    client.post(reverse("case-item-restore", args=[case.pk, deleted.pk]))
    restored = Option.objects.get(pk=option.pk)
    assert restored.key == option.key
    assert ScoreJudgment.objects.get().option == restored
    assert not DeletedItem.objects.exists()


def test_a_cited_source_cannot_be_deleted_and_says_why(client, login) -> None:
    case = CaseFactory(team=login("owner").team)
    source = SourceDocument.objects.create(case=case, key="report", title={"en": "Report"})
    Evidence.objects.create(case=case, key="fact", source=source, text={"en": "A fact"})
    url = reverse("case-item-delete", args=[case.pk, "source", source.pk])
    assert "A fact" in client.get(url).content.decode()
    response = client.post(url, {"version": "1"})
    assert response.status_code == 409
    assert "cite this one" in response.content.decode()
    assert SourceDocument.objects.filter(pk=source.pk).exists()


def test_move_duplicate_and_revert(client, login) -> None:
    case = CaseFactory(team=login("analyst").team)
    first, second, third = (OptionFactory(case=case, position=n) for n in (1, 2, 3))
    client.post(reverse("case-item-move", args=[case.pk, "option", third.pk]), {"direction": "up"})
    assert list(case.options.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    client.post(
        reverse("case-items-reorder", args=[case.pk, "option"]), {"order": [second.pk, first.pk, third.pk]}
    )
    assert list(case.options.order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
        third.pk,
    ]
    response = client.post(reverse("case-items-reorder", args=[case.pk, "option"]), {"order": [second.pk]})
    assert response.status_code == 422  # not the whole list

    client.post(reverse("case-item-duplicate", args=[case.pk, "option", first.pk]))
    copy = case.options.get(key=f"{first.key}-copy")
    assert copy.name["en"].endswith("(copy)")

    url = reverse("case-item-edit", args=[case.pk, "option", first.pk])
    old_name = first.name["en"]
    client.post(url, {**bilingual(name="Renamed", description="", instruments="", risks=""), "version": "1"})
    first.refresh_from_db()
    assert first.name["en"] == "Renamed"
    earliest = first.history.order_by("history_id").first()
    client.post(
        reverse("case-item-revert", args=[case.pk, "option", first.pk, earliest.history_id]), {"version": "2"}
    )
    first.refresh_from_db()
    assert first.name["en"] == old_name and first.version == 3


def test_paste_options_preview_then_save(client, login) -> None:
    case = CaseFactory(team=login("analyst").team)
    url = reverse("case-paste", args=[case.pk, "option"])
    table = "Name\tName (FR)\tDescription\nQuotas\tQuotas\tRotate\nPipeline\tConduite\t\n"
    preview = client.post(url, {"table": table, "action": "preview"})
    assert preview.status_code == 200 and "Save 2 rows" in preview.content.decode()
    assert not Option.objects.exists()  # nothing saved by the preview
    assert client.post(url, {"table": table, "action": "save"}).status_code == 302
    assert list(case.options.values_list("key", flat=True)) == ["quotas", "pipeline"]


def test_paste_criteria_lists_every_error_and_saves_nothing(client, login) -> None:
    case = CaseFactory(team=login("analyst").team)
    url = reverse("case-paste", args=[case.pk, "criterion"])
    table = (
        "group,name_en,direction,scale_min,scale_max\nSocial,Households,benefit,0,10\n,Cost,sideways,5,1\n"
    )
    response = client.post(url, {"table": table, "action": "save"})
    page = response.content.decode()
    assert response.status_code == 422
    assert "sideways" in page and "below its maximum" in page
    assert not Criterion.objects.exists()
    good = "group,name_en,direction,scale_min,scale_max\nSocial,Households,benefit,0,10\n,Cost,cost,0,5\n"
    assert client.post(url, {"table": good, "action": "save"}).status_code == 302
    group = Criterion.objects.get(key="social")
    assert group.is_group and Criterion.objects.get(key="households").parent == group
    template = client.get(reverse("case-paste-template", args=[case.pk, "criterion"]))
    assert template["Content-Type"].startswith("text/csv")
    assert template.content.decode().startswith("group,name_en,name_fr")


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_only_editors_create_delete_and_paste(client, login, role: str) -> None:
    membership = login(role)
    case = CaseFactory(team=membership.team)
    option = OptionFactory(case=case)
    assert (
        client.post(reverse("case-new", args=[membership.team.slug]), bilingual(title="X")).status_code == 403
    )
    for url in (
        reverse("case-item-delete", args=[case.pk, "option", option.pk]),
        reverse("case-item-duplicate", args=[case.pk, "option", option.pk]),
        reverse("case-paste", args=[case.pk, "option"]),
        reverse("case-header", args=[case.pk]),
    ):
        assert client.post(url, {"table": "name_en\nX\n", "action": "save"}).status_code == 403
    assert Option.objects.filter(case=case).count() == 1 and Case.objects.count() == 1


def test_a_copy_keeps_the_promethee_settings_and_scale_anchors(client, login) -> None:
    membership = login("analyst")
    case = CaseFactory(team=membership.team)
    CriterionFactory(
        case=case,
        key="cost",
        scale_low={"en": "nothing"},
        preference_function="linear",
        indifference_threshold=1,
        preference_threshold=4,
    )
    client.post(reverse("case-clone", args=[membership.team.slug, case.pk]))
    copy = Case.objects.exclude(pk=case.pk).get(team=membership.team)
    criterion = copy.criteria.get(key="cost")
    assert criterion.scale_low == {"en": "nothing"}
    assert (
        criterion.preference_function,
        criterion.indifference_threshold,
        criterion.preference_threshold,
    ) == (
        "linear",
        1,
        4,
    )


def test_a_performance_table_becomes_ones_own_scores(client, login) -> None:
    membership = login("participant")
    exercise = make_exercise(options=2, criteria=2, team=membership.team)
    options = list(exercise.options.order_by("position", "pk"))
    criteria = list(exercise.criteria.order_by("position", "pk"))
    url = reverse("score-paste", args=[exercise.pk])
    header = "option\t" + "\t".join(c.key for c in criteria)
    bad = f"{header}\n{options[0].key}\t7\t42\n{options[1].key}\tlots\t3\nNobody\t1\t1\n"
    response = client.post(url, {"table": bad, "action": "save"})
    page = response.content.decode()
    assert response.status_code == 422
    assert (
        "is scored from 0 to 10" in page
        and "“lots” is not a number" in page
        and "not an option in play" in page
    )
    assert not ScoreJudgment.objects.exists()
    good = f"{header}\n{options[0].key}\t7\t\n{options[1].key}\t2,5\t3\n"
    preview = client.post(url, {"table": good, "action": "preview"})
    assert "Save 3 scores" in preview.content.decode() and not ScoreJudgment.objects.exists()
    assert client.post(url, {"table": good, "action": "save"}).status_code == 302
    saved = {(s.option_id, s.criterion_id): s.value for s in ScoreJudgment.objects.all()}
    assert saved == {
        (options[0].pk, criteria[0].pk): 7,
        (options[1].pk, criteria[0].pk): 2.5,
        (options[1].pk, criteria[1].pk): 3,
    }
    assert {s.participant.user_id for s in ScoreJudgment.objects.all()} == {membership.user_id}
    template = client.get(reverse("score-paste-template", args=[exercise.pk])).content.decode()
    assert template.splitlines()[0] == "option," + ",".join(c.key for c in criteria)


def test_an_observer_cannot_paste_scores(client, login) -> None:
    exercise = make_exercise(team=login("observer").team)
    response = client.post(
        reverse("score-paste", args=[exercise.pk]), {"table": "option\nx\n", "action": "save"}
    )
    assert response.status_code == 403
