"""Uncertainty figures plot SMAA-2's rank acceptabilities and central weights, seeded so they repeat."""

import math

import numpy as np
import pytest

from policies import analysis
from policies.charts import acceptability_figure, central_weights_figure
from policies.selectors.analysis_results import SMAA_SAMPLES, SMAA_SEED
from tests.charts.helpers import assert_valid, close

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["weighted_sum", "promethee_ii"])
def test_acceptability_bars_are_the_smaa_rank_shares(bundles, names, method: str) -> None:
    bundle = bundles[method]
    options, _criteria = names(bundle)
    expected = analysis.smaa(
        bundle.matrix, bundle.types, method=method, n_samples=SMAA_SAMPLES, seed=SMAA_SEED
    )
    np.testing.assert_allclose(bundle.smaa.rank_acceptability, expected.rank_acceptability)
    order = bundle.order
    figure = acceptability_figure([options[i] for i in order], bundle.smaa.rank_acceptability[order].tolist())
    assert_valid(figure)
    assert [trace.name for trace in figure.data] == [f"Rank {r + 1}" for r in range(len(options))]
    for r, trace in enumerate(figure.data):
        assert list(trace.y) == [options[i] for i in order]
        close(trace.x, expected.rank_acceptability[order, r])
        for share, text in zip(trace.x, trace.text, strict=True):
            assert text == (f"#{r + 1}: {100 * share:.0f}%" if share >= 0.05 else "")
    totals = np.sum([np.array(trace.x) for trace in figure.data], axis=0)
    close(totals, np.ones(len(options)), atol=1e-3)


def test_central_weights_rows_are_the_options_that_can_win(bundle, names) -> None:
    options, criteria = names(bundle)
    central = bundle.smaa.central_weights
    order = bundle.order
    figure = central_weights_figure(
        [options[i] for i in order], criteria, central[order].tolist(), bundle.weights.group.tolist()
    )
    assert_valid(figure)
    (trace,) = figure.data
    winners = [i for i in order if not np.isnan(central[i]).all()]
    assert list(trace.y)[1:] == [options[i] for i in winners]
    close(trace.z[0], bundle.weights.group)
    for row, i in zip(trace.z[1:], winners, strict=True):
        close(row, central[i])
        assert math.isclose(sum(row), 1.0, abs_tol=1e-3)
    assert trace.text[1][0] == f"{100 * central[winners[0], 0]:.0f}%"


def test_the_same_judgments_give_the_same_acceptabilities(bundles) -> None:
    bundle = bundles["weighted_sum"]
    again = analysis.smaa(bundle.matrix, bundle.types, n_samples=SMAA_SAMPLES, seed=SMAA_SEED)
    np.testing.assert_array_equal(bundle.smaa.rank_acceptability, again.rank_acceptability)
    assert bundle.smaa.n_samples == 10_000
