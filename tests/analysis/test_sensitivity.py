"""One-at-a-time weight sensitivity: stability intervals and rank-reversal points."""

from __future__ import annotations

import numpy as np
import pytest

from policies.analysis import (
    RankReversal,
    SensitivityResult,
    promethee_ii,
    rank,
    topsis,
    weight_sensitivity,
    weighted_sum,
)
from policies.analysis.methods import prepare
from policies.analysis.sensitivity import _linear_sensitivity, _numeric_sensitivity

from .test_methods import random_problem

METHODS = {"weighted_sum": weighted_sum, "topsis": topsis, "promethee_ii": promethee_ii}


def path(weights: np.ndarray, criterion: int, t: float) -> np.ndarray:
    """w_j = t, the other weights rescaled proportionally to sum 1 - t (as documented)."""
    others = np.delete(weights, criterion)
    moved = others / others.sum() * (1 - t)
    return np.insert(moved, criterion, t)


def test_weighted_sum_by_hand() -> None:
    """Derived by hand. Min-max scores r: A (1, 0), B (0, 1), C (.6, .6); weights (.5, .5):
    A .5, B .5, C .6, so C is first. Moving w_1 = t (w_2 = 1 - t): A = t, B = 1 - t, C = .6.
    C stays first for 1 - t <= .6 and t <= .6, i.e. t in [.4, .6]; by symmetry the same for w_2.
    Swaps for w_1: B/C at t = .4 (for first place), A/B at t = .5 (both behind C: place 2),
    A/C at t = .6 (first place).
    """
    matrix = [[10.0, 0.0], [0.0, 10.0], [6.0, 6.0]]
    result = weight_sensitivity(matrix, [0.5, 0.5], [1, 1])
    assert isinstance(result, SensitivityResult)
    assert result.top == (2,)
    np.testing.assert_allclose(result.intervals, [[0.4, 0.6], [0.4, 0.6]], atol=1e-12)
    first = [r for r in result.reversals if r.criterion == 0]
    assert [(r.option_a, r.option_b) for r in first] == [(1, 2), (0, 1), (0, 2)]
    np.testing.assert_allclose([r.weight for r in first], [0.4, 0.5, 0.6], atol=1e-12)
    assert [r.position for r in first] == [1, 2, 1]
    assert (first[0].leader_below, first[0].leader_above) == (1, 2)
    assert (first[2].leader_below, first[2].leader_above) == (2, 0)
    assert all(isinstance(r, RankReversal) for r in result.reversals)


@pytest.mark.parametrize("method", ["weighted_sum", "promethee_ii"])
def test_exact_linear_solution_agrees_with_the_numeric_scan(method: str) -> None:
    for seed in range(6):
        matrix, weights, types = random_problem(seed, n=6, m=4)
        scorer = prepare(method, matrix, types.astype(float))
        top = np.flatnonzero(rank(scorer.scores(weights[np.newaxis]))[0] == 1)
        exact_intervals, exact = _linear_sensitivity(scorer.parts, weights, top)
        scan_intervals, scanned = _numeric_sensitivity(scorer, weights, top)
        np.testing.assert_allclose(scan_intervals, exact_intervals, atol=1e-9)
        assert len(exact) == len(scanned)
        for a, b in zip(exact, scanned, strict=True):
            assert (a.criterion, a.option_a, a.option_b, a.position) == (
                b.criterion,
                b.option_a,
                b.option_b,
                b.position,
            )
            assert (a.leader_below, a.leader_above) == (b.leader_below, b.leader_above)
            assert a.weight == pytest.approx(b.weight, abs=1e-9)


@pytest.mark.parametrize("method", ["weighted_sum", "topsis", "promethee_ii"])
def test_intervals_and_reversals_hold_when_recomputed_with_the_public_methods(method: str) -> None:
    score = METHODS[method]
    for seed in range(4):
        matrix, weights, types = random_problem(seed + 20, n=6, m=4)
        result = weight_sensitivity(matrix, weights, types, method=method)
        top = list(result.top)
        step = 1e-7
        for j, (low, high) in enumerate(result.intervals):
            assert low <= weights[j] + 1e-12 and weights[j] - 1e-12 <= high
            for t in np.linspace(low, high, 7):
                assert np.all(rank(score(matrix, path(weights, j, t), types))[top] == 1)
            if low > step:
                assert not np.all(rank(score(matrix, path(weights, j, low - step), types))[top] == 1)
            if high < 1 - step:
                assert not np.all(rank(score(matrix, path(weights, j, high + step), types))[top] == 1)
        for r in result.reversals:
            below = score(matrix, path(weights, r.criterion, r.weight - step), types)
            above = score(matrix, path(weights, r.criterion, r.weight + step), types)
            assert below[r.leader_below] > below[r.leader_above]
            assert above[r.leader_above] > above[r.leader_below]
            at = score(matrix, path(weights, r.criterion, r.weight), types)
            assert at[r.option_a] == pytest.approx(at[r.option_b], abs=1e-9)
            assert r.position == 1 + int(np.sum(at > max(at[r.option_a], at[r.option_b]) + 1e-9))


def test_reversals_found_by_a_dense_brute_force_scan() -> None:
    matrix, weights, types = random_problem(31, n=5, m=3)
    result = weight_sensitivity(matrix, weights, types, method="topsis")
    for j in range(3):
        grid = np.linspace(0, 1, 4001)
        scores = topsis(matrix, np.stack([path(weights, j, t) for t in grid]), types)
        changes = 0
        for a in range(5):
            for b in range(a + 1, 5):
                sign = np.sign(scores[:, a] - scores[:, b])
                changes += int(np.sum(sign[1:] * sign[:-1] < 0))
        assert changes == sum(1 for r in result.reversals if r.criterion == j)


def test_a_tie_for_first_place_gives_a_point_interval() -> None:
    # A and B tie for first at (.5, .5) and separate as soon as a weight moves.
    result = weight_sensitivity([[10.0, 0.0], [0.0, 10.0], [4.0, 4.0]], [0.5, 0.5], [1, 1])
    assert result.top == (0, 1)
    np.testing.assert_allclose(result.intervals, [[0.5, 0.5], [0.5, 0.5]], atol=1e-12)


def test_identical_options_never_swap_and_share_first_place() -> None:
    matrix = [[5.0, 5.0, 1.0], [5.0, 5.0, 1.0], [1.0, 2.0, 9.0]]
    for method in ("weighted_sum", "topsis", "promethee_ii"):
        result = weight_sensitivity(matrix, [0.4, 0.4, 0.2], [1, 1, 1], method=method)
        assert result.top == (0, 1)
        assert not [r for r in result.reversals if {r.option_a, r.option_b} == {0, 1}]
        assert np.all(result.intervals[:, 0] <= result.weights)


def test_all_weight_on_one_criterion_spreads_the_rest_equally() -> None:
    matrix = [[10.0, 0.0, 0.0], [0.0, 10.0, 10.0], [6.0, 6.0, 6.0]]
    result = weight_sensitivity(matrix, [1.0, 0.0, 0.0], [1, 1, 1])
    # Moving w_1 down to t gives (t, (1-t)/2, (1-t)/2): A = t, B = 1 - t, C = .6 -> A first for t >= .6.
    assert result.top == (0,)
    np.testing.assert_allclose(result.intervals[0], [0.6, 1.0], atol=1e-12)


def test_method_options_are_passed_through() -> None:
    matrix, weights, types = random_problem(4, n=5, m=3)
    result = weight_sensitivity(matrix, weights, types, method="promethee_ii", preference="gaussian", s=30.0)
    assert result.method == "promethee_ii"
    with pytest.raises(ValueError, match="needs s"):
        weight_sensitivity(matrix, weights, types, method="promethee_ii", preference="gaussian")
    with pytest.raises(ValueError, match="do not apply to weighted_sum"):
        weight_sensitivity(matrix, weights, types, preference="usual")


def test_sensitivity_input_errors() -> None:
    with pytest.raises(ValueError, match="at least two criteria"):
        weight_sensitivity([[1.0], [2.0]], [1.0], [1])
    with pytest.raises(ValueError, match="not a batch"):
        weight_sensitivity([[1.0, 2.0], [2.0, 1.0]], [[1.0, 1.0]], [1, 1])
    with pytest.raises(ValueError, match="Unknown method"):
        weight_sensitivity([[1.0, 2.0], [2.0, 1.0]], [1.0, 1.0], [1, 1], method="electre")


def test_weight_path_follows_the_sensitivity_convention() -> None:
    from policies.analysis import weight_path

    path = weight_path([0.5, 0.3, 0.2], 0, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(path, [[0.0, 0.6, 0.4], [0.5, 0.3, 0.2], [1.0, 0.0, 0.0]])
    # A criterion that held all the weight hands it out equally.
    np.testing.assert_allclose(weight_path([1.0, 0.0, 0.0], 0, [0.0]), [[0.0, 0.5, 0.5]])
    for bad in ({"criterion": 3, "t": [0.5]}, {"criterion": 0, "t": [1.5]}):
        with pytest.raises(ValueError):
            weight_path([0.5, 0.3, 0.2], bad["criterion"], bad["t"])  # type: ignore[arg-type]
