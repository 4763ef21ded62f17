"""Ranking figures plot exactly the engine's contributions, scores, ranks and Kendall's tau."""

import numpy as np
import pytest

from policies import analysis
from policies.charts import contributions_figure, method_ranks_figure
from policies.selectors.analysis_results import METHODS
from tests.charts.helpers import assert_valid, close

pytestmark = pytest.mark.django_db


def test_contributions_are_the_weighted_sum_parts_and_add_up_to_the_score(bundle, names) -> None:
    options, criteria = names(bundle)
    order = bundle.order
    figure = contributions_figure([options[i] for i in order], criteria, bundle.contributions[order].tolist())
    assert_valid(figure)
    expected = analysis.weighted_sum_contributions(bundle.matrix, bundle.weights.group, bundle.types)
    assert [trace.name for trace in figure.data] == criteria
    for j, trace in enumerate(figure.data):
        assert list(trace.y) == [options[i] for i in order]
        close(trace.x, expected[order, j])
    totals = np.sum([np.array(trace.x, dtype=float) for trace in figure.data], axis=0)
    score = analysis.weighted_sum(bundle.matrix, bundle.weights.group, bundle.types)
    close(totals, score[order], atol=1e-3)
    assert figure.layout.barmode == "relative"


def test_promethee_parts_add_up_to_the_net_flow(bundles, names) -> None:
    bundle = bundles["promethee_ii"]
    options, criteria = names(bundle)
    order = bundle.order
    figure = contributions_figure(
        [options[i] for i in order], criteria, bundle.contributions[order].tolist(), title="t", axis_title="a"
    )
    flows = analysis.promethee_ii(bundle.matrix, bundle.weights.group, bundle.types)
    totals = np.sum([np.array(trace.x, dtype=float) for trace in figure.data], axis=0)
    close(totals, flows[order], atol=1e-3)
    assert (np.array(figure.data[0].x, dtype=float) < 0).any() or (bundle.contributions < 0).any()
    assert figure.layout.title.text == "t" and figure.layout.xaxis.title.text == "a"


def test_best_option_is_drawn_first(bundle, names) -> None:
    options, criteria = names(bundle)
    figure = contributions_figure(
        [options[i] for i in bundle.order], criteria, bundle.contributions[bundle.order]
    )
    scores = analysis.weighted_sum(bundle.matrix, bundle.weights.group, bundle.types)
    assert figure.data[0].y[0] == options[int(np.argmax(scores))]
    assert figure.layout.yaxis.autorange == "reversed"


@pytest.mark.parametrize("method", ["weighted_sum", "topsis"])
def test_method_ranks_are_each_methods_ranks_with_kendall_tau(bundles, names, method: str) -> None:
    bundle = bundles[method]
    options, _criteria = names(bundle)
    comparison = bundle.comparison
    order = bundle.order
    figure = method_ranks_figure(
        [options[i] for i in order],
        list(comparison.methods),
        comparison.ranks[:, order].tolist(),
        comparison.scores[:, order].tolist(),
        list(comparison.tau),
    )
    assert_valid(figure)
    scores = {
        "weighted_sum": analysis.weighted_sum(bundle.matrix, bundle.weights.group, bundle.types),
        "topsis": analysis.topsis(bundle.matrix, bundle.weights.group, bundle.types),
        "promethee_ii": analysis.promethee_ii(bundle.matrix, bundle.weights.group, bundle.types),
    }
    assert tuple(comparison.methods) == METHODS
    for k, trace in enumerate(figure.data):
        i = order[k]
        assert trace.name == options[i]
        assert list(trace.x) == list(METHODS)
        assert list(trace.y) == [int(analysis.rank(scores[m])[i]) for m in METHODS]
        close(trace.customdata, [scores[m][i] for m in METHODS])
    annotation = figure.layout.annotations[0].text
    for a, b, tau in comparison.tau:
        assert tau == pytest.approx(analysis.kendall_tau(scores[a], scores[b]))
        assert f"{a} – {b}: {tau:.2f}" in annotation


def test_undefined_tau_is_shown_as_a_dash() -> None:
    figure = method_ranks_figure(
        ["A", "B"], ["m1", "m2"], [[1, 1], [1, 2]], [[0.5, 0.5], [0.6, 0.4]], [("m1", "m2", None)]
    )
    assert "m1 – m2: –" in figure.layout.annotations[0].text
    assert list(figure.data[1].y) == [1, 2]
