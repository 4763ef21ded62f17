"""Property tests (hypothesis): invariances every correct MCDA implementation must satisfy."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from policies.analysis import (
    aggregate_scores,
    ahp_priorities,
    kendall_w,
    promethee_ii,
    rank,
    smaa,
    topsis,
    weighted_sum,
)

PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
METHODS = [weighted_sum, topsis, promethee_ii]


@st.composite
def problems(draw: st.DrawFn, integer_values: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Small decision problems; integer values make ties and constant columns common."""
    n = draw(st.integers(2, 6))
    m = draw(st.integers(1, 4))
    if integer_values:
        elements = st.integers(0, 3).map(float)
    else:
        elements = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    matrix = draw(arrays(np.float64, (n, m), elements=elements))
    weights = draw(arrays(np.float64, (m,), elements=st.floats(0.01, 10.0)))
    types = draw(arrays(np.int64, (m,), elements=st.sampled_from([1, -1])))
    return matrix, weights, types


@PROFILE
@given(problems(), st.floats(1e-3, 1e3), st.sampled_from(METHODS))
def test_scaling_all_weights_changes_nothing(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], factor: float, method: object
) -> None:
    matrix, weights, types = problem
    base = method(matrix, weights, types)  # type: ignore[operator]
    scaled = method(matrix, weights * factor, types)  # type: ignore[operator]
    np.testing.assert_allclose(scaled, base, rtol=1e-9, atol=1e-12)
    assert rank(scaled).tolist() == rank(base).tolist()


@PROFILE
@given(problems(), st.data())
def test_improving_an_option_never_lowers_its_weighted_sum(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    matrix, weights, types = problem
    n, m = matrix.shape
    i = data.draw(st.integers(0, n - 1))
    j = data.draw(st.integers(0, m - 1))
    step = data.draw(st.floats(1e-3, 1e3))
    better = matrix.copy()
    better[i, j] += step * types[j]  # up on a benefit criterion, down on a cost criterion
    before = weighted_sum(matrix, weights, types)[i]
    after = weighted_sum(better, weights, types)[i]
    assert after >= before - 1e-12


@PROFILE
@given(arrays(np.float64, st.integers(1, 12), elements=st.integers(0, 4).map(float)))
def test_ranks_are_competition_ranks(scores: np.ndarray) -> None:
    ranks = rank(scores)
    n = scores.size
    assert ranks.min() == 1 and ranks.max() <= n
    for i in range(n):
        assert ranks[i] == 1 + np.sum(scores > scores[i])  # 1 = best, ties share the best place
    # Each rank r held by k options is followed by r + k: e.g. 1, 1, 3.
    values, counts = np.unique(ranks, return_counts=True)
    assert values[0] == 1
    assert np.array_equal(values[1:], (values + counts)[:-1])


@PROFILE
@given(arrays(np.float64, st.integers(1, 12), elements=st.floats(-1e6, 1e6), unique=True))
def test_ranks_without_ties_are_a_permutation(scores: np.ndarray) -> None:
    ranks = rank(scores, tol=0)
    assert sorted(ranks.tolist()) == list(range(1, scores.size + 1))
    assert np.argmin(ranks) == np.argmax(scores)


@PROFILE
@given(problems(integer_values=True), st.sampled_from(["weighted_sum", "topsis", "promethee_ii"]))
def test_rank_acceptabilities_sum_to_one_per_option_and_per_rank(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], method: str
) -> None:
    matrix, _, types = problem
    result = smaa(matrix, types, method, n_samples=200, seed=0)
    np.testing.assert_allclose(result.rank_acceptability.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(result.rank_acceptability.sum(axis=0), 1.0, atol=1e-12)
    assert np.all(result.rank_acceptability >= 0)
    assert np.all((result.confidence >= 0) & (result.confidence <= 1))


@PROFILE
@given(problems(), st.integers(1, 6), st.sampled_from(METHODS), st.data())
def test_a_batch_equals_one_call_per_weight_vector(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray], samples: int, method: object, data: st.DataObject
) -> None:
    matrix, _, types = problem
    m = matrix.shape[1]
    batch = data.draw(arrays(np.float64, (samples, m), elements=st.floats(0.01, 10.0)))
    together = method(matrix, batch, types)  # type: ignore[operator]
    for row, weights in zip(together, batch, strict=True):
        np.testing.assert_allclose(row, method(matrix, weights, types), rtol=1e-10, atol=1e-13)  # type: ignore[operator]


@PROFILE
@given(problems(integer_values=True))
def test_scores_stay_in_their_documented_ranges(problem: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    matrix, weights, types = problem
    ws = weighted_sum(matrix, weights, types)
    assert np.all((ws >= -1e-12) & (ws <= 1 + 1e-12))
    closeness = topsis(matrix, weights, types)
    assert np.all((closeness >= 0) & (closeness <= 1))
    flows = promethee_ii(matrix, weights, types)
    assert np.all(np.abs(flows) <= 1 + 1e-12)
    assert abs(flows.sum()) < 1e-12
    # Identical rows always tie, whatever the method.
    twin = np.vstack([matrix, matrix[:1]])
    for method in METHODS:
        ranks = rank(method(twin, weights, types))
        assert ranks[0] == ranks[-1]


@PROFILE
@given(
    arrays(np.float64, st.tuples(st.integers(2, 6), st.integers(2, 6)), elements=st.integers(1, 5).map(float))
)
def test_kendall_w_is_between_zero_and_one(rankings: np.ndarray) -> None:
    if np.all(rankings == rankings[:, :1]):
        return  # all raters tie everything: W is undefined and raises (tested elsewhere)
    assert -1e-12 <= kendall_w(rankings) <= 1 + 1e-12


@PROFILE
@given(arrays(np.float64, st.integers(2, 8), elements=st.floats(0.05, 20.0)))
def test_ahp_recovers_the_weights_of_a_consistent_matrix(weights: np.ndarray) -> None:
    pairwise = weights[:, None] / weights[None, :]
    for method in ("eigenvector", "geometric_mean"):
        result = ahp_priorities(pairwise, method=method)
        np.testing.assert_allclose(result.weights, weights / weights.sum(), rtol=1e-9)
        assert abs(result.cr) < 1e-9


@PROFILE
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 8), st.just(2), st.just(2)),
        elements=st.integers(0, 10).map(float),
    ),
    st.sampled_from(["mean", "median", "trimmed_mean"]),
)
def test_aggregated_scores_lie_within_the_judgments(scores: np.ndarray, method: str) -> None:
    result = aggregate_scores(scores, method)
    assert np.all(result >= scores.min(axis=0) - 1e-12)
    assert np.all(result <= scores.max(axis=0) + 1e-12)
