"""Disagreement figures plot every participant's score on the most disputed cells and the IQR of every cell."""

import numpy as np
import pytest

from policies import analysis
from policies.charts import cell_label, consensus_figure, score_spread_figure
from tests.charts.helpers import assert_valid, close

pytestmark = pytest.mark.django_db


def test_disputed_cells_are_the_widest_interquartile_ranges(bundle, arrays) -> None:
    expected = analysis.consensus(arrays.scores)
    d = bundle.disagreement
    np.testing.assert_allclose(d.consensus.iqr, expected.iqr)
    width = arrays.scale_max - arrays.scale_min
    relative = expected.iqr / width
    spreads = [relative[cell] for cell in d.disputed]
    assert spreads == sorted(spreads, reverse=True)
    assert spreads[0] == pytest.approx(np.nanmax(relative))
    assert len(d.disputed) == 12


def test_spread_plots_each_participants_score_on_each_disputed_cell(bundle, arrays, names) -> None:
    options, criteria = names(bundle)
    d = bundle.disagreement
    cells = [cell_label(options[i], criteria[j]) for i, j in d.disputed]
    aliases = [p.alias for p in bundle.participants]
    figure = score_spread_figure(cells, aliases, [d.scores[:, i, j].tolist() for i, j in d.disputed])
    assert_valid(figure)
    for trace, (i, j), label in zip(figure.data, d.disputed, cells, strict=True):
        assert trace.name == label
        close(trace.x, arrays.scores[:, i, j])
        assert list(trace.text) == aliases
        assert trace.boxpoints == "all"


def test_missing_scores_are_left_out_of_the_spread() -> None:
    figure = score_spread_figure(["A · x"], ["P1", "P2", "P3"], [[4.0, float("nan"), 6.0]])
    assert list(figure.data[0].x) == [4.0, 6.0]
    assert list(figure.data[0].text) == ["P1", "P3"]


def test_consensus_heatmap_is_the_iqr_as_a_share_of_the_scale(bundle, arrays, names) -> None:
    options, criteria = names(bundle)
    order = bundle.order
    d = bundle.disagreement
    figure = consensus_figure(
        [options[i] for i in order],
        criteria,
        d.consensus.iqr[order].tolist(),
        d.relative_iqr[order].tolist(),
        d.consensus.n_judgments[order].tolist(),
    )
    assert_valid(figure)
    (trace,) = figure.data
    expected = analysis.consensus(arrays.scores)
    for row, i in zip(trace.z, order, strict=True):
        close(row, expected.iqr[i] / (arrays.scale_max - arrays.scale_min))
    for row, i in zip(trace.text, order, strict=True):
        assert list(row) == [f"{v:.1f}" for v in expected.iqr[i]]
    assert np.array(trace.customdata).max() == 3


def test_kendall_w_is_that_of_the_participants_own_rankings(bundle, arrays) -> None:
    points = arrays.weights / arrays.weights.sum(axis=1, keepdims=True)
    rankings = [analysis.weighted_sum(arrays.scores[k], points[k], arrays.types) for k in range(3)]
    assert bundle.disagreement.kendall_w == pytest.approx(analysis.kendall_w(np.array(rankings)))
    assert bundle.disagreement.raters == 3


def test_the_consensus_colour_bar_reads_in_the_cells_unit() -> None:
    """The cells print the IQR in points: on one common scale the colour bar reads in points too; with
    criteria on different scales it says it reads in shares of each scale. Column names stand upright."""
    names, criteria = ["A", "B"], [f"Criterion {k}" for k in range(8)]
    iqr = [[1.0] * 8, [2.5] * 8]
    common = consensus_figure(names, criteria, iqr, [[0.1] * 8, [0.25] * 8], [[3] * 8] * 2, scale_width=10)
    bar = common.data[0].colorbar
    assert bar.title.text == "IQR (points)"
    assert list(bar.ticktext) == ["0", "1", "2", "3", "4", "5"]
    assert list(bar.tickvals) == pytest.approx([0, 0.1, 0.2, 0.3, 0.4, 0.5])
    assert common.layout.xaxis.tickangle == -90
    mixed = consensus_figure(names, criteria, iqr, [[0.1] * 8, [0.25] * 8], [[3] * 8] * 2)
    assert mixed.data[0].colorbar.title.text == "IQR (share of the criterion’s scale)"
    assert mixed.data[0].colorbar.tickformat == ".0%"
