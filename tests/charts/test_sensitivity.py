"""Sensitivity figures plot the scores along one weight's sweep, the engine's rank reversals and its
stability intervals."""

import itertools

import numpy as np
import pytest

from policies import analysis
from policies.charts import ReversalPoint, sensitivity_figure, tornado_figure
from tests.charts.helpers import assert_valid, close

pytestmark = pytest.mark.django_db

SCORERS = {
    "weighted_sum": analysis.weighted_sum,
    "topsis": analysis.topsis,
    "promethee_ii": analysis.promethee_ii,
}


def path(weights: np.ndarray, j: int, t: float) -> np.ndarray:
    """The engine's convention: criterion j at t, the others keep their proportions."""
    others = weights.copy()
    others[j] = 0
    out = (1 - t) * others / others.sum()
    out[j] = t
    return out


def figure_for(bundle, names):
    options, criteria = names(bundle)
    sweep = bundle.sensitivity
    order = bundle.order
    points = [
        ReversalPoint(r.weight, float(s), f"{options[r.leader_above]} overtakes", r.position == 1)
        for r, s in zip(sweep.reversals, sweep.reversal_scores, strict=True)
    ]
    figure = sensitivity_figure(
        [options[i] for i in order],
        criteria[sweep.criterion],
        sweep.grid.tolist(),
        sweep.scores[:, order].tolist(),
        float(sweep.result.weights[sweep.criterion]),
        points,
        score_label="score",
    )
    return figure, points


@pytest.mark.parametrize("method", ["weighted_sum", "topsis", "promethee_ii"])
def test_lines_are_the_method_scores_along_the_sweep(bundles, names, method: str) -> None:
    bundle = bundles[method]
    sweep = bundle.sensitivity
    expected = analysis.weight_sensitivity(bundle.matrix, bundle.weights.group, bundle.types, method)
    np.testing.assert_allclose(sweep.result.intervals, expected.intervals)
    figure, _points = figure_for(bundle, names)
    assert_valid(figure)
    j = sweep.criterion
    lines = figure.data[: len(bundle.options)]
    for k, trace in enumerate(lines):
        i = bundle.order[k]
        for t, y in list(zip(trace.x, trace.y, strict=True))[::7]:
            score = SCORERS[method](bundle.matrix, path(bundle.weights.group, j, t), bundle.types)[i]
            assert y == pytest.approx(score, abs=2e-4)
    # at the current weight the lines go through the ranking's scores
    now = sweep.result.weights[j]
    at = int(np.argmin(np.abs(sweep.grid - now)))
    close([trace.y[at] for trace in lines], bundle.scores[bundle.order], atol=2e-4)
    assert figure.layout.shapes[0].x0 == pytest.approx(now, abs=1e-4)


def test_reversal_markers_are_where_the_engine_says_two_options_tie(bundles, names) -> None:
    bundle = bundles["weighted_sum"]
    sweep = bundle.sensitivity
    expected = analysis.weight_sensitivity(bundle.matrix, bundle.weights.group, bundle.types)
    own = [r for r in expected.reversals if r.criterion == sweep.criterion]
    assert len(own) == len(sweep.reversals) > 0
    figure, points = figure_for(bundle, names)
    markers = figure.data[-1]
    close(markers.x, [r.weight for r in own])
    for r, y in zip(own, markers.y, strict=True):
        scores = analysis.weighted_sum(
            bundle.matrix, path(bundle.weights.group, r.criterion, r.weight), bundle.types
        )
        assert scores[r.option_a] == pytest.approx(scores[r.option_b], abs=1e-9)
        assert y == pytest.approx(scores[r.option_a], abs=1e-4)
    assert list(markers.text) == [p.label if p.first_place else "" for p in points]


def test_default_criterion_is_the_one_closest_to_changing_the_winner(bundle) -> None:
    result = bundle.sensitivity.result
    w, low, high = result.weights, result.intervals[:, 0], result.intervals[:, 1]
    margin = np.minimum(np.where(low > 1e-9, w - low, np.inf), np.where(high < 1 - 1e-9, high - w, np.inf))
    assert bundle.sensitivity.criterion == int(np.argmin(margin))


def test_tornado_bars_are_the_stability_intervals_narrowest_first(bundle, names) -> None:
    options, criteria = names(bundle)
    result = analysis.weight_sensitivity(bundle.matrix, bundle.weights.group, bundle.types)
    top = options[result.top[0]]
    figure = tornado_figure(criteria, result.weights.tolist(), result.intervals.tolist(), top)
    assert_valid(figure)
    fall, rise = figure.data
    widths = result.intervals[:, 1] - result.intervals[:, 0]
    order = sorted(range(len(criteria)), key=lambda j: (widths[j], j))
    assert list(fall.y) == [criteria[j] for j in order] == list(rise.y)
    close(fall.x, [result.intervals[j, 0] - result.weights[j] for j in order])
    close(rise.x, [result.intervals[j, 1] - result.weights[j] for j in order])
    assert all(x <= 0 for x in fall.x) and all(x >= 0 for x in rise.x)
    assert list(rise.text) == [f"{100 * result.intervals[j, 1]:.0f}%" for j in order]
    assert top in figure.layout.title.text
    assert fall.marker.pattern.shape != rise.marker.pattern.shape


def test_line_end_names_are_whole_and_never_overlap() -> None:
    """Eight lines ending at nearly the same score: every name is printed whole (wrapped, never cut) and the
    names are moved apart so that none covers another, inside the plot's height."""
    from policies.charts.sensitivity import END_NAME_LINE_PX, PLOT_PX, spread

    names = [f"A rather long option name number {k} with words" for k in range(8)]
    grid = [k / 10 for k in range(11)]
    scores = [[0.5 + 0.001 * i * t for i in range(8)] for t in grid]
    figure = sensitivity_figure(names, "Cost", grid, scores, 0.3, [], score_label="Score")
    notes = [a for a in figure.layout.annotations if a.xref == "paper" and a.x == 1]
    assert [a.text.replace("<br>", " ") for a in notes] == names
    low, high = figure.layout.yaxis.range
    per_px = (high - low) / PLOT_PX
    placed = sorted((a.y, (a.text.count("<br>") + 1) * END_NAME_LINE_PX * per_px) for a in notes)
    for (y1, h1), (y2, h2) in itertools.pairwise(placed):
        assert y2 - y1 >= (h1 + h2) / 2 - 2e-4  # positions are rounded to 4 decimals
    assert all(low <= y <= high for y, _h in placed)
    # The spreading itself: values far apart stay where they are.
    assert spread([0.1, 0.9], [0.05, 0.05], 0, 1) == [0.1, 0.9]


def test_reversal_labels_open_towards_the_middle_of_the_plot() -> None:
    grid = [k / 10 for k in range(11)]
    points = [
        ReversalPoint(weight=0.05, score=0.5, label="B overtakes A", first_place=True),
        ReversalPoint(weight=0.95, score=0.5, label="C overtakes B", first_place=True),
    ]
    figure = sensitivity_figure(["A", "B"], "Cost", grid, [[0.5, 0.4]] * 11, 0.3, points, score_label="S")
    notes = {
        a.text: a
        for a in figure.layout.annotations
        if a.xref == "x" and a.text != figure.layout.annotations[0].text
    }
    assert notes["B overtakes A"].xanchor == "left" and notes["C overtakes B"].xanchor == "right"
