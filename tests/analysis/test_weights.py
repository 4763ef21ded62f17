"""AHP priorities and consistency, group pairwise aggregation, ROC, swing and direct points."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from policies.analysis import (
    AHPResult,
    aggregate_pairwise,
    ahp_priorities,
    direct_point_weights,
    most_inconsistent_comparisons,
    roc_weights,
    swing_weights,
)
from policies.analysis.weights import RANDOM_INDEX


def reciprocal(upper: dict[tuple[int, int], float], n: int) -> np.ndarray:
    matrix = np.ones((n, n))
    for (i, j), value in upper.items():
        matrix[i, j] = value
        matrix[j, i] = 1.0 / value
    return matrix


# Saaty's house-buying example: size of house, transportation, neighbourhood, age of house, yard
# space, modern facilities, general condition, financing.
_F = Fraction
HOUSE = np.array(
    [
        [1, 5, 3, 7, 6, 6, _F(1, 3), _F(1, 4)],
        [_F(1, 5), 1, _F(1, 3), 5, 3, 3, _F(1, 5), _F(1, 7)],
        [_F(1, 3), 3, 1, 6, 3, 4, 6, _F(1, 5)],
        [_F(1, 7), _F(1, 5), _F(1, 6), 1, _F(1, 3), _F(1, 4), _F(1, 7), _F(1, 8)],
        [_F(1, 6), _F(1, 3), _F(1, 3), 3, 1, _F(1, 2), _F(1, 5), _F(1, 6)],
        [_F(1, 6), _F(1, 3), _F(1, 4), 4, 2, 1, _F(1, 5), _F(1, 6)],
        [3, 5, _F(1, 6), 7, 5, 5, 1, _F(1, 2)],
        [4, 7, 5, 8, 6, 6, 2, 1],
    ],
    dtype=float,
)


def test_saaty_house_example_priorities_and_consistency_ratio() -> None:
    """Saaty, T. L. (1990). How to make a decision: The analytic hierarchy process. European Journal
    of Operational Research, 48(1), 9-26 (house-buying example).

    Published: priorities (.173, .054, .188, .018, .031, .036, .167, .333), lambda_max = 9.669,
    C.I. = 0.238, C.R. = 0.169 (with RI(8) = 1.41).
    """
    result = ahp_priorities(HOUSE)
    assert isinstance(result, AHPResult)
    np.testing.assert_allclose(
        result.weights, [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333], atol=5e-4
    )
    assert result.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert result.ci == pytest.approx(0.238, abs=5e-4)
    assert result.cr == pytest.approx(0.169, abs=5e-4)
    assert result.random_index == 1.41


def test_lambda_max_is_the_principal_eigenvalue_for_the_eigenvector_method() -> None:
    eigenvalues = np.linalg.eigvals(HOUSE)
    assert ahp_priorities(HOUSE).lambda_max == pytest.approx(float(np.max(eigenvalues.real)), rel=1e-12)


def test_geometric_mean_by_hand_and_its_lambda_max_formula() -> None:
    """Derived by hand: A = [[1, 2, 8], [1/2, 1, 4], [1/8, 1/4, 1]] is consistent (2 * 4 = 8), so
    row geometric means (16^(1/3), 2^(1/3), (1/32)^(1/3)) are proportional to (8, 4, 1): w =
    (8, 4, 1) / 13, lambda_max = mean((A w)_i / w_i) = 3, CI = CR = 0.
    """
    matrix = reciprocal({(0, 1): 2.0, (0, 2): 8.0, (1, 2): 4.0}, 3)
    for method in ("eigenvector", "geometric_mean"):
        result = ahp_priorities(matrix, method=method)
        np.testing.assert_allclose(result.weights, np.array([8, 4, 1]) / 13, rtol=1e-12)
        assert result.lambda_max == pytest.approx(3.0, abs=1e-12)
        assert result.ci == pytest.approx(0.0, abs=1e-12)
        assert result.cr == pytest.approx(0.0, abs=1e-12)


def test_geometric_mean_consistency_uses_mean_ratio_formula() -> None:
    matrix = reciprocal({(0, 1): 3.0, (0, 2): 5.0, (1, 2): 2.0}, 3)
    result = ahp_priorities(matrix, method="geometric_mean")
    w = np.array([15.0, 2 / 3, 1 / 10]) ** (1 / 3)  # row products 1*3*5, (1/3)*1*2, (1/5)*(1/2)*1
    w /= w.sum()
    np.testing.assert_allclose(result.weights, w, rtol=1e-12)
    expected_lambda = float(np.mean((matrix @ w) / w))
    assert result.lambda_max == pytest.approx(expected_lambda, rel=1e-12)
    assert result.ci == pytest.approx((expected_lambda - 3) / 2, rel=1e-12)
    assert result.cr == pytest.approx(result.ci / 0.58, rel=1e-12)


def test_small_and_large_matrices() -> None:
    two = ahp_priorities([[1, 4], [0.25, 1]])
    np.testing.assert_allclose(two.weights, [0.8, 0.2])
    assert (two.ci, two.cr) == (0.0, 0.0)
    assert ahp_priorities([[1.0]]).weights.tolist() == [1.0]
    eleven = ahp_priorities(np.ones((11, 11)))
    np.testing.assert_allclose(eleven.weights, np.full(11, 1 / 11))
    assert math.isnan(eleven.cr)


def test_random_index_table_is_saatys() -> None:
    assert [RANDOM_INDEX[n] for n in range(1, 11)] == [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 2, 3], [0.5, 1, 2]], "must be square"),
        ([[1, -2], [-0.5, 1]], "positive ratio"),
        ([[1, 0], [0, 1]], "positive ratio"),
        ([[1, 3], [0.33, 1]], "not reciprocal"),
        ([[2, 1], [1, 1]], "must be 1"),
        ([[1, np.nan], [1, 1]], "NaN"),
        ([[1, np.inf], [0, 1]], "infinite"),
    ],
)
def test_invalid_pairwise_matrices_are_refused(matrix: list[list[float]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ahp_priorities(matrix)


def test_unknown_ahp_method() -> None:
    with pytest.raises(ValueError, match="geometric_mean"):
        ahp_priorities(np.ones((3, 3)), method="least_squares")


def test_most_inconsistent_comparison_is_the_one_that_was_disturbed() -> None:
    consistent = reciprocal({(0, 1): 2.0, (0, 2): 4.0, (0, 3): 8.0, (1, 2): 2.0, (1, 3): 4.0, (2, 3): 2.0}, 4)
    assert most_inconsistent_comparisons(consistent) == ()
    disturbed = consistent.copy()
    disturbed[1, 3], disturbed[3, 1] = 1 / 4, 4.0  # entered the wrong way round
    worst = most_inconsistent_comparisons(disturbed, top=2)
    assert len(worst) == 2
    assert (worst[0].row, worst[0].column) == (1, 3)
    assert worst[0].judgment == 0.25
    assert worst[0].deviation == pytest.approx(abs(math.log(0.25 / worst[0].implied)))
    assert worst[0].deviation >= worst[1].deviation
    with pytest.raises(ValueError, match="at least one"):
        most_inconsistent_comparisons(disturbed, top=0)


def test_aggregate_pairwise_is_the_elementwise_geometric_mean() -> None:
    """Derived by hand: sqrt(2 * 8) = 4 and sqrt(1/2 * 1/8) = 1/4, so the group matrix stays
    reciprocal. With weights 3:1, 2^(3/4) * 8^(1/4) = 2^(3/4 + 3/4) = 2^1.5."""
    first = reciprocal({(0, 1): 2.0}, 2)
    second = reciprocal({(0, 1): 8.0}, 2)
    group = aggregate_pairwise([first, second])
    np.testing.assert_allclose(group, [[1, 4], [0.25, 1]], rtol=1e-14)
    weighted = aggregate_pairwise([first, second], weights=[3, 1])
    assert weighted[0, 1] == pytest.approx(2**1.5)
    # The result is a valid AHP input (exactly reciprocal).
    ahp_priorities(aggregate_pairwise([HOUSE, HOUSE.T]))


def test_aggregate_pairwise_names_the_participant_with_a_bad_matrix() -> None:
    bad = np.array([[1, 3], [3, 1]], dtype=float)
    with pytest.raises(ValueError, match="participant 2"):
        aggregate_pairwise([np.ones((2, 2)), bad])
    with pytest.raises(ValueError, match="participants x n x n"):
        aggregate_pairwise(np.ones((2, 2)))


def test_roc_weights_by_hand() -> None:
    """Barron & Barrett (1996): w_k = (1/n) sum_{i>=k} 1/i. For n = 4: (25, 13, 7, 3) / 48."""
    np.testing.assert_allclose(roc_weights(4), np.array([25, 13, 7, 3]) / 48, rtol=1e-14)
    np.testing.assert_allclose(roc_weights(3), [11 / 18, 5 / 18, 2 / 18], rtol=1e-14)
    assert roc_weights(1).tolist() == [1.0]
    for bad in (0, -2, 2.5, True):
        with pytest.raises(ValueError, match="whole number"):
            roc_weights(bad)  # type: ignore[arg-type]


def test_swing_weights() -> None:
    np.testing.assert_allclose(swing_weights([100, 50, 50]), [0.5, 0.25, 0.25])
    np.testing.assert_allclose(swing_weights([10, 5, 0], top=10), [2 / 3, 1 / 3, 0])
    with pytest.raises(ValueError, match="No criterion has the top swing rating 100"):
        swing_weights([80, 50])
    with pytest.raises(ValueError, match="above the 100"):
        swing_weights([100, 120])
    with pytest.raises(ValueError, match="negative"):
        swing_weights([100, -5])


def test_direct_point_weights() -> None:
    np.testing.assert_allclose(direct_point_weights([50, 30, 20], total=100), [0.5, 0.3, 0.2])
    np.testing.assert_allclose(direct_point_weights([2, 2]), [0.5, 0.5])
    with pytest.raises(ValueError, match="add up to 95 but 100"):
        direct_point_weights([50, 25, 20], total=100)
    with pytest.raises(ValueError, match="All points are zero"):
        direct_point_weights([0, 0])


def test_normalize_points_counts_blanks_as_zero_and_marks_who_gave_nothing() -> None:
    from policies.analysis import normalize_points

    points = np.array([[50.0, np.nan, 50.0], [np.nan, np.nan, np.nan], [0.0, 0.0, 0.0], [1.0, 3.0, 0.0]])
    shares = normalize_points(points)
    np.testing.assert_allclose(shares[0], [0.5, 0.0, 0.5])
    assert np.isnan(shares[1]).all() and np.isnan(shares[2]).all()
    np.testing.assert_allclose(shares[3], [0.25, 0.75, 0.0])
    with pytest.raises(ValueError, match="not negative"):
        normalize_points([[1.0, -1.0]])
    with pytest.raises(ValueError, match="participants x criteria"):
        normalize_points([1.0, 2.0])


def test_roc_from_points_shares_tied_places_and_follows_the_order_of_points() -> None:
    from policies.analysis import roc_from_points, roc_weights

    roc = roc_weights(3)
    np.testing.assert_allclose(roc_from_points([10.0, 30.0, 20.0]), [roc[2], roc[0], roc[1]])
    tied = roc_from_points([[40.0, 40.0, 20.0]])
    np.testing.assert_allclose(tied[0], [(roc[0] + roc[1]) / 2, (roc[0] + roc[1]) / 2, roc[2]])
    np.testing.assert_allclose(roc_from_points(np.random.default_rng(3).random((5, 4))).sum(axis=1), 1.0)
