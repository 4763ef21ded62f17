"""Scenario figures plot the method's score in each scenario, the regret table and each rule's ranking."""

import numpy as np
import pytest

from policies import analysis
from policies.charts import regret_figure, rules_figure, scenario_heatmap_figure
from policies.selectors.analysis_results import RULES, display_name, group_scores, group_weights
from tests.charts.helpers import assert_valid, close

pytestmark = pytest.mark.django_db


def utilities(arrays) -> np.ndarray:
    weights = group_weights(arrays)
    columns = [
        analysis.weighted_sum(group_scores(arrays, arrays.scenario_scores[s])[0], weights, arrays.types)
        for s in range(len(arrays.scenarios))
    ]
    return np.stack(columns, axis=1)


def test_heatmap_is_the_score_of_each_option_in_each_scenario(bundles, arrays, names) -> None:
    bundle = bundles["scenario"]
    options, _criteria = names(bundle)
    sa = bundle.scenarios
    expected = utilities(arrays)
    np.testing.assert_allclose(sa.utilities, expected)
    order = bundle.order
    scenario_names = [display_name(s) for s in sa.scenarios]
    figure = scenario_heatmap_figure(
        [options[i] for i in order],
        scenario_names,
        sa.utilities[order].tolist(),
        highlight=bundle.scenario_index,
        score_label="score",
    )
    assert_valid(figure)
    (trace,) = figure.data
    assert list(trace.x) == scenario_names
    for row, i in zip(trace.z, order, strict=True):
        close(row, expected[i])
    # the scenario on view is outlined
    assert bundle.scenario.key == "sc-jihadist-consolidation"
    assert figure.layout.shapes[0].x0 == bundle.scenario_index - 0.5
    # and its column is the ranking the page shows for that scenario
    np.testing.assert_allclose(bundle.scores, expected[:, bundle.scenario_index])


def test_regret_table_is_the_engines(bundle, arrays, names) -> None:
    options, _criteria = names(bundle)
    sa = bundle.scenarios
    plausibility = [s.plausibility for s in arrays.scenarios]
    expected = analysis.robustness(utilities(arrays), plausibility, 0.5)
    order = bundle.order
    figure = regret_figure(
        [options[i] for i in order],
        [display_name(s) for s in sa.scenarios],
        sa.robustness.regret[order].tolist(),
        sa.robustness.max_regret[order].tolist(),
    )
    assert_valid(figure)
    (trace,) = figure.data
    for row, i in zip(trace.z, order, strict=True):
        close(row, [*expected.regret[i], expected.max_regret[i]])
    best = int(np.argmax(utilities(arrays)[:, 0]))
    assert trace.text[list(order).index(best)][0] == "best"


def test_rules_rank_the_options_and_star_each_choice(bundle, arrays, names) -> None:
    options, _criteria = names(bundle)
    sa = bundle.scenarios
    expected = analysis.robustness(utilities(arrays), [s.plausibility for s in arrays.scenarios], 0.5)
    values = {rule: getattr(expected, rule) for rule in RULES}
    ranks = {rule: analysis.rank(-values[rule] if rule == "max_regret" else values[rule]) for rule in RULES}
    order = bundle.order
    chosen = [list(expected.tied_choices[rule]) for rule in RULES]
    figure = rules_figure(
        [options[i] for i in order],
        ["EV", "Maximin", "Hurwicz", "Regret"],
        sa.rule_ranks[:, order].tolist(),
        sa.rule_values[:, order].tolist(),
        [[list(order).index(i) for i in picks] for picks in chosen],
    )
    assert_valid(figure)
    lines, stars = figure.data[:-1], figure.data[-1]
    for k, trace in enumerate(lines):
        i = order[k]
        assert list(trace.y) == [int(ranks[rule][i]) for rule in RULES]
        close(trace.customdata, [values[rule][i] for rule in RULES])
        moves = len({int(ranks[rule][i]) for rule in RULES}) > 1
        assert trace.line.width == (3 if moves else 1.5)  # rank reversals between rules stand out
    assert list(stars.text) == [options[i] for picks in chosen for i in picks]
    assert list(stars.y) == [1] * len(stars.text)
