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
weights are equal, and integer weights act like repeated participants.

Every quartile and median the workbench shows (the Delphi feedback, the facilitator's
dashboard, the results charts, the reports) comes from :func:`consensus`, which uses
the one quantile rule of :func:`quantiles`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._types import BoolArray, FloatArray, IntArray
from .methods import method_scores, weighted_sum_each
from .validation import check_nonnegative_vector, check_participant_scores, to_float_array

__all__ = [
    "AGGREGATIONS",
    "ConsensusResult",
    "aggregate_scores",
    "consensus",
    "individual_scores",
    "quantiles",
    "resample_scores",
]

#: Aggregation rules accepted by :func:`aggregate_scores`.
AGGREGATIONS = ("mean", "median", "trimmed_mean")
_EXACT = 1e-12  # relative tolerance for "the quantile's position falls exactly on a judgment"


@dataclass(frozen=True)
class ConsensusResult:
    """Disagreement per cell (options x criteria); NaN where nobody scored the cell.

    Attributes:
        q1, median, q3: the quartiles of the (weighted) judgments, by the package's one
            quantile rule (:func:`quantiles`: linear interpolation between order
            statistics, Hyndman & Fan type 7, the default of numpy, R and spreadsheets'
            QUARTILE.INC). The Delphi feedback, the dashboard, the results charts and the
            reports all read these.
        iqr: interquartile range ``q3 - q1``. Robust to a single outlier.
        std: (weighted) population standard deviation, i.e. the typical distance of a
            judgment from the group mean: it describes these participants, it does
            not estimate a wider population (no n - 1 correction).
        n_judgments: number of participants (with positive weight) who scored the cell.
    """

    iqr: FloatArray
    std: FloatArray
    n_judgments: IntArray
    q1: FloatArray
    median: FloatArray
    q3: FloatArray

    def agreed(self, threshold: float) -> BoolArray:
        """Cells in consensus: scored by someone, with an IQR at most ``threshold``.

        The comparison allows 1e-9 of floating-point noise, so an IQR computed as
        1.0000000000000002 still counts as within a threshold of 1.
        """
        if not np.isfinite(threshold) or threshold < 0:
            raise ValueError(f"The consensus threshold must be a non-negative number; got {threshold!r}.")
        within = np.where(self.n_judgments > 0, np.nan_to_num(self.iqr, nan=np.inf), np.inf)
        return np.asarray(within <= threshold + 1e-9, dtype=bool)

    def relative_iqr(self, scale_width: ArrayLike) -> FloatArray:
        """The IQR as a share of each criterion's scale width (criteria,), so that cells of
        criteria scored on different scales can be compared; a zero width counts as 1."""
        width = to_float_array(scale_width, "scale widths")
        if width.shape != (self.iqr.shape[1],):
            raise ValueError(
                f"Give one scale width per criterion: {self.iqr.shape[1]} criteria but shape {width.shape}."
            )
        return np.asarray(self.iqr / np.where(width > 0, width, 1.0)[np.newaxis, :], dtype=float)


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


def _sorted(values: FloatArray, cell_weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Judgments sorted per cell (missing last, as NaN) and their weights (0 where missing)."""
    keyed = np.where(cell_weights > 0, values, np.inf)
    order = np.argsort(keyed, axis=0, kind="stable")
    ordered = np.take_along_axis(keyed, order, axis=0)
    ordered = np.where(np.isinf(ordered), np.nan, ordered)  # missing judgments, now last
    return ordered, np.take_along_axis(cell_weights, order, axis=0)


def _quantile(ordered: FloatArray, ordered_weights: FloatArray, probability: float) -> FloatArray:
    """The package's one quantile rule, per cell (see :func:`quantiles`)."""
    n = ordered.shape[0]
    cells = np.arange(ordered.shape[1])
    if n == 0:
        return np.full(ordered.shape[1], np.nan)
    valid = ordered_weights > 0
    counts = valid.sum(axis=0)
    # Repetition counts relative to the lightest judgment of the cell: equal weights are all 1.
    lightest = np.min(np.where(valid, ordered_weights, np.inf), axis=0)
    lightest = np.where(np.isfinite(lightest), lightest, 1.0)
    repeats = np.where(valid, ordered_weights / lightest, 0.0)
    cumulative = np.cumsum(repeats, axis=0)  # S_k, the end (exclusive) of judgment k in the repeated sample
    total = cumulative[-1]
    position = np.maximum(total - 1.0, 0.0) * probability  # h = (N - 1) p, 0-based
    tolerance = _EXACT * np.maximum(total, 1.0)

    def at(t: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The judgment at 0-based position t of the repeated sample, and its index."""
        index = np.sum(cumulative <= t + tolerance, axis=0)
        index = np.minimum(index, np.maximum(counts - 1, 0))
        return ordered[index, cells], index

    lower = np.floor(position + tolerance)
    fraction = np.clip(position - lower, 0.0, 1.0)
    low_value, _index = at(lower)
    high_value, _index = at(np.minimum(lower + 1.0, np.maximum(total - 1.0, 0.0)))
    result = low_value + fraction * (high_value - low_value)
    return np.where(counts > 0, result, np.nan)


def quantiles(
    scores: ArrayLike, probabilities: ArrayLike, participant_weights: ArrayLike | None = None
) -> FloatArray:
    """Quantiles of the participants' judgments per cell: probabilities x options x criteria.

    The one quantile rule of the workbench: linear interpolation between the order
    statistics, ``Q(p) = x_(k) + (h - k) (x_(k+1) - x_(k))`` with ``h = (n - 1) p`` and
    ``k = floor(h)`` (0-based order statistics; Hyndman & Fan type 7, the default of
    numpy, R and spreadsheets' QUARTILE.INC). Judgments {5, 6, 7} give Q1 5.5, median 6,
    Q3 6.5 and an IQR of 1. Participant weights act as repetition counts relative to
    the lightest judgment of the cell: weights 1, 2 count the second judgment twice, and
    equal weights give the unweighted quartiles. Missing judgments are skipped; a cell
    nobody scored is NaN.

    Reference: Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical
    packages. The American Statistician, 50(4), 361-365 (definition 7).
    """
    probs = to_float_array(probabilities, "probabilities")
    if probs.ndim != 1 or not np.all((probs >= 0) & (probs <= 1)):
        raise ValueError("Quantile probabilities must be a list of numbers between 0 and 1.")
    values, cell_weights, shape = _prepare(scores, participant_weights)
    ordered, ordered_weights = _sorted(values, cell_weights)
    return np.stack([_quantile(ordered, ordered_weights, float(p)).reshape(shape) for p in probs]).reshape(
        (len(probs), *shape)
    )


def aggregate_scores(
    scores: ArrayLike,
    method: str = "mean",
    participant_weights: ArrayLike | None = None,
    trim: float = 0.1,
) -> FloatArray:
    """Combine participants' scores into one options x criteria matrix.

    * ``"mean"``: ``sum_k v_k x_k / sum_k v_k`` over the participants who scored the cell
      (``v`` = participant weights, all 1 by default).
    * ``"median"``: the median by the package's one quantile rule (:func:`quantiles`),
      so it is the consensus result's ``median``; equal weights give the ordinary
      median, and weights count judgments as repeated. Resists a single extreme
      participant.
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
    elif method == "median":
        result = _quantile(*_sorted(values, cell_weights), 0.5)
    else:
        ordered, ordered_weights = _sorted(values, cell_weights)
        cumulative = np.cumsum(ordered_weights, axis=0)
        share = cumulative / np.where(total > 0, total, 1.0)
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

    Formulas: ``IQR = Q(0.75) - Q(0.25)`` with the quartiles of :func:`quantiles`
    (linear interpolation, Hyndman & Fan type 7); ``std = sqrt(sum_k v_k (x_k - mean)^2 /
    sum_k v_k)``. :meth:`ConsensusResult.agreed` applies a facilitator's threshold.

    Reference: Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical
    packages. The American Statistician, 50(4), 361-365.
    """
    values, cell_weights, shape = _prepare(scores, participant_weights)
    counts = np.sum(cell_weights > 0, axis=0).astype(np.int64).reshape(shape)
    if values.shape[0] == 0:
        empty = np.full(shape, np.nan)
        return ConsensusResult(empty, empty.copy(), counts, empty.copy(), empty.copy(), empty.copy())
    total = cell_weights.sum(axis=0)
    scored = total > 0
    safe_total = np.where(scored, total, 1.0)
    present = np.where(cell_weights > 0, values, 0.0)
    mean = np.sum(present * cell_weights, axis=0) / safe_total
    variance = np.sum(cell_weights * (present - mean) ** 2, axis=0) / safe_total
    ordered, ordered_weights = _sorted(values, cell_weights)
    q1, median, q3 = (_quantile(ordered, ordered_weights, p).reshape(shape) for p in (0.25, 0.5, 0.75))
    return ConsensusResult(
        iqr=q3 - q1,
        std=np.where(scored, np.sqrt(variance), np.nan).reshape(shape),
        n_judgments=counts,
        q1=q1,
        median=median,
        q3=q3,
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


def individual_scores(
    method: str,
    scores: ArrayLike,
    weights: ArrayLike,
    group_matrix: ArrayLike,
    group_weights: ArrayLike,
    types: ArrayLike,
) -> FloatArray:
    """Each participant's own method scores of the options (participants x options).

    A participant's own ranking uses their scores, with the group's score where they left a
    cell blank, and their own weights (a row of ``weights``, each summing to 1), or the
    group's where they gave none (a NaN row). Participants who scored nothing are left out
    of the result (use ``np.any(~np.isnan(scores), axis=(1, 2))`` to tell which remain).
    Kendall's W of these rankings is the room's agreement on the order of the options.

    ``scores`` is participants x options x criteria (NaN = blank), ``weights`` participants x
    criteria, ``group_matrix`` options x criteria with no NaN, ``group_weights`` (criteria,).
    """
    cube = check_participant_scores(scores)
    rows = to_float_array(weights, "participant weights")
    matrix = to_float_array(group_matrix, "group score matrix")
    shared = to_float_array(group_weights, "group weights")
    if rows.shape != (cube.shape[0], cube.shape[2]) or matrix.shape != cube.shape[1:]:
        raise ValueError(
            "Give one weight row per participant and a group matrix of options x criteria matching the scores."
        )
    if np.isnan(matrix).any():
        raise ValueError("The group score matrix must have a value in every cell.")
    scoring = np.any(~np.isnan(cube), axis=(1, 2))
    own = np.where(np.isnan(cube[scoring]), matrix[np.newaxis], cube[scoring])
    own_weights = np.where(
        np.isnan(rows[scoring]).any(axis=1, keepdims=True), shared[np.newaxis], rows[scoring]
    )
    if own.shape[0] == 0:
        return np.empty((0, matrix.shape[0]))
    if method == "weighted_sum" and own.shape[1] > 1:
        return weighted_sum_each(own, own_weights, types)
    return np.stack([method_scores(method, own[k], own_weights[k], types) for k in range(own.shape[0])])
