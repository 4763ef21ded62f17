"""Weight figures plot the group's weights, each participant's, and the group's under each elicitation."""

import math

import numpy as np
import pytest

from policies import analysis
from policies.analysis import roc_from_points
from policies.charts import elicitation_figure, weights_figure
from policies.selectors.analysis_results import group_weights
from tests.charts.helpers import assert_valid, close

pytestmark = pytest.mark.django_db


def test_group_bars_and_participant_markers(bundle, arrays, names) -> None:
    _options, criteria = names(bundle)
    aliases = [p.alias for p in bundle.participants]
    figure = weights_figure(
        criteria, bundle.weights.group.tolist(), aliases, bundle.weights.participants.tolist()
    )
    assert_valid(figure)
    bars, *people = figure.data
    close(bars.x, group_weights(arrays), atol=6e-5)
    assert list(bars.y) == list(range(len(criteria)))
    assert list(bars.text) == [f"{100 * w:.0f}%" for w in group_weights(arrays)]
    assert [trace.name for trace in people] == aliases
    points = arrays.weights / arrays.weights.sum(axis=1, keepdims=True)
    for k, trace in enumerate(people):
        close(trace.x, points[k], atol=6e-4)
        # each participant on its own row within every criterion's band
        assert all(abs(y - j) < 0.4 for j, y in enumerate(trace.y))
    assert [t.replace("<br>", " ") for t in figure.layout.yaxis.ticktext] == criteria


def test_large_groups_share_one_marker_trace_named_in_the_hover() -> None:
    rng = np.random.default_rng(1)
    points = rng.uniform(0, 100, size=(12, 3))
    rows = points / points.sum(axis=1, keepdims=True)
    rows[4] = np.nan  # has not weighted: left out
    names = [f"P{k}" for k in range(12)]
    figure = weights_figure(
        ["a", "b", "c"], rows[~np.isnan(rows[:, 0])].mean(axis=0).tolist(), names, rows.tolist()
    )
    assert_valid(figure)
    assert len(figure.data) == 2
    markers = figure.data[1]
    kept = [k for k in range(12) if k != 4]
    close(markers.x, rows[kept].ravel(), atol=6e-4)
    assert list(markers.text) == [names[k] for k in kept for _j in range(3)]


def test_rank_order_centroid_from_points_shares_tied_places() -> None:
    roc = analysis.roc_weights(4)
    result = roc_from_points(np.array([10.0, 50.0, 30.0, 30.0]))
    np.testing.assert_allclose(result, [roc[3], roc[0], (roc[1] + roc[2]) / 2, (roc[1] + roc[2]) / 2])
    assert result.sum() == pytest.approx(1.0)
    both = roc_from_points(np.array([[10.0, 50.0, 30.0, 30.0], [1.0, 2.0, 3.0, 4.0]]))
    np.testing.assert_allclose(both[1], roc[::-1])


def test_elicitation_compares_direct_points_with_rank_order_centroid(bundle, arrays, names) -> None:
    _options, criteria = names(bundle)
    methods = list(bundle.weights.elicitation)
    values = [bundle.weights.elicitation[m] for m in methods]
    figure = elicitation_figure(criteria, methods, [v.tolist() for v in values])
    assert_valid(figure)
    direct, roc = figure.data
    close(direct.x, group_weights(arrays))
    expected_roc = np.mean([roc_from_points(row) for row in arrays.weights], axis=0)
    close(roc.x, expected_roc)
    assert math.isclose(sum(roc.x), 1.0, abs_tol=1e-3)
    assert direct.marker.pattern.shape != roc.marker.pattern.shape  # not colour alone
    assert [trace.name for trace in figure.data] == methods
