from pathlib import Path

import pytest
from django.urls import reverse

from policies.casefile.validation import parse_case_file
from policies.models import Exercise
from policies.services.case_import import import_case

pytestmark = pytest.mark.django_db
SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "small_case.json"


@pytest.fixture
def case(login):
    team = login("facilitator").team
    return import_case(case_file=parse_case_file(SMALL.read_bytes()), team=team)


def test_facilitator_sets_up_an_exercise_that_participants_can_score(client, case) -> None:
    page = client.get(reverse("exercise-new", args=[case.pk])).content.decode()
    assert "North road" in page and "Benefit" in page
    assert '"value"' not in page  # the criteria group is not offered for scoring
    options = list(case.options.values_list("pk", flat=True))
    criteria = list(case.criteria.filter(is_group=False).values_list("pk", flat=True))
    data = {"title": "Road workshop", "options": options[:2], "criteria": criteria, "method": "topsis"}
    response = client.post(reverse("exercise-new", args=[case.pk]), data)
    exercise = Exercise.objects.get(key="road-workshop")
    assert response["Location"] == reverse("exercise", args=[exercise.pk])
    assert (exercise.method, exercise.team, exercise.title) == ("topsis", case.team, {"en": "Road workshop"})
    assert (
        exercise.options.count() == 2 and exercise.criteria.count() == 2 and not exercise.scenarios.exists()
    )
    option, criterion = exercise.options.first(), exercise.criteria.first()
    saved = client.post(reverse("score-save", args=[exercise.pk, option.pk, criterion.pk]), {"value": "4"})
    assert saved.status_code == 200


def test_an_exercise_needs_two_options_and_a_title(client, case) -> None:
    option = case.options.first()
    response = client.post(
        reverse("exercise-new", args=[case.pk]), {"options": [option.pk], "method": "topsis"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "at least two options" in html and "This field is required" in html
    assert Exercise.objects.filter(title__en="Road workshop").count() == 0
    assert Exercise.objects.count() == 1  # only the one the case file brought


@pytest.mark.parametrize("role", ["analyst", "participant", "observer"])
def test_only_facilitators_set_up_exercises(client, login, role: str) -> None:
    team = login(role).team
    case = import_case(case_file=parse_case_file(SMALL.read_bytes()), team=team)
    assert client.get(reverse("exercise-new", args=[case.pk])).status_code == 403


def test_an_exercise_title_can_be_given_in_both_languages(client, case) -> None:
    """The title in the page's language and in the other, so a French report is titled in French."""
    page = client.get(reverse("exercise-new", args=[case.pk])).content.decode()
    # A language's name is capitalised in English, in lower case in French (as each language writes it).
    assert "Title in French (optional)" in page
    assert "Title in french" not in page
    french = client.get(reverse("exercise-new", args=[case.pk]), headers={"Accept-Language": "fr"})
    assert "Titre en anglais (facultatif)" in french.content.decode()
    options = list(case.options.values_list("pk", flat=True))
    criteria = list(case.criteria.filter(is_group=False).values_list("pk", flat=True))
    data = {
        "title": "Road workshop",
        "title_translation": "  Atelier des routes ",
        "options": options[:2],
        "criteria": criteria,
        "method": "weighted_sum",
    }
    client.post(reverse("exercise-new", args=[case.pk]), data)
    exercise = Exercise.objects.get(key="road-workshop")
    assert exercise.title == {"en": "Road workshop", "fr": "Atelier des routes"}
    # From a French page, the other language is English.
    client.cookies["django_language"] = "fr"
    french = client.get(reverse("exercise-new", args=[case.pk])).content.decode()
    assert "Titre en anglais (facultatif)" in french
    data |= {"title": "Atelier 2", "title_translation": ""}
    client.post(reverse("exercise-new", args=[case.pk]), data)
    assert Exercise.objects.get(key="atelier-2").title == {"fr": "Atelier 2"}
