"""Scoring methods: weighted sum, TOPSIS and PROMETHEE II, each vectorised over weights.

Design: every method splits into a weight-independent part, prepared once per
decision matrix (:func:`prepare`), and a cheap combination with the weights. For
the weighted sum that part is the normalised matrix; for PROMETHEE II it is the
matrix of single-criterion net flows (the net flow is linear in the weights, so
``phi = F @ w``); for TOPSIS it is the per-criterion squared gaps to the ideal and
anti-ideal points (the weights enter the distances only as ``w_j^2``, because the
weights are non-negative and so cannot move the ideal point). A batch of 10,000
weight vectors is therefore one or two matrix products, with no Python loop over
samples; SMAA and the sensitivity analysis reuse the same prepared object.

Conventions (shared by the whole package): the matrix is options x criteria;
``types`` holds 1 for benefit and -1 for cost criteria; weights are normalised to
sum to 1; returned scores are "higher is better"; a 1-D weight vector gives a
vector of scores (options,), a 2-D batch (samples x criteria) gives samples x
options.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from numpy.typing import ArrayLike

from ._types import FloatArray, IntArray
from .validation import check_matrix, check_types, check_weights, to_float_array

__all__ = [
    "METHODS",
    "NORMALIZATIONS",
    "PREFERENCE_FUNCTIONS",
    "Scorer",
    "method_contributions",
    "method_scores",
    "normalize",
    "prepare",
    "promethee_ii",
    "topsis",
    "weighted_sum",
    "weighted_sum_contributions",
    "weighted_sum_each",
]

#: Method names accepted by :func:`prepare`, ``smaa`` and ``weight_sensitivity``.
METHODS = ("weighted_sum", "topsis", "promethee_ii")
#: Normalisations accepted by :func:`normalize` and :func:`weighted_sum`.
NORMALIZATIONS = ("minmax", "max", "sum", "vector")
_TOPSIS_NORMALIZATIONS = ("vector", "minmax")
#: PROMETHEE preference functions (Brans & Vincke 1985, types I to VI in this order).
PREFERENCE_FUNCTIONS = ("usual", "u-shape", "v-shape", "level", "linear", "gaussian")
_NEEDS_Q = frozenset({"u-shape", "level", "linear"})
_NEEDS_P = frozenset({"v-shape", "level", "linear"})
_NEEDS_S = frozenset({"gaussian"})
_OPTIONS = {
    "weighted_sum": frozenset({"normalization"}),
    "topsis": frozenset({"normalization"}),
    "promethee_ii": frozenset({"preference", "q", "p", "s"}),
}
# Relative size below which a spread or a difference is floating-point noise, not
# a real difference between options (e.g. two means of the same numbers summed in
# another order). Min-max scaling or a strict-preference test would otherwise blow
# 1e-16 up into a full point of difference and print a false winner.
_NOISE = 1e-12
# Upper bound on the elements of one pairwise-difference block (memory guard).
_BLOCK_ELEMENTS = 2_000_000


# --------------------------------------------------------------------------- normalisation


def _normalize(values: FloatArray, types: FloatArray, method: str) -> FloatArray:
    """Benefit-oriented normalisation along the options axis (-2); works on batches too."""
    benefit = types > 0
    if method == "minmax":
        high = values.max(axis=-2, keepdims=True)
        low = values.min(axis=-2, keepdims=True)
        spread = high - low
        constant = spread <= _NOISE * np.maximum(np.abs(high), np.abs(low))
        safe = np.where(constant, 1.0, spread)
        scaled = np.where(benefit, (values - low) / safe, (high - values) / safe)
        return np.where(constant, 1.0, scaled)
    if method == "vector":
        norm = np.sqrt(np.sum(values**2, axis=-2, keepdims=True))
        unit = values / np.where(norm > 0, norm, 1.0)
        return np.where(benefit, unit, 1.0 - unit)
    if method in ("max", "sum"):
        if (values <= 0).any():
            raise ValueError(
                f"The '{method}' normalisation divides by the values themselves, so every "
                "value must be strictly positive; use 'minmax' for scales with zero or "
                "negative values."
            )
        if method == "max":
            return np.where(
                benefit,
                values / values.max(axis=-2, keepdims=True),
                values.min(axis=-2, keepdims=True) / values,
            )
        inverse = 1.0 / values
        return np.where(
            benefit,
            values / values.sum(axis=-2, keepdims=True),
            inverse / inverse.sum(axis=-2, keepdims=True),
        )
    raise ValueError(f"Unknown normalisation '{method}'; choose one of: {', '.join(NORMALIZATIONS)}.")


def normalize(matrix: ArrayLike, types: ArrayLike, method: str = "minmax") -> FloatArray:
    """Put every criterion on a common "higher is better" scale, column by column.

    Why: criteria come in different units and directions; the weights only mean
    "relative importance" once the columns are comparable.

    * ``"minmax"``: benefit ``(x - min) / (max - min)``, cost ``(max - x) / (max - min)``;
      the best value maps to 1, the worst to 0, and a constant column (spread below
      1e-12 of its magnitude) scores 1 for every option, so it cannot separate them.
    * ``"max"`` (linear scale): benefit ``x / max``, cost ``min / x``; strictly positive
      values only.
    * ``"sum"``: benefit ``x / sum(x)``, cost ``(1/x) / sum(1/x)``; strictly positive only.
    * ``"vector"``: ``r = x / sqrt(sum x^2)``, and ``1 - r`` for cost criteria (a
      reflection, so distances between options are unchanged).

    Unlike the ranking methods, a single option is accepted here (so a page can
    still show its parts): it is the best and the worst at once, so min-max gives 1.

    Reference: Hwang, C. L., & Yoon, K. (1981). Multiple Attribute Decision Making:
    Methods and Applications. Springer (normalisation of attribute values).
    """
    values = check_matrix(matrix, min_options=1)
    directions = check_types(types, values.shape[1])
    return _normalize(values, directions, method)


# --------------------------------------------------------------------------- PROMETHEE


def _threshold(value: ArrayLike | None, name: str, meaning: str, n_criteria: int) -> FloatArray | None:
    if value is None:
        return None
    array = to_float_array(value, f"PROMETHEE {meaning} {name}")
    if array.ndim == 0:
        array = np.full(n_criteria, float(array))
    if array.shape != (n_criteria,):
        raise ValueError(
            f"The {meaning} {name} must be one number or one number per criterion "
            f"({n_criteria}); got shape {array.shape}."
        )
    if not np.isfinite(array).all():
        raise ValueError(f"The {meaning} {name} must be finite numbers.")
    return array


def _preference_spec(
    preference: str | Sequence[str],
    q: ArrayLike | None,
    p: ArrayLike | None,
    s: ArrayLike | None,
    n_criteria: int,
) -> tuple[tuple[str, ...], FloatArray, FloatArray, FloatArray]:
    """Validate preference functions and thresholds; one entry per criterion."""
    if isinstance(preference, str):
        kinds = (preference,) * n_criteria
    else:
        kinds = tuple(preference)
        if len(kinds) != n_criteria:
            raise ValueError(
                f"Give one preference function for all criteria or one per criterion "
                f"({n_criteria}); got {len(kinds)}."
            )
    for j, kind in enumerate(kinds):
        if kind not in PREFERENCE_FUNCTIONS:
            raise ValueError(
                f"Unknown preference function '{kind}' for criterion {j + 1}; choose one "
                f"of: {', '.join(PREFERENCE_FUNCTIONS)}."
            )
    arrays = {
        "q": _threshold(q, "q", "indifference threshold", n_criteria),
        "p": _threshold(p, "p", "preference threshold", n_criteria),
        "s": _threshold(s, "s", "Gaussian spread", n_criteria),
    }
    needs = {"q": _NEEDS_Q, "p": _NEEDS_P, "s": _NEEDS_S}
    for name, array in arrays.items():
        users = [j for j, kind in enumerate(kinds) if kind in needs[name]]
        if array is not None and not users:
            raise ValueError(
                f"A threshold {name} was given but none of the chosen preference "
                f"functions ({', '.join(sorted(set(kinds)))}) uses it; remove it or pick "
                "a function that does."
            )
        if array is None and users:
            j = users[0]
            raise ValueError(
                f"The '{kinds[j]}' preference function needs {name} for criterion {j + 1} "
                f"(see the parameters: q = indifference threshold, p = preference "
                "threshold, s = Gaussian spread, each in the criterion's own units)."
            )
    zeros = np.zeros(n_criteria)
    qa = arrays["q"] if arrays["q"] is not None else zeros
    pa = arrays["p"] if arrays["p"] is not None else zeros
    sa = arrays["s"] if arrays["s"] is not None else zeros
    for j, kind in enumerate(kinds):
        if kind in _NEEDS_Q and qa[j] < 0:
            raise ValueError(
                f"The indifference threshold q for criterion {j + 1} is negative "
                f"({qa[j]:g}); it must be zero or positive."
            )
        if kind == "v-shape" and pa[j] <= 0:
            raise ValueError(
                f"The preference threshold p for criterion {j + 1} must be positive for "
                f"the 'v-shape' function; got {pa[j]:g}."
            )
        if kind in ("level", "linear") and pa[j] < qa[j]:
            raise ValueError(
                f"For criterion {j + 1} the preference threshold p ({pa[j]:g}) is smaller "
                f"than the indifference threshold q ({qa[j]:g}); p must be at least q."
            )
        if kind == "gaussian" and sa[j] <= 0:
            raise ValueError(f"The Gaussian spread s for criterion {j + 1} must be positive; got {sa[j]:g}.")
    return kinds, qa, pa, sa


def _preference_degrees(
    d: FloatArray, kinds: tuple[str, ...], q: FloatArray, p: FloatArray, s: FloatArray
) -> FloatArray:
    """Apply each criterion's preference function H_j to differences d (..., criteria)."""
    out = np.zeros_like(d)
    for kind in set(kinds):
        cols = np.flatnonzero(np.array([k == kind for k in kinds]))
        dj = d[..., cols]
        qj, pj, sj = q[cols], p[cols], s[cols]
        if kind == "usual":
            h = (dj > 0).astype(np.float64)
        elif kind == "u-shape":
            h = (dj > qj).astype(np.float64)
        elif kind == "v-shape":
            h = np.clip(dj / pj, 0.0, 1.0)
        elif kind == "level":
            h = np.where(dj > pj, 1.0, np.where(dj > qj, 0.5, 0.0))
        elif kind == "linear":
            width = pj - qj
            ramp = np.clip((dj - qj) / np.where(width > 0, width, 1.0), 0.0, 1.0)
            h = np.where(width > 0, ramp, (dj > qj).astype(np.float64))
        else:  # gaussian
            h = np.where(dj > 0, -np.expm1(-(dj**2) / (2.0 * sj**2)), 0.0)
        out[..., cols] = h
    return out


def _unicriterion_flows(
    values: FloatArray,
    types: FloatArray,
    kinds: tuple[str, ...],
    q: FloatArray,
    p: FloatArray,
    s: FloatArray,
) -> FloatArray:
    """Single-criterion net flows F[..., i, j] = (sum_k H_j(d_ikj) - H_j(d_kij)) / (n - 1)."""
    n = values.shape[-2]
    if values.ndim == 2:
        blocks = [values[np.newaxis]]
    else:
        per_block = max(1, _BLOCK_ELEMENTS // (n * n * values.shape[-1]))
        blocks = [values[i : i + per_block] for i in range(0, values.shape[0], per_block)]
    flows = []
    for block in blocks:
        d = (block[:, :, np.newaxis, :] - block[:, np.newaxis, :, :]) * types
        scale = np.max(np.abs(block), axis=1, keepdims=True)[:, np.newaxis]
        d = np.where(np.abs(d) <= _NOISE * scale, 0.0, d)
        h = _preference_degrees(d, kinds, q, p, s)
        flows.append((h.sum(axis=2) - h.sum(axis=1)) / (n - 1))
    result = np.concatenate(flows, axis=0)
    return result[0] if values.ndim == 2 else result


# --------------------------------------------------------------------------- prepared scorer


def _combine(parts: FloatArray, weights: FloatArray) -> FloatArray:
    """sum_j parts[.., i, j] * weights[s, j]: shared weights for one matrix, paired for a batch."""
    if parts.ndim == 2:
        return weights @ parts.T
    combined: FloatArray = np.einsum("snm,sm->sn", parts, weights)
    return combined


def _combine_cross(parts: FloatArray, weights: FloatArray) -> FloatArray:
    """Every weight vector (k) against every matrix in a batch (S): k x S x options."""
    if parts.ndim == 2:
        return weights @ parts.T
    combined: FloatArray = np.einsum("snm,km->ksn", parts, weights)
    return combined


@dataclass(frozen=True)
class Scorer:
    """The weight-independent part of a method, computed once per matrix or batch of matrices.

    Attributes:
        method: one of :data:`METHODS`.
        parts: weighted sum: normalised matrix; PROMETHEE II: single-criterion net
            flows; TOPSIS: squared gaps to the ideal point. Shape options x criteria,
            or samples x options x criteria for a batch of matrices (score samples).
        anti: TOPSIS only: squared gaps to the anti-ideal point (same shape).
    """

    method: str
    parts: FloatArray
    anti: FloatArray | None = None

    @property
    def n_options(self) -> int:
        return int(self.parts.shape[-2])

    def _finish(self, ideal_sq: FloatArray, anti_sq: FloatArray) -> FloatArray:
        to_ideal = np.sqrt(np.maximum(ideal_sq, 0.0))
        to_anti = np.sqrt(np.maximum(anti_sq, 0.0))
        total = to_ideal + to_anti
        # Both distances zero: the option is the ideal and the anti-ideal at once, i.e.
        # all options are identical on every weighted criterion; 0.5 keeps them tied.
        closeness: FloatArray = np.divide(to_anti, total, out=np.full_like(total, 0.5), where=total > 0)
        return closeness

    def scores(self, weights: FloatArray) -> FloatArray:
        """Scores for normalised weights (samples x criteria) -> samples x options.

        With a batch of matrices, weight row s is paired with matrix s.
        """
        if self.anti is None:
            return _combine(self.parts, weights)
        squared = weights**2
        return self._finish(_combine(self.parts, squared), _combine(self.anti, squared))

    def option_scores(self, weights: FloatArray, options: IntArray) -> FloatArray:
        """Score of option ``options[k]`` under weight row ``k`` (one matrix only) -> (k,).

        Lets bisection follow two options without scoring all of them at every step.
        """
        if self.parts.ndim != 2:
            raise ValueError("Per-option scores are only available for a single decision matrix.")
        if self.anti is None:
            linear: FloatArray = np.einsum("km,km->k", self.parts[options], weights)
            return linear
        squared = weights**2
        return self._finish(
            np.einsum("km,km->k", self.parts[options], squared),
            np.einsum("km,km->k", self.anti[options], squared),
        )

    def scores_cross(self, weights: FloatArray) -> FloatArray:
        """Each of k weight vectors against every matrix of a batch -> k x samples x options."""
        if self.anti is None:
            return _combine_cross(self.parts, weights)
        squared = weights**2
        return self._finish(_combine_cross(self.parts, squared), _combine_cross(self.anti, squared))


def prepare(method: str, values: FloatArray, types: FloatArray, **options: object) -> Scorer:
    """Validate a method's options and precompute its weight-independent part.

    ``values`` is an already validated options x criteria matrix, or a batch of them
    (samples x options x criteria); ``types`` already validated.
    """
    if method not in METHODS:
        raise ValueError(f"Unknown method '{method}'; choose one of: {', '.join(METHODS)}.")
    unknown = set(options) - _OPTIONS[method]
    if unknown:
        raise ValueError(
            f"Option(s) {', '.join(sorted(unknown))} do not apply to {method}; it accepts: "
            f"{', '.join(sorted(_OPTIONS[method]))}."
        )
    if method == "weighted_sum":
        normalization = str(options.get("normalization", "minmax"))
        return Scorer(method, _normalize(values, types, normalization))
    if method == "topsis":
        normalization = str(options.get("normalization", "vector"))
        if normalization not in _TOPSIS_NORMALIZATIONS:
            raise ValueError(
                f"TOPSIS supports the normalisations {', '.join(_TOPSIS_NORMALIZATIONS)}; "
                f"got '{normalization}'."
            )
        normalized = _normalize(values, types, normalization)
        ideal = normalized.max(axis=-2, keepdims=True)
        worst = normalized.min(axis=-2, keepdims=True)
        return Scorer(method, (normalized - ideal) ** 2, (normalized - worst) ** 2)
    preference = options.get("preference", "usual")
    if not isinstance(preference, (str, Sequence)):
        raise ValueError("The preference function must be a name or a list of names.")
    kinds, q, p, s = _preference_spec(
        cast("str | Sequence[str]", preference),
        cast("ArrayLike | None", options.get("q")),
        cast("ArrayLike | None", options.get("p")),
        cast("ArrayLike | None", options.get("s")),
        values.shape[-1],
    )
    return Scorer(method, _unicriterion_flows(values, types, kinds, q, p, s))


def _run(
    method: str, matrix: ArrayLike, weights: ArrayLike, types: ArrayLike, **options: object
) -> FloatArray:
    values = check_matrix(matrix)
    directions = check_types(types, values.shape[1])
    batch, is_batch = check_weights(weights, values.shape[1])
    scores = prepare(method, values, directions, **options).scores(batch)
    return scores if is_batch else scores[0]


# --------------------------------------------------------------------------- public methods


def weighted_sum(
    matrix: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    normalization: str = "minmax",
) -> FloatArray:
    """Weighted sum (simple additive weighting) of normalised criterion values.

    Formula: ``S_i = sum_j w_j r_ij`` with ``r`` from :func:`normalize` (default
    ``"minmax"``: 1 = best value on the criterion, 0 = worst, constant column = 1)
    and weights normalised to sum to 1, so with min-max a score of 1 means "best on
    every weighted criterion". It is the most transparent aggregation and the one
    facilitators can check by hand, at the price of full compensation between
    criteria.

    Weights may be one vector (criteria,) giving scores (options,), or a batch
    (samples x criteria) giving samples x options in one matrix product. Higher
    score = better; rank with :func:`policies.analysis.rank` (1 = best, ties 1, 1, 3).

    Reference: Hwang, C. L., & Yoon, K. (1981). Multiple Attribute Decision Making,
    (simple additive weighting); Fishburn, P. C. (1967). Additive
    utilities with incomplete product sets. Operations Research, 15(3), 537-542.
    """
    return _run("weighted_sum", matrix, weights, types, normalization=normalization)


def weighted_sum_each(
    matrices: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    normalization: str = "minmax",
) -> FloatArray:
    """:func:`weighted_sum` of each matrix of a batch with its own weight vector.

    Why: every participant of a panel has their own scores and weights, and the
    panel's agreement (Kendall's W) is measured on the rankings they imply; scoring
    them one by one costs a Python round per participant on a live dashboard.

    ``matrices`` is people x options x criteria, ``weights`` people x criteria (each
    row normalised to sum to 1); the result is people x options, row ``k`` equal to
    ``weighted_sum(matrices[k], weights[k], types, normalization)``.
    """
    values = to_float_array(matrices, "decision matrices")
    if values.ndim != 3:
        raise ValueError(
            "The decision matrices must be a stack of tables (people x options x criteria); "
            f"got an array with {values.ndim} dimension(s)."
        )
    for k, matrix in enumerate(values):
        check_matrix(matrix, what=f"decision matrix {k + 1}")
    directions = check_types(types, values.shape[2])
    batch, is_batch = check_weights(weights, values.shape[2])
    if not is_batch or batch.shape[0] != values.shape[0]:
        raise ValueError(
            f"Give one weight vector per matrix: {values.shape[0]} matrices but "
            f"{batch.shape[0] if is_batch else 'a single'} weight vector(s)."
        )
    return prepare("weighted_sum", values, directions, normalization=normalization).scores(batch)


def topsis(
    matrix: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    normalization: str = "vector",
) -> FloatArray:
    """TOPSIS closeness coefficient: how near an option is to the ideal and far from the worst.

    Formula (Hwang & Yoon): ``v_ij = w_j r_ij``; ideal ``v+_j`` = best and anti-ideal
    ``v-_j`` = worst value of each criterion in its own direction (max for benefit,
    min for cost); ``D+_i = ||v_i - v+||_2``, ``D-_i = ||v_i - v-||_2``;
    ``C_i = D-_i / (D+_i + D-_i)`` in [0, 1], higher = better.

    ``"vector"`` (default) is the classic ``r = x / sqrt(sum x^2)``; internally cost
    columns are reflected to ``1 - r``, which leaves every distance unchanged, so the
    result equals the textbook computation with a min-based ideal. ``"minmax"`` is
    also supported. Weights are normalised to sum to 1 (C does not depend on their
    scale). If every option is identical on every weighted criterion, all distances
    are zero and every option gets 0.5 (a tie) instead of 0/0.

    Weights may be one vector or a batch (samples x criteria -> samples x options);
    because weights are non-negative the ideal point is ``w_j`` times the best
    normalised value, so a batch costs two matrix products. Rank the closeness with
    :func:`policies.analysis.rank` (1 = best, ties share the best place: 1, 1, 3).

    Reference: Hwang, C. L., & Yoon, K. (1981). Multiple Attribute Decision Making:
    Methods and Applications. Springer (TOPSIS).
    """
    return _run("topsis", matrix, weights, types, normalization=normalization)


def promethee_ii(
    matrix: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    preference: str | Sequence[str] = "usual",
    q: ArrayLike | None = None,
    p: ArrayLike | None = None,
    s: ArrayLike | None = None,
) -> FloatArray:
    """PROMETHEE II net outranking flow, normalised by n - 1 (in [-1, 1], higher = better).

    Formula: for options a, b and criterion j, ``d_j(a, b) = x_aj - x_bj`` (negated for
    cost criteria) and ``P_j(a, b) = H_j(d_j(a, b))``; ``pi(a, b) = sum_j w_j P_j(a, b)``;
    ``phi(a) = (1 / (n - 1)) sum_b [pi(a, b) - pi(b, a)]``. Because phi is linear in the
    weights it equals ``sum_j w_j phi_j(a)`` with single-criterion flows ``phi_j``,
    which are computed once from the options x options x criteria preference tensor.

    ``preference`` is one name for every criterion or one per criterion; thresholds
    are in each criterion's own units (a number for all criteria or one per
    criterion), and a threshold given but used by no chosen function is an error:

    * ``"usual"`` (type I): ``H = 1 if d > 0``;
    * ``"u-shape"`` (II, q): ``H = 1 if d > q``;
    * ``"v-shape"`` (III, p): ``H = d / p`` for ``0 < d <= p``, 1 above;
    * ``"level"`` (IV, q <= p): 0 up to q, 1/2 for ``q < d <= p``, 1 above p;
    * ``"linear"`` (V, q <= p): 0 up to q, ``(d - q) / (p - q)`` up to p, 1 above;
    * ``"gaussian"`` (VI, s): ``H = 1 - exp(-d^2 / (2 s^2))`` for ``d > 0``.

    ``H = 0`` whenever ``d <= 0``. Differences below 1e-12 of a criterion's magnitude
    count as zero so that floating-point noise cannot create a strict preference.
    Weights (normalised to sum 1) may be one vector or a batch (samples x criteria
    -> samples x options). Rank the flows with :func:`policies.analysis.rank` (1 =
    best, ties share the best place: 1, 1, 3), which is the PROMETHEE II complete
    ranking.

    References: Brans, J. P., & Vincke, Ph. (1985). A preference ranking organisation
    method (The PROMETHEE method for multiple criteria decision-making). Management
    Science, 31(6), 647-656; Brans, J. P., Vincke, Ph., & Mareschal, B. (1986). How
    to select and how to rank projects: The PROMETHEE method. European Journal of
    Operational Research, 24(2), 228-238.
    """
    return _run("promethee_ii", matrix, weights, types, preference=preference, q=q, p=p, s=s)


def weighted_sum_contributions(
    matrix: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    normalization: str = "minmax",
) -> FloatArray:
    """Each criterion's share of each option's weighted-sum score: ``c_ij = w_j r_ij``.

    Shown as stacked bars so that a workshop sees *why* an option scores as it does;
    each row sums to :func:`weighted_sum` for the same inputs (weights normalised to
    sum 1, ``r`` from :func:`normalize`). One weight vector gives options x criteria;
    a batch (samples x criteria) gives samples x options x criteria.

    Reference: Belton, V., & Stewart, T. J. (2002). Multiple Criteria Decision
    Analysis: An Integrated Approach. Kluwer (value function models).
    """
    values = check_matrix(matrix)
    directions = check_types(types, values.shape[1])
    batch, is_batch = check_weights(weights, values.shape[1])
    normalized = _normalize(values, directions, normalization)
    contributions = batch[:, np.newaxis, :] * normalized[np.newaxis, :, :]
    return contributions if is_batch else contributions[0]


def method_scores(
    method: str, matrix: ArrayLike, weights: ArrayLike, types: ArrayLike, **options: object
) -> FloatArray:
    """The scores of the named method (one of :data:`METHODS`), with its default options unless `options`
    (as for :func:`prepare`, e.g. PROMETHEE's per-criterion ``preference``, ``q``, ``p``, ``s``) say otherwise.

    Why: the workbench lets a facilitator choose the ranking method, and every screen
    and report must rank with the same dispatch; this is it. A single option scores 1
    (there is nothing to compare it with). Weights may be one vector or a batch, as for
    the methods themselves.
    """
    if method not in METHODS:
        raise ValueError(f"Unknown method '{method}'; choose one of: {', '.join(METHODS)}.")
    values = to_float_array(matrix, "decision matrix")
    if values.ndim == 2 and values.shape[0] == 1:
        batch, is_batch = check_weights(weights, values.shape[1])
        return np.ones((batch.shape[0], 1)) if is_batch else np.ones(1)
    return _run(method, values, weights, types, **options)


def method_contributions(
    method: str, matrix: ArrayLike, weights: ArrayLike, types: ArrayLike, **options: object
) -> tuple[FloatArray, bool]:
    """Each criterion's part of each option's score (options x criteria), and whether the parts
    add up to the method's score.

    Weighted sum: ``w_j r_ij``. PROMETHEE II: the net flow is linear in the weights,
    ``phi_i = sum_j w_j phi_ij`` with ``phi_ij`` the single-criterion flows, so ``w_j phi_ij``
    adds up to the score. TOPSIS is not additive: the weighted-sum parts explain it instead
    (the flag is then False). One option: its score of 1 split by the weights.
    """
    values = to_float_array(matrix, "decision matrix")
    batch, is_batch = check_weights(weights, values.shape[1] if values.ndim == 2 else 0)
    if is_batch:
        raise ValueError("Contributions are computed for one weight vector, not a batch.")
    shares = batch[0]
    if values.ndim == 2 and values.shape[0] == 1:
        return shares[np.newaxis, :].copy(), method == "weighted_sum"
    if method == "promethee_ii":
        checked = check_matrix(values)
        directions = check_types(types, checked.shape[1])
        flows = prepare("promethee_ii", checked, directions, **options).parts  # options x criteria
        return flows * shares[np.newaxis, :], True
    return weighted_sum_contributions(values, shares, types), method == "weighted_sum"


def method_parts(method: str, matrix: ArrayLike, types: ArrayLike) -> tuple[FloatArray, bool]:
    """The weight-free part of each option on each criterion (options x criteria) of an additive method, and
    whether the method is additive, so that ``score_i = sum_j w_j part_ij`` for any weights ``w`` summing to 1.

    Weighted sum: ``part_ij = r_ij`` (:func:`normalize`, min-max, cost criteria reversed). PROMETHEE II:
    ``part_ij = phi_ij``, the single-criterion net flows, which do not depend on the weights. Scores for new
    weights then need no analysis: a screen can re-rank as a weight is dragged (the results page's what-if),
    and :func:`method_contributions` is ``w_j part_ij``. TOPSIS is not additive: its distances to the ideal
    mix the weights in squares, so it has no parts (zeros, and False). One option: parts of 1 (its score of 1
    under any weights).

    Reference: Belton, V., & Stewart, T. J. (2002). Multiple Criteria Decision Analysis: An Integrated
    Approach. Kluwer (additive value models); Brans, J.-P., & Vincke, Ph. (1985), PROMETHEE.
    """
    raw = to_float_array(matrix, "decision matrix")
    if raw.ndim == 2 and raw.shape[0] == 1:
        return np.ones(raw.shape), method == "weighted_sum"
    values = check_matrix(raw)
    directions = check_types(types, values.shape[1])
    if method == "topsis":
        return np.zeros(values.shape), False
    if method == "promethee_ii":
        return np.asarray(prepare("promethee_ii", values, directions).parts, dtype=float), True
    return _normalize(values, directions, "minmax"), True
