"""Weights that differ by scenario on the web: the facilitator's toggle, the participant's weighting screen
(one section per scenario, prefilled from the baseline, changes marked), saves and who may make them, the
AHP group weights the results page shows, and its table of the weights each scenario was scored with."""

import re

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from policies import analysis
from policies.formatting import share
from policies.models import Exercise, Participant, Role, WeightJudgment
from policies.models.exercises import Phase
from policies.services.workshop import issue_join_code
from tests.factories import (
    MembershipFactory,
    ParticipantFactory,
    ScenarioFactory,
    ScoreJudgmentFactory,
    UserFactory,
    WeightJudgmentFactory,
    make_exercise,
)

pytestmark = pytest.mark.django_db


def workshop(*, scenarios: int = 2, **fields) -> Exercise:
    exercise = make_exercise(options=2, criteria=2)
    exercise.scenarios.set(ScenarioFactory.create_batch(scenarios, case=exercise.case))
    Exercise.objects.filter(pk=exercise.pk).update(facilitated=True, phase=Phase.WEIGHTING, **fields)
    return issue_join_code(exercise=exercise)


def member(exercise: Exercise, role: str) -> Client:
    client = Client()
    client.force_login(MembershipFactory(team=exercise.team, role=role).user)
    return client


def guest(exercise: Exercise, name: str) -> tuple[Client, Participant]:
    client = Client()
    response = client.post(reverse("workshop-join"), {"code": exercise.join_code, "name": name, "join": "1"})
    assert response.status_code == 302
    return client, Participant.objects.get(exercise=exercise, alias=name)


def settings_form(exercise: Exercise, **changes: str) -> dict[str, object]:
    exercise.refresh_from_db()
    return {
        "version": exercise.version,
        "weighting_method": exercise.weighting_method,
        "anonymity": exercise.anonymity,
        "max_rounds": exercise.max_rounds,
        "consensus_threshold": exercise.consensus_threshold,
        "phase_minutes": "",
        **changes,
    }


def section(page: str, scenario_key: str) -> str:
    """The HTML of one scenario's weighting section."""
    match = re.search(rf'data-testid="weights-scenario-{scenario_key}".*?</details>', page, re.S)
    assert match, f"no weighting section for {scenario_key}"
    return match.group(0)


def test_facilitator_turns_weights_by_scenario_on_and_off() -> None:
    exercise = workshop()
    boss = member(exercise, Role.FACILITATOR)
    url = reverse("workshop-settings", args=[exercise.pk])
    page = boss.get(reverse("workshop-facilitate", args=[exercise.pk])).content.decode()
    assert 'name="weights_by_scenario"' in page
    assert boss.post(url, settings_form(exercise, weights_by_scenario="on")).status_code == 302
    exercise.refresh_from_db()
    assert exercise.weights_by_scenario
    assert boss.post(url, settings_form(exercise)).status_code == 302
    exercise.refresh_from_db()
    assert not exercise.weights_by_scenario

    # Participants and analysts cannot change it.
    for role in (Role.PARTICIPANT, Role.ANALYST, Role.OBSERVER):
        refused = member(exercise, role).post(url, settings_form(exercise, weights_by_scenario="on"))
        assert refused.status_code == 403
    assert not Exercise.objects.get(pk=exercise.pk).weights_by_scenario


def test_the_toggle_is_refused_without_scenarios_in_play() -> None:
    exercise = workshop(scenarios=0)
    boss = member(exercise, Role.FACILITATOR)
    response = boss.post(
        reverse("workshop-settings", args=[exercise.pk]), settings_form(exercise, weights_by_scenario="on")
    )
    assert response.status_code == 422
    assert "only when scenarios are in play" in response.content.decode()
    assert not Exercise.objects.get(pk=exercise.pk).weights_by_scenario


def test_the_setup_form_offers_the_toggle(client, login) -> None:
    membership = login("facilitator")
    case = make_exercise(team=membership.team).case
    scenarios = ScenarioFactory.create_batch(2, case=case)
    url = reverse("exercise-new", args=[case.pk])
    assert 'name="weights_by_scenario"' in client.get(url).content.decode()
    data = {
        "title": "By scenario",
        "options": list(case.options.values_list("pk", flat=True)),
        "criteria": list(case.criteria.values_list("pk", flat=True)),
        "method": "weighted_sum",
        "mode": "workshop",
        "weights_by_scenario": "on",
    }
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert "only when scenarios are in play" in refused.content.decode()
    assert not Exercise.objects.filter(key="by-scenario").exists()
    assert client.post(url, {**data, "scenarios": [s.pk for s in scenarios]}).status_code == 302
    assert Exercise.objects.get(key="by-scenario").weights_by_scenario


def test_the_weighting_screen_has_a_section_per_scenario_prefilled_from_the_baseline() -> None:
    exercise = workshop(weights_by_scenario=True)
    first, second = exercise.scenarios.order_by("position", "pk")
    a, b = exercise.criteria.order_by("position", "pk")
    amina, person = guest(exercise, "Amina")
    weights_url = reverse("workshop-weights", args=[exercise.pk])
    play_url = reverse("workshop-play", args=[exercise.pk])
    assert amina.post(weights_url, {f"w-{a.pk}": "70", f"w-{b.pk}": "30"}).status_code == 200

    page = amina.get(play_url).content.decode()
    for scenario in (first, second):
        html = section(page, scenario.key)
        assert f'name="scenario" value="{scenario.pk}"' in html
        # Prefilled with the baseline points; nothing is marked as changed yet.
        assert re.search(rf'data-testid="weight-{a.key}-{scenario.key}"', html)
        assert re.search(rf'value="70"\s+data-testid="weight-{a.key}-{scenario.key}"', html)
        assert "data-changed" not in html

    saved = amina.post(weights_url, {"scenario": second.pk, f"w-{a.pk}": "20", f"w-{b.pk}": "80"})
    assert saved.status_code == 200 and 'data-state="saved"' in saved.content.decode()
    stored = dict(
        WeightJudgment.objects.filter(participant=person, scenario=second).values_list(
            "criterion__key", "value"
        )
    )
    assert stored == {a.key: 20, b.key: 80}
    baseline = WeightJudgment.objects.filter(participant=person, scenario=None)
    assert dict(baseline.values_list("criterion__key", "value")) == {a.key: 70, b.key: 30}

    page = amina.get(play_url).content.decode()
    changed = section(page, second.key)
    # Marked in words (the "changed" tag) and by style (the row's class), for both criteria.
    assert changed.count("data-changed") == 3  # the section's summary and the two criteria
    assert changed.count('class="slider-row changed"') == 2
    assert re.search(rf'value="20"\s+data-testid="weight-{a.key}-{second.key}"', changed)
    assert "data-changed" not in section(page, first.key)


def test_without_the_toggle_there_is_one_weighting_form() -> None:
    exercise = workshop()
    amina, _person = guest(exercise, "Amina")
    page = amina.get(reverse("workshop-play", args=[exercise.pk])).content.decode()
    assert "Your weights" in page and "weights-scenario-" not in page
    scenario = exercise.scenarios.first()
    a, b = exercise.criteria.order_by("position", "pk")
    refused = amina.post(
        reverse("workshop-weights", args=[exercise.pk]),
        {"scenario": scenario.pk, f"w-{a.pk}": "50", f"w-{b.pk}": "50"},
    )
    assert refused.status_code == 422 and not WeightJudgment.objects.exists()


def test_scenario_weight_saves_are_checked() -> None:
    exercise = workshop(weights_by_scenario=True)
    a, b = exercise.criteria.order_by("position", "pk")
    url = reverse("workshop-weights", args=[exercise.pk])
    weights = {f"w-{a.pk}": "50", f"w-{b.pk}": "50"}
    amina, _person = guest(exercise, "Amina")
    elsewhere = ScenarioFactory()  # another case's scenario
    not_in_play = ScenarioFactory(case=exercise.case)
    for scenario_id in (elsewhere.pk, not_in_play.pk, "x"):
        refused = amina.post(url, {**weights, "scenario": scenario_id})
        assert refused.status_code == 422, scenario_id
        assert "does not take weights for this scenario" in refused.content.decode()
    scenario = exercise.scenarios.first()
    # An observer records nothing; a stranger does not learn the exercise exists; a GET changes nothing.
    assert member(exercise, Role.OBSERVER).post(url, {**weights, "scenario": scenario.pk}).status_code == 403
    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.post(url, {**weights, "scenario": scenario.pk}).status_code == 404
    assert Client().post(url, {**weights, "scenario": scenario.pk}).status_code == 404
    assert amina.get(url).status_code == 405
    assert not WeightJudgment.objects.exists()
    # A judging member of the team may.
    assert (
        member(exercise, Role.PARTICIPANT).post(url, {**weights, "scenario": scenario.pk}).status_code == 200
    )
    assert WeightJudgment.objects.filter(scenario=scenario).count() == 2


def test_ahp_comparisons_per_scenario_on_the_screen() -> None:
    exercise = workshop(weights_by_scenario=True, weighting_method="ahp")
    scenario = exercise.scenarios.order_by("position", "pk").first()
    a, b = exercise.criteria.order_by("position", "pk")
    amina, person = guest(exercise, "Amina")
    url = reverse("workshop-weights", args=[exercise.pk])
    assert amina.post(url, {f"p-{a.pk}-{b.pk}": "3"}).status_code == 200
    page = amina.get(reverse("workshop-play", args=[exercise.pk])).content.decode()
    html = section(page, scenario.key)
    assert f'data-testid="pair-{a.key}-{b.key}-{scenario.key}"' in html
    assert re.search(r'<option value="3" selected>', html), "prefilled from the baseline comparison"
    response = amina.post(url, {"scenario": scenario.pk, f"p-{a.pk}-{b.pk}": "1/5"})
    assert response.status_code == 200 and 'data-testid="ahp-cr"' in response.content.decode()
    page = amina.get(reverse("workshop-play", args=[exercise.pk])).content.decode()
    assert 'class="slider-row changed"' in section(page, scenario.key)
    points = dict(
        WeightJudgment.objects.filter(participant=person, scenario=scenario).values_list(
            "criterion_id", "value"
        )
    )
    assert points == pytest.approx({a.pk: 100 / 6, b.pk: 500 / 6}, abs=1e-3)


def test_results_page_shows_the_geometric_mean_ahp_group_weights() -> None:
    exercise = make_exercise(options=2, criteria=3)
    Exercise.objects.filter(pk=exercise.pk).update(weighting_method="ahp")
    exercise.refresh_from_db()
    a, b, c = exercise.criteria.order_by("position", "pk")
    for upper in ({(a, b): "9", (a, c): "9", (b, c): "1"}, {(a, b): "1/3", (a, c): "1", (b, c): "5"}):
        client = member(exercise, Role.PARTICIPANT)
        response = client.post(
            reverse("workshop-weights", args=[exercise.pk]),
            {f"p-{x.pk}-{y.pk}": value for (x, y), value in upper.items()},
        )
        assert response.status_code == 200
    analyst = member(exercise, Role.ANALYST)
    m1 = np.array([[1, 9, 9], [1 / 9, 1, 1], [1 / 9, 1, 1]])
    m2 = np.array([[1, 1 / 3, 1], [3, 1, 5], [1, 1 / 5, 1]])
    geometric = analysis.ahp_priorities(np.sqrt(m1 * m2)).weights
    arithmetic = (analysis.ahp_priorities(m1).weights + analysis.ahp_priorities(m2).weights) / 2
    response = analyst.get(reverse("results", args=[exercise.pk]))
    assert response.status_code == 200
    shown = response.context["bundle"].weights.group
    np.testing.assert_allclose(shown, geometric, rtol=1e-9)
    assert np.abs(shown - arithmetic).max() > 0.02
    # The weights table under the chart prints the geometric group weights, not the arithmetic ones.
    page = response.content.decode()
    assert share(geometric[1], 1) in page and share(arithmetic[1], 1) not in page


# ------------------------------------------------------------------ the results page's weights by scenario

BASELINE_POINTS = {"Ada": (60, 30, 10), "Ben": (20, 40, 40)}
# Ben changes his mind in the second scenario only: A moves by exactly half a point for the group (not marked),
# B falls and C rises by more.
BEN_IN_SECOND = (21, 20, 59)


def normalised(points: tuple[float, ...]) -> np.ndarray:
    row = np.asarray(points, dtype=float)
    return row / row.sum()


def weighted_by_scenario(*, by_scenario: bool = True, scenarios: int = 2) -> Exercise:
    """Two participants, three criteria and `scenarios` scenarios; Ben weights the second one differently."""
    exercise = make_exercise(options=2, criteria=3)
    in_play = ScenarioFactory.create_batch(scenarios, case=exercise.case)
    exercise.scenarios.set(in_play)
    Exercise.objects.filter(pk=exercise.pk).update(weights_by_scenario=by_scenario)
    exercise.refresh_from_db()
    criteria = list(exercise.criteria.order_by("position", "pk"))
    for alias, points in BASELINE_POINTS.items():
        person = ParticipantFactory(exercise=exercise, alias=alias)
        for criterion, value in zip(criteria, points, strict=True):
            WeightJudgmentFactory(participant=person, criterion=criterion, value=value)
        if alias == "Ben" and scenarios >= 2:
            for criterion, value in zip(criteria, BEN_IN_SECOND, strict=True):
                WeightJudgmentFactory(
                    participant=person, criterion=criterion, value=value, scenario=in_play[1]
                )
    return exercise


def expected_weights() -> tuple[np.ndarray, np.ndarray]:
    """The baseline group weights and the second scenario's, from the points above (mean of normalised rows)."""
    ada, ben = (normalised(points) for points in BASELINE_POINTS.values())
    return (ada + ben) / 2, (ada + normalised(BEN_IN_SECOND)) / 2


def weights_table(page: str) -> list[tuple[str, list[tuple[str, bool]]]]:
    """The rows of the "Weights by scenario" table: criterion, then (shown percentage, marked) per column."""
    match = re.search(r'data-testid="scenario-weights".*?</table>', page, re.S)
    assert match, "no weights-by-scenario table"
    rows = []
    for row in re.findall(r'<tr>\s*<th scope="row">(.*?)</tr>', match.group(0), re.S):
        name, cells = row.split("</th>", 1)
        found = re.findall(r"<td([^>]*)>([^<]*)", cells)
        rows.append((name.strip(), [(text.strip(), "weight-changed" in attrs) for attrs, text in found]))
    return rows


def test_the_results_page_shows_the_weights_each_scenario_was_scored_with(client, login) -> None:
    exercise = weighted_by_scenario()
    login("analyst", team=exercise.team)
    first, second = exercise.scenarios.order_by("position", "pk")
    criteria = list(exercise.criteria.order_by("position", "pk"))
    baseline, in_second = expected_weights()
    assert abs(in_second[0] - baseline[0]) == pytest.approx(0.005)  # the boundary case is really there

    response = client.get(reverse("results", args=[exercise.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    section = page[page.index('id="scenarios-section"') :]
    assert 'data-testid="scenario-weights"' in section, "the table sits in the robustness section"
    header = re.search(r'data-testid="scenario-weights".*?</thead>', page, re.S).group(0)
    assert "<caption>Weights by scenario</caption>" in header
    assert re.findall(r'<th scope="col">([^<]*)</th>', header) == [
        "Criterion",
        "Baseline",
        f"Scenario {first.key}",
        f"Scenario {second.key}",
    ]
    rows = weights_table(page)
    assert [name for name, _cells in rows] == [f"Criterion {c.key}" for c in criteria]
    for j, (_name, cells) in enumerate(rows):
        base, scenario_one, scenario_two = cells
        assert base == (share(baseline[j]), False)
        assert scenario_one == (share(baseline[j]), False)  # Ben kept his baseline weights there
        assert scenario_two[0] == share(in_second[j])
        assert scenario_two[1] == (abs(in_second[j] - baseline[j]) > 0.005 + 1e-9)
    assert [marked for _value, marked in rows[1][1]] == [False, False, True]
    # Marked for screen readers and on hover, with the direction of the change.
    changed = re.findall(r'<td class="weight-changed"[^>]*>.*?</td>', page, re.S)
    assert len(changed) == 2
    assert f'title="Baseline: {share(baseline[1])}"' in changed[0] and "lower than the baseline" in changed[0]
    assert (
        f'title="Baseline: {share(baseline[2])}"' in changed[1] and "higher than the baseline" in changed[1]
    )
    assert all('class="visually-hidden"' in cell for cell in changed)

    # The engine's numbers are the ones shown.
    analysed = response.context["bundle"].scenarios
    np.testing.assert_allclose(analysed.baseline_weights, baseline)
    np.testing.assert_allclose(analysed.weights, [baseline, in_second])


def test_the_baseline_column_stays_the_baseline_when_a_scenario_is_chosen(client, login) -> None:
    exercise = weighted_by_scenario()
    login("analyst", team=exercise.team)
    second = exercise.scenarios.order_by("position", "pk")[1]
    baseline, in_second = expected_weights()
    analysis_only = {"HX-Request": "true", "HX-Target": "analysis"}
    page = client.get(
        reverse("results", args=[exercise.pk]), {"scenario": second.key}, headers=analysis_only
    ).content.decode()
    assert "<html" not in page
    rows = weights_table(page)
    assert [cells[0][0] for _name, cells in rows] == [share(w) for w in baseline]
    assert [cells[2][0] for _name, cells in rows] == [share(w) for w in in_second]


def test_without_the_participant_who_changed_nothing_is_marked(client, login) -> None:
    exercise = weighted_by_scenario()
    login("analyst", team=exercise.team)
    ada = Participant.objects.get(exercise=exercise, alias="Ada")
    page = client.get(reverse("results", args=[exercise.pk]), {"participant": ada.key}).content.decode()
    rows = weights_table(page)
    ada_weights = normalised(BASELINE_POINTS["Ada"])
    for j, (_name, cells) in enumerate(rows):
        assert cells == [(share(ada_weights[j]), False)] * 3
    assert "weight-changed" not in page


@pytest.mark.parametrize(("by_scenario", "scenarios"), [(False, 2), (True, 0)])
def test_no_weights_table_without_weights_by_scenario(
    client, login, by_scenario: bool, scenarios: int
) -> None:
    exercise = weighted_by_scenario(by_scenario=by_scenario, scenarios=scenarios)
    login("analyst", team=exercise.team)
    response = client.get(reverse("results", args=[exercise.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="scenario-weights"' not in page and "Weights by scenario" not in page
    assert response.context["scenario_weights"] is None
    # The rest of the robustness section is unchanged: its charts with scenarios, its reason without.
    if scenarios:
        # One set of weights for every scenario: the stored scenario points are not used, and nobody scored a
        # scenario, so the scenarios were not assessed: no chart, no verdict.
        assert 'id="chart-scenario-heatmap"' not in page
        assert response.context["bundle"].scenarios is None
        assert "Not assessed: nobody has judged the options under the scenarios in play" in page
    else:
        assert "No scenarios are in play in this exercise." in page


def test_a_blind_exercise_keeps_the_scenario_weights_from_participants_until_the_reveal(
    client, login
) -> None:
    exercise = weighted_by_scenario()
    Exercise.objects.filter(pk=exercise.pk).update(blind=True, facilitated=True, phase=Phase.SCORING)
    url = reverse("results", args=[exercise.pk])
    baseline, _in_second = expected_weights()
    login("participant", team=exercise.team)
    for headers in ({}, {"HX-Request": "true", "HX-Target": "analysis"}):
        hidden = client.get(url, headers=headers)
        assert hidden.status_code == 403
        page = hidden.content.decode()
        assert "hidden until the reveal" in page
        assert "scenario-weights" not in page and share(baseline[0]) not in page
    facilitator = member(exercise, Role.FACILITATOR)
    assert weights_table(facilitator.get(url).content.decode())
    Exercise.objects.filter(pk=exercise.pk).update(phase=Phase.REVEAL)
    assert weights_table(client.get(url).content.decode())


def test_french_weights_use_a_decimal_comma(client, login) -> None:
    exercise = weighted_by_scenario()
    login("analyst", team=exercise.team)
    client.cookies["django_language"] = "fr"
    baseline, in_second = expected_weights()
    page = client.get(reverse("results", args=[exercise.pk])).content.decode()
    assert '<html lang="fr">' in page
    rows = weights_table(page)
    criteria = list(exercise.criteria.order_by("position", "pk"))
    assert [name for name, _cells in rows] == [f"Critère {c.key}" for c in criteria]
    with translation.override("fr"):
        expected = [[share(baseline[j]), share(baseline[j]), share(in_second[j])] for j in range(3)]
    assert [[value for value, _marked in cells] for _name, cells in rows] == expected
    assert expected[1][2] == "25,0\xa0%" and all("," in value for row in expected for value in row)


def test_the_dashboard_counts_each_participants_scenario_changes() -> None:
    exercise = workshop(weights_by_scenario=True)
    first, second = exercise.scenarios.order_by("position", "pk")
    c1, c2 = exercise.criteria.order_by("position", "pk")
    o1, o2 = exercise.options.order_by("position", "pk")
    amina = ParticipantFactory(exercise=exercise, alias="Amina")
    bakary = ParticipantFactory(exercise=exercise, alias="Bakary")
    for person in (amina, bakary):
        WeightJudgmentFactory(participant=person, criterion=c1, value=60)
        WeightJudgmentFactory(participant=person, criterion=c2, value=40)
        for option in (o1, o2):
            for criterion in (c1, c2):
                ScoreJudgmentFactory(participant=person, option=option, criterion=criterion, value=5)
    # Amina: two scores that differ in the first future, one weight in the second, and one scenario score
    # saved at its baseline value, which is no change.
    ScoreJudgmentFactory(participant=amina, option=o1, criterion=c1, scenario=first, value=8)
    ScoreJudgmentFactory(participant=amina, option=o2, criterion=c2, scenario=first, value=1)
    ScoreJudgmentFactory(participant=amina, option=o1, criterion=c2, scenario=second, value=5)
    WeightJudgmentFactory(participant=amina, criterion=c1, scenario=second, value=80)
    page = (
        member(exercise, Role.FACILITATOR).get(reverse("workshop-live", args=[exercise.pk])).content.decode()
    )
    rows = {
        name: cells for name, cells in re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', page, re.S)
    }
    assert "Scenario changes" in page
    assert re.findall(r"<td>([^<]*)</td>", rows["Amina"])[3] == "3"
    assert re.findall(r"<td>([^<]*)</td>", rows["Bakary"])[3] == "0"


def test_the_dashboard_has_no_scenario_column_without_scenarios() -> None:
    exercise = workshop(scenarios=0)
    ParticipantFactory(exercise=exercise, alias="Amina")
    page = (
        member(exercise, Role.FACILITATOR).get(reverse("workshop-live", args=[exercise.pk])).content.decode()
    )
    assert "Amina" in page
    assert "Scenario changes" not in page
