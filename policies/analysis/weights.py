"""Eliciting criterion weights: AHP, rank-order centroid, swing and direct points.

All functions return weights that sum to 1, in criterion order, ready to pass to
the methods. AHP additionally reports Saaty's consistency measures so that a
facilitator can see when the room's pairwise judgments contradict each other, and
:func:`most_inconsistent_comparisons` says which judgments to revisit first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._types import FloatArray
from .ranking import rank
from .validation import check_nonnegative_vector, to_float_array

__all__ = [
    "RANDOM_INDEX",
    "AHPResult",
    "InconsistentComparison",
    "aggregate_pairwise",
    "ahp_priorities",
    "direct_point_weights",
    "group_ahp_priorities",
    "most_inconsistent_comparisons",
    "normalize_points",
    "roc_from_points",
    "roc_weights",
    "swing_weights",
]

#: Saaty's random consistency index RI(n): the mean consistency index of random
#: reciprocal matrices on the 1/9..9 scale (Saaty 1980; the same values appear
#: in Saaty 1990). Beyond n = 10 published tables disagree in the second
#: decimal, so no ratio is reported there (see :func:`ahp_priorities`).
RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}

#: Relative tolerance for a_ij * a_ji = 1. Strict on purpose: enter 1/3, not 0.33.
RECIPROCAL_TOLERANCE = 1e-6


@dataclass(frozen=True)
class AHPResult:
    """Priorities and consistency of one pairwise comparison matrix.

    Attributes:
        weights: priority vector (sums to 1), in the matrix's row order.
        lambda_max: mean of ``(A w)_i / w_i``; equals n for a perfectly consistent matrix.
        ci: consistency index ``(lambda_max - n) / (n - 1)`` (0 for n <= 2).
        cr: consistency ratio ``ci / RI(n)``; Saaty's rule of thumb accepts ``cr <= 0.10``.
            0 for n <= 2 (always consistent); ``nan`` for n > 10 (no agreed RI).
        random_index: the RI(n) used (``nan`` for n > 10).
    """

    weights: FloatArray
    lambda_max: float
    ci: float
    cr: float
    random_index: float


@dataclass(frozen=True)
class InconsistentComparison:
    """One pairwise judgment and how far it is from what the derived weights imply.

    Attributes:
        row: index i of the first item (0-based).
        column: index j of the second item (0-based, ``j > i``).
        judgment: the entered ``a_ij`` ("i is a_ij times as important as j").
        implied: ``w_i / w_j``, the judgment that would be perfectly consistent.
        deviation: ``|ln(a_ij w_j / w_i)|``; 0 means consistent, ln 2 means off by a
            factor of 2 either way.
    """

    row: int
    column: int
    judgment: float
    implied: float
    deviation: float


def _check_pairwise(pairwise: ArrayLike, what: str = "pairwise comparison matrix") -> FloatArray:
    matrix = to_float_array(pairwise, what)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(
            f"The {what} must be square (one row and one column per item compared); got shape {matrix.shape}."
        )
    if not np.isfinite(matrix).all():
        raise ValueError(f"The {what} has a missing (NaN) or infinite entry.")
    if (matrix <= 0).any():
        i, j = (int(v) for v in np.argwhere(matrix <= 0)[0])
        raise ValueError(
            f"Entry ({i + 1}, {j + 1}) of the {what} is {matrix[i, j]:g}; every judgment "
            "must be a positive ratio (1 = equal importance, 1/9 to 9)."
        )
    product = matrix * matrix.T
    bad = np.abs(product - 1.0) > RECIPROCAL_TOLERANCE
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        if i == j:
            raise ValueError(
                f"Diagonal entry ({i + 1}, {i + 1}) of the {what} is {matrix[i, i]:g}; an "
                "item compared with itself must be 1."
            )
        raise ValueError(
            f"The {what} is not reciprocal: entry ({i + 1}, {j + 1}) is {matrix[i, j]:g} "
            f"so entry ({j + 1}, {i + 1}) must be 1/{matrix[i, j]:g} = "
            f"{1.0 / matrix[i, j]:.6g}, but it is {matrix[j, i]:g}. Enter exact reciprocals "
            "(e.g. 1/3 rather than 0.33)."
        )
    return matrix


def _priorities(matrix: FloatArray, method: str) -> FloatArray:
    if method == "eigenvector":
        eigenvalues, eigenvectors = np.linalg.eig(matrix)
        principal = np.real(eigenvectors[:, int(np.argmax(np.real(eigenvalues)))])
        # The Perron vector of a positive matrix has entries of one sign; dividing
        # by the sum fixes both the sign and the scale.
        vector = principal / principal.sum()
        weights: FloatArray = np.abs(vector) / np.abs(vector).sum()
        return weights
    if method == "geometric_mean":
        logs = np.log(matrix).mean(axis=1)
        row_means: FloatArray = np.exp(logs - logs.max())
        return row_means / row_means.sum()
    raise ValueError(f"Unknown AHP method '{method}'; choose 'eigenvector' or 'geometric_mean'.")


def ahp_priorities(pairwise: ArrayLike, method: str = "eigenvector") -> AHPResult:
    """Priority weights and consistency of a reciprocal pairwise comparison matrix.

    ``pairwise[i, j] = a_ij`` says how many times more important item i is than item
    j (Saaty's 1-9 scale); the matrix must be square, positive and reciprocal
    (``a_ji = 1 / a_ij`` to within 1e-6, diagonal 1), otherwise ``ValueError``.

    * ``"eigenvector"`` (Saaty): ``w`` is the principal right eigenvector, ``A w =
      lambda_max w``, normalised to sum 1.
    * ``"geometric_mean"`` (logarithmic least squares): ``w_i`` proportional to
      ``(prod_j a_ij)^(1/n)``; the two agree exactly on consistent matrices.

    Consistency: ``lambda_max = mean_i (A w)_i / w_i`` for either method (for the
    eigenvector it is the eigenvalue itself; it is always >= n), ``CI = (lambda_max
    - n) / (n - 1)`` and ``CR = CI / RI(n)`` with Saaty's random index
    (:data:`RANDOM_INDEX`). Matrices of order 1 or 2 are always consistent (CI = CR
    = 0). For n > 10 ``cr`` is ``nan``: published random indices disagree there, and
    Saaty advises comparing at most about 7-9 items per matrix.

    References: Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill;
    Saaty, T. L. (1990). How to make a decision: The analytic hierarchy process.
    European Journal of Operational Research, 48(1), 9-26; Crawford, G., &
    Williams, C. (1985). A note on the analysis of subjective judgment matrices.
    Journal of Mathematical Psychology, 29(4), 387-405 (geometric mean).
    """
    matrix = _check_pairwise(pairwise)
    n = int(matrix.shape[0])
    weights = _priorities(matrix, method)
    lambda_max = float(np.mean((matrix @ weights) / weights))
    if n <= 2:
        return AHPResult(weights, float(n), 0.0, 0.0, 0.0)
    ci = max((lambda_max - n) / (n - 1), 0.0)
    random_index = RANDOM_INDEX.get(n, math.nan)
    return AHPResult(weights, lambda_max, ci, ci / random_index, random_index)


def most_inconsistent_comparisons(
    pairwise: ArrayLike,
    top: int = 3,
    method: str = "eigenvector",
) -> tuple[InconsistentComparison, ...]:
    """The judgments that disagree most with the weights derived from the whole matrix.

    When the consistency ratio is too high, a facilitator needs to know which
    comparison to discuss again. For each pair i < j the error ratio ``e_ij = a_ij w_j
    / w_i`` is 1 for a judgment that agrees with the priorities; the pairs are
    returned by decreasing ``|ln e_ij|`` (so "twice too strong" and "twice too weak"
    count the same), at most ``top`` of them, and only those that deviate at all
    (a consistent matrix gives an empty tuple).

    Reference: Saaty, T. L. (2003). Decision-making with the AHP: Why is the
    principal eigenvector necessary. European Journal of Operational Research,
    145(1), 85-91 (revising the judgment with the largest a_ij w_j / w_i).
    """
    if top < 1:
        raise ValueError("Ask for at least one comparison (top >= 1).")
    matrix = _check_pairwise(pairwise)
    weights = _priorities(matrix, method)
    rows, cols = np.triu_indices(matrix.shape[0], k=1)
    implied = weights[rows] / weights[cols]
    deviation = np.abs(np.log(matrix[rows, cols] / implied))
    order = np.argsort(-deviation, kind="stable")
    picked = [k for k in order[:top] if deviation[k] > 1e-9]
    return tuple(
        InconsistentComparison(
            row=int(rows[k]),
            column=int(cols[k]),
            judgment=float(matrix[rows[k], cols[k]]),
            implied=float(implied[k]),
            deviation=float(deviation[k]),
        )
        for k in picked
    )


def aggregate_pairwise(matrices: ArrayLike, weights: ArrayLike | None = None) -> FloatArray:
    """Combine participants' pairwise matrices by the element-wise geometric mean (AIJ).

    ``matrices`` is participants x n x n. The geometric mean is the aggregation that
    keeps the group matrix reciprocal (``mean(a_ij) * mean(a_ji) = 1``) and satisfies
    Pareto and unanimity conditions, which the arithmetic mean does not. Optional
    participant ``weights`` (non-negative, not all zero) give a weighted geometric
    mean ``prod_k a_ij,k^(v_k / sum v)``.

    References: Aczél, J., & Saaty, T. L. (1983). Procedures for synthesizing ratio
    judgements. Journal of Mathematical Psychology, 27(1), 93-102; Forman, E., &
    Peniwati, K. (1998). Aggregating individual judgments and priorities with the
    analytic hierarchy process. European Journal of Operational Research, 108(1),
    165-169.
    """
    stack = to_float_array(matrices, "pairwise comparison matrices")
    if stack.ndim != 3 or stack.shape[0] == 0:
        raise ValueError(
            f"Give the participants' matrices as a participants x n x n array; got shape {stack.shape}."
        )
    for k, matrix in enumerate(stack):
        _check_pairwise(matrix, f"pairwise comparison matrix of participant {k + 1}")
    if weights is None:
        share = np.full(stack.shape[0], 1.0 / stack.shape[0])
    else:
        raw = check_nonnegative_vector(weights, stack.shape[0], "participant weights", "participant")
        share = raw / raw.sum()
    logs = np.einsum("k,kij->ij", share, np.log(stack))
    # Exactly antisymmetric logs make the result reciprocal to the last bit.
    combined: FloatArray = np.exp((logs - logs.T) / 2.0)
    return combined


def group_ahp_priorities(matrices: ArrayLike, method: str = "eigenvector") -> AHPResult:
    """Group priorities of an AHP panel: the geometric mean of the complete matrices, then its priorities.

    ``matrices`` is participants x n x n; a matrix holding a NaN (a participant who has
    not answered every comparison yet) is left out, as a group AHP session counts only
    finished judgments. The complete matrices are combined by :func:`aggregate_pairwise`
    (element-wise geometric mean, AIJ) and the group matrix goes through
    :func:`ahp_priorities`, so ``cr`` is the consistency of the group matrix.

    This is aggregation of individual judgments (AIJ), not of individual priorities
    (AIP): the arithmetic mean of each participant's priority vector generally differs,
    and only AIJ keeps the group matrix reciprocal and respects unanimity.

    References: Forman, E., & Peniwati, K. (1998). Aggregating individual judgments and
    priorities with the analytic hierarchy process. European Journal of Operational
    Research, 108(1), 165-169; Aczél, J., & Saaty, T. L. (1983), see
    :func:`aggregate_pairwise`.

    Raises:
        ValueError: the stack is not participants x n x n, no matrix is complete, or a
            complete matrix is not a valid reciprocal matrix.
    """
    stack = np.asarray(matrices, dtype=np.float64)
    if stack.ndim != 3 or stack.shape[1] != stack.shape[2]:
        raise ValueError(
            f"Give the participants' matrices as a participants x n x n array; got shape {stack.shape}."
        )
    complete = ~np.isnan(stack).any(axis=(1, 2))
    if not complete.any():
        raise ValueError("No participant has answered every pairwise comparison yet.")
    return ahp_priorities(aggregate_pairwise(stack[complete]), method)


def roc_weights(n: int) -> FloatArray:
    """Rank-order centroid weights for criteria ranked 1 (most important) to n.

    When a group can agree on the order of importance but not on numbers, the ROC
    weights are the centre of mass of all weight vectors consistent with that order,
    which minimises the worst-case error. Formula: ``w_k = (1/n) sum_{i=k}^{n} 1/i``;
    e.g. n = 3 gives (0.611, 0.278, 0.111).

    Reference: Barron, F. H., & Barrett, B. E. (1996). Decision quality using ranked
    attribute weights. Management Science, 42(11), 1515-1523.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"ROC weights need a whole number of criteria (at least 1); got {n!r}.")
    count = int(n)
    reciprocals = 1.0 / np.arange(1, count + 1, dtype=np.float64)
    tail_sums = np.cumsum(reciprocals[::-1])[::-1]
    return tail_sums / count


def swing_weights(ratings: ArrayLike, *, top: float = 100.0) -> FloatArray:
    """Weights from swing ratings: the most valued worst-to-best swing is rated ``top``.

    Swing weighting asks "which criterion's swing from its worst to its best level
    would you most like?" (rated ``top``, default 100) and rates every other swing
    relative to it (0..top). Because the ratings refer to the actual ranges on the
    table, the weights are consistent with min-max normalised scores. Weights are the
    ratings divided by their sum. Ratings outside [0, top], or with no rating equal
    to ``top``, raise ``ValueError``.

    Reference: von Winterfeldt, D., & Edwards, W. (1986). Decision Analysis and
    Behavioral Research. Cambridge University Press.
    """
    values = to_float_array(ratings, "swing ratings")
    if values.ndim != 1 or values.size == 0:
        raise ValueError("Swing ratings must be one number per criterion.")
    if not math.isfinite(top) or top <= 0:
        raise ValueError("The rating of the most important swing must be a positive number.")
    checked = check_nonnegative_vector(values, values.size, "swing ratings", "criterion")
    if (checked > top).any():
        j = int(np.argmax(checked > top))
        raise ValueError(
            f"Criterion {j + 1} has swing rating {checked[j]:g}, above the {top:g} given "
            "to the most important swing."
        )
    if not np.isclose(checked.max(), top, rtol=1e-12, atol=0.0):
        raise ValueError(
            f"No criterion has the top swing rating {top:g}; rate the most valued swing "
            f"{top:g} and the others relative to it."
        )
    return checked / checked.sum()


def direct_point_weights(points: ArrayLike, *, total: float | None = None) -> FloatArray:
    """Weights from direct point allocation (e.g. "share 100 points among the criteria").

    Weights are the points divided by their sum. When ``total`` is given the points
    must add up to it (relative tolerance 1e-9), which catches allocations that a
    participant left unfinished.

    Reference: Bottomley, P. A., & Doyle, J. R. (2001). A comparison of three weight
    elicitation methods: good, better, and best. Omega, 29(6), 553-560.
    """
    values = to_float_array(points, "points")
    if values.ndim != 1 or values.size == 0:
        raise ValueError("Points must be one number per criterion.")
    checked = check_nonnegative_vector(values, values.size, "points", "criterion")
    allocated = float(checked.sum())
    if total is not None and not math.isclose(allocated, total, rel_tol=1e-9, abs_tol=0.0):
        raise ValueError(
            f"The points add up to {allocated:g} but {total:g} were to be shared; adjust the allocation."
        )
    return checked / allocated


def normalize_points(points: ArrayLike) -> FloatArray:
    """Each participant's points (participants x criteria, NaN = left blank) as weights summing to 1.

    A blank counts as 0 points (points are a budget, and a blank reads as "not worth any"); a
    participant who gave nothing, or only zeros, has a row of NaN, so the caller can tell "not
    weighted" from "weighted": the group's weights are the mean of the non-NaN rows.
    """
    raw = to_float_array(points, "points")
    if raw.ndim != 2:
        raise ValueError(f"Points must be a table of participants x criteria; got shape {raw.shape}.")
    if np.any(np.isinf(raw)) or np.any(raw[~np.isnan(raw)] < 0):
        raise ValueError("Points must be finite and not negative (a blank is NaN).")
    filled = np.nan_to_num(raw, nan=0.0)
    totals = filled.sum(axis=1, keepdims=True)
    given = (totals[:, 0] > 0) & ~np.all(np.isnan(raw), axis=1)
    out = np.full(raw.shape, np.nan)
    out[given] = filled[given] / totals[given]
    return out


def roc_from_points(points: ArrayLike) -> FloatArray:
    """Rank-order centroid weights from the order of each participant's points (most points = rank 1).

    ``points`` is one row of points or participants x criteria. Criteria with equal points
    share the mean of the ROC weights of the places they span, so the result does not depend
    on the order in which ties are listed; each row sums to 1.

    Reference: Barron, F. H., & Barrett, B. E. (1996). Decision quality using ranked attribute
    weights. Management Science, 42(11), 1515-1523 (see :func:`roc_weights`).
    """
    values = to_float_array(points, "points")
    rows = np.atleast_2d(values)
    if rows.ndim != 2 or rows.shape[1] == 0:
        raise ValueError(
            f"Points must be a row or a table of participants x criteria; got shape {values.shape}."
        )
    n = rows.shape[1]
    cumulative = np.concatenate([[0.0], np.cumsum(roc_weights(n))])
    ranks = np.atleast_2d(rank(rows))  # 1 = most points; ties share the best place they span
    sizes = (ranks[:, :, np.newaxis] == ranks[:, np.newaxis, :]).sum(axis=2)
    shares = (cumulative[ranks - 1 + sizes] - cumulative[ranks - 1]) / sizes
    return np.asarray(shares if values.ndim == 2 else shares[0], dtype=float)
