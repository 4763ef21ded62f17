"""Deliberately naive reference implementations, written straight from the textbook formulas.

They loop over options, pairs and criteria exactly as the formulas read, sharing no code with
`policies.analysis`, so that agreement between the two is evidence that the vectorised engine
computes the published method, not just that it is self-consistent.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def naive_weighted_sum_minmax(matrix: Array, weights: Array, types: Array) -> Array:
    n, m = matrix.shape
    w = weights / weights.sum()
    scores = np.zeros(n)
    for j in range(m):
        column = matrix[:, j]
        lo, hi = column.min(), column.max()
        for i in range(n):
            if hi == lo:
                r = 1.0
            elif types[j] > 0:
                r = (column[i] - lo) / (hi - lo)
            else:
                r = (hi - column[i]) / (hi - lo)
            scores[i] += w[j] * r
    return scores


def naive_topsis_vector(matrix: Array, weights: Array, types: Array) -> Array:
    """Hwang & Yoon (1981) step by step, with a min-based ideal for cost criteria."""
    n, m = matrix.shape
    w = weights / weights.sum()
    v = np.zeros((n, m))
    for j in range(m):
        norm = math.sqrt(sum(matrix[i, j] ** 2 for i in range(n)))
        for i in range(n):
            v[i, j] = w[j] * matrix[i, j] / norm
    ideal = [max(v[:, j]) if types[j] > 0 else min(v[:, j]) for j in range(m)]
    anti = [min(v[:, j]) if types[j] > 0 else max(v[:, j]) for j in range(m)]
    closeness = np.zeros(n)
    for i in range(n):
        d_plus = math.sqrt(sum((v[i, j] - ideal[j]) ** 2 for j in range(m)))
        d_minus = math.sqrt(sum((v[i, j] - anti[j]) ** 2 for j in range(m)))
        closeness[i] = d_minus / (d_plus + d_minus)
    return closeness


def preference_degree(kind: str, d: float, q: float, p: float, s: float) -> float:
    """Brans & Vincke (1985) generalised criteria, types I to VI, for a difference d."""
    if d <= 0:
        return 0.0
    if kind == "usual":
        return 1.0
    if kind == "u-shape":
        return 1.0 if d > q else 0.0
    if kind == "v-shape":
        return d / p if d <= p else 1.0
    if kind == "level":
        if d <= q:
            return 0.0
        return 0.5 if d <= p else 1.0
    if kind == "linear":
        if d <= q:
            return 0.0
        return (d - q) / (p - q) if d <= p else 1.0
    if kind == "gaussian":
        return 1.0 - math.exp(-(d**2) / (2 * s**2))
    raise AssertionError(kind)


def naive_promethee_ii(
    matrix: Array,
    weights: Array,
    types: Array,
    kinds: list[str],
    q: list[float],
    p: list[float],
    s: list[float],
) -> Array:
    n, m = matrix.shape
    w = weights / weights.sum()
    pi = np.zeros((n, n))
    for a in range(n):
        for b in range(n):
            if a == b:
                continue
            for j in range(m):
                d = (matrix[a, j] - matrix[b, j]) * types[j]
                pi[a, b] += w[j] * preference_degree(kinds[j], d, q[j], p[j], s[j])
    return np.array([(pi[a].sum() - pi[:, a].sum()) / (n - 1) for a in range(n)])
