"""Numbers and dates on the main screens are written the way the reader's language writes them.

French readers see 0,410 and 35,0 % where English readers see 0.410 and 35.0 %, and French month names; values
inside form inputs stay machine-readable (6.5) in both languages, since the save path and the scripts read them.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from policies.models import Exercise, Membership, Report
from policies.models.exercises import Phase
from policies.models.teams import Role
from tests.factories import (
    MembershipFactory,
    OptionFactory,
    ParticipantFactory,
    ScoreJudgmentFactory,
    WeightJudgmentFactory,
    make_exercise,
)

pytestmark = pytest.mark.django_db

BROWSER = {"en": {"HTTP_ACCEPT_LANGUAGE": "en"}, "fr": {"HTTP_ACCEPT_LANGUAGE": "fr"}}
FRENCH_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
ENGLISH_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def judged(role: str = Role.ANALYST, **fields: object) -> tuple[Exercise, Client]:
    """Three options on two criteria, weighted 35/65 by one participant, the signed-in member.

    Min-max normalised, option C scores 3/7 and 0.4 of the way up, so its weighted sum is
    0.35 x 3/7 + 0.65 x 0.4 = 0.410.
    """
    exercise = make_exercise(options=3, criteria=2)
    if fields:
        Exercise.objects.filter(pk=exercise.pk).update(**fields)
        exercise.refresh_from_db()
    membership = MembershipFactory(team=exercise.team, role=role)
    participant = ParticipantFactory(exercise=exercise, user=membership.user)
    options = list(exercise.options.order_by("position"))
    criteria = list(exercise.criteria.order_by("position"))
    rows = {options[0]: (2, 3), options[1]: (9, 8), options[2]: (5, 5)}
    for option, values in rows.items():
        for criterion, value in zip(criteria, values, strict=True):
            ScoreJudgmentFactory(participant=participant, option=option, criterion=criterion, value=value)
    for criterion, points in zip(criteria, (35, 65), strict=True):
        WeightJudgmentFactory(participant=participant, criterion=criterion, value=points)
    client = Client()
    client.force_login(membership.user)
    return exercise, client


def get(client: Client, url: str, language: str) -> str:
    response = client.get(url, **BROWSER[language])
    assert response.status_code == 200
    assert response["Content-Language"] == language
    return response.text


def test_the_results_screen_writes_scores_and_weights_in_the_readers_language() -> None:
    exercise, client = judged()
    url = reverse("results", args=[exercise.pk])
    english, french = get(client, url, "en"), get(client, url, "fr")
    assert "0.410" in english and "0,410" not in english
    assert "0,410" in french and "0.410" not in french
    # The weights table under the weights figure.
    assert "35.0%" in english and "65.0%" in english
    assert "35,0\xa0%" in french and "65,0\xa0%" in french and "35.0%" not in french
    # The figures themselves: plotly's separators follow the language (ticks, hovers, d3 formats).
    assert '"separators":".,"' in english
    assert '"separators":",\xa0"' in french


def test_the_exercise_screen_shows_scales_in_the_language_but_keeps_input_values_machine_readable() -> None:
    exercise, client = judged()
    criterion = exercise.criteria.order_by("position").first()
    criterion.scale_max = 7.5
    criterion.save()
    option = exercise.options.order_by("position").first()
    ScoreJudgmentFactory._meta.model.objects.filter(option=option, criterion=criterion).update(value=6.5)
    url = reverse("exercise", args=[exercise.pk])
    english, french = get(client, url, "en"), get(client, url, "fr")
    assert "0–7.5" in english
    assert "0–7,5" in french and "0–7.5" not in french
    for html in (english, french):
        assert re.search(r'<input[^>]*name="value"[^>]*value="6\.5"', html, re.S)


def test_the_reports_list_dates_each_report_the_languages_way() -> None:
    exercise, client = judged()
    # The reader's own report: listed in any state.
    member = Membership.objects.get(team=exercise.team)
    report = Report.objects.create(exercise=exercise, kind="pdf", language="fr", requested_by=member.user)
    when = dt.datetime(2026, 3, 5, 14, 25, tzinfo=dt.UTC)
    Report.objects.filter(pk=report.pk).update(created=when)
    url = reverse("reports", args=[exercise.pk])
    english, french = get(client, url, "en"), get(client, url, "fr")
    assert "03/05/2026" in english  # month first
    assert "05/03/2026 14:25" in french  # day first, 24-hour clock


def test_the_history_screen_names_the_month_in_french() -> None:
    exercise, client = judged(role=Role.FACILITATOR)
    option = OptionFactory(case=exercise.case)
    option.save()
    url = reverse("case-item-history", args=[exercise.case.pk, "option", option.pk])
    english, french = get(client, url, "en"), get(client, url, "fr")
    month = timezone.localtime().month
    assert re.search(rf"\b({FRENCH_MONTHS})\b", french)
    assert not re.search(rf"\b({ENGLISH_MONTHS})\b", french)
    assert not re.search(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.", french)
    assert re.search(rf"\b{ENGLISH_MONTHS.split('|')[month - 1][:3]}", english)  # "Nov." or "November"


def test_the_workshop_after_the_reveal_shows_the_readers_own_score_in_the_language() -> None:
    exercise, client = judged(role=Role.PARTICIPANT, facilitated=True, blind=True, phase=Phase.REVEAL)
    option = exercise.options.order_by("position").first()
    criterion = exercise.criteria.order_by("position").first()
    ScoreJudgmentFactory._meta.model.objects.filter(option=option, criterion=criterion).update(value=6.5)
    url = reverse("workshop-play", args=[exercise.pk])
    english, french = get(client, url, "en"), get(client, url, "fr")
    assert "yours: 6.5\n" in english  # the reader's own score under each revealed cell
    assert "la vôtre: 6,5\n" in french and not re.search(r"\b6\.5\b", french)
    # The revealed ranking of the group.
    ranking = r'data-testid="workshop-ranking">.*?</ol>'
    assert re.findall(r"\b0\.\d{3}\b", re.search(ranking, english, re.S).group(0))
    french_ranking = re.search(ranking, french, re.S).group(0)
    assert re.findall(r"\b0,\d{3}\b", french_ranking) and not re.findall(r"\b0\.\d{3}\b", french_ranking)


def test_the_decision_trail_and_the_join_code_expiry_are_dated_the_languages_way() -> None:
    exercise, client = judged(role=Role.FACILITATOR, facilitated=True)
    when = dt.datetime(2026, 3, 5, 14, 25, tzinfo=dt.UTC)
    ScoreJudgmentFactory._meta.model.history.update(history_date=when)
    Exercise.objects.filter(pk=exercise.pk).update(join_code="ABCD2345", join_expires=when)
    trail_url = reverse("workshop-trail", args=[exercise.pk])
    english, french = get(client, trail_url, "en"), get(client, trail_url, "fr")
    assert "March 5, 2026" in english and "2026-03-05" not in english
    assert "5 mars 2026" in french and "2026-03-05" not in french
    dashboard = reverse("workshop-facilitate", args=[exercise.pk])
    english, french = get(client, dashboard, "en"), get(client, dashboard, "fr")
    assert "03/05/2026 at 14:25" in english and "05/03/2026 à 14:25" in french


@pytest.mark.parametrize(
    ("reader", "names"),
    [("en", {"en": "English", "fr": "French"}), ("fr", {"en": "anglais", "fr": "français"})],
)
def test_language_names_are_cased_as_the_readers_language_writes_them(reader: str, names: dict) -> None:
    from django.utils import translation

    from policies.formatting import language_name

    with translation.override(reader):
        assert {code: language_name(code) for code in names} == names
