"""Every invalid input raises ValueError with a message a facilitator can act on."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from policies.analysis import promethee_ii, smaa, topsis, weight_sensitivity, weighted_sum
from policies.analysis.validation import check_weights

MATRIX = np.array([[1.0, 2.0, 3.0], [2.0, 1.0, 5.0], [3.0, 4.0, 1.0]])
WEIGHTS = np.array([0.5, 0.3, 0.2])
TYPES = np.array([1, -1, 1])


def _smaa(matrix: object, weights: object, types: object) -> object:
    batch = np.atleast_2d(np.asarray(weights, dtype=float))
    return smaa(matrix, types, weights=batch)  # type: ignore[arg-type]


CALLS: dict[str, Callable[[object, object, object], object]] = {
    "weighted_sum": weighted_sum,  # type: ignore[dict-item]
    "topsis": topsis,  # type: ignore[dict-item]
    "promethee_ii": promethee_ii,  # type: ignore[dict-item]
    "smaa": _smaa,
    "sensitivity": weight_sensitivity,  # type: ignore[dict-item]
}


def with_cell(value: float, row: int = 1, column: int = 2) -> np.ndarray:
    matrix = MATRIX.copy()
    matrix[row, column] = value
    return matrix


CASES = [
    pytest.param(
        with_cell(np.nan), WEIGHTS, TYPES, r"missing value \(NaN\) at option 2, criterion 3", id="nan"
    ),
    pytest.param(with_cell(np.inf), WEIGHTS, TYPES, "infinite value at option 2, criterion 3", id="inf"),
    pytest.param(
        with_cell(-np.inf, 0, 0), WEIGHTS, TYPES, "infinite value at option 1, criterion 1", id="-inf"
    ),
    pytest.param(MATRIX[:1], WEIGHTS, TYPES, "at least two options are needed", id="single-option"),
    pytest.param(
        MATRIX[0], WEIGHTS, TYPES, "one row per option and one column per criterion", id="1-d-matrix"
    ),
    pytest.param(MATRIX[None], WEIGHTS, TYPES, "one row per option", id="3-d-matrix"),
    pytest.param(np.empty((3, 0)), np.empty(0), np.empty(0), "no columns", id="no-criteria"),
    pytest.param([[1, 2], [3]], WEIGHTS, TYPES, "regular table", id="ragged"),
    pytest.param([["a", "b", "c"], ["d", "e", "f"]], WEIGHTS, TYPES, "only numbers", id="text"),
    pytest.param(
        MATRIX, WEIGHTS[:2], TYPES, "2 weight.* but the decision matrix has 3 criteria", id="few-weights"
    ),
    pytest.param(MATRIX, [0.5, -0.1, 0.6], TYPES, r"criterion 2.* is negative \(-0.1\)", id="negative"),
    pytest.param(MATRIX, [0.0, 0.0, 0.0], TYPES, "criterion weights are zero", id="all-zero"),
    pytest.param(MATRIX, [0.5, np.nan, 0.5], TYPES, "weights has a missing value", id="nan-weight"),
    pytest.param(MATRIX, [0.5, np.inf, 0.5], TYPES, "weights has an infinite value", id="inf-weight"),
    pytest.param(MATRIX, WEIGHTS, [1, 0, 1], "Criterion 2 has type 0", id="type-zero"),
    pytest.param(MATRIX, WEIGHTS, [1, 2, 1], "must be 1 .*or -1", id="type-two"),
    pytest.param(MATRIX, WEIGHTS, [1, -1], "one criterion type per criterion", id="few-types"),
    pytest.param(MATRIX, WEIGHTS, [1, np.nan, 1], "criterion types has a missing value", id="nan-type"),
]


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize(("matrix", "weights", "types", "message"), CASES)
def test_invalid_input_raises_a_clear_value_error(
    call: str, matrix: object, weights: object, types: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        CALLS[call](matrix, weights, types)


def test_weight_batches_name_the_offending_sample() -> None:
    batch = np.array([[0.2, 0.3, 0.5], [0.2, -0.3, 0.5]])
    with pytest.raises(ValueError, match="criterion 2 in weight sample 2 is negative"):
        weighted_sum(MATRIX, batch, TYPES)
    with pytest.raises(ValueError, match="In weight sample 1, all criterion weights are zero"):
        topsis(MATRIX, np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]), TYPES)
    with pytest.raises(ValueError, match="missing value \\(NaN\\) at weight sample 2, criterion 1"):
        promethee_ii(MATRIX, np.array([[1.0, 1.0, 1.0], [np.nan, 1.0, 1.0]]), TYPES)
    with pytest.raises(ValueError, match="samples x criteria"):
        weighted_sum(MATRIX, np.ones((2, 2, 3)), TYPES)
    with pytest.raises(ValueError, match="empty"):
        weighted_sum(MATRIX, np.ones((0, 3)), TYPES)


def test_weights_are_normalised_to_sum_to_one() -> None:
    batch, is_batch = check_weights([2.0, 6.0, 2.0], 3)
    assert not is_batch
    np.testing.assert_allclose(batch, [[0.2, 0.6, 0.2]])
    batch, is_batch = check_weights([[1.0, 1.0, 2.0], [0.0, 0.0, 5.0]], 3)
    assert is_batch
    np.testing.assert_allclose(batch, [[0.25, 0.25, 0.5], [0.0, 0.0, 1.0]])


def test_zero_weight_on_some_criteria_is_allowed() -> None:
    np.testing.assert_allclose(weighted_sum(MATRIX, [1.0, 0.0, 0.0], TYPES), [0.0, 0.5, 1.0])


def test_types_may_be_given_as_any_numeric_dtype() -> None:
    expected = weighted_sum(MATRIX, WEIGHTS, TYPES)
    for types in (TYPES.astype(np.int8), TYPES.astype(float), TYPES.tolist()):
        np.testing.assert_array_equal(weighted_sum(MATRIX, WEIGHTS, types), expected)


def test_unknown_method_names_list_the_choices() -> None:
    with pytest.raises(ValueError, match="weighted_sum, topsis, promethee_ii"):
        smaa(MATRIX, TYPES, method="ahp")
