"""Morphological analysis: every consistent combination of driver states, ranked by internal consistency.

A case's futures are described by drivers (key uncertainties), each with a few mutually
exclusive states. A *combination* (a candidate scenario) picks exactly one state per
driver. Analysts rate every pair of states of DIFFERENT drivers in a cross-consistency
matrix; the workbench then enumerates the whole morphological field, drops the
combinations that contain an impossible pair and ranks the rest.

Conventions
-----------
* **States** are numbered globally by concatenating the drivers' states in driver order:
  with ``state_counts = (2, 3)``, driver 1 owns states 0-1 and driver 2 owns states 2-4.
  A combination is reported as one *local* state index per driver (0-based), e.g.
  ``(1, 0)`` = second state of driver 1, first state of driver 2.
* **Consistency values** are whole numbers from -2 to +2: -2 impossible, -1 unlikely,
  0 neutral (the default for a pair nobody rated), +1 supportive, +2 reinforcing.
  The matrix is square over all states and symmetric; entries between two states of the
  same driver are meaningless (a combination never holds two of them) and are ignored,
  whatever they contain.
* **Order** of the combinations: highest total first; equal totals keep the lexicographic
  order of the combinations (driver 1's state varies slowest), so the order is stable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._types import IntArray

__all__ = ["MAX_COMBINATIONS", "ScenarioSpace", "combination_consistency", "consistent_combinations"]

#: The largest morphological field :func:`consistent_combinations` enumerates.
MAX_COMBINATIONS = 1_000_000

_LOWEST, _HIGHEST = -2, 2


@dataclass(frozen=True)
class ScenarioSpace:
    """The consistent part of a morphological field, best combinations first.

    Attributes:
        combinations: n x drivers, the local state index (0-based) of each driver in each
            returned combination, sorted by ``totals`` descending (ties in lexicographic
            order). Only consistent combinations appear; at most ``limit`` of them.
        totals: (n,) total consistency of each combination, the sum of the values of all
            its ``pair_count`` pairs.
        minimums: (n,) the lowest pair value in each combination (its weakest link).
        state_counts: number of states of each driver, as given.
        pair_count: pairs of drivers, ``drivers * (drivers - 1) / 2``; totals lie between
            ``-2 * pair_count`` and ``2 * pair_count``.
        total_count: all combinations of the field, ``prod(state_counts)``.
        excluded_count: combinations holding at least one impossible pair.
    """

    combinations: IntArray
    totals: IntArray
    minimums: IntArray
    state_counts: tuple[int, ...]
    pair_count: int
    total_count: int
    excluded_count: int

    @property
    def consistent_count(self) -> int:
        """Combinations with no impossible pair (may exceed ``len(combinations)`` under a limit)."""
        return self.total_count - self.excluded_count


def _check_state_counts(state_counts: Sequence[int] | ArrayLike) -> tuple[int, ...]:
    counts = np.asarray(state_counts)
    if counts.ndim != 1:
        raise ValueError("The state counts must be a flat list: one number of states per driver.")
    if counts.size < 2:
        raise ValueError(f"A morphological field needs at least two drivers; this one has {counts.size}.")
    if not (np.issubdtype(counts.dtype, np.integer) or np.issubdtype(counts.dtype, np.floating)):
        raise ValueError("The state counts must be whole numbers.")
    if not np.all(np.isfinite(counts)) or not np.all(counts == np.round(counts)):
        raise ValueError("The state counts must be whole numbers.")
    result = tuple(int(c) for c in counts)
    for position, count in enumerate(result, start=1):
        if count < 2:
            raise ValueError(
                f"Driver {position} has {count} state{'s' if count != 1 else ''}: "
                "every driver needs at least two states."
            )
    return result


def _check_matrix(consistency: ArrayLike, counts: tuple[int, ...]) -> IntArray:
    """The matrix as int64 with its same-driver blocks set to 0, after checking everything else."""
    matrix = np.asarray(consistency)
    size = sum(counts)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"The consistency matrix must be square; got shape {matrix.shape}.")
    if matrix.shape[0] != size:
        raise ValueError(
            f"The consistency matrix must have one row and one column per state ({size}); "
            f"got {matrix.shape[0]}."
        )
    if not (np.issubdtype(matrix.dtype, np.integer) or np.issubdtype(matrix.dtype, np.floating)):
        raise ValueError("The consistency matrix must hold numbers from -2 to 2.")
    driver_of = np.repeat(np.arange(len(counts)), counts)
    cross = driver_of[:, None] != driver_of[None, :]
    values = np.where(cross, matrix, 0)
    bad = ~np.isfinite(values) | (values < _LOWEST) | (values > _HIGHEST) | (values != np.round(values))
    if np.any(bad):
        row, column = (int(i) + 1 for i in np.argwhere(bad)[0])
        raise ValueError(
            f"Consistency values must be whole numbers from -2 to 2; state {row} x state {column} "
            f"holds {matrix[row - 1, column - 1].item()}."
        )
    values = values.astype(np.int64)
    asymmetric = values != values.T
    if np.any(asymmetric):
        row, column = (int(i) + 1 for i in np.argwhere(asymmetric)[0])
        raise ValueError(
            f"The consistency matrix must be symmetric: state {row} x state {column} is "
            f"{values[row - 1, column - 1]} but state {column} x state {row} is "
            f"{values[column - 1, row - 1]}."
        )
    return values


def _pair_sums(counts: tuple[int, ...], matrix: IntArray, local: IntArray) -> tuple[IntArray, IntArray]:
    """Total and minimum pair value of each row of ``local`` (combos x drivers, local state indices)."""
    offsets = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
    state = local.astype(np.intp) + offsets
    first, second = np.triu_indices(len(counts), k=1)
    totals = np.zeros(len(local), dtype=np.int64)
    minimums = np.full(len(local), _HIGHEST, dtype=np.int64)
    # One vectorised gather per pair of drivers (D(D-1)/2 of them), over all combinations at once.
    for d, e in zip(first.tolist(), second.tolist(), strict=True):
        values = matrix[state[:, d], state[:, e]]
        totals += values
        np.minimum(minimums, values, out=minimums)
    return totals, minimums


def consistent_combinations(
    state_counts: Sequence[int] | ArrayLike,
    consistency: ArrayLike,
    *,
    impossible: int = -2,
    limit: int | None = None,
    max_combinations: int = MAX_COMBINATIONS,
) -> ScenarioSpace:
    """Enumerate every combination of one state per driver, drop the impossible ones, rank the rest.

    ``state_counts`` gives the number of states of each driver (at least two drivers, at
    least two states each). ``consistency`` is the square, symmetric cross-consistency
    matrix over all states, drivers' states concatenated in order (see the module
    conventions); same-driver entries are ignored.

    For a combination c = (c_1, ..., c_D), with g_d = offset_d + c_d the global index of
    driver d's state and M the matrix:

        total(c)   = sum_{d < e} M[g_d, g_e]
        minimum(c) = min_{d < e} M[g_d, g_e]

    c is excluded when minimum(c) <= ``impossible`` (by default: when it contains a -2
    pair). The D(D - 1)/2 pair values are gathered for all combinations at once by fancy
    indexing, one driver pair at a time, so the cost is O(prod(states) x pairs) with no
    Python loop over combinations. ``limit`` keeps the best ``limit`` combinations (the
    counts still describe the whole field). Fields larger than ``max_combinations``
    (1,000,000 by default) are refused.

    References: Zwicky, F. (1969). Discovery, Invention, Research through the Morphological
    Approach. Macmillan. Ritchey, T. (2011). Wicked Problems - Social Messes: Decision
    Support Modelling with Morphological Analysis. Springer, ch. 2-3 (cross-consistency
    assessment).

    Raises:
        ValueError: fewer than two drivers, a driver with fewer than two states, a
            non-square, wrongly sized or asymmetric matrix, a value outside -2..2 or not
            whole, too many combinations, or a negative ``limit``.
    """
    counts = _check_state_counts(state_counts)
    if isinstance(impossible, bool) or not isinstance(impossible, int | np.integer):
        raise ValueError("The impossibility threshold must be a whole number from -2 to 2.")
    if not _LOWEST <= impossible <= _HIGHEST:
        raise ValueError("The impossibility threshold must be a whole number from -2 to 2.")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int | np.integer) or limit < 0
    ):
        raise ValueError("The limit must be a whole number of at least 0, or None for all.")
    total_count = math.prod(counts)
    if total_count > max_combinations:
        raise ValueError(
            f"These {len(counts)} drivers make {total_count:,} combinations, more than the "
            f"{max_combinations:,} the scenario builder can list: use fewer drivers or fewer "
            "states per driver (merge similar states, or set aside a driver that matters less)."
        )
    matrix = _check_matrix(consistency, counts)

    # All combinations in lexicographic order (the first driver varies slowest): combos x drivers.
    local = np.indices(counts, dtype=np.intp).reshape(len(counts), -1).T
    totals, minimums = _pair_sums(counts, matrix, local)

    keep = minimums > impossible
    kept = np.flatnonzero(keep)
    order = kept[np.argsort(-totals[kept], kind="stable")]
    if limit is not None:
        order = order[:limit]
    return ScenarioSpace(
        combinations=local[order].astype(np.int64),
        totals=totals[order],
        minimums=minimums[order],
        state_counts=counts,
        pair_count=len(counts) * (len(counts) - 1) // 2,
        total_count=total_count,
        excluded_count=int(total_count - kept.size),
    )


def combination_consistency(
    state_counts: Sequence[int] | ArrayLike,
    consistency: ArrayLike,
    combinations: ArrayLike,
) -> tuple[IntArray, IntArray]:
    """Total and minimum consistency of given combinations (for instance existing scenarios).

    ``combinations`` is n x drivers (or one combination of length drivers) of local state
    indices, with the same conventions and formulas as :func:`consistent_combinations`:
    total(c) = sum_{d < e} M[g_d, g_e], minimum(c) = min_{d < e} M[g_d, g_e]. Nothing is
    excluded: a combination holding a -2 pair gets minimum -2. Returns ``(totals,
    minimums)``, each of shape (n,).

    Reference: Ritchey, T. (2011). Wicked Problems - Social Messes: Decision Support
    Modelling with Morphological Analysis. Springer, ch. 3.

    Raises:
        ValueError: the checks of :func:`consistent_combinations` on ``state_counts`` and
            ``consistency``; combinations of the wrong width or with a state index out of
            range for its driver.
    """
    counts = _check_state_counts(state_counts)
    matrix = _check_matrix(consistency, counts)
    local = np.asarray(combinations)
    if local.ndim == 1:
        local = local[None, :]
    if local.ndim != 2 or local.shape[1] != len(counts):
        raise ValueError(f"Each combination must give one state per driver ({len(counts)} drivers).")
    if local.size and not np.issubdtype(local.dtype, np.integer):
        raise ValueError("Combinations must hold whole state indices.")
    local = local.astype(np.int64)
    bad = (local < 0) | (local >= np.asarray(counts))
    if np.any(bad):
        row, driver = (int(i) + 1 for i in np.argwhere(bad)[0])
        raise ValueError(
            f"Combination {row} gives driver {driver} state index {local[row - 1, driver - 1]}, "
            f"but that driver has states 0 to {counts[driver - 1] - 1}."
        )
    return _pair_sums(counts, matrix, local)
