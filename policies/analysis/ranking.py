"""Turning scores into ranks, and measuring how far rankings agree.

Ranks follow one convention everywhere in the workbench: 1 is best, and options
whose scores tie share the best rank of the places they span, so the next option
skips places ("competition" or "1224" ranking: 1, 1, 3). Policy reports often show
"joint first"; competition ranking says exactly that without inventing an order.

Scores computed along different floating-point paths (a matrix product, a mean in
another order) can differ by 1e-16 for options that are genuinely equal. Ranking
such noise as a real difference would print a false winner, so ties are detected
with a small tolerance, relative for large scores and absolute for scores of order
one or less (see :func:`rank`). The absolute floor matters for scores that should be
exactly zero, like the PROMETHEE flows of two options that balance out: they come
out as +-1e-17, and a purely relative test would call one of them the winner.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._types import FloatArray, IntArray
from .validation import to_float_array

__all__ = ["DEFAULT_TIE_TOLERANCE", "competition_ranks", "kendall_tau", "kendall_w", "rank", "tie_threshold"]

#: Tolerance below which two scores count as a tie, times max(1, max|score|) (see :func:`rank`).
DEFAULT_TIE_TOLERANCE = 1e-9


def tie_threshold(
    scores: FloatArray, tol: float = DEFAULT_TIE_TOLERANCE, *, relative: bool = False
) -> FloatArray:
    """Absolute tie threshold per row: ``tol * max(1, largest magnitude in the row)``, or with
    ``relative`` ``tol * largest magnitude`` (for values of any scale, such as raters' scores)."""
    largest = np.max(np.abs(scores), axis=-1, keepdims=True)
    magnitude: FloatArray = largest if relative else np.maximum(largest, 1.0)
    return tol * magnitude


def competition_ranks(scores: FloatArray, tol: float, *, relative: bool = False) -> tuple[IntArray, IntArray]:
    """Rank each row of a 2-D score array (higher is better) in one vectorised pass.

    Returns ``(ranks, tie_size)``: the competition rank of every entry, and how many
    entries share its tie group. Ties are found by sorting each row and cutting it
    wherever the gap between neighbours exceeds the row's threshold, so a tie group
    is always a run of consecutive places and the result is a valid competition
    ranking (every rank ``r`` that occurs ``k`` times is followed by ``r + k``).
    SMAA uses ``tie_size`` to share the places a tie spans equally between its
    members, which keeps rank acceptabilities summing to 1 per rank as well as per
    option.
    """
    n_rows, n = scores.shape
    order = np.argsort(-scores, axis=1, kind="stable")
    ordered = np.take_along_axis(scores, order, axis=1)
    threshold = tie_threshold(scores, tol, relative=relative)
    positions = np.broadcast_to(np.arange(n), (n_rows, n))
    starts_group = np.ones((n_rows, n), dtype=bool)
    starts_group[:, 1:] = (ordered[:, :-1] - ordered[:, 1:]) > threshold
    ends_group = np.ones((n_rows, n), dtype=bool)
    ends_group[:, :-1] = starts_group[:, 1:]
    group_start = np.maximum.accumulate(np.where(starts_group, positions, 0), axis=1)
    group_end = np.minimum.accumulate(np.where(ends_group, positions, n - 1)[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty((n_rows, n), dtype=np.int64)
    sizes = np.empty((n_rows, n), dtype=np.int64)
    np.put_along_axis(ranks, order, group_start + 1, axis=1)
    np.put_along_axis(sizes, order, group_end - group_start + 1, axis=1)
    return ranks, sizes


def rank(
    scores: ArrayLike,
    *,
    higher_is_better: bool = True,
    tol: float = DEFAULT_TIE_TOLERANCE,
) -> IntArray:
    """Rank options from their scores: 1 = best, ties share the best place they span.

    Formula: ``rank_i = 1 + #{k : s_k > s_i}`` (competition ranking, e.g. 1, 1, 3),
    where two scores closer than ``tol * max(1, max|s|)`` count as equal. The
    tolerance is relative for large scores, so it means the same on a budget in
    euros as on a 0-1 score, and absolute (1e-9 by default) for the package's
    method scores, which lie in [-1, 1]: only floating-point noise is merged, and
    flows that should be exactly 0 cannot produce a winner. (Scores that are all
    far below 1e-9 should be rescaled first.) Near-ties are merged by single linkage
    on the sorted scores, so a tie group is always a run of consecutive places.
    Pass ``tol=0`` for exact comparison.

    ``scores`` is 1-D (options) or 2-D (samples x options, each row ranked on its
    own, matching the batch output of the methods). ``higher_is_better=False`` ranks
    a cost-like quantity such as maximum regret.

    Reference: Kendall, M. G. (1945). The treatment of ties in ranking problems.
    Biometrika, 33(3), 239-251 (ties and their conventions).
    """
    array = to_float_array(scores, "scores")
    if array.ndim not in (1, 2) or array.size == 0:
        raise ValueError(
            "Scores to rank must be a non-empty vector (one per option) or a table "
            f"(samples x options); got shape {array.shape}."
        )
    if not np.isfinite(array).all():
        raise ValueError("Scores to rank must be finite numbers; found NaN or infinity.")
    if tol < 0 or not np.isfinite(tol):
        raise ValueError("The tie tolerance must be zero or a small positive number.")
    rows = np.atleast_2d(array if higher_is_better else -array)
    ranks, _ = competition_ranks(rows, tol)
    return ranks[0] if array.ndim == 1 else ranks


def kendall_w(rankings: ArrayLike) -> float:
    """Kendall's coefficient of concordance W for m raters x n items, corrected for ties.

    W is 1 when every rater orders the items identically and near 0 when their
    orders are unrelated, which is why a facilitator can read it as "how much the
    room agrees". Each rater's row is first converted to mid-ranks (tied items get
    the average of the places they span), which is what the tie correction assumes;
    so rows may hold competition ranks (1, 1, 3), mid-ranks, or any scores with the
    same orientation for every rater (1 = best or highest = best: W only depends on
    agreement, not direction). Ties are judged relative to each rater's own scale
    (values within 1e-9 of the row's largest magnitude), so scores of 1e-9 and
    1.5e-9 are two places, not a tie, while floating-point noise still ties.

    Formula: with column rank sums ``R_i`` and ``S = sum_i (R_i - mean R)^2``,
    ``W = 12 S / (m^2 (n^3 - n) - m sum_j T_j)`` where ``T_j = sum_g (t_g^3 - t_g)``
    over the tie groups ``g`` of rater ``j``.

    Raises ``ValueError`` when every rater ties every item, because agreement is then
    undefined (0/0), rather than returning a number that would be misread.

    References: Kendall, M. G., & Babington Smith, B. (1939). The problem of m
    rankings. Annals of Mathematical Statistics, 10(3), 275-287; Kendall, M. G. (1948).
    Rank Correlation Methods. Griffin (tie correction).
    """
    array = to_float_array(rankings, "rankings")
    if array.ndim != 2:
        raise ValueError(
            "Rankings must be a table with one row per rater and one column per item; "
            f"got an array with {array.ndim} dimension(s)."
        )
    m, n = int(array.shape[0]), int(array.shape[1])
    if m < 2 or n < 2:
        raise ValueError(
            f"Kendall's W needs at least two raters and two items; got {m} rater(s) and {n} item(s)."
        )
    if not np.isfinite(array).all():
        raise ValueError("Rankings must be finite numbers; found NaN or infinity.")
    # Mid-ranks (1 = lowest value) and tie-group sizes in one pass; a group of size t
    # contributes t^3 - t to T_j, i.e. t^2 - 1 for each of its t members.
    ranks, sizes = competition_ranks(-array, DEFAULT_TIE_TOLERANCE, relative=True)
    midranks = ranks + (sizes - 1) / 2.0
    rank_sums = midranks.sum(axis=0)
    spread = float(np.sum((rank_sums - rank_sums.mean()) ** 2))
    tie_term = float(np.sum(sizes.astype(np.float64) ** 2 - 1.0))
    denominator = float(m * m * (n**3 - n)) - m * tie_term
    if denominator <= 0:
        raise ValueError("Kendall's W is undefined because every rater ranked all items as tied.")
    return 12.0 * spread / denominator


def kendall_tau(a: ArrayLike, b: ArrayLike) -> float:
    """Kendall's tau-b rank correlation between two rankings (or score vectors).

    Used to say how much two methods, scenarios or participants agree on the order
    of the options: +1 identical order, -1 reversed. Tau-b's denominator discounts
    tied pairs so that ties do not inflate or deflate agreement. Both inputs must use
    the same orientation (two rank vectors, or two score vectors).

    Formula: ``tau_b = sum_{i<j} sgn(a_i - a_j) sgn(b_i - b_j) / sqrt(P_a P_b)`` where
    ``P_x`` counts the pairs not tied in ``x``.

    Reference: Kendall, M. G. (1945). The treatment of ties in ranking problems.
    Biometrika, 33(3), 239-251.
    """
    x = to_float_array(a, "first ranking")
    y = to_float_array(b, "second ranking")
    if x.ndim != 1 or y.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError(
            "Kendall's tau needs two vectors of the same length with at least two "
            f"items; got shapes {x.shape} and {y.shape}."
        )
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("Rankings must be finite numbers; found NaN or infinity.")
    upper = np.triu_indices(x.size, k=1)
    sx = np.sign(x[:, None] - x[None, :])[upper]
    sy = np.sign(y[:, None] - y[None, :])[upper]
    untied = float(np.sum(sx != 0)) * float(np.sum(sy != 0))
    if untied == 0:
        raise ValueError("Kendall's tau is undefined when one ranking ties every item.")
    concordance = float(np.sum(sx * sy))
    return concordance / float(np.sqrt(untied))
