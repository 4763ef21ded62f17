"""A performance table pasted as the case's reference values: a preview that saves nothing, every error listed,
a template that round-trips, and the values shown in the editor, kept apart from participants' scores."""

import csv
import io
import json

import pytest
from django.urls import reverse

from policies.casefile.validation import CaseFileError, parse_case_file
from policies.models import ReferenceValue, ScoreJudgment
from policies.selectors.case_export import export_case
from policies.services.case_import import import_case
from tests.factories import CaseFactory, CriterionFactory, OptionFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(login):  # type: ignore[no-untyped-def]
    membership = login("analyst")
    case = CaseFactory(team=membership.team)
    OptionFactory(case=case, key="quotas", name={"en": "Quotas", "fr": "Quotas"}, position=1)
    OptionFactory(case=case, key="pipeline", name={"en": "Pipeline", "fr": "Conduite"}, position=2)
    CriterionFactory(case=case, key="cost", name={"en": "Cost"}, scale_min=0, scale_max=500, position=1)
    CriterionFactory(case=case, key="reach", name={"en": "Reach"}, scale_min=0, scale_max=10, position=2)
    CriterionFactory(case=case, key="economy", name={"en": "Economy"}, is_group=True, position=3)
    return case


def _paste(client, case, table: str, action: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("reference-paste", args=[case.pk]), {"table": table, "action": action})


def test_a_pasted_table_is_previewed_then_saved_as_the_cases_reference_values(client, case) -> None:
    table = "Option\tCost\treach\nQuotas\t120,5\t7\nConduite\t300\t\n"
    preview = _paste(client, case, table, "preview")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Save 3 reference values" in page and "120,5" in page
    assert not ReferenceValue.objects.exists()  # the preview saves nothing

    response = _paste(client, case, table, "save")
    assert response.status_code == 302
    assert response["Location"].endswith("#reference-values")
    saved = {(r.option.key, r.criterion.key): r.value for r in ReferenceValue.objects.filter(case=case)}
    assert saved == {("quotas", "cost"): 120.5, ("quotas", "reach"): 7, ("pipeline", "cost"): 300}
    assert not ScoreJudgment.objects.exists()  # not anybody's scores

    editor = client.get(reverse("case-edit", args=[case.pk])).content.decode()
    assert 'data-testid="reference-table"' in editor and "120.5" in editor

    # Pasted again, a cell changes in place and the cells left empty keep their values.
    assert _paste(client, case, "option,reach\nquotas,9\n", "save").status_code == 302
    assert ReferenceValue.objects.get(option__key="quotas", criterion__key="reach").value == 9
    assert ReferenceValue.objects.filter(case=case).count() == 3


def test_every_error_is_listed_and_nothing_is_saved(client, case) -> None:
    table = "option,cost,reach,economy,speed\nquotas,900,x,1,1\nbridges,1,1,1,1\n"
    response = _paste(client, case, table, "save")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Column “economy” is not a scored criterion of the case." in page  # a group is not scored
    assert "Column “speed” is not a scored criterion of the case." in page
    assert "Row 2: Cost goes from 0 to 500." in page
    assert "Row 2, Reach: “x” is not a number." in page
    assert "Row 3: “bridges” is not an option of the case." in page
    assert not ReferenceValue.objects.exists()


def test_an_empty_paste_asks_for_a_table(client, case) -> None:
    response = _paste(client, case, "", "preview")
    assert response.status_code == 422
    assert "Paste a header row and at least one row below it." in response.content.decode()


def test_the_template_lists_options_and_criteria_with_the_values_held(client, case) -> None:
    _paste(client, case, "option,cost\npipeline,42\n", "save")
    response = client.get(reverse("reference-paste-template", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "reference-values-template.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["option", "cost", "reach"], ["quotas", "", ""], ["pipeline", "42", ""]]
    # Pasted back as it is, it is valid and changes nothing.
    text = response.content.decode()
    assert _paste(client, case, text, "save").status_code == 302
    assert ReferenceValue.objects.get().value == 42


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_only_editors_paste_reference_values(client, login, role: str) -> None:
    membership = login(role)
    case = CaseFactory(team=membership.team)
    assert client.get(reverse("reference-paste", args=[case.pk])).status_code == 403
    assert client.get(reverse("reference-paste-template", args=[case.pk])).status_code == 403
    assert (
        client.post(reverse("reference-paste", args=[case.pk]), {"table": "", "action": "save"}).status_code
        == 403
    )


def test_another_teams_case_is_not_found(client, login) -> None:
    login("owner")
    elsewhere = CaseFactory()
    assert client.get(reverse("reference-paste", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("reference-paste-template", args=[elsewhere.pk])).status_code == 404


def test_reference_values_travel_in_the_case_file_and_its_copies(client, case) -> None:
    _paste(client, case, "option,cost,reach\nquotas,120.5,7\npipeline,300,\n", "save")
    document = export_case(case)
    assert document["reference_values"] == [
        {"option": "quotas", "criterion": "cost", "value": 120.5},
        {"option": "quotas", "criterion": "reach", "value": 7.0},
        {"option": "pipeline", "criterion": "cost", "value": 300.0},
    ]
    copy = import_case(case_file=parse_case_file(json.dumps(document)), team=TeamFactory())
    assert {(r.option.key, r.criterion.key, r.value) for r in copy.reference_values.all()} == {
        ("quotas", "cost", 120.5),
        ("quotas", "reach", 7.0),
        ("pipeline", "cost", 300.0),
    }
    assert export_case(copy)["reference_values"] == document["reference_values"]


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ({"option": "bridges", "criterion": "cost", "value": 1}, "Unknown option"),
        ({"option": "quotas", "criterion": "speed", "value": 1}, "Unknown criterion"),
        ({"option": "quotas", "criterion": "reach", "value": 11}, "goes from 0 to 10"),
    ],
)
def test_a_case_file_with_a_wrong_reference_value_is_refused(case, item, problem: str) -> None:
    document = export_case(case)
    document["reference_values"] = [item]
    with pytest.raises(CaseFileError) as error:
        parse_case_file(json.dumps(document))
    assert problem in str(error.value)
