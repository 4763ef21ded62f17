"""Weighted sum, TOPSIS and PROMETHEE II: published examples, hand derivations, pymcdm cross-checks.

pymcdm (test-only dependency) is an independent implementation. Convention differences, checked in
its installed source (pymcdm 1.4):

* pymcdm's ``vector_normalization`` maps cost criteria to ``1 - x / ||x||``. TOPSIS distances are
  unchanged by that reflection, so its TOPSIS equals the classic min-ideal computation and ours.
* pymcdm's PROMETHEE II preference functions are named ``usual``, ``ushape``, ``vshape``, ``level``
  and ``vshape_2`` (= our ``linear``); there is no Gaussian (checked against a naive loop instead).
  Its net flows are normalised by n - 1, as ours. Its ``PROMETHEE_II(..., p=..., q=...)`` consumes
  its per-criterion thresholds from a generator, so a fresh object is built for every call.
* pymcdm's min-max normalisation also scores a constant column 1 for every option.
"""

from __future__ import annotations

import numpy as np
import pytest
from pymcdm import normalizations as pymcdm_norm
from pymcdm.methods import PROMETHEE_II, TOPSIS, WSM

from policies.analysis import (
    method_contributions,
    method_parts,
    method_scores,
    normalize,
    promethee_ii,
    rank,
    topsis,
    weighted_sum,
    weighted_sum_contributions,
    weighted_sum_each,
)

from .reference import naive_promethee_ii, naive_topsis_vector, naive_weighted_sum_minmax

# Hwang & Yoon (1981) fighter-aircraft example: max speed (Mach), ferry range (NM), max payload
# (lb), acquisition cost ($10^6, cost), reliability and manoeuvrability (interval scale 1-9).
FIGHTERS = np.array(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ]
)
FIGHTER_WEIGHTS = np.array([0.2, 0.1, 0.1, 0.1, 0.2, 0.3])
FIGHTER_TYPES = np.array([1, 1, 1, -1, 1, 1])


def random_problem(seed: int, n: int = 7, m: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random matrix on mixed scales, random weights, and at least one cost and one benefit criterion."""
    rng = np.random.default_rng(seed)
    matrix = rng.uniform(1.0, 100.0, (n, m)) * rng.uniform(0.1, 10.0, m)
    weights = rng.random(m) + 0.05
    types = np.where(rng.random(m) < 0.4, -1, 1)
    types[0], types[-1] = 1, -1
    return matrix, weights / weights.sum(), types


# --------------------------------------------------------------------------- TOPSIS


def test_topsis_hwang_yoon_fighter_aircraft() -> None:
    """Hwang, C. L., & Yoon, K. (1981). Multiple Attribute Decision Making: Methods and Applications.
    Springer, TOPSIS chapter (fighter-aircraft example).

    Published: C1* = 0.643 and C2* = 0.268. C3* and C4* are derived by hand below (same data):
    column norms (4.2814, 4096.34, 39560.08, 10.8513, 10.3923, 13.4164); weighted normalised
    matrix V; ideal A+ = (.1168, .0659, .0531, .0415, .1347, .2012) (cost criterion 4 takes the
    minimum) and anti-ideal A- = (.0841, .0366, .0455, .0599, .0577, .1118); separations
    D+ = (.0546, .1197, .0580, .1009), D- = (.0984, .0439, .0920, .0458); closeness
    C = D- / (D+ + D-) = (.643, .268, .614, .312), ranking A1 > A3 > A4 > A2.
    """
    closeness = topsis(FIGHTERS, FIGHTER_WEIGHTS, FIGHTER_TYPES)
    np.testing.assert_allclose(closeness, [0.643, 0.268, 0.614, 0.312], atol=5e-4)
    assert rank(closeness).tolist() == [1, 4, 2, 3]


def test_topsis_matches_naive_textbook_loop_with_cost_criteria() -> None:
    for seed in range(10):
        matrix, weights, types = random_problem(seed)
        np.testing.assert_allclose(
            topsis(matrix, weights, types), naive_topsis_vector(matrix, weights, types), rtol=1e-12
        )


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(
    ("normalization", "pymcdm_function"),
    [("vector", pymcdm_norm.vector_normalization), ("minmax", pymcdm_norm.minmax_normalization)],
)
def test_topsis_matches_pymcdm(seed: int, normalization: str, pymcdm_function: object) -> None:
    matrix, weights, types = random_problem(seed, n=9, m=6)
    expected = TOPSIS(pymcdm_function)(matrix, weights, types)
    np.testing.assert_allclose(topsis(matrix, weights, types, normalization), expected, rtol=1e-10)


def test_topsis_gives_a_tie_when_every_option_is_identical_on_weighted_criteria() -> None:
    # Criterion 1 differs but has weight 0; on the weighted criterion all options are equal, so
    # both separations are 0 and every option gets the documented 0.5 instead of 0/0.
    matrix = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    closeness = topsis(matrix, [0.0, 1.0], [1, 1])
    np.testing.assert_array_equal(closeness, [0.5, 0.5, 0.5])
    assert rank(closeness).tolist() == [1, 1, 1]


def test_topsis_rejects_a_normalisation_it_does_not_support() -> None:
    with pytest.raises(ValueError, match="TOPSIS supports"):
        topsis(FIGHTERS, FIGHTER_WEIGHTS, FIGHTER_TYPES, normalization="sum")


# --------------------------------------------------------------------------- weighted sum


def test_weighted_sum_by_hand() -> None:
    """Derived by hand. Criterion 1 benefit (min 2, max 6), criterion 2 cost (min 10, max 30),
    weights 3:1 -> (0.75, 0.25).
    option 1: x = (2, 10) -> r = (0, 1)   -> 0.25
    option 2: x = (6, 30) -> r = (1, 0)   -> 0.75
    option 3: x = (4, 20) -> r = (.5, .5) -> 0.5
    """
    matrix = [[2, 10], [6, 30], [4, 20]]
    np.testing.assert_allclose(weighted_sum(matrix, [3, 1], [1, -1]), [0.25, 0.75, 0.5])


@pytest.mark.parametrize("seed", range(8))
def test_weighted_sum_minmax_matches_pymcdm_and_naive_loop(seed: int) -> None:
    matrix, weights, types = random_problem(seed, n=8, m=6)
    ours = weighted_sum(matrix, weights, types)
    np.testing.assert_allclose(
        ours, WSM(pymcdm_norm.minmax_normalization)(matrix, weights, types), rtol=1e-12
    )
    np.testing.assert_allclose(ours, naive_weighted_sum_minmax(matrix, weights, types), rtol=1e-12)


def test_weighted_sum_vector_and_sum_normalisations_match_pymcdm() -> None:
    for seed in range(5):
        matrix, weights, types = random_problem(seed)
        for name, function in (
            ("vector", pymcdm_norm.vector_normalization),
            ("sum", pymcdm_norm.sum_normalization),
        ):
            np.testing.assert_allclose(
                weighted_sum(matrix, weights, types, normalization=name),
                WSM(function)(matrix, weights, types),
                rtol=1e-12,
            )


def test_normalisations_by_hand() -> None:
    """Benefit column (1, 2, 4) and cost column (1, 2, 4), derived by hand for each definition."""
    matrix = np.array([[1.0, 1.0], [2.0, 2.0], [4.0, 4.0]])
    types = [1, -1]
    np.testing.assert_allclose(normalize(matrix, types, "minmax"), [[0, 1], [1 / 3, 2 / 3], [1, 0]])
    np.testing.assert_allclose(normalize(matrix, types, "max"), [[0.25, 1], [0.5, 0.5], [1, 0.25]])
    # sum: benefit x / 7; cost (1/x) / (1 + 1/2 + 1/4) = (1/x) / 1.75
    np.testing.assert_allclose(
        normalize(matrix, types, "sum"), [[1 / 7, 1 / 1.75], [2 / 7, 0.5 / 1.75], [4 / 7, 0.25 / 1.75]]
    )
    norm = np.sqrt(21.0)
    np.testing.assert_allclose(
        normalize(matrix, types, "vector"),
        [[1 / norm, 1 - 1 / norm], [2 / norm, 1 - 2 / norm], [4 / norm, 1 - 4 / norm]],
    )


def test_normalize_accepts_a_lone_option_but_the_methods_do_not() -> None:
    np.testing.assert_array_equal(normalize([[3.0, 7.0]], [1, -1]), [[1.0, 1.0]])
    with pytest.raises(ValueError, match="at least two options"):
        weighted_sum([[3.0, 7.0]], [1, 1], [1, -1])


def test_constant_column_scores_one_for_every_option() -> None:
    matrix = np.array([[3.0, 1.0], [3.0, 2.0], [3.0, 3.0]])
    np.testing.assert_array_equal(normalize(matrix, [1, 1])[:, 0], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(weighted_sum(matrix, [0.5, 0.5], [1, 1]), [0.5, 0.75, 1.0])


def test_floating_point_noise_is_not_stretched_into_a_winner() -> None:
    # Two "equal" means computed in a different order differ by one ulp; min-max must not turn
    # that into a full point of difference, and PROMETHEE must not see a strict preference.
    a = 0.1 + 0.2 + 0.3
    b = 0.3 + 0.2 + 0.1
    assert a != b
    matrix = np.array([[a, 1.0], [b, 1.0]])
    for scores in (
        weighted_sum(matrix, [1, 0], [1, 1]),
        promethee_ii(matrix, [1, 0], [1, 1]),
    ):
        assert scores[0] == scores[1]
        assert rank(scores).tolist() == [1, 1]


def test_options_that_balance_out_tie_even_when_rounding_disagrees() -> None:
    """A wins criterion 1 (w = .3), B wins criteria 2 and 3 (w = .1 + .2): a true tie for the
    weighted sum and PROMETHEE II, but 0.1 + 0.2 != 0.3 in floating point, so the flows come out
    as -+5.6e-17. (TOPSIS is not a tie here: Euclidean distances do not add up like weights.)"""
    matrix = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    weights = [0.3, 0.1, 0.2]
    flows = promethee_ii(matrix, weights, [1, 1, 1])
    assert flows[0] != flows[1]
    assert rank(flows).tolist() == [1, 1]
    assert rank(weighted_sum(matrix, weights, [1, 1, 1])).tolist() == [1, 1]


def test_sum_and_max_normalisations_refuse_non_positive_values() -> None:
    with pytest.raises(ValueError, match="strictly positive"):
        weighted_sum([[0.0, 1.0], [1.0, 2.0]], [1, 1], [1, 1], normalization="sum")
    with pytest.raises(ValueError, match="Unknown normalisation"):
        weighted_sum([[1.0, 1.0], [1.0, 2.0]], [1, 1], [1, 1], normalization="zscore")


def test_contributions_add_up_to_the_weighted_sum() -> None:
    matrix, weights, types = random_problem(3)
    parts = weighted_sum_contributions(matrix, weights, types)
    assert parts.shape == matrix.shape
    np.testing.assert_allclose(parts.sum(axis=1), weighted_sum(matrix, weights, types), rtol=1e-12)
    batch = np.stack([weights, np.roll(weights, 1)])
    np.testing.assert_allclose(
        weighted_sum_contributions(matrix, batch, types).sum(axis=2),
        weighted_sum(matrix, batch, types),
        rtol=1e-12,
    )


# --------------------------------------------------------------------------- PROMETHEE II


def test_promethee_usual_by_hand() -> None:
    """Derived by hand (the same small problem is pymcdm's documented example).

    x = [[4, 3, 2], [3, 2, 4], [5, 1, 3]], w = (.5, .3, .2), all benefit, usual criterion:
    pi(1,2) = .5 + .3 = .8, pi(2,1) = .2; pi(1,3) = .3, pi(3,1) = .5 + .2 = .7;
    pi(2,3) = .3 + .2 = .5, pi(3,2) = .5.
    phi(1) = (.8 + .3 - .2 - .7) / 2 = 0.1; phi(2) = (.2 + .5 - .8 - .5) / 2 = -0.3;
    phi(3) = (.7 + .5 - .3 - .5) / 2 = 0.2.
    """
    flows = promethee_ii([[4, 3, 2], [3, 2, 4], [5, 1, 3]], [0.5, 0.3, 0.2], [1, 1, 1])
    np.testing.assert_allclose(flows, [0.1, -0.3, 0.2], atol=1e-15)


def test_promethee_mixed_functions_and_cost_criterion_by_hand() -> None:
    """Derived by hand, following Brans & Vincke (1985) definitions of the generalised criteria.

    x = [[10, 4, 5], [12, 1, 7], [9, 3, 6]], types (cost, benefit, benefit), w = (.5, .25, .25).
    c1 linear (q=1, p=3), cost, so d(a,b) = x_b - x_a:
        d(1,2) = 2 -> (2-1)/(3-1) = .5; d(3,1) = 1 <= q -> 0; d(3,2) = 3 -> 1; the rest <= 0.
    c2 gaussian (s=2): d(1,2) = 3 -> 1 - e^(-9/8) = .675348; d(1,3) = 1 -> 1 - e^(-1/8) = .117503;
        d(3,2) = 2 -> 1 - e^(-1/2) = .393469.
    c3 level (q=.5, p=1.5): d(2,1) = 2 -> 1; d(3,1) = 1 -> .5; d(2,3) = 1 -> .5.
    pi(1,2) = .25 + .168837 = .418837, pi(2,1) = .25, pi(1,3) = .029376, pi(3,1) = .125,
    pi(2,3) = .125, pi(3,2) = .5 + .098367 = .598367.
    phi = ((.418837 + .029376 - .25 - .125) / 2, (.25 + .125 - .418837 - .598367) / 2,
           (.125 + .598367 - .029376 - .125) / 2) = (.036607, -.321102, .284496).
    """
    flows = promethee_ii(
        [[10, 4, 5], [12, 1, 7], [9, 3, 6]],
        [0.5, 0.25, 0.25],
        [-1, 1, 1],
        preference=["linear", "gaussian", "level"],
        q=[1, 0, 0.5],
        p=[3, 0, 1.5],
        s=[0, 2, 0],
    )
    np.testing.assert_allclose(flows, [0.036607, -0.321102, 0.284496], atol=2e-6)
    assert abs(flows.sum()) < 1e-15


PYMCDM_FUNCTIONS = {
    "usual": ("usual", False, False),
    "u-shape": ("ushape", True, False),
    "v-shape": ("vshape", False, True),
    "level": ("level", True, True),
    "linear": ("vshape_2", True, True),
}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("preference", list(PYMCDM_FUNCTIONS))
def test_promethee_matches_pymcdm_for_each_preference_function(seed: int, preference: str) -> None:
    matrix, weights, types = random_problem(seed, n=8, m=5)
    # Thresholds in each criterion's units: a fraction of its range, so every regime is hit.
    spread = matrix.max(axis=0) - matrix.min(axis=0)
    q, p = 0.15 * spread, 0.5 * spread
    name, uses_q, uses_p = PYMCDM_FUNCTIONS[preference]
    theirs = PROMETHEE_II(name, p=p if uses_p else None, q=q if uses_q else None)
    expected = theirs(matrix, weights, types)
    ours = promethee_ii(
        matrix, weights, types, preference=preference, q=q if uses_q else None, p=p if uses_p else None
    )
    np.testing.assert_allclose(ours, expected, atol=1e-12)


@pytest.mark.parametrize("preference", ["usual", "u-shape", "v-shape", "level", "linear", "gaussian"])
def test_promethee_matches_naive_loop_for_each_preference_function(preference: str) -> None:
    for seed in range(4):
        matrix, weights, types = random_problem(seed, n=6, m=4)
        spread = matrix.max(axis=0) - matrix.min(axis=0)
        q, p, s = 0.2 * spread, 0.6 * spread, 0.3 * spread
        kwargs: dict[str, object] = {}
        if preference in ("u-shape", "level", "linear"):
            kwargs["q"] = q
        if preference in ("v-shape", "level", "linear"):
            kwargs["p"] = p
        if preference == "gaussian":
            kwargs["s"] = s
        ours = promethee_ii(matrix, weights, types, preference=preference, **kwargs)  # type: ignore[arg-type]
        expected = naive_promethee_ii(matrix, weights, types, [preference] * 4, list(q), list(p), list(s))
        np.testing.assert_allclose(ours, expected, atol=1e-12)


def test_promethee_thresholds_sit_exactly_on_the_boundaries() -> None:
    """Brans & Vincke: indifference up to and including q, strict preference only above p."""
    matrix = [[0.0], [1.0], [3.0]]
    # differences 1 (= q), 2 and 3 (= p): linear gives 0, .5 and 1.
    flows = promethee_ii(matrix, [1.0], [1], preference="linear", q=1.0, p=3.0)
    # pi(2,1)=0, pi(3,1)=1, pi(3,2)=.5 -> phi = (-(0+1)/2, (0-.5)/2, (1+.5)/2)
    np.testing.assert_allclose(flows, [-0.5, -0.25, 0.75])
    flows = promethee_ii(matrix, [1.0], [1], preference="level", q=1.0, p=2.0)
    # level: d=1 -> 0, d=2 -> .5 (d <= p), d=3 -> 1 -> pi(3,1)=1, pi(3,2)=.5
    np.testing.assert_allclose(flows, [-0.5, -0.25, 0.75])
    flows = promethee_ii(matrix, [1.0], [1], preference="u-shape", q=2.0)
    # only d=3 > q: pi(3,1) = 1
    np.testing.assert_allclose(flows, [-0.5, 0.0, 0.5])


def test_promethee_threshold_errors_explain_the_fix() -> None:
    matrix, weights, types = [[1, 2], [2, 1], [3, 3]], [1, 1], [1, 1]
    with pytest.raises(ValueError, match="needs q"):
        promethee_ii(matrix, weights, types, preference="linear", p=1.0)
    with pytest.raises(ValueError, match="needs s"):
        promethee_ii(matrix, weights, types, preference="gaussian")
    with pytest.raises(ValueError, match="none of the chosen preference functions"):
        promethee_ii(matrix, weights, types, preference="v-shape", p=1.0, q=0.5)
    with pytest.raises(ValueError, match="p must be at least q"):
        promethee_ii(matrix, weights, types, preference="linear", q=2.0, p=1.0)
    with pytest.raises(ValueError, match="Unknown preference function 'ushape'"):
        promethee_ii(matrix, weights, types, preference="ushape", q=1.0)
    with pytest.raises(ValueError, match="must be positive"):
        promethee_ii(matrix, weights, types, preference="gaussian", s=0.0)
    with pytest.raises(ValueError, match="one per criterion"):
        promethee_ii(matrix, weights, types, preference=["usual"])
    with pytest.raises(ValueError, match="one number per criterion"):
        promethee_ii(matrix, weights, types, preference="v-shape", p=[1.0, 2.0, 3.0])


def test_promethee_net_flows_sum_to_zero_and_stay_in_range() -> None:
    for seed in range(5):
        matrix, weights, types = random_problem(seed, n=10)
        flows = promethee_ii(matrix, weights, types)
        assert abs(flows.sum()) < 1e-12
        assert np.all(np.abs(flows) <= 1.0)


# --------------------------------------------------------------------------- batches


@pytest.mark.parametrize(
    ("method", "options"),
    [
        (weighted_sum, {}),
        (weighted_sum, {"normalization": "vector"}),
        (topsis, {}),
        (topsis, {"normalization": "minmax"}),
        (promethee_ii, {}),
        (promethee_ii, {"preference": "gaussian", "s": 20.0}),
    ],
)
def test_a_batch_of_weights_equals_one_call_per_vector(method: object, options: dict[str, object]) -> None:
    matrix, _, types = random_problem(11, n=6, m=4)
    batch = np.random.default_rng(0).random((25, 4)) * 7
    together = method(matrix, batch, types, **options)  # type: ignore[operator]
    assert together.shape == (25, 6)
    for row, weights in zip(together, batch, strict=True):
        np.testing.assert_allclose(row, method(matrix, weights, types, **options), rtol=1e-12, atol=1e-15)  # type: ignore[operator]


@pytest.mark.parametrize("normalization", ["minmax", "vector"])
def test_each_matrix_with_its_own_weights_equals_one_call_per_person(normalization: str) -> None:
    rng = np.random.default_rng(4)
    matrices = rng.random((9, 5, 3)) * 10
    weights = rng.random((9, 3)) * 5
    types = np.array([1.0, -1.0, 1.0])
    together = weighted_sum_each(matrices, weights, types, normalization=normalization)
    assert together.shape == (9, 5)
    for row, matrix, own in zip(together, matrices, weights, strict=True):
        np.testing.assert_allclose(
            row, weighted_sum(matrix, own, types, normalization=normalization), rtol=1e-12
        )


def test_each_matrix_needs_its_own_finite_weights_and_a_stack_of_tables() -> None:
    matrices, types = np.ones((3, 4, 2)), np.array([1.0, 1.0])
    with pytest.raises(ValueError, match="one weight vector per matrix: 3 matrices but 2"):
        weighted_sum_each(matrices, np.ones((2, 2)), types)
    with pytest.raises(ValueError, match="one weight vector per matrix: 3 matrices but a single"):
        weighted_sum_each(matrices, np.ones(2), types)
    with pytest.raises(ValueError, match="stack of tables"):
        weighted_sum_each(np.ones((4, 2)), np.ones((4, 2)), types)
    broken = matrices.copy()
    broken[1, 2, 0] = np.nan
    with pytest.raises(ValueError, match="decision matrix 2"):
        weighted_sum_each(broken, np.ones((3, 2)), types)


def test_single_weight_vector_returns_one_score_per_option() -> None:
    matrix, weights, types = random_problem(2)
    for method in (weighted_sum, topsis, promethee_ii):
        assert method(matrix, weights, types).shape == (7,)
        assert method(matrix, weights[np.newaxis, :], types).shape == (1, 7)


def test_method_scores_dispatches_to_each_method_and_scores_one_option_as_1() -> None:
    from policies.analysis import method_scores, promethee_ii, topsis, weighted_sum

    matrix = np.array([[3.0, 200.0], [5.0, 150.0], [4.0, 180.0]])
    weights, types = np.array([0.6, 0.4]), np.array([1, -1])
    for name, function in (
        ("weighted_sum", weighted_sum),
        ("topsis", topsis),
        ("promethee_ii", promethee_ii),
    ):
        np.testing.assert_array_equal(
            method_scores(name, matrix, weights, types), function(matrix, weights, types)
        )
    np.testing.assert_array_equal(method_scores("topsis", matrix[:1], weights, types), [1.0])
    with pytest.raises(ValueError, match="Unknown method"):
        method_scores("electre", matrix, weights, types)


def test_method_contributions_add_up_to_the_additive_scores() -> None:
    from policies.analysis import method_contributions, promethee_ii, weighted_sum

    matrix = np.array([[3.0, 200.0, 1.0], [5.0, 150.0, 0.0], [4.0, 180.0, 1.0]])
    weights, types = np.array([2.0, 1.0, 1.0]), np.array([1, -1, 1])
    parts, additive = method_contributions("weighted_sum", matrix, weights, types)
    assert additive
    np.testing.assert_allclose(parts.sum(axis=1), weighted_sum(matrix, weights, types))
    parts, additive = method_contributions("promethee_ii", matrix, weights, types)
    assert additive
    np.testing.assert_allclose(parts.sum(axis=1), promethee_ii(matrix, weights, types))
    parts, additive = method_contributions("topsis", matrix, weights, types)
    assert not additive  # TOPSIS is explained by the weighted sum's parts
    np.testing.assert_allclose(parts.sum(axis=1), weighted_sum(matrix, weights, types))
    one, _ = method_contributions("weighted_sum", matrix[:1], weights, types)
    np.testing.assert_allclose(one, [[0.5, 0.25, 0.25]])
    with pytest.raises(ValueError, match="one weight vector"):
        method_contributions("weighted_sum", matrix, np.ones((2, 3)), types)


@pytest.mark.parametrize("method", ["weighted_sum", "promethee_ii"])
def test_the_parts_of_an_additive_method_give_its_scores_for_any_weights(method: str) -> None:
    rng = np.random.default_rng(7)
    matrix = rng.uniform(0, 10, (6, 4))
    types = np.array([1, -1, 1, 1])
    parts, additive = method_parts(method, matrix, types)
    assert additive and parts.shape == (6, 4)
    for weights in rng.dirichlet(np.ones(4), size=5):
        np.testing.assert_allclose(parts @ weights, method_scores(method, matrix, weights, types), atol=1e-12)
        np.testing.assert_allclose(
            parts * weights, method_contributions(method, matrix, weights, types)[0], atol=1e-12
        )


def test_topsis_has_no_parts() -> None:
    parts, additive = method_parts("topsis", np.array([[1.0, 2.0], [3.0, 1.0]]), np.array([1, 1]))
    assert not additive and not parts.any()


def test_one_option_has_parts_of_one() -> None:
    parts, additive = method_parts("weighted_sum", np.array([[4.0, 2.0]]), np.array([1, -1]))
    assert additive and parts.tolist() == [[1.0, 1.0]]
