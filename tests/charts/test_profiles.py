"""Profiles plot each option's group scores: raw on the heatmap, as a share of the scale on the radar."""

import numpy as np
import pytest

from policies import analysis
from policies.charts import profile_figure, score_heatmap_figure
from policies.selectors.analysis_results import group_scores
from tests.charts.helpers import assert_valid, close

pytestmark = pytest.mark.django_db


def goodness(bundle) -> np.ndarray:
    share = (bundle.matrix - bundle.scale_min) / (bundle.scale_max - bundle.scale_min)
    return np.where(bundle.types < 0, 1 - share, share)


def test_group_matrix_is_the_mean_of_the_participants_scores(bundle, arrays) -> None:
    expected, unscored = group_scores(arrays, arrays.scores)
    np.testing.assert_allclose(bundle.matrix, expected)
    np.testing.assert_allclose(bundle.matrix, np.nanmean(arrays.scores, axis=0))
    assert unscored == 0


def test_radar_plots_each_options_scores_as_a_share_of_the_scale(bundle, names) -> None:
    options, criteria = names(bundle)
    order = bundle.order
    shares = goodness(bundle)
    figure = profile_figure(
        [options[i] for i in order],
        criteria,
        shares[order].tolist(),
        bundle.matrix[order].tolist(),
        visible=3,
    )
    assert_valid(figure)
    assert len(figure.data) == len(options)
    for k, trace in enumerate(figure.data):
        i = order[k]
        assert trace.name == options[i]
        assert list(trace.theta) == [*criteria, criteria[0]]  # the polygon closes
        close(trace.r, [*shares[i], shares[i][0]])
        close(trace.customdata, [*bundle.matrix[i], bundle.matrix[i][0]], atol=6e-4)
        assert trace.visible == (True if k < 3 else "legendonly")
    # cost criteria are reversed: outward is always better
    cost = int(np.flatnonzero(bundle.types < 0)[0])
    i = order[0]
    expected = (bundle.scale_max[cost] - bundle.matrix[i, cost]) / (
        bundle.scale_max[cost] - bundle.scale_min[cost]
    )
    assert figure.data[0].r[cost] == pytest.approx(expected, abs=1e-4)


def test_heatmap_shows_scores_and_colours_by_goodness(bundle, names) -> None:
    options, criteria = names(bundle)
    order = bundle.order
    shares = goodness(bundle)
    figure = score_heatmap_figure(
        [options[i] for i in order], criteria, bundle.matrix[order].tolist(), shares[order].tolist()
    )
    assert_valid(figure)
    (trace,) = figure.data
    assert list(trace.y) == [options[i] for i in order] and list(trace.x) == criteria
    for row, i in zip(trace.z, order, strict=True):
        close(row, shares[i])
    for row, i in zip(trace.text, order, strict=True):
        assert list(row) == [f"{v:.1f}" for v in bundle.matrix[i]]
    # the best-ranked option is the first row
    scores = analysis.weighted_sum(bundle.matrix, bundle.weights.group, bundle.types)
    assert trace.y[0] == options[int(np.argmax(scores))]
