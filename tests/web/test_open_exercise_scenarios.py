"""An open exercise with scenarios in play: participants score the options under each scenario on their own
page, starting from their baseline, and until somebody does, every surface says the scenarios were "not
assessed" instead of drawing a robustness verdict from copies of the baseline."""

import pytest
from django.urls import reverse

from policies.models import ScoreJudgment, WeightJudgment
from policies.reporting.brief import brief_html, plan_brief
from policies.reporting.pdf import plan_report, report_html
from policies.selectors.analysis_results import analysis_results
from tests.factories import ScenarioFactory, make_exercise
from tests.viewers import facilitator_view

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_exercise(client, login):
    """Two options, two criteria, three scenarios in play, one participant signed in who scored the baseline:
    the first option 8 and 6, the second 4 and 5."""
    exercise = make_exercise(options=2, criteria=2)
    scenarios = ScenarioFactory.create_batch(3, case=exercise.case)
    exercise.scenarios.set(scenarios)
    membership = login("participant", team=exercise.team)
    first, second = exercise.options.order_by("position", "pk")
    c1, c2 = exercise.criteria.order_by("position", "pk")
    for option, values in ((first, (8, 6)), (second, (4, 5))):
        for criterion, value in zip((c1, c2), values, strict=True):
            response = client.post(
                reverse("score-save", args=[exercise.pk, option.pk, criterion.pk]), {"value": str(value)}
            )
            assert response.status_code == 200
    return exercise, membership, scenarios, (first, second), (c1, c2)


def test_the_page_has_a_table_per_scenario_prefilled_from_the_baseline(client, open_exercise) -> None:
    exercise, _membership, scenarios, (first, _second), (c1, _c2) = open_exercise
    page = client.get(reverse("exercise", args=[exercise.pk])).content.decode()
    for scenario in scenarios:
        assert f'data-testid="scenario-table-{scenario.key}"' in page
    # The scenario cell starts at the baseline score, unmarked.
    cell = f'data-testid="score-{first.key}-{c1.key}-{scenarios[0].key}"'
    assert cell in page
    before = page[: page.index(cell)]
    assert before[before.rindex("<input") :].count('value="8"') == 1
    assert "data-changed" not in page


def test_a_scenario_score_is_saved_for_that_scenario_and_marked(client, open_exercise) -> None:
    exercise, membership, scenarios, (first, _second), (c1, _c2) = open_exercise
    url = reverse("score-save", args=[exercise.pk, first.pk, c1.pk])
    response = client.post(url, {"value": "2", "scenario": str(scenarios[1].pk)})
    assert response.status_code == 200
    saved = ScoreJudgment.objects.get(scenario=scenarios[1])
    assert (saved.value, saved.option, saved.criterion, saved.participant.user) == (
        2,
        first,
        c1,
        membership.user,
    )
    # The baseline cell is untouched.
    assert ScoreJudgment.objects.get(scenario=None, option=first, criterion=c1).value == 8
    page = client.get(reverse("exercise", args=[exercise.pk])).content.decode()
    assert page.count("data-changed") == 1


@pytest.mark.parametrize("scenario", ["abc", "999999", "²"])
def test_a_scenario_not_in_play_is_refused(client, open_exercise, scenario: str) -> None:
    exercise, _membership, _scenarios, (first, _second), (c1, _c2) = open_exercise
    other = ScenarioFactory(case=exercise.case)  # of the case, not in play
    for value in (scenario, str(other.pk)):
        response = client.post(
            reverse("score-save", args=[exercise.pk, first.pk, c1.pk]), {"value": "2", "scenario": value}
        )
        assert response.status_code == 422
        assert "not part of the exercise" in response.content.decode()
    assert not ScoreJudgment.objects.filter(scenario__isnull=False).exists()


def test_a_score_can_be_cleared(client, open_exercise) -> None:
    exercise, _membership, scenarios, (first, _second), (c1, _c2) = open_exercise
    url = reverse("score-save", args=[exercise.pk, first.pk, c1.pk])
    client.post(url, {"value": "1", "scenario": str(scenarios[0].pk)})
    # Clearing the scenario's cell brings back the baseline there; the baseline score stays.
    response = client.post(url, {"value": " ", "scenario": str(scenarios[0].pk)})
    assert response.status_code == 200
    assert 'data-state="cleared"' in response.content.decode()
    assert not ScoreJudgment.objects.filter(scenario=scenarios[0]).exists()
    assert ScoreJudgment.objects.filter(scenario=None, option=first, criterion=c1).exists()
    # Clearing the baseline cell takes the score back; the history keeps the deletion.
    client.post(url, {"value": ""})
    assert not ScoreJudgment.objects.filter(option=first, criterion=c1).exists()
    assert ScoreJudgment.history.filter(option=first, criterion=c1, history_type="-").count() == 2
    page = client.get(reverse("exercise", args=[exercise.pk])).content.decode()
    cell = f'data-testid="score-{first.key}-{c1.key}"'
    before = page[: page.index(cell)]
    assert 'value=""' in before[before.rindex("<input") :]


def test_an_observer_cannot_clear_a_score(client, login, open_exercise) -> None:
    exercise, _membership, _scenarios, (first, _second), (c1, _c2) = open_exercise
    login("observer", team=exercise.team)
    response = client.post(reverse("score-save", args=[exercise.pk, first.pk, c1.pk]), {"value": ""})
    assert response.status_code == 403
    assert ScoreJudgment.objects.filter(option=first, criterion=c1).exists()


def _report_text(exercise) -> str:
    return report_html(plan_report(analysis_results(exercise, visibility=facilitator_view(exercise))))


def test_scenarios_nobody_scored_are_not_assessed_on_every_surface(client, login, open_exercise) -> None:
    exercise, _membership, scenarios, (first, _second), (_c1, c2) = open_exercise
    bundle = analysis_results(exercise, visibility=facilitator_view(exercise))
    assert bundle.scenarios_assessed is False
    assert bundle.scenarios is None
    assert bundle.unavailable["scenarios"].startswith("Not assessed")

    login("analyst", team=exercise.team)
    page = client.get(reverse("results", args=[exercise.pk])).content.decode()
    assert "Not assessed: nobody has judged the options under the scenarios in play" in page
    assert 'id="chart-scenario-heatmap"' not in page
    # Choosing a scenario nobody scored says so rather than presenting the baseline as its ranking.
    chosen = client.get(reverse("results", args=[exercise.pk]), {"scenario": scenarios[0].key})
    assert "not assessed, its ranking repeats the baseline" in chosen.content.decode()

    report = _report_text(exercise)
    assert "scored the options again" not in report
    assert "Not assessed." in report
    assert "nobody judged the options under them" in report
    # The robustness check says "not assessed", not passed, and the verdict counts it neither way.
    summary = report[
        report.index('id="sec-summary"') : report.index("</section>", report.index('id="sec-summary"'))
    ]
    assert "data-not-assessed" in summary
    assert "Not assessed: nobody judged the options under the 3 scenarios in play." in summary
    assert "1 check was not assessed and counts neither way." in summary
    # The brief prints the same checks table: no "passed" for an analysis that did not happen.
    brief = brief_html(plan_brief(analysis_results(exercise, visibility=facilitator_view(exercise))))
    assert "data-not-assessed" in brief and "1 check was not assessed and counts neither way." in brief

    # Once a participant scores under a scenario, the scenarios are assessed, and reported as such.
    client.logout()
    login("participant", team=exercise.team)
    url = reverse("score-save", args=[exercise.pk, first.pk, c2.pk])
    assert client.post(url, {"value": "0", "scenario": str(scenarios[2].pk)}).status_code == 200
    bundle = analysis_results(exercise, visibility=facilitator_view(exercise))
    assert bundle.scenarios_assessed is True
    assert bundle.scenarios is not None
    assert [s.pk for s in bundle.scenarios.unchanged] == [scenarios[0].pk, scenarios[1].pk]
    report = _report_text(exercise)
    assert "Not assessed." not in report
    assert "Participants judged the options again under 1 of the 3 scenarios in play" in report
    assert "data-not-assessed" in report  # the two scenarios nobody changed are marked
    summary = report[
        report.index('id="sec-summary"') : report.index("</section>", report.index('id="sec-summary"'))
    ]
    assert "not assessed" not in summary.lower()


def test_the_summary_names_the_scenarios_nobody_judged(client, open_exercise) -> None:
    """A robustness verdict drawn from three scenarios of which one was judged says which two only repeat the
    baseline, in the summary's sentence and in the checks table alike."""
    exercise, _membership, scenarios, (first, _second), (_c1, c2) = open_exercise
    url = reverse("score-save", args=[exercise.pk, first.pk, c2.pk])
    assert client.post(url, {"value": "0", "scenario": str(scenarios[2].pk)}).status_code == 200
    report = _report_text(exercise)
    start = report.index('id="sec-summary"')
    summary = report[start : report.index("</section>", start)]
    note = f"Nobody changed a judgment under Scenario {scenarios[0].key}, Scenario {scenarios[1].key}: the baseline"
    assert "robustness rules and scores best in" in summary
    # Once beside the count of scenarios, once in the checks table's finding.
    assert summary.count(note) == 2
    assert f"Scenario {scenarios[2].key}:" not in summary
    brief = brief_html(plan_brief(analysis_results(exercise, visibility=facilitator_view(exercise))))
    assert note in brief
    # The results page's headline, beside its verdict across the scenarios.
    page = client.get(reverse("results", args=[exercise.pk])).content.decode()
    start = page.index("<li>Across the scenarios")
    assert note in page[start : page.index("</li>", start)]

    # Once every scenario is judged, nothing is said about unjudged ones.
    for scenario in scenarios[:2]:
        assert client.post(url, {"value": "1", "scenario": str(scenario.pk)}).status_code == 200
    report = _report_text(exercise)
    assert "robustness rules and scores best in" in report
    assert "Nobody changed a judgment under" not in report


def test_a_workshop_score_can_be_cleared_too(client, open_exercise) -> None:
    exercise, _membership, _scenarios, (first, _second), (c1, _c2) = open_exercise
    exercise.facilitated, exercise.phase = True, "scoring"
    exercise.save(update_fields=["facilitated", "phase"])
    url = reverse("workshop-score", args=[exercise.pk, first.pk, c1.pk])
    response = client.post(url, {"value": "", "rationale": "", "confidence": ""})
    assert response.status_code == 200
    assert not ScoreJudgment.objects.filter(option=first, criterion=c1).exists()
    # Outside the scoring phase nothing is cleared.
    client.post(url, {"value": "5"})
    exercise.phase = "closed"
    exercise.save(update_fields=["phase"])
    assert client.post(url, {"value": ""}).status_code == 422
    assert ScoreJudgment.objects.filter(option=first, criterion=c1).exists()


def _weights_by_scenario(exercise, client) -> None:  # type: ignore[no-untyped-def]
    exercise.weights_by_scenario = True
    exercise.save()
    for criterion, points in zip(exercise.criteria.order_by("position", "pk"), (70, 30), strict=True):
        response = client.post(
            reverse("weight-save", args=[exercise.pk, criterion.pk]), {"value": str(points)}
        )
        assert response.status_code == 200


def test_weights_per_scenario_start_from_the_baseline_and_are_saved_for_their_scenario(
    client, open_exercise
) -> None:
    exercise, membership, scenarios, _options, (c1, c2) = open_exercise
    _weights_by_scenario(exercise, client)
    page = client.get(reverse("exercise", args=[exercise.pk])).content.decode()
    for scenario in scenarios:
        assert f'data-testid="scenario-weights-{scenario.key}"' in page
    field = f'data-testid="weight-{c1.key}-{scenarios[0].key}"'
    before = page[: page.index(field)]
    assert before[before.rindex("<input") :].count('value="70"') == 1  # prefilled from the baseline
    assert f'<label for="w-s{scenarios[0].pk}-{c1.pk}">' in page
    assert "data-changed" not in page

    url = reverse("weight-save", args=[exercise.pk, c2.pk])
    assert client.post(url, {"value": "90", "scenario": str(scenarios[0].pk)}).status_code == 200
    saved = WeightJudgment.objects.get(scenario=scenarios[0])
    assert (saved.criterion, saved.value, saved.participant.user) == (c2, 90, membership.user)
    baseline = WeightJudgment.objects.get(scenario__isnull=True, criterion=c2)
    assert baseline.value == 30  # the baseline is untouched
    page = client.get(reverse("exercise", args=[exercise.pk])).content.decode()
    field = f'data-testid="weight-{c2.key}-{scenarios[0].key}"'
    before = page[: page.index(field)]
    assert before[before.rindex("<input") :].count('value="90"') == 1
    assert page.count("data-changed") == 1


def test_no_scenario_weights_where_the_exercise_weighs_once(client, open_exercise) -> None:
    exercise, _membership, scenarios, _options, (c1, _c2) = open_exercise
    page = client.get(reverse("exercise", args=[exercise.pk])).content.decode()
    assert 'data-testid="scenario-weights"' not in page
    url = reverse("weight-save", args=[exercise.pk, c1.pk])
    response = client.post(url, {"value": "50", "scenario": str(scenarios[0].pk)})
    assert response.status_code == 422
    assert "does not take weights for this scenario" in response.content.decode()
    assert not WeightJudgment.objects.filter(scenario__isnull=False).exists()


@pytest.mark.parametrize("posted", ["abc", "999999"])
def test_a_scenario_not_in_play_takes_no_weight(client, open_exercise, posted: str) -> None:
    exercise, _membership, _scenarios, _options, (c1, _c2) = open_exercise
    _weights_by_scenario(exercise, client)
    other = ScenarioFactory(case=exercise.case)  # in the case, not in play
    value = str(other.pk) if posted == "999999" else posted
    response = client.post(
        reverse("weight-save", args=[exercise.pk, c1.pk]), {"value": "50", "scenario": value}
    )
    assert response.status_code == 422
    assert not WeightJudgment.objects.filter(scenario__isnull=False).exists()
