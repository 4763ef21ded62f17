"""Group AHP priorities: the geometric mean of the complete pairwise matrices (AIJ), then the priorities."""

from __future__ import annotations

import numpy as np
import pytest

from policies.analysis import aggregate_pairwise, ahp_priorities, group_ahp_priorities


def reciprocal(upper: dict[tuple[int, int], float], n: int) -> np.ndarray:
    matrix = np.ones((n, n))
    for (i, j), value in upper.items():
        matrix[i, j] = value
        matrix[j, i] = 1.0 / value
    return matrix


def test_two_criteria_by_hand_differs_from_the_mean_of_priorities() -> None:
    """a_12 = 9 and 1/9: the geometric mean is 1, so the group weighs the two criteria equally
    (0.5, 0.5), as does the arithmetic mean of the priorities (0.9 + 0.1) / 2 = 0.5. With 9 and 1
    the geometric mean is 3, priorities (0.75, 0.25), while the mean of (0.9, 0.1) and (0.5, 0.5)
    is (0.7, 0.3)."""
    even = group_ahp_priorities([reciprocal({(0, 1): 9.0}, 2), reciprocal({(0, 1): 1 / 9}, 2)])
    np.testing.assert_allclose(even.weights, [0.5, 0.5], rtol=1e-12)
    uneven = group_ahp_priorities([reciprocal({(0, 1): 9.0}, 2), reciprocal({(0, 1): 1.0}, 2)])
    np.testing.assert_allclose(uneven.weights, [0.75, 0.25], rtol=1e-12)
    arithmetic = np.mean([ahp_priorities(reciprocal({(0, 1): v}, 2)).weights for v in (9.0, 1.0)], axis=0)
    np.testing.assert_allclose(arithmetic, [0.7, 0.3], rtol=1e-12)


def test_unfinished_matrices_are_left_out_and_the_group_matrix_consistency_is_reported() -> None:
    first = reciprocal({(0, 1): 3.0, (0, 2): 5.0, (1, 2): 2.0}, 3)
    second = reciprocal({(0, 1): 1 / 3, (0, 2): 2.0, (1, 2): 4.0}, 3)
    unfinished = first.copy()
    unfinished[0, 2] = unfinished[2, 0] = np.nan
    result = group_ahp_priorities(np.stack([first, unfinished, second]))
    expected = ahp_priorities(aggregate_pairwise([first, second]))
    np.testing.assert_allclose(result.weights, expected.weights, rtol=1e-12)
    assert result.cr == pytest.approx(expected.cr)
    assert result.weights.sum() == pytest.approx(1.0)


def test_refuses_a_panel_with_no_finished_matrix_and_bad_shapes() -> None:
    unfinished = np.full((2, 3, 3), np.nan)
    with pytest.raises(ValueError, match="every pairwise comparison"):
        group_ahp_priorities(unfinished)
    with pytest.raises(ValueError, match="participants x n x n"):
        group_ahp_priorities(np.ones((3, 3)))
    with pytest.raises(ValueError, match="not reciprocal"):
        group_ahp_priorities([np.array([[1.0, 3.0], [3.0, 1.0]])])
