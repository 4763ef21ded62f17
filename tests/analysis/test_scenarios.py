"""Morphological analysis: enumerating, filtering and ranking combinations of driver states."""

from __future__ import annotations

import dataclasses
import itertools
import time

import numpy as np
import pytest

from policies.analysis import ScenarioSpace, combination_consistency, consistent_combinations

# Three drivers of two states: A = states 0-1, B = states 2-3, C = states 4-5.
PAIRS = {(0, 2): 2, (0, 5): -2, (1, 3): 1, (2, 4): 1, (3, 5): -1, (1, 4): -1}


def matrix_from(pairs: dict[tuple[int, int], int], size: int) -> np.ndarray:
    matrix = np.zeros((size, size), dtype=int)
    for (a, b), value in pairs.items():
        matrix[a, b] = matrix[b, a] = value
    return matrix


def random_matrix(counts: list[int], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    size = sum(counts)
    upper = np.triu(rng.integers(-2, 3, size=(size, size)), 1)
    return upper + upper.T


def brute_force(counts: list[int], matrix: np.ndarray, impossible: int = -2) -> list[tuple]:
    """(combination, total, minimum) for every consistent combination, one at a time, by the definition."""
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rows = []
    for combo in itertools.product(*(range(c) for c in counts)):
        values = [
            int(matrix[offsets[d] + combo[d], offsets[e] + combo[e]])
            for d, e in itertools.combinations(range(len(counts)), 2)
        ]
        if min(values) > impossible:
            rows.append((combo, sum(values), min(values)))
    rows.sort(key=lambda row: -row[1])  # stable: ties stay in lexicographic order
    return rows


def test_hand_worked_example() -> None:
    """Totals by hand (a_i b_j c_k = sum of the three pair values):

    000: a0b0 +2, a0c0 0, b0c0 +1 = 3 (min 0)      001: a0c1 = -2, excluded
    010: 0 + 0 + 0 = 0 (min 0)                      011: a0c1 = -2, excluded
    100: a1b0 0, a1c0 -1, b0c0 +1 = 0 (min -1)      101: 0 + 0 + 0 = 0 (min 0)
    110: a1b1 +1, a1c0 -1, b1c0 0 = 0 (min -1)      111: +1 + 0 - 1 = 0 (min -1)
    Best first; the five ties at 0 keep lexicographic order.
    """
    result = consistent_combinations([2, 2, 2], matrix_from(PAIRS, 6))
    assert isinstance(result, ScenarioSpace)
    assert result.combinations.tolist() == [[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1]]
    assert result.totals.tolist() == [3, 0, 0, 0, 0, 0]
    assert result.minimums.tolist() == [0, 0, -1, 0, -1, -1]
    assert (result.total_count, result.excluded_count, result.consistent_count) == (8, 2, 6)
    assert result.pair_count == 3
    assert result.state_counts == (2, 2, 2)


def test_unequal_numbers_of_states() -> None:
    """Drivers of 3 and 2 states: X = states 0-2, Y = states 3-4.

    x0y0 = +2, x1y1 = -2 (excluded), x2y0 = -1, others 0.
    Ranked: x0y0 (2), then x0y1, x1y0, x2y1 (0, lexicographic), then x2y0 (-1).
    """
    matrix = matrix_from({(0, 3): 2, (1, 4): -2, (2, 3): -1}, 5)
    result = consistent_combinations((3, 2), matrix)
    assert result.combinations.tolist() == [[0, 0], [0, 1], [1, 0], [2, 1], [2, 0]]
    assert result.totals.tolist() == [2, 0, 0, 0, -1]
    assert (result.total_count, result.excluded_count) == (6, 1)


def test_matches_the_definition_on_random_fields() -> None:
    for seed, counts in enumerate([[2, 3, 2], [3, 3, 3, 3], [2, 2, 3, 2, 3], [4, 2, 3]]):
        matrix = random_matrix(counts, seed)
        expected = brute_force(counts, matrix)
        result = consistent_combinations(counts, matrix)
        got = list(
            zip(
                map(tuple, result.combinations.tolist()),
                result.totals.tolist(),
                result.minimums.tolist(),
                strict=True,
            )
        )
        assert got == expected
        assert result.consistent_count == len(expected)


def test_minus_two_pairs_exclude_exactly_the_combinations_holding_them() -> None:
    # 8 drivers x 3 states; driver 1 state 1 with driver 2 state 1, and driver 3 state 2 with driver 4 state 3.
    counts = [3] * 8
    matrix = matrix_from({(0, 3): -2, (7, 11): -2}, 24)
    result = consistent_combinations(counts, matrix)
    # Each pair fixes two drivers: 3^6 = 729 combinations each, 3^4 = 81 holding both.
    assert result.excluded_count == 729 + 729 - 81
    assert result.consistent_count == 6561 - 1377 == len(result.combinations)
    assert not np.any((result.combinations[:, 0] == 0) & (result.combinations[:, 1] == 0))
    assert not np.any((result.combinations[:, 2] == 1) & (result.combinations[:, 3] == 2))
    assert result.minimums.min() == 0


def test_a_minus_one_pair_lowers_the_total_but_is_kept() -> None:
    matrix = matrix_from({(0, 2): -1}, 4)
    result = consistent_combinations([2, 2], matrix)
    assert result.consistent_count == 4
    assert result.combinations.tolist()[-1] == [0, 0]
    assert result.totals.tolist() == [0, 0, 0, -1]


def test_the_threshold_can_also_exclude_unlikely_pairs() -> None:
    matrix = matrix_from({(0, 2): -1, (1, 3): -2}, 4)
    assert consistent_combinations([2, 2], matrix).excluded_count == 1
    stricter = consistent_combinations([2, 2], matrix, impossible=-1)
    assert stricter.excluded_count == 2
    assert stricter.combinations.tolist() == [[0, 1], [1, 0]]


def test_all_neutral_field_of_8_drivers_of_3_states() -> None:
    result = consistent_combinations([3] * 8, np.zeros((24, 24), dtype=int))
    assert (result.total_count, result.excluded_count, result.consistent_count) == (6561, 0, 6561)
    assert result.combinations.shape == (6561, 8)
    assert result.pair_count == 28
    assert not np.any(result.totals)
    # Every combination exactly once, in lexicographic order (all tied).
    assert result.combinations[0].tolist() == [0] * 8
    assert result.combinations[-1].tolist() == [2] * 8
    assert result.combinations[1].tolist() == [0] * 7 + [1]
    assert len({tuple(row) for row in result.combinations.tolist()}) == 6561


def test_8_drivers_of_3_states_is_fast_and_ordered() -> None:
    counts = [3] * 8
    matrix = random_matrix(counts, 7)
    consistent_combinations(counts, matrix)  # warm-up
    start = time.perf_counter()
    result = consistent_combinations(counts, matrix)
    assert time.perf_counter() - start < 0.5
    assert result.total_count == 6561
    assert result.excluded_count + result.consistent_count == 6561
    assert np.all(np.diff(result.totals) <= 0)
    assert np.all(result.minimums > -2)
    # Totals bounded by the 28 pairs.
    assert np.all(np.abs(result.totals) <= 2 * 28)


def test_limit_keeps_the_best_and_the_counts_of_the_whole_field() -> None:
    counts = [3, 3, 3, 3]
    matrix = random_matrix(counts, 3)
    everything = consistent_combinations(counts, matrix)
    top = consistent_combinations(counts, matrix, limit=5)
    assert top.combinations.tolist() == everything.combinations[:5].tolist()
    assert top.totals.tolist() == everything.totals[:5].tolist()
    assert top.consistent_count == everything.consistent_count
    assert consistent_combinations(counts, matrix, limit=0).combinations.shape == (0, 4)


def test_same_driver_entries_are_ignored() -> None:
    matrix = matrix_from(PAIRS, 6).astype(float)
    reference = consistent_combinations([2, 2, 2], matrix)
    matrix[0, 1] = 9
    matrix[3, 2] = np.nan
    matrix[4, 4] = -7
    ignored = consistent_combinations([2, 2, 2], matrix)
    assert ignored.combinations.tolist() == reference.combinations.tolist()
    assert ignored.totals.tolist() == reference.totals.tolist()


def test_every_combination_impossible() -> None:
    matrix = np.full((4, 4), -2)
    result = consistent_combinations([2, 2], matrix)
    assert result.combinations.shape == (0, 2)
    assert (result.total_count, result.excluded_count, result.consistent_count) == (4, 4, 0)


def test_result_is_frozen() -> None:
    result = consistent_combinations([2, 2], np.zeros((4, 4)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total_count = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("counts", "matrix", "message"),
    [
        ([2, 2], matrix_from({(0, 2): 3}, 4), "whole numbers from -2 to 2; state 1 x state 3 holds 3"),
        ([2, 2], matrix_from({(0, 2): -3}, 4), "from -2 to 2"),
        ([2, 2], np.where(matrix_from({(0, 2): 1}, 4) == 1, 0.5, 0.0), "whole numbers"),
        ([2, 2], np.where(matrix_from({(0, 2): 1}, 4) == 1, np.nan, 0.0), "whole numbers"),
        ([2, 2], np.zeros((4, 3)), "must be square"),
        ([2, 2], np.zeros(4), "must be square"),
        ([2, 2], np.zeros((5, 5)), "one row and one column per state (4); got 5"),
        ([2, 2], np.array([[0, 0, 1, 0], [0, 0, 0, 0], [2, 0, 0, 0], [0, 0, 0, 0]]), "symmetric"),
        ([2, 2], np.array([["a"] * 4] * 4), "numbers from -2 to 2"),
        ([2, 1], np.zeros((3, 3)), "Driver 2 has 1 state: every driver needs at least two states"),
        ([2, 0], np.zeros((2, 2)), "Driver 2 has 0 states"),
        ([3], np.zeros((3, 3)), "at least two drivers"),
        ([], np.zeros((0, 0)), "at least two drivers"),
        ([[2, 2]], np.zeros((4, 4)), "flat list"),
        ([2, 2.5], np.zeros((4, 4)), "whole numbers"),
        ([10] * 7, np.zeros((70, 70)), "10,000,000 combinations"),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message(counts, matrix, message: str) -> None:
    with pytest.raises(ValueError) as error:
        consistent_combinations(counts, matrix)
    assert message in str(error.value)


def test_too_many_combinations_suggests_a_remedy() -> None:
    with pytest.raises(ValueError, match="fewer drivers or fewer states"):
        consistent_combinations([4] * 10, np.zeros((40, 40)))
    # The ceiling can be lowered, e.g. for a web page.
    with pytest.raises(ValueError, match="more than the 100"):
        consistent_combinations([3] * 5, np.zeros((15, 15)), max_combinations=100)


@pytest.mark.parametrize("limit", [-1, 2.5, True])
def test_bad_limits_are_refused(limit) -> None:
    with pytest.raises(ValueError, match="limit"):
        consistent_combinations([2, 2], np.zeros((4, 4)), limit=limit)


@pytest.mark.parametrize("impossible", [-3, 3, 1.5])
def test_bad_thresholds_are_refused(impossible) -> None:
    with pytest.raises(ValueError, match="threshold"):
        consistent_combinations([2, 2], np.zeros((4, 4)), impossible=impossible)


def test_scoring_given_combinations_includes_impossible_ones() -> None:
    matrix = matrix_from(PAIRS, 6)
    totals, minimums = combination_consistency([2, 2, 2], matrix, [[0, 0, 0], [0, 0, 1], [1, 1, 1]])
    # 000 = 3 (see the hand-worked example); 001 = a0b0 +2, a0c1 -2, b0c1 0 = 0 with min -2; 111 = 0.
    assert totals.tolist() == [3, 0, 0]
    assert minimums.tolist() == [0, -2, -1]
    one_total, one_minimum = combination_consistency([2, 2, 2], matrix, [0, 0, 0])
    assert (one_total.tolist(), one_minimum.tolist()) == ([3], [0])


def test_scoring_agrees_with_the_enumeration() -> None:
    counts = [3, 2, 3, 2]
    matrix = random_matrix(counts, 11)
    space = consistent_combinations(counts, matrix)
    totals, minimums = combination_consistency(counts, matrix, space.combinations)
    assert totals.tolist() == space.totals.tolist()
    assert minimums.tolist() == space.minimums.tolist()


@pytest.mark.parametrize(
    ("combinations", "message"),
    [
        ([[0, 2]], "driver 2 state index 2, but that driver has states 0 to 1"),
        ([[0, 0, 0]], "one state per driver"),
    ],
)
def test_scoring_refuses_bad_combinations(combinations, message: str) -> None:
    with pytest.raises(ValueError) as error:
        combination_consistency([2, 2], np.zeros((4, 4)), combinations)
    assert message in str(error.value)
