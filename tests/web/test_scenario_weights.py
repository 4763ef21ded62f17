"""Weights that differ by scenario on the web: the facilitator's toggle, the participant's weighting screen
(one section per scenario, prefilled from the baseline, changes marked), saves and who may make them, and the
AHP group weights the results page shows."""

import re

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from policies import analysis
from policies.models import Exercise, Participant, Role, WeightJudgment
from policies.models.exercises import Phase
from policies.services.workshop import issue_join_code
from policies.templatetags.report_format import share
from tests.factories import MembershipFactory, ScenarioFactory, UserFactory, make_exercise

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
