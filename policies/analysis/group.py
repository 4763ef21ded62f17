"""Group judgment: combining participants' scores and measuring how much they agree.

Input is a participants x options x criteria array. This is the one place in the
package where NaN is a legitimate value: it means "this participant has not scored
this cell" (people skip cells, or join late). Missing judgments are left out of
every statistic for that cell, never treated as zero. A cell that nobody has
scored comes back as NaN from :func:`aggregate_scores` and :func:`consensus`, so
the caller decides how to show or fill it; the scoring methods themselves refuse
NaN.

Participant weights (set by the facilitator, e.g. to balance stakeholder groups)
are non-negative; a participant with weight 0 is left out like a missing
judgment. Weighted statistics reduce exactly to the usual unweighted ones when all
weights are equal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._types import FloatArray, IntArray
from .validation import check_nonnegative_vector, check_participant_scores

__all__ = [
    "AGGREGATIONS",
    "ConsensusResult",
    "aggregate_scores",
    "consensus",
    "resample_scores",
]

#: Aggregation rules accepted by :func:`aggregate_scores`.
AGGREGATIONS = ("mean", "median", "trimmed_mean")
_EXACT = 1e-12  # tolerance for "the cumulative weight is exactly at the quantile"


@dataclass(frozen=True)
class ConsensusResult:
    """Disagreement per cell (options x criteria); NaN where nobody scored the cell.

    Attributes:
        iqr: interquartile range, Q3 - Q1 of the (weighted) judgments, with quartiles
            from the averaged inverted empirical CDF (numpy's ``averaged_inverted_cdf``
            when unweighted). Robust to a single outlier.
        std: (weighted) population standard deviation, i.e. the typical distance of a
            judgment from the group mean: it describes these participants, it does
            not estimate a wider population (no n - 1 correction).
        n_judgments: number of participants (with positive weight) who scored the cell.
    """

    iqr: FloatArray
    std: FloatArray
    n_judgments: IntArray


def _prepare(
    scores: ArrayLike, participant_weights: ArrayLike | None
) -> tuple[FloatArray, FloatArray, tuple[int, int]]:
    """Validated values (participants x cells) and per-judgment weights (0 where missing)."""
    cube = check_participant_scores(scores)
    n_participants, n_options, n_criteria = cube.shape
    values = cube.reshape(n_participants, n_options * n_criteria)
    if participant_weights is None:
        weights = np.ones(n_participants)
    else:
        weights = check_nonnegative_vector(
            participant_weights, n_participants, "participant weights", "participant"
        )
    judged = ~np.isnan(values) & (weights[:, np.newaxis] > 0)
    cell_weights = np.where(judged, weights[:, np.newaxis], 0.0)
    return values, cell_weights, (n_options, n_criteria)


def _sorted(values: FloatArray, cell_weights: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Judgments sorted per cell (missing last), their weights, and the cumulative share."""
    keyed = np.where(cell_weights > 0, values, np.inf)
    order = np.argsort(keyed, axis=0, kind="stable")
    ordered = np.take_along_axis(keyed, order, axis=0)
    ordered = np.where(np.isinf(ordered), np.nan, ordered)  # missing judgments, now last
    ordered_weights = np.take_along_axis(cell_weights, order, axis=0)
    cumulative = np.cumsum(ordered_weights, axis=0)
    total = cumulative[-1:] if cumulative.shape[0] else np.zeros((1, values.shape[1]))
    share = cumulative / np.where(total > 0, total, 1.0)
    return ordered, ordered_weights, share


def _quantile(ordered: FloatArray, share: FloatArray, probability: float) -> FloatArray:
    """Averaged inverted CDF of weighted judgments (Hyndman & Fan type 2 when unweighted)."""
    n = ordered.shape[0]
    lower = np.minimum(np.sum(share < probability - _EXACT, axis=0), n - 1)
    cells = np.arange(ordered.shape[1])
    at_step = np.abs(share[lower, cells] - probability) <= _EXACT
    upper = np.minimum(lower + at_step.astype(np.int64), n - 1)
    low_value: FloatArray = ordered[lower, cells]
    high_value: FloatArray = ordered[upper, cells]
    # ``upper`` can only land on a missing slot when probability is 1; keep ``lower`` then.
    high_value = np.where(np.isnan(high_value), low_value, high_value)
    return (low_value + high_value) / 2.0


def aggregate_scores(
    scores: ArrayLike,
    method: str = "mean",
    participant_weights: ArrayLike | None = None,
    trim: float = 0.1,
) -> FloatArray:
    """Combine participants' scores into one options x criteria matrix.

    * ``"mean"``: ``sum_k v_k x_k / sum_k v_k`` over the participants who scored the cell
      (``v`` = participant weights, all 1 by default).
    * ``"median"``: the weighted median (averaged inverted CDF: when the cumulative
      weight hits exactly one half, the two neighbouring judgments are averaged, so
      equal weights give the ordinary median). Resists a single extreme participant.
    * ``"trimmed_mean"``: removes the weight share ``trim`` (0 <= trim < 0.5) from each
      tail, cutting a judgment fractionally if needed, and averages the rest; equals
      ``scipy.stats.trim_mean`` when weights are equal and ``trim x count`` is whole.

    Missing judgments (NaN) are skipped; a cell nobody scored is NaN in the result
    (see the module docstring). Zero participants gives an all-NaN matrix.

    References: Aczél, J., & Saaty, T. L. (1983) on synthesising group judgments;
    Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical packages. The
    American Statistician, 50(4), 361-365 (quantile definition); Huber, P. J. (1981).
    Robust Statistics, Wiley (trimmed mean).
    """
    if method not in AGGREGATIONS:
        raise ValueError(f"Unknown aggregation '{method}'; choose one of: {', '.join(AGGREGATIONS)}.")
    if not (0.0 <= trim < 0.5):
        raise ValueError(f"The trimmed share must be at least 0 and below 0.5 per tail; got {trim:g}.")
    values, cell_weights, shape = _prepare(scores, participant_weights)
    total = cell_weights.sum(axis=0)
    scored = total > 0
    if values.shape[0] == 0:
        return np.full(shape, np.nan)
    if method == "mean":
        weighted = np.sum(np.where(cell_weights > 0, values, 0.0) * cell_weights, axis=0)
        result = weighted / np.where(scored, total, 1.0)
    else:
        ordered, _, share = _sorted(values, cell_weights)
        if method == "median":
            result = _quantile(ordered, share, 0.5)
        else:
            previous = np.vstack([np.zeros((1, share.shape[1])), share[:-1]])
            kept = np.clip(np.minimum(share, 1.0 - trim) - np.maximum(previous, trim), 0.0, None)
            finite = np.where(np.isnan(ordered), 0.0, ordered)
            result = np.sum(kept * finite, axis=0) / (1.0 - 2.0 * trim)
    return np.where(scored, result, np.nan).reshape(shape)


def consensus(scores: ArrayLike, participant_weights: ArrayLike | None = None) -> ConsensusResult:
    """How much participants disagree on each cell: interquartile range and standard deviation.

    Facilitators use this to decide which cells to discuss before re-scoring: a wide
    IQR means the middle half of the room disagrees, a large standard deviation with
    a small IQR points at a few outliers. Weights and missing judgments are handled
    as in :func:`aggregate_scores`; cells nobody scored are NaN with ``n_judgments`` 0.

    Formulas: ``IQR = Q(0.75) - Q(0.25)`` (averaged inverted CDF, see
    :class:`ConsensusResult`); ``std = sqrt(sum_k v_k (x_k - mean)^2 / sum_k v_k)``.

    Reference: Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical
    packages. The American Statistician, 50(4), 361-365.
    """
    values, cell_weights, shape = _prepare(scores, participant_weights)
    counts = np.sum(cell_weights > 0, axis=0).astype(np.int64).reshape(shape)
    if values.shape[0] == 0:
        empty = np.full(shape, np.nan)
        return ConsensusResult(empty, empty.copy(), counts)
    total = cell_weights.sum(axis=0)
    scored = total > 0
    safe_total = np.where(scored, total, 1.0)
    present = np.where(cell_weights > 0, values, 0.0)
    mean = np.sum(present * cell_weights, axis=0) / safe_total
    variance = np.sum(cell_weights * (present - mean) ** 2, axis=0) / safe_total
    ordered, _, share = _sorted(values, cell_weights)
    iqr = _quantile(ordered, share, 0.75) - _quantile(ordered, share, 0.25)
    return ConsensusResult(
        iqr=np.where(scored, iqr, np.nan).reshape(shape),
        std=np.where(scored, np.sqrt(variance), np.nan).reshape(shape),
        n_judgments=counts,
    )


def resample_scores(
    scores: ArrayLike,
    n_samples: int = 10_000,
    participant_weights: ArrayLike | None = None,
    seed: int | np.random.Generator | None = None,
) -> FloatArray:
    """Monte Carlo score matrices drawn from the spread of participants' judgments.

    For SMAA's criteria uncertainty: in each sample, every cell independently takes
    the judgment of one participant who scored it, chosen with probability
    proportional to the participant weights (a per-cell bootstrap of the group's
    judgments). The result (samples x options x criteria) can be passed as
    ``score_samples`` to :func:`policies.analysis.smaa`. Cells nobody scored cannot be
    sampled and raise ``ValueError``. Same seed, same samples.

    Reference: Efron, B., & Tibshirani, R. J. (1993). An Introduction to the
    Bootstrap. Chapman & Hall; Lahdelma, R., & Salminen, P. (2001), SMAA-2 (criteria
    measurements as random variables).
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"The number of samples must be a positive whole number; got {n_samples!r}.")
    values, cell_weights, (n_options, n_criteria) = _prepare(scores, participant_weights)
    total = cell_weights.sum(axis=0) if values.shape[0] else np.zeros(n_options * n_criteria)
    if values.shape[0] == 0 or not (total > 0).all():
        cell = int(np.argmax(~(total > 0)))
        raise ValueError(
            f"Nobody has scored option {cell // n_criteria + 1} on criterion "
            f"{cell % n_criteria + 1}, so its uncertainty cannot be sampled; score it first."
        )
    n_cells = values.shape[1]
    cumulative = np.cumsum(cell_weights, axis=0)
    share = cumulative / cumulative[-1]  # last row is exactly 1
    rng = np.random.default_rng(seed)
    uniforms = rng.random((int(n_samples), n_cells))
    drawn = np.empty((int(n_samples), n_cells))
    # Inverse-CDF draw per cell (a loop over cells, not samples): the first participant
    # whose cumulative share exceeds u always has a positive weight and a judgment.
    for cell in range(n_cells):
        chosen = np.searchsorted(share[:, cell], uniforms[:, cell], side="right")
        drawn[:, cell] = values[chosen, cell]
    return drawn.reshape(int(n_samples), n_options, n_criteria)
