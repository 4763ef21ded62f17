"""Group aggregation, consensus and score resampling with missing (NaN) judgments."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

from policies.analysis import ConsensusResult, aggregate_scores, consensus, quantiles, resample_scores


def workshop(seed: int = 0, participants: int = 9, missing: float = 0.2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 11, (participants, 4, 3)).astype(float)
    scores[rng.random(scores.shape) < missing] = np.nan
    scores[0, 0, 0] = 7.0  # keep every cell scored at least once
    return scores


def numpy_reference(scores: np.ndarray, function: object, **kwargs: object) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return function(scores, axis=0, **kwargs)  # type: ignore[operator,no-any-return]


def test_mean_and_median_skip_missing_judgments() -> None:
    scores = workshop()
    np.testing.assert_allclose(aggregate_scores(scores), numpy_reference(scores, np.nanmean), rtol=1e-14)
    np.testing.assert_allclose(
        aggregate_scores(scores, "median"), numpy_reference(scores, np.nanmedian), rtol=1e-14
    )


def test_trimmed_mean_equals_scipy_when_the_trim_is_a_whole_number_of_judgments() -> None:
    scores = workshop(1, participants=10, missing=0.0)
    np.testing.assert_allclose(
        aggregate_scores(scores, "trimmed_mean", trim=0.2),
        stats.trim_mean(scores, 0.2, axis=0),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        aggregate_scores(scores, "trimmed_mean", trim=0.0), scores.mean(axis=0), rtol=1e-12
    )


def test_fractional_trimming_by_hand() -> None:
    """Judgments 0, 4, 5, 6, 100 with trim 0.1: each tail loses half of one judgment (0.1 of 5).
    Kept mass: 0 x .1, 4 x .2, 5 x .2, 6 x .2, 100 x .1 -> (0 + .8 + 1 + 1.2 + 10) / .8 = 16.25.
    """
    scores = np.array([0.0, 4.0, 5.0, 6.0, 100.0]).reshape(5, 1, 1)
    assert aggregate_scores(scores, "trimmed_mean", trim=0.1)[0, 0] == pytest.approx(16.25)


def test_participant_weights_act_like_repeated_participants() -> None:
    scores = workshop(2, participants=6)
    weights = np.array([1, 2, 3, 1, 1, 2])
    repeated = np.repeat(scores, weights, axis=0)
    for method in ("mean", "median", "trimmed_mean"):
        np.testing.assert_allclose(
            aggregate_scores(scores, method, participant_weights=weights),
            aggregate_scores(repeated, method),
            rtol=1e-12,
        )
    weighted = consensus(scores, participant_weights=weights)
    plain = consensus(repeated)
    np.testing.assert_allclose(weighted.iqr, plain.iqr, rtol=1e-12)
    np.testing.assert_allclose(weighted.std, plain.std, rtol=1e-12)


def test_weighted_median_by_hand() -> None:
    """Judgments 1, 2, 10 with weights 1, 1, 3: the cumulative weight first passes half (2.5 of 5)
    at 10, so the weighted median is 10 while the plain median is 2."""
    scores = np.array([1.0, 2.0, 10.0]).reshape(3, 1, 1)
    assert aggregate_scores(scores, "median", participant_weights=[1, 1, 3])[0, 0] == 10.0
    assert aggregate_scores(scores, "median")[0, 0] == 2.0


def test_zero_weight_participant_is_left_out() -> None:
    scores = np.array([1.0, 2.0, 99.0]).reshape(3, 1, 1)
    assert aggregate_scores(scores, participant_weights=[1, 1, 0])[0, 0] == 1.5
    assert consensus(scores, participant_weights=[1, 1, 0]).n_judgments[0, 0] == 2


def test_unscored_cells_are_nan_and_nobody_yet_is_all_nan() -> None:
    scores = workshop(3)
    scores[:, 2, 1] = np.nan
    for method in ("mean", "median", "trimmed_mean"):
        result = aggregate_scores(scores, method)
        assert np.isnan(result[2, 1])
        assert np.isfinite(np.delete(result.ravel(), 2 * 3 + 1)).all()
    empty = np.empty((0, 4, 3))
    assert np.isnan(aggregate_scores(empty)).all()
    nobody = consensus(empty)
    assert np.isnan(nobody.iqr).all()
    assert (nobody.n_judgments == 0).all()


def test_consensus_matches_numpy_quantiles_and_population_std() -> None:
    scores = workshop(4, participants=11)
    result = consensus(scores)
    assert isinstance(result, ConsensusResult)
    q75 = numpy_reference(scores, np.nanpercentile, q=75, method="linear")
    q50 = numpy_reference(scores, np.nanpercentile, q=50, method="linear")
    q25 = numpy_reference(scores, np.nanpercentile, q=25, method="linear")
    np.testing.assert_allclose(result.iqr, q75 - q25, rtol=1e-12)
    np.testing.assert_allclose(result.q1, q25, rtol=1e-12)
    np.testing.assert_allclose(result.median, q50, rtol=1e-12)
    np.testing.assert_allclose(result.q3, q75, rtol=1e-12)
    np.testing.assert_allclose(result.std, numpy_reference(scores, np.nanstd), rtol=1e-12)
    np.testing.assert_array_equal(result.n_judgments, np.sum(~np.isnan(scores), axis=0))


def test_consensus_by_hand() -> None:
    """Judgments 2, 4, 4, 6: mean 4, population std sqrt((4 + 0 + 0 + 4) / 4) = sqrt(2);
    quartiles by linear interpolation at h = 3p: Q1 at h 0.75 = 2 + 0.75 x 2 = 3.5,
    Q3 at h 2.25 = 4 + 0.25 x 2 = 4.5, IQR = 1."""
    scores = np.array([2.0, 4.0, 4.0, 6.0]).reshape(4, 1, 1)
    result = consensus(scores)
    assert result.std[0, 0] == pytest.approx(np.sqrt(2.0))
    assert result.q1[0, 0] == pytest.approx(3.5)
    assert result.q3[0, 0] == pytest.approx(4.5)
    assert result.iqr[0, 0] == pytest.approx(1.0)


def test_three_close_judgments_are_one_point_apart_and_agreed() -> None:
    """Judgments 5, 6, 7: Q1 5.5, median 6, Q3 6.5, IQR 1, which a threshold of 1 counts as consensus
    (the dashboard, the Delphi feedback and the reports all read this one result)."""
    result = consensus(np.array([5.0, 6.0, 7.0]).reshape(3, 1, 1))
    assert (result.q1[0, 0], result.median[0, 0], result.q3[0, 0]) == (5.5, 6.0, 6.5)
    assert result.iqr[0, 0] == 1.0
    assert result.agreed(1.0)[0, 0]
    assert not result.agreed(0.5)[0, 0]


def test_agreed_leaves_out_unscored_cells_and_refuses_a_bad_threshold() -> None:
    scores = np.array([[[4.0, np.nan]], [[4.0, np.nan]]])
    result = consensus(scores)
    np.testing.assert_array_equal(result.agreed(0.0), [[True, False]])
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="threshold"):
            result.agreed(bad)


def test_relative_iqr_divides_by_each_criterion_scale() -> None:
    scores = np.array([[[0.0, 0.0]], [[10.0, 2.0]]])  # IQR 5 and 1
    result = consensus(scores)
    np.testing.assert_allclose(result.relative_iqr([10.0, 4.0]), [[0.5, 0.25]])
    np.testing.assert_allclose(result.relative_iqr([10.0, 0.0]), [[0.5, 1.0]])  # a zero width counts as 1
    with pytest.raises(ValueError, match="one scale width per criterion"):
        result.relative_iqr([10.0])


def test_quantiles_with_weights_repeat_judgments_and_refuse_bad_probabilities() -> None:
    scores = workshop(7, participants=5)
    weights = np.array([1, 3, 1, 2, 1])
    np.testing.assert_allclose(
        quantiles(scores, [0.1, 0.25, 0.5, 0.9], participant_weights=weights),
        quantiles(np.repeat(scores, weights, axis=0), [0.1, 0.25, 0.5, 0.9]),
        rtol=1e-12,
    )
    # Equal weights of any size are the unweighted quantiles.
    np.testing.assert_allclose(
        quantiles(scores, [0.25, 0.75], participant_weights=[2.5] * 5), quantiles(scores, [0.25, 0.75])
    )
    for bad in ([1.5], [[0.5]], [-0.1]):
        with pytest.raises(ValueError, match="between 0 and 1"):
            quantiles(scores, bad)


def test_resample_scores_draws_each_cell_from_its_own_judgments() -> None:
    scores = workshop(5)
    samples = resample_scores(scores, n_samples=2000, seed=3)
    assert samples.shape == (2000, 4, 3)
    assert np.isfinite(samples).all()
    for i in range(4):
        for j in range(3):
            judged = set(scores[:, i, j][~np.isnan(scores[:, i, j])])
            assert set(np.unique(samples[:, i, j])) <= judged
    np.testing.assert_array_equal(samples, resample_scores(scores, n_samples=2000, seed=3))


def test_resample_scores_follows_participant_weights() -> None:
    scores = np.array([0.0, 1.0, np.nan]).reshape(3, 1, 1)
    samples = resample_scores(scores, n_samples=40_000, participant_weights=[1, 3, 5], seed=0)
    # The third participant did not score: only 0 (weight 1) and 1 (weight 3) can be drawn.
    assert np.mean(samples) == pytest.approx(0.75, abs=0.01)


def test_resample_scores_needs_every_cell_scored() -> None:
    scores = workshop(6)
    scores[:, 1, 2] = np.nan
    with pytest.raises(ValueError, match="Nobody has scored option 2 on criterion 3"):
        resample_scores(scores, n_samples=10)
    with pytest.raises(ValueError, match="positive whole number"):
        resample_scores(workshop(), n_samples=0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: aggregate_scores(s, "mode"), "Unknown aggregation"),
        (lambda s: aggregate_scores(s, "trimmed_mean", trim=0.5), "below 0.5"),
        (lambda s: aggregate_scores(s, participant_weights=[1, 2]), "one value per participant"),
        (lambda s: aggregate_scores(s, participant_weights=[-1] + [1] * 8), "negative"),
        (lambda s: consensus(s, participant_weights=[0] * 9), "All participant weights are zero"),
        (lambda s: aggregate_scores(s[0]), "participants x options x criteria"),
    ],
)
def test_group_input_errors(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(workshop())  # type: ignore[operator]


def test_infinite_judgment_is_refused_with_its_position() -> None:
    scores = workshop()
    scores[3, 1, 2] = np.inf
    with pytest.raises(ValueError, match="participant 4, option 2, criterion 3"):
        aggregate_scores(scores)


def test_individual_scores_fill_blanks_from_the_group_and_leave_out_who_scored_nothing() -> None:
    from policies.analysis import individual_scores, method_scores

    types = np.array([1, 1])
    group_matrix = np.array([[5.0, 5.0], [6.0, 4.0], [2.0, 8.0]])
    group_weights = np.array([0.5, 0.5])
    scores = np.array(
        [
            [[9.0, 1.0], [1.0, 9.0], [np.nan, np.nan]],  # blanks on option 3 take the group's row
            [[np.nan] * 2] * 3,  # scored nothing: left out
            [[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]],
        ]
    )
    weights = np.array([[0.8, 0.2], [np.nan, np.nan], [np.nan, np.nan]])  # the third uses the group's
    for method in ("weighted_sum", "topsis", "promethee_ii"):
        result = individual_scores(method, scores, weights, group_matrix, group_weights, types)
        assert result.shape == (2, 3)
        first = np.array([[9.0, 1.0], [1.0, 9.0], [2.0, 8.0]])
        np.testing.assert_allclose(result[0], method_scores(method, first, [0.8, 0.2], types))
        np.testing.assert_allclose(result[1], method_scores(method, scores[2], group_weights, types))
    with pytest.raises(ValueError, match="every cell"):
        individual_scores("weighted_sum", scores, weights, np.full((3, 2), np.nan), group_weights, types)
