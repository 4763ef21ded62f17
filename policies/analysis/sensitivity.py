"""One-at-a-time weight sensitivity: how far can a weight move before the ranking changes?

For criterion j the weight ``w_j`` is moved to ``t`` in [0, 1] and the other weights
are rescaled proportionally so that the total stays 1:
``w(t) = t e_j + (1 - t) u_j`` with ``u_j`` the current weights without criterion j,
renormalised (if criterion j holds all the weight, the rest is shared equally).
This keeps the facilitator's relative judgments about the other criteria intact,
which is why it is the standard one-way analysis in MCDA software.

Along that path the weighted sum and PROMETHEE II scores are straight lines in t
(both are linear in the weights), so the crossing points are exact. TOPSIS scores
are not linear; they are scanned on a fine grid and every crossing is refined by
bisection to floating-point precision (two crossings of the same pair closer than
the grid step, 1/2000, could be missed; they would be a weight precision no
workshop elicits).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._types import BoolArray, FloatArray, IntArray
from .methods import Scorer, prepare
from .ranking import DEFAULT_TIE_TOLERANCE, competition_ranks, tie_threshold
from .validation import check_matrix, check_types, check_weights

__all__ = ["RankReversal", "SensitivityResult", "weight_path", "weight_sensitivity"]

_GRID_STEPS = 2000
_BISECTIONS = 45  # grid step 5e-4 / 2^45 is below one ulp of the weight
_LINEAR_METHODS = frozenset({"weighted_sum", "promethee_ii"})


@dataclass(frozen=True)
class RankReversal:
    """Two options swap places when one criterion's weight passes ``weight``.

    Attributes:
        criterion: index of the criterion whose weight is varied.
        weight: the weight of that criterion at which the two options tie.
        option_a: lower index of the two options.
        option_b: higher index of the two options.
        leader_below: the option ahead of the other for weights just below ``weight``.
        leader_above: the option ahead of the other for weights just above ``weight``.
        position: the rank the two share at the crossing (1 = they swap first place).
    """

    criterion: int
    weight: float
    option_a: int
    option_b: int
    leader_below: int
    leader_above: int
    position: int


@dataclass(frozen=True)
class SensitivityResult:
    """How robust the current top option is to each criterion weight.

    Attributes:
        method: the scoring method analysed.
        weights: the current weights, normalised to sum to 1.
        top: the option(s) ranked first at the current weights.
        intervals: criteria x 2 array; row j is ``[low, high]``, the range of ``w_j``
            (others rescaled proportionally) around the current ``w_j`` on which every
            option in ``top`` stays first (ties count as first). ``low == high``
            means first place is already contested at the current weights.
        reversals: every weight at which two options swap order, by criterion then
            weight (see :class:`RankReversal`). Swaps exactly at ``w_j = 0`` or ``1``
            are not listed: the order does not change inside the feasible range.
    """

    method: str
    weights: FloatArray
    top: tuple[int, ...]
    intervals: FloatArray
    reversals: tuple[RankReversal, ...]


def _directions(weights: FloatArray) -> FloatArray:
    """Row j: the other criteria's weights renormalised (u_j), with entry j zero."""
    m = weights.shape[0]
    others = np.tile(weights, (m, 1))
    np.fill_diagonal(others, 0.0)
    totals = others.sum(axis=1, keepdims=True)
    equal = (1.0 - np.eye(m)) / (m - 1)
    return np.where(totals > 0, others / np.where(totals > 0, totals, 1.0), equal)


def _path_weights(criteria: IntArray, t: FloatArray, directions: FloatArray) -> FloatArray:
    """w(t) = t e_j + (1 - t) u_j for paired arrays of criteria and t (any shape)."""
    weights = (1.0 - t)[..., np.newaxis] * directions[criteria]
    np.put_along_axis(weights, criteria[..., np.newaxis], t[..., np.newaxis], axis=-1)
    return weights


def _threshold(scores: FloatArray) -> FloatArray:
    """Tie threshold per row, the same as :func:`policies.analysis.rank` uses."""
    threshold: FloatArray = tie_threshold(scores)[..., 0]
    return threshold


def _position(scores: FloatArray, a: IntArray, b: IntArray) -> IntArray:
    """1 + number of options clearly above the tied pair, for each row of scores."""
    rows = np.arange(scores.shape[0])
    level = np.maximum(scores[rows, a], scores[rows, b])
    above = scores > (level + _threshold(scores))[:, np.newaxis]
    return (1 + above.sum(axis=1)).astype(np.int64)


def _reversal_objects(
    criteria: IntArray,
    weight: FloatArray,
    a: IntArray,
    b: IntArray,
    a_leads_above: BoolArray,
    position: IntArray,
) -> tuple[RankReversal, ...]:
    order = np.lexsort((b, a, weight, criteria))
    return tuple(
        RankReversal(
            criterion=int(criteria[k]),
            weight=float(weight[k]),
            option_a=int(a[k]),
            option_b=int(b[k]),
            leader_below=int(b[k] if a_leads_above[k] else a[k]),
            leader_above=int(a[k] if a_leads_above[k] else b[k]),
            position=int(position[k]),
        )
        for k in order
    )


def _linear_sensitivity(
    parts: FloatArray, weights: FloatArray, top: IntArray
) -> tuple[FloatArray, tuple[RankReversal, ...]]:
    """Exact analysis for scores linear in the weights: s(w) = parts @ w."""
    n = parts.shape[0]
    directions = _directions(weights)
    base = directions @ parts.T  # (m, n): scores at t = 0
    slope = parts.T - base  # (m, n): d score / d t
    scale = float(np.max(np.abs(parts))) if parts.size else 0.0
    flat = 1e-12 * scale

    # Interval: every top option i must stay >= every other option k.
    alpha = base[:, top, np.newaxis] - base[:, np.newaxis, :]  # (m, |top|, n)
    beta = slope[:, top, np.newaxis] - slope[:, np.newaxis, :]
    steep = np.abs(beta) > flat
    root = np.divide(-alpha, beta, out=np.zeros_like(alpha), where=steep)
    low = np.max(np.where(steep & (beta > 0), root, 0.0), axis=(1, 2))
    high = np.min(np.where(steep & (beta < 0), root, 1.0), axis=(1, 2))
    intervals = _clamp_intervals(low, high, weights)

    # Reversals: every pair whose lines cross strictly inside (0, 1).
    a, b = (idx.astype(np.int64) for idx in np.triu_indices(n, k=1))
    pair_alpha = base[:, a] - base[:, b]  # (m, pairs)
    pair_beta = slope[:, a] - slope[:, b]
    crossing = np.abs(pair_beta) > flat
    pair_root = np.divide(-pair_alpha, pair_beta, out=np.full_like(pair_alpha, -1.0), where=crossing)
    inside = crossing & (pair_root > 1e-12) & (pair_root < 1.0 - 1e-12)
    crit, pair = np.nonzero(inside)
    t = pair_root[crit, pair]
    at_crossing = base[crit] + t[:, np.newaxis] * slope[crit]
    reversals = _reversal_objects(
        crit.astype(np.int64),
        t,
        a[pair],
        b[pair],
        pair_beta[crit, pair] > 0,
        _position(at_crossing, a[pair], b[pair]),
    )
    return intervals, reversals


def _clamp_intervals(low: FloatArray, high: FloatArray, weights: FloatArray) -> FloatArray:
    """Keep the current weight inside its interval despite rounding in the roots."""
    low = np.clip(np.minimum(low, weights), 0.0, 1.0)
    high = np.clip(np.maximum(high, weights), 0.0, 1.0)
    return np.stack([low, high], axis=1)


def _sign_changes(scores: FloatArray, a: IntArray, b: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Grid brackets (lo, hi, pair) where s_a - s_b changes sign, skipping noise-level ties.

    ``scores`` is grid x options. A difference within the tie tolerance counts as 0 and
    a sign change is only recorded between the last non-zero sign and the next one of
    the opposite sign, so two options that touch without swapping are not reported.
    """
    diff = scores[:, a] - scores[:, b]
    threshold = _threshold(scores)[:, np.newaxis]
    above = diff > threshold
    below = diff < -threshold
    sign = above.astype(np.int8) - below.astype(np.int8)
    clean = np.all(above | below, axis=0)  # columns with no tie anywhere: the common case
    hi, pair = np.nonzero(sign[1:, clean] != sign[:-1, clean])
    columns = np.flatnonzero(clean)
    lo_parts = [hi]
    hi_parts = [hi + 1]
    pair_parts = [columns[pair]]
    tied_columns = np.flatnonzero(~clean)
    if tied_columns.size:
        tied_sign = sign[:, tied_columns]
        index = np.arange(sign.shape[0])[:, np.newaxis]
        last = np.maximum.accumulate(np.where(tied_sign != 0, index, -1), axis=0)
        previous = np.vstack([np.full((1, tied_columns.size), -1), last[:-1]])
        previous_sign = np.take_along_axis(tied_sign, np.maximum(previous, 0), axis=0)
        flip_hi, flip_pair = np.nonzero((tied_sign != 0) & (previous >= 0) & (previous_sign == -tied_sign))
        lo_parts.append(previous[flip_hi, flip_pair])
        hi_parts.append(flip_hi)
        pair_parts.append(tied_columns[flip_pair])
    return (
        np.concatenate(lo_parts).astype(np.int64),
        np.concatenate(hi_parts).astype(np.int64),
        np.concatenate(pair_parts).astype(np.int64),
    )


def _numeric_sensitivity(
    scorer: Scorer, weights: FloatArray, top: IntArray, steps: int = _GRID_STEPS
) -> tuple[FloatArray, tuple[RankReversal, ...]]:
    """Grid scan plus bisection, for methods whose scores are not linear in the weights."""
    n = scorer.n_options
    m = weights.shape[0]
    directions = _directions(weights)
    grid = np.sort(
        np.concatenate([np.tile(np.linspace(0.0, 1.0, steps + 1), (m, 1)), weights[:, None]], axis=1)
    )
    g = grid.shape[1]
    criteria = np.repeat(np.arange(m), g).reshape(m, g)
    scores = scorer.scores(_path_weights(criteria, grid, directions).reshape(m * g, m)).reshape(m, g, n)

    # ---- sign changes of every pair's score difference along the grid. Noise-level
    # differences count as 0 (touching is not swapping); one criterion at a time keeps
    # memory at grid x pairs (a loop over criteria, never over samples).
    a, b = (idx.astype(np.int64) for idx in np.triu_indices(n, k=1))
    brackets = [_sign_changes(scores[j], a, b) for j in range(m)]
    crit = np.concatenate([np.full(br[2].size, j, dtype=np.int64) for j, br in enumerate(brackets)])
    lo_t = np.concatenate([grid[j, br[0]] for j, br in enumerate(brackets)])
    hi_t = np.concatenate([grid[j, br[1]] for j, br in enumerate(brackets)])
    pair = np.concatenate([br[2] for br in brackets])
    pa, pb = a[pair], b[pair]

    def pair_sign(t: FloatArray) -> FloatArray:
        path_weights = _path_weights(crit, t, directions)
        difference = scorer.option_scores(path_weights, pa) - scorer.option_scores(path_weights, pb)
        signs: FloatArray = np.sign(difference)
        return signs

    lo_sign = pair_sign(lo_t)

    # ---- refine every bracket at once by bisection on the exact sign of the pair's score
    # difference (only the two options are scored): the grid already rejected noise-level
    # touching, so this converges to the crossing itself.
    for _ in range(_BISECTIONS if crit.size else 0):
        mid = (lo_t + hi_t) / 2.0
        s = pair_sign(mid)
        tied = s == 0
        lo_t = np.where(tied, mid, np.where(s == lo_sign, mid, lo_t))
        hi_t = np.where(tied, mid, np.where(s == lo_sign, hi_t, mid))
    t = (lo_t + hi_t) / 2.0
    at_crossing = scorer.scores(_path_weights(crit, t, directions)) if crit.size else np.zeros((0, n))
    reversals = _reversal_objects(crit, t, pa, pb, lo_sign < 0, _position(at_crossing, pa, pb))

    # ---- interval: bounded by the nearest crossing, on each side of the current weight,
    # of a pair involving a first-ranked option (the same rule as the exact roots of the
    # linear case: a crossing at the current weight itself closes the interval there).
    involved = np.isin(pa, top) | np.isin(pb, top)
    low = np.zeros(m)
    high = np.ones(m)
    below = involved & (t <= weights[crit] + 1e-12)
    above = involved & (t >= weights[crit] - 1e-12)
    np.maximum.at(low, crit[below], t[below])
    np.minimum.at(high, crit[above], t[above])
    return _clamp_intervals(low, high, weights), reversals


def weight_sensitivity(
    matrix: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    method: str = "weighted_sum",
    **method_options: object,
) -> SensitivityResult:
    """How far each criterion weight can move before the top option changes, and every swap.

    For each criterion j, ``w_j`` is varied over [0, 1] with the other weights rescaled
    proportionally (``w(t) = t e_j + (1 - t) u_j``, see the module docstring). The
    result gives, per criterion, the interval of ``w_j`` around its current value on
    which the current first-ranked option(s) stay first, and every rank-reversal
    point: the weight at which two options swap, which options, who leads on each
    side and which place they swap. Ranks follow the package convention (1 = best,
    ties share the place; ties within the tie tolerance of
    :func:`policies.analysis.rank`).

    ``method`` is ``"weighted_sum"``, ``"topsis"`` or ``"promethee_ii"`` with that
    method's options (``normalization``; ``preference``, ``q``, ``p``, ``s``). Weighted
    sum and PROMETHEE II are solved exactly (their scores are linear in the weights);
    TOPSIS by grid scan and bisection. At least two criteria are needed.

    References: Triantaphyllou, E., & Sánchez, A. (1997). A sensitivity analysis
    approach for some deterministic multi-criteria decision-making methods. Decision
    Sciences, 28(1), 151-194; Mareschal, B. (1988). Weight stability intervals in
    multicriteria decision aid. European Journal of Operational Research, 33(1),
    54-64.
    """
    values = check_matrix(matrix)
    directions = check_types(types, values.shape[1])
    batch, is_batch = check_weights(weights, values.shape[1])
    if is_batch:
        raise ValueError("Weight sensitivity analyses one weight vector, not a batch of samples.")
    if values.shape[1] < 2:
        raise ValueError("Weight sensitivity needs at least two criteria: one weight can only be 1.")
    current = batch[0]
    scorer = prepare(method, values, directions, **method_options)
    ranks, _ = competition_ranks(scorer.scores(batch), DEFAULT_TIE_TOLERANCE)
    top = np.flatnonzero(ranks[0] == 1).astype(np.int64)
    if method in _LINEAR_METHODS:
        intervals, reversals = _linear_sensitivity(scorer.parts, current, top)
    else:
        intervals, reversals = _numeric_sensitivity(scorer, current, top)
    return SensitivityResult(
        method=method,
        weights=current,
        top=tuple(int(i) for i in top),
        intervals=intervals,
        reversals=reversals,
    )


def weight_path(weights: ArrayLike, criterion: int, t: ArrayLike) -> FloatArray:
    """The weight vectors along one criterion's sweep: ``w(t) = t e_j + (1 - t) u_j`` (t x criteria).

    ``u_j`` is the current weights without criterion j, renormalised (equal shares when j
    held all the weight): the convention of :func:`weight_sensitivity`, so a chart drawn
    along this path crosses the reversal points that function reports.
    """
    vector = np.asarray(weights, dtype=np.float64)
    if vector.ndim != 1:
        raise ValueError("A weight path starts from one weight vector, not a batch.")
    current, _ = check_weights(vector, vector.shape[0])
    m = current.shape[1]
    if m < 2 or not 0 <= criterion < m:
        raise ValueError(f"Choose one of the {m} criteria to sweep (at least two are needed).")
    steps = np.atleast_1d(np.asarray(t, dtype=np.float64))
    if not np.all((steps >= 0) & (steps <= 1)):
        raise ValueError("Positions along a weight path go from 0 to 1.")
    directions = _directions(current[0])
    return _path_weights(np.full(steps.shape, criterion, dtype=np.int64), steps, directions)
