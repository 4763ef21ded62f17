"""SMAA-2: rank acceptabilities, central weights and confidence factors."""

from __future__ import annotations

import time

import numpy as np
import pytest

from policies.analysis import SMAAResult, promethee_ii, rank, resample_scores, smaa, topsis, weighted_sum

from .test_methods import random_problem

METHODS = {"weighted_sum": weighted_sum, "topsis": topsis, "promethee_ii": promethee_ii}


def brute_force(
    method: str, matrices: np.ndarray, weights: np.ndarray, types: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One public-method call per sample; ties share the places they span equally."""
    n = matrices.shape[1]
    acceptability = np.zeros((n, n))
    first = np.zeros((len(weights), n))
    for s, (matrix, w) in enumerate(zip(matrices, weights, strict=True)):
        ranks = rank(METHODS[method](matrix, w, types))
        for i in range(n):
            tied = int(np.sum(ranks == ranks[i]))
            acceptability[i, ranks[i] - 1 : ranks[i] - 1 + tied] += 1 / tied
            first[s, i] = (ranks[i] == 1) / tied
    return acceptability / len(weights), first


@pytest.mark.parametrize("method", list(METHODS))
def test_acceptabilities_equal_a_per_sample_loop_over_the_public_method(method: str) -> None:
    matrix, _, types = random_problem(7, n=6, m=4)
    samples = np.random.default_rng(1).dirichlet(np.ones(4), size=300)
    result = smaa(matrix, types, method=method, weights=samples)
    expected, first = brute_force(method, np.broadcast_to(matrix, (300, *matrix.shape)), samples, types)
    np.testing.assert_allclose(result.rank_acceptability, expected, atol=1e-12)
    winners = first.sum(axis=0) > 0
    central = (first.T @ samples)[winners] / first.sum(axis=0)[winners, None]
    np.testing.assert_allclose(result.central_weights[winners], central, rtol=1e-10)
    assert np.isnan(result.central_weights[~winners]).all()
    assert result.n_samples == 300
    # Confidence on a fixed matrix: is the option first at its own central weights?
    for i in np.flatnonzero(winners):
        ranks = rank(METHODS[method](matrix, result.central_weights[i], types))
        assert result.confidence[i] == pytest.approx((ranks[i] == 1) / np.sum(ranks == ranks[i]))


def test_rows_and_columns_of_rank_acceptability_sum_to_one() -> None:
    matrix, _, types = random_problem(3, n=8, m=5)
    for method in METHODS:
        result = smaa(matrix, types, method=method, n_samples=2000, seed=4)
        assert isinstance(result, SMAAResult)
        assert result.rank_acceptability.shape == (8, 8)
        assert result.central_weights.shape == (8, 5)
        np.testing.assert_allclose(result.rank_acceptability.sum(axis=1), 1.0, atol=1e-12)
        np.testing.assert_allclose(result.rank_acceptability.sum(axis=0), 1.0, atol=1e-12)


def test_uniform_weights_on_a_symmetric_problem() -> None:
    """Analytic check. Option k is best only on criterion k (identity matrix, min-max), so with
    weights uniform on the simplex each option is first with probability 1/3, and its central
    weight is the mean of the sorted uniform spacings: (1/3)(1 + 1/2 + 1/3) = 11/18 on its own
    criterion and 7/36 on each other one.
    """
    result = smaa(np.eye(3), [1, 1, 1], n_samples=60_000, seed=0)
    np.testing.assert_allclose(result.rank_acceptability[:, 0], 1 / 3, atol=0.01)
    np.testing.assert_allclose(np.diag(result.central_weights), 11 / 18, atol=0.01)
    np.testing.assert_allclose(result.central_weights[0, 1:], 7 / 36, atol=0.01)
    np.testing.assert_allclose(result.confidence, 1.0)  # weighted sum regions are convex


def test_dominated_and_dominating_options() -> None:
    matrix = np.array([[9.0, 9.0, 9.0], [5.0, 1.0, 7.0], [1.0, 6.0, 2.0], [0.0, 0.0, 0.0]])
    for method in METHODS:
        result = smaa(matrix, [1, 1, 1], method=method, n_samples=3000, seed=2)
        assert result.rank_acceptability[0, 0] == 1.0
        assert result.rank_acceptability[3, 3] == 1.0
        assert result.confidence[0] == 1.0
        assert np.isnan(result.central_weights[3]).all()
        assert result.confidence[3] == 0.0


def test_identical_options_share_the_places_they_span() -> None:
    matrix = np.array([[5.0, 5.0], [5.0, 5.0], [1.0, 1.0]])
    result = smaa(matrix, [1, 1], n_samples=1000, seed=0)
    np.testing.assert_allclose(result.rank_acceptability, [[0.5, 0.5, 0], [0.5, 0.5, 0], [0, 0, 1]])
    np.testing.assert_allclose(result.confidence[:2], 0.5)


def test_same_seed_same_result_and_generators_accepted() -> None:
    matrix, _, types = random_problem(5)
    first = smaa(matrix, types, "topsis", n_samples=500, seed=42)
    again = smaa(matrix, types, "topsis", n_samples=500, seed=42)
    np.testing.assert_array_equal(first.rank_acceptability, again.rank_acceptability)
    np.testing.assert_array_equal(first.central_weights, again.central_weights)
    other = smaa(matrix, types, "topsis", n_samples=500, seed=43)
    assert not np.array_equal(first.rank_acceptability, other.rank_acceptability)
    from_generator = smaa(matrix, types, "topsis", n_samples=500, seed=np.random.default_rng(42))
    np.testing.assert_array_equal(first.rank_acceptability, from_generator.rank_acceptability)


@pytest.mark.parametrize("method", list(METHODS))
def test_score_samples_are_paired_with_weight_samples(method: str) -> None:
    rng = np.random.default_rng(8)
    participants = rng.integers(1, 11, (12, 5, 3)).astype(float)
    score_samples = resample_scores(participants, n_samples=200, seed=1)
    weights = rng.dirichlet(np.ones(3), size=200)
    types = np.array([1, -1, 1])
    result = smaa(score_samples.mean(axis=0), types, method, weights=weights, score_samples=score_samples)
    expected, first = brute_force(method, score_samples, weights, types)
    np.testing.assert_allclose(result.rank_acceptability, expected, atol=1e-12)
    # Confidence: first-place share over the score samples at the option's central weights.
    for i in np.flatnonzero(first.sum(axis=0) > 0):
        central = result.central_weights[i]
        share = 0.0
        for matrix in score_samples:
            ranks = rank(METHODS[method](matrix, central, types))
            share += (ranks[i] == 1) / np.sum(ranks == ranks[i])
        assert result.confidence[i] == pytest.approx(share / 200, abs=1e-12)


def test_fixed_weights_with_uncertain_scores() -> None:
    rng = np.random.default_rng(3)
    score_samples = rng.normal(5.0, 1.0, (400, 4, 2))
    result = smaa(score_samples.mean(axis=0), [1, 1], weights=[0.5, 0.5], score_samples=score_samples)
    expected, _ = brute_force("weighted_sum", score_samples, np.full((400, 2), 0.5), np.array([1, 1]))
    np.testing.assert_allclose(result.rank_acceptability, expected, atol=1e-12)
    assert result.n_samples == 400


def test_weights_none_with_score_samples_draws_one_weight_per_sample() -> None:
    score_samples = np.random.default_rng(0).random((250, 3, 2))
    result = smaa(score_samples[0], [1, 1], score_samples=score_samples, seed=1)
    assert result.n_samples == 250


def test_method_options_reach_the_method() -> None:
    matrix, _, types = random_problem(6, n=5, m=3)
    plain = smaa(matrix, types, "promethee_ii", n_samples=400, seed=0)
    gaussian = smaa(matrix, types, "promethee_ii", n_samples=400, seed=0, preference="gaussian", s=40.0)
    assert not np.array_equal(plain.rank_acceptability, gaussian.rank_acceptability)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_samples": 0}, "positive whole number"),
        ({"n_samples": 2.5}, "positive whole number"),
        ({"method": "vikor"}, "Unknown method"),
        ({"weights": [[1.0, -1.0, 1.0]]}, "negative"),
        ({"weights": [[0.0, 0.0, 0.0]]}, "all criterion weights are zero"),
        ({"score_samples": np.ones((5, 2, 3))}, "matching the decision matrix"),
        ({"score_samples": np.ones((5, 4, 3)), "weights": np.ones((4, 3))}, "4 weight samples but 5"),
        ({"normalisation": "vector"}, "do not apply"),
    ],
)
def test_smaa_input_errors(kwargs: dict[str, object], message: str) -> None:
    matrix = np.arange(12, dtype=float).reshape(4, 3) % 5
    with pytest.raises(ValueError, match=message):
        smaa(matrix, [1, 1, -1], **kwargs)  # type: ignore[arg-type]


def test_ten_thousand_samples_are_fast_enough_for_a_live_workshop() -> None:
    """Loose guard against an accidental per-sample Python loop (the benchmark measures properly)."""
    matrix, _, types = random_problem(0, n=12, m=15)
    for method in METHODS:
        smaa(matrix, types, method, n_samples=10_000, seed=0)
        start = time.perf_counter()
        smaa(matrix, types, method, n_samples=10_000, seed=0)
        assert time.perf_counter() - start < 1.0
