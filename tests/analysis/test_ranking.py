"""Competition ranking with ties, Kendall's W (tie-corrected) and Kendall's tau-b."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from policies.analysis import kendall_tau, kendall_w, rank


def test_rank_is_one_for_the_best_and_ties_share_the_best_place() -> None:
    assert rank([0.9, 0.5, 0.9, 0.1]).tolist() == [1, 3, 1, 4]
    assert rank([3, 3, 3]).tolist() == [1, 1, 1]
    assert rank([1, 2, 2, 3]).tolist() == [4, 2, 2, 1]
    assert rank([5.0]).tolist() == [1]


def test_rank_lower_is_better_for_regret_like_quantities() -> None:
    assert rank([4.0, 1.0, 1.0, 2.0], higher_is_better=False).tolist() == [4, 1, 1, 3]


def test_rank_ranks_each_row_of_a_batch() -> None:
    ranks = rank([[0.1, 0.3, 0.2], [5, 5, 1]])
    assert ranks.tolist() == [[3, 1, 2], [1, 1, 3]]
    assert ranks.dtype == np.int64


def test_floating_point_noise_is_a_tie_but_real_differences_are_not() -> None:
    noisy = [0.1 + 0.2, 0.3, 0.2]
    assert rank(noisy).tolist() == [1, 1, 3]
    assert rank(noisy, tol=0).tolist() == [1, 2, 3]
    assert rank([0.3, 0.3 + 1e-6, 0.2]).tolist() == [2, 1, 3]
    # Flows that should both be 0 come out as +-5.6e-17: no winner.
    assert rank([0.3 - (0.1 + 0.2), (0.1 + 0.2) - 0.3]).tolist() == [1, 1]
    # Relative above 1: a one-euro gap on a budget in millions is still a real difference,
    # a 1e-4 euro gap is rounding.
    assert rank([2.0e6, 2.0e6 + 1.0, 1.0e6]).tolist() == [2, 1, 3]
    assert rank([2.0e6, 2.0e6 + 1e-4, 1.0e6]).tolist() == [1, 1, 3]


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ([], "non-empty"),
        ([[[1.0]]], "non-empty vector"),
        ([1.0, np.nan], "finite"),
        ([1.0, np.inf], "finite"),
        ([[1.0, 2.0], [3.0]], "regular table"),
    ],
)
def test_rank_refuses_invalid_scores(scores: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rank(scores)  # type: ignore[arg-type]


def test_kendall_w_by_hand() -> None:
    """Kendall & Babington Smith (1939) formula, derived by hand.

    Raters (rows) x items: column rank sums R = (4, 5, 10, 11), mean 7.5,
    S = 3.5^2 + 2.5^2 + 2.5^2 + 3.5^2 = 37, W = 12 S / (m^2 (n^3 - n)) = 444 / 540.
    """
    rankings = [[1, 2, 3, 4], [2, 1, 3, 4], [1, 2, 4, 3]]
    assert kendall_w(rankings) == pytest.approx(444 / 540, rel=1e-14)


def test_kendall_w_tie_correction_by_hand() -> None:
    """Rater 1 ties items 1 and 2 (competition ranks 1, 1 -> mid-ranks 1.5, 1.5).

    R = (3.5, 5.5, 9, 12), S = 16 + 4 + 2.25 + 20.25 = 42.5, T_1 = 2^3 - 2 = 6,
    W = 12 * 42.5 / (9 * 60 - 3 * 6) = 510 / 522.
    """
    rankings = [[1, 1, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]
    assert kendall_w(rankings) == pytest.approx(510 / 522, rel=1e-14)


def test_kendall_w_matches_friedman_statistic_with_ties() -> None:
    """Friedman's chi-square (scipy, tie-corrected) equals m (n - 1) W."""
    rng = np.random.default_rng(5)
    for _ in range(10):
        m, n = rng.integers(3, 8), rng.integers(3, 7)
        scores = rng.integers(1, 5, (m, n)).astype(float)  # many ties
        if np.all(scores == scores[:, :1]):
            continue
        chi2 = stats.friedmanchisquare(*scores.T).statistic
        assert kendall_w(scores) == pytest.approx(chi2 / (m * (n - 1)), rel=1e-10)


def test_kendall_w_extremes_and_direction_invariance() -> None:
    assert kendall_w([[1, 2, 3], [1, 2, 3], [1, 2, 3]]) == pytest.approx(1.0)
    assert kendall_w([[1, 2, 3], [3, 2, 1]]) == pytest.approx(0.0)
    scores = np.array([[0.9, 0.1, 0.5], [0.8, 0.3, 0.2]])
    assert kendall_w(scores) == pytest.approx(kendall_w(-scores))


def test_kendall_w_judges_ties_relative_to_the_scores_scale() -> None:
    """Scores of a billionth are not all tied: the same order at any scale gives the same W (0.75 here),
    while floating-point noise on a score still ties."""
    tiny = np.array([[1e-9, 1.5e-9, 5e-9], [1.5e-9, 1e-9, 5e-9]])
    assert kendall_w(tiny) == pytest.approx(0.75)
    assert kendall_w(tiny * 1e9) == pytest.approx(0.75)
    noisy = np.array([[0.5, 0.5 + 1e-17, 0.9], [0.5, 0.5, 0.9]])
    assert kendall_w(noisy) == pytest.approx(kendall_w([[1, 1, 3], [1, 1, 3]]))


def test_kendall_w_refuses_what_it_cannot_measure() -> None:
    with pytest.raises(ValueError, match="at least two raters"):
        kendall_w([[1, 2, 3]])
    with pytest.raises(ValueError, match="every rater ranked all items as tied"):
        kendall_w([[1, 1], [2, 2]])
    with pytest.raises(ValueError, match="finite"):
        kendall_w([[1, np.nan], [1, 2]])
    with pytest.raises(ValueError, match="one row per rater"):
        kendall_w([1, 2, 3])


def test_kendall_tau_b_matches_scipy_including_ties() -> None:
    rng = np.random.default_rng(9)
    for _ in range(20):
        a = rng.integers(0, 4, 9).astype(float)
        b = rng.integers(0, 4, 9).astype(float)
        if len(set(a)) == 1 or len(set(b)) == 1:
            continue
        assert kendall_tau(a, b) == pytest.approx(stats.kendalltau(a, b).statistic, rel=1e-12)
    assert kendall_tau([1, 2, 3], [1, 2, 3]) == pytest.approx(1.0)
    assert kendall_tau([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="ties every item"):
        kendall_tau([1, 1, 1], [1, 2, 3])
    with pytest.raises(ValueError, match="same length"):
        kendall_tau([1, 2], [1, 2, 3])
