"""Cross-impact balance analysis (CIB): scenarios in which every driver sits where the others push it.

Morphological analysis (``scenarios.py``) asks whether two states can coexist; CIB asks in
which direction each state pushes the others. Analysts judge directed impacts ("a junta in
power makes aid suspension more likely" is not the same judgment as its reverse), and a
scenario is *consistent* when no driver would rather be in another state, given the pushes
it receives from the states the scenario picks for all the other drivers.

Conventions
-----------
* **Descriptors and variants** are CIB's words for the case's drivers and their states;
  error messages use the workbench's words (driver, state).
* **Variants** are numbered globally by concatenating the descriptors' variants in order:
  with ``state_counts = (3, 2)``, descriptor 1 owns rows and columns 0-2 and descriptor 2
  owns 3-4. A scenario gives one *local* 0-based variant index per descriptor, e.g.
  ``(2, 0)`` = third variant of descriptor 1, first variant of descriptor 2. At least two
  descriptors, at least two variants each.
* **The cross-impact matrix** ``M`` is square over all variants; ``M[u, v]`` is the impact
  of source variant ``u`` (row) on target variant ``v`` (column). Impacts are whole numbers,
  usually -3 (strongly hindering) to +3 (strongly promoting) as in ScenarioWizard, but
  published matrices use up to ±6 and more, so the range is not capped (only numbers too
  large to add up exactly, beyond 2**53, are refused). The blocks within one descriptor
  (``u`` and ``v`` of the same descriptor) are ignored, whatever they contain: a scenario
  never holds two variants of one descriptor.
* **Impact balance** of variant ``v`` of descriptor ``j`` in scenario ``s`` (``g_i`` = the
  global index of the variant that ``s`` picks for descriptor ``i``)::

      balance_s(v) = sum_{i != j} M[g_i, v]

* **Inconsistency** of ``s``: the largest gap, over descriptors, between a descriptor's
  highest balance and the balance of the variant ``s`` picks for it::

      inconsistency(s) = max_j ( max_{v in j} balance_s(v) - balance_s(g_j) )    (>= 0)

  ``s`` is consistent when its inconsistency is 0 (every descriptor already sits on a
  highest-balance variant; a tie for the highest counts as consistent).
* **Total impact** of ``s``: the sum of the chosen variants' balances,
  ``sum_j balance_s(g_j)``; among consistent scenarios, a higher total means the
  scenario's elements support each other more strongly.
* Inputs are never modified; results are new arrays (int64 for whole numbers).
* **Invalid input** raises ``ValueError`` with a sentence for a facilitator; positions in
  messages count from 1.

References: Weimer-Jehle, W. (2006). Cross-impact balances: A system-theoretical approach
to cross-impact analysis. Technological Forecasting and Social Change, 73(4), 334-361.
Weimer-Jehle, W. (2008). Cross-impact balances: Applying pair interaction systems and
multi-value Kauffman nets to multidisciplinary systems analysis. Physica A, 387(14),
3689-3700. Weimer-Jehle, W. (2018). ScenarioWizard 4.3: Constructing Consistent Scenarios
Using Cross-Impact Balance Analysis. Manual, ZIRIUS, University of Stuttgart. Weimer-Jehle,
W. (2023). Cross-Impact Balances (CIB) for Scenario Analysis. Springer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._types import BoolArray, FloatArray, IntArray
from .group import consensus
from .scenarios import _check_state_counts
from .validation import to_float_array

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "MAX_CIB_SCENARIOS",
    "CIBEnsemble",
    "CIBScenarios",
    "cib_balances",
    "cib_ensemble",
    "cib_scenarios",
    "cib_succession",
]

#: The largest scenario field the enumeration accepts (12 drivers of 4 states, 16.8 million, fit).
MAX_CIB_SCENARIOS = 20_000_000
#: Scenarios evaluated per vectorised step: bounds memory to a few megabytes per step.
DEFAULT_CHUNK_SIZE = 1 << 16

#: Called as ``progress(scenarios_done, scenarios_total)`` after each step of an enumeration.
Progress = Callable[[int, int], None]

# Impacts beyond this cannot come from a float without losing whole-number exactness.
_EXACT_LIMIT = 2**53
_INT_LIMIT = 2**62


@dataclass(frozen=True)
class CIBScenarios:
    """Every scenario whose inconsistency is at most the threshold, best first.

    Attributes:
        scenarios: k x descriptors, the local variant index (0-based) each scenario picks,
            sorted by ``inconsistency`` ascending, then ``total_impact`` descending, ties in
            lexicographic order (descriptor 1 varies slowest). At most ``limit`` rows.
        inconsistency: (k,) the largest gap between a descriptor's highest balance and
            its chosen variant's balance; 0 = consistent.
        total_impact: (k,) the sum of the chosen variants' balances.
        state_counts: number of variants of each descriptor, as given.
        total_count: every scenario of the field, ``prod(state_counts)``.
        matched_count: scenarios within the threshold (may exceed ``k`` under a limit).
    """

    scenarios: IntArray
    inconsistency: IntArray
    total_impact: IntArray
    state_counts: tuple[int, ...]
    total_count: int
    matched_count: int


@dataclass(frozen=True)
class CIBEnsemble:
    """Scenarios of a group's cross-impact matrices: per member, and for the group's mean matrix.

    Attributes:
        scenarios: k x descriptors, every scenario within the threshold in at least one
            member's matrix or in the group matrix; sorted by ``member_counts`` descending,
            then ``group_inconsistency`` ascending, then ``group_total_impact``
            descending, ties in lexicographic order.
        member_counts: (k,) in how many members' matrices the scenario is within the
            threshold (consistent, with the default threshold 0).
        member_consistent: k x members, which members' matrices hold it within the threshold.
        group_inconsistency: (k,) its inconsistency in the group matrix (a mean, so it
            may be fractional).
        group_total_impact: (k,) its total impact in the group matrix.
        group_consistent: (k,) whether it is within the threshold in the group matrix.
        group_impacts: variants x variants, the group matrix: the members' mean impact per
            cell (same-descriptor blocks 0, as they are ignored).
        disagreement: variants x variants, the interquartile range of the members'
            impacts per cell (same-descriptor blocks 0); see :func:`cib_ensemble`.
        state_counts: number of variants of each descriptor, as given.
        n_members: number of members' matrices.
    """

    scenarios: IntArray
    member_counts: IntArray
    member_consistent: BoolArray
    group_inconsistency: FloatArray
    group_total_impact: FloatArray
    group_consistent: BoolArray
    group_impacts: FloatArray
    disagreement: FloatArray
    state_counts: tuple[int, ...]
    n_members: int


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def _check_counts(state_counts: Sequence[int] | ArrayLike) -> tuple[int, ...]:
    counts = np.asarray(state_counts)
    if counts.ndim == 1 and counts.size < 2:
        raise ValueError(
            f"Cross-impact balance analysis needs at least two drivers; this matrix has {counts.size}."
        )
    return _check_state_counts(counts)


def _owner(counts: tuple[int, ...]) -> IntArray:
    """Descriptor (0-based) owning each global variant index."""
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts)


def _offsets(counts: tuple[int, ...]) -> IntArray:
    return np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)


def _check_impacts(
    impacts: ArrayLike, counts: tuple[int, ...], what: str = "cross-impact matrix"
) -> IntArray:
    """The matrix as a new int64 array with its same-descriptor blocks set to 0."""
    raw = np.asarray(impacts)
    size = sum(counts)
    if raw.ndim != 2 or raw.shape[0] != raw.shape[1]:
        raise ValueError(
            f"The {what} must be square (one row and one column per state); got shape {raw.shape}."
        )
    if raw.shape[0] != size:
        raise ValueError(
            f"The {what} must have one row and one column per state ({size}); got {raw.shape[0]}."
        )
    if raw.dtype == np.bool_:
        raise ValueError(
            f"The {what} must hold whole numbers (impacts such as -3 to +3), not true/false values."
        )
    owner = _owner(counts)
    cross = owner[:, None] != owner[None, :]
    if np.issubdtype(raw.dtype, np.integer):
        kept = np.where(cross, raw, 0)
        bad = np.abs(kept.astype(np.float64)) > _EXACT_LIMIT
        values = np.where(bad, 0, kept).astype(np.int64)
        reason = "too large to add up exactly"
    else:
        floats = np.where(cross, to_float_array(raw, what), 0.0)
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(floats) | (floats != np.round(floats)) | (np.abs(floats) > _EXACT_LIMIT)
        reason = "not a whole number"
        values = np.where(bad, 0, floats).astype(np.int64)
    if np.any(bad):
        row, column = (int(i) for i in np.argwhere(bad)[0])
        cell = raw[row, column]
        shown = cell.item() if hasattr(cell, "item") else cell
        raise ValueError(
            f"Impacts must be whole numbers (usually -3 to +3); the impact of state {row + 1} on "
            f"state {column + 1} in the {what} is {shown!r}, {reason}."
        )
    return values


def _check_scenario(scenario: ArrayLike, counts: tuple[int, ...], what: str = "scenario") -> tuple[int, ...]:
    local = np.asarray(scenario)
    if local.ndim != 1 or local.shape[0] != len(counts):
        raise ValueError(
            f"The {what} must give one state index per driver ({len(counts)} drivers); got shape {local.shape}."
        )
    if local.dtype == np.bool_ or not np.issubdtype(local.dtype, np.integer):
        raise ValueError(f"The {what} must hold whole state indices (0 for a driver's first state).")
    for driver, (index, count) in enumerate(zip(local.tolist(), counts, strict=True), start=1):
        if not 0 <= index < count:
            raise ValueError(
                f"The {what} gives driver {driver} state index {index}, but that driver has states 0 to {count - 1}."
            )
    return tuple(int(i) for i in local.tolist())


def _check_whole(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"The {what} must be a whole number of at least 0.")
    return int(value)


def _check_field(counts: tuple[int, ...], max_scenarios: int) -> int:
    total = math.prod(counts)
    if total > max_scenarios:
        raise ValueError(
            f"These {len(counts)} drivers make {total:,} scenarios, more than the {max_scenarios:,} the "
            "analysis can enumerate: use fewer drivers or fewer states per driver."
        )
    return total


# ---------------------------------------------------------------------------------------------
# Core computations (validated input only)
# ---------------------------------------------------------------------------------------------


def _balances_of(matrix: IntArray, counts: tuple[int, ...], local: IntArray) -> IntArray:
    """Balances (k x variants) of k scenarios (k x descriptors); same-descriptor blocks are 0."""
    rows = local + _offsets(counts)[np.newaxis, :]
    result: IntArray = matrix[rows].sum(axis=1)
    return result


def _gaps_and_totals(
    balances: IntArray, counts: tuple[int, ...], local: IntArray
) -> tuple[IntArray, IntArray]:
    """Inconsistency and total impact of k scenarios from their balances."""
    offsets = _offsets(counts)
    chosen = np.take_along_axis(balances, local + offsets[np.newaxis, :], axis=1)
    tops = np.stack(
        [balances[:, o : o + n].max(axis=1) for o, n in zip(offsets.tolist(), counts, strict=True)], axis=1
    )
    return (tops - chosen).max(axis=1), chosen.sum(axis=1)


def _working_dtype(matrix: IntArray, counts: tuple[int, ...]) -> type[np.signedinteger[Any]]:
    """The narrowest integer type that holds every partial balance and every gap exactly.

    ``bound`` caps |any sum of impacts on one column from distinct descriptors|; a gap is at
    most twice that. Narrow types halve the memory traffic of the enumeration.
    """
    owner = _owner(counts)
    per_descriptor = np.zeros((len(counts), matrix.shape[1]))
    np.maximum.at(per_descriptor, owner, np.abs(matrix.astype(np.float64)))
    bound = float(per_descriptor.sum(axis=0).max())
    if 2 * bound >= _INT_LIMIT:
        raise ValueError(
            "The impacts are too large to add up exactly; use impacts on a scale such as -3 to +3."
        )
    for dtype in (np.int16, np.int32):
        if 2 * bound <= np.iinfo(dtype).max:
            return dtype
    return np.int64


def _scan(
    matrix: IntArray,
    counts: tuple[int, ...],
    threshold: int,
    *,
    chunk_size: int,
    limit: int | None = None,
    progress: Progress | None = None,
    done_before: int = 0,
    grand_total: int | None = None,
) -> tuple[IntArray, IntArray, IntArray, int]:
    """Enumerate the field in lexicographic order; keep scenarios with inconsistency <= threshold.

    Returns linear scenario indices (mixed radix, descriptor 1 slowest), inconsistencies and
    total impacts of the kept scenarios (sorted as :class:`CIBScenarios` when ``limit`` is
    given, in lexicographic order otherwise), and how many matched in all.

    The field is split into a prefix (descriptors enumerated a few at a time) and a suffix
    (every combination of the last descriptors, at most ``chunk_size`` of them). The suffix's
    balance contributions are tabulated once; each step adds one group of prefixes' rows to
    that table, so a step is a handful of whole-array operations on a variants x chunk block
    (kept variant-major so each variant's balances are contiguous).
    """
    n_desc = len(counts)
    total = math.prod(counts)
    grand_total = total if grand_total is None else grand_total
    offsets = _offsets(counts).tolist()
    dtype = _working_dtype(matrix, counts)
    to_target = np.ascontiguousarray(matrix.T.astype(dtype))  # to_target[v, u] = impact of u on v

    split, suffix_size = n_desc, 1
    while split > 0 and suffix_size * counts[split - 1] <= chunk_size:
        split -= 1
        suffix_size *= counts[split]
    suffix_counts = counts[split:]
    suffix_local = np.indices(suffix_counts, dtype=np.int64).reshape(len(suffix_counts), suffix_size)
    suffix_table = np.zeros((matrix.shape[0], 1), dtype=dtype)
    for d in range(split, n_desc):
        block = to_target[:, offsets[d] : offsets[d] + counts[d]]
        suffix_table = (suffix_table[:, :, None] + block[:, None, :]).reshape(matrix.shape[0], -1)

    prefix_counts = counts[:split]
    n_prefixes = math.prod(prefix_counts)
    group = max(1, chunk_size // suffix_size)
    suffix_tiles = [np.tile(row, group) for row in suffix_local]

    kept_index: list[IntArray] = []
    kept_gap: list[IntArray] = []
    kept_total: list[IntArray] = []
    matched = 0
    held = 0
    cap = min(threshold, np.iinfo(dtype).max)
    for start in range(0, n_prefixes, group):
        stop = min(start + group, n_prefixes)
        width = (stop - start) * suffix_size
        if split:
            prefix_local = np.array(np.unravel_index(np.arange(start, stop), prefix_counts), dtype=np.int64)
        else:
            prefix_local = np.zeros((0, stop - start), dtype=np.int64)
        prefix_table = np.zeros((matrix.shape[0], stop - start), dtype=dtype)
        for d in range(split):
            prefix_table += to_target[:, offsets[d] + prefix_local[d]]
        balances = (prefix_table[:, :, None] + suffix_table[:, None, :]).reshape(matrix.shape[0], width)
        gap = np.zeros(width, dtype=dtype)
        for d in range(n_desc):
            rows = balances[offsets[d] : offsets[d] + counts[d]]
            if d < split:
                chosen_index = np.repeat(prefix_local[d], suffix_size)
            else:
                chosen_index = suffix_tiles[d - split][:width]
            np.maximum(gap, rows.max(axis=0) - _pick(rows, chosen_index), out=gap)
        keep = np.flatnonzero(gap <= cap)
        if keep.size:
            local = _decode(start * suffix_size + keep, counts)
            chosen_rows = local + np.asarray(offsets, dtype=np.int64)[np.newaxis, :]
            totals = balances[chosen_rows.T, keep[np.newaxis, :]].astype(np.int64).sum(axis=0)
            kept_index.append(start * suffix_size + keep)
            kept_gap.append(gap[keep].astype(np.int64))
            kept_total.append(totals)
            matched += keep.size
            held += keep.size
            if limit is not None and held > 2 * limit + chunk_size:
                merged = _best(
                    np.concatenate(kept_index), np.concatenate(kept_gap), np.concatenate(kept_total), limit
                )
                kept_index, kept_gap, kept_total = [merged[0]], [merged[1]], [merged[2]]
                held = merged[0].size
        if progress is not None:
            progress(done_before + min(stop * suffix_size, total), grand_total)

    empty = np.zeros(0, dtype=np.int64)
    index = np.concatenate(kept_index) if kept_index else empty
    gaps = np.concatenate(kept_gap) if kept_gap else empty
    totals_all = np.concatenate(kept_total) if kept_total else empty
    if limit is not None:
        index, gaps, totals_all = _best(index, gaps, totals_all, limit)
    return index, gaps, totals_all, matched


def _pick(rows: NDArray[np.signedinteger[Any]], index: IntArray) -> NDArray[np.signedinteger[Any]]:
    """``rows[index[c], c]`` for every column ``c``; ``np.choose`` is the fast path but takes at most 32 rows."""
    if rows.shape[0] <= 32:
        picked: NDArray[np.signedinteger[Any]] = np.choose(index, rows)
        return picked
    return rows[index, np.arange(rows.shape[1])]


def _decode(linear: IntArray, counts: tuple[int, ...]) -> IntArray:
    """Local variant indices (k x descriptors) of linear scenario indices."""
    return np.stack(np.unravel_index(linear, counts), axis=1).astype(np.int64)


def _order(index: IntArray, gaps: IntArray, totals: IntArray) -> NDArray[np.intp]:
    """Inconsistency ascending, total impact descending, then lexicographic (linear index ascending)."""
    return np.lexsort((index, -totals, gaps))


def _best(
    index: IntArray, gaps: IntArray, totals: IntArray, limit: int
) -> tuple[IntArray, IntArray, IntArray]:
    order = _order(index, gaps, totals)[:limit]
    return index[order], gaps[order], totals[order]


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def cib_balances(
    impacts: ArrayLike, state_counts: Sequence[int] | ArrayLike, scenario: ArrayLike
) -> IntArray:
    """Impact balance of every variant under one scenario (length ``sum(state_counts)``).

    ``balance(v) = sum_{i != j} M[g_i, v]`` for ``v`` a variant of descriptor ``j``: the
    column sum of ``M`` over the rows the scenario picks, leaving out the row of ``v``'s own
    descriptor (same-descriptor blocks are ignored). Rows are source variants, columns
    targets; ``scenario`` gives one 0-based local variant index per descriptor. A scenario is
    consistent when, within each descriptor's block, its own variant's balance is the highest.

    References: Weimer-Jehle, W. (2006), Technological Forecasting and Social Change 73(4),
    334-361 (impact balances); ScenarioWizard 4.3 manual, section 2.3.2 ("Recognizing the
    inconsistencies of a scenario").

    Raises:
        ValueError: fewer than two drivers or a driver with fewer than two states; a matrix
            that is not square, of the wrong size, or holds a value that is not a whole
            number; a scenario of the wrong length, not whole, or out of range.
    """
    counts = _check_counts(state_counts)
    matrix = _check_impacts(impacts, counts)
    local = np.asarray([_check_scenario(scenario, counts)], dtype=np.int64)
    balances: IntArray = _balances_of(matrix, counts, local)[0]
    return balances


def cib_scenarios(
    impacts: ArrayLike,
    state_counts: Sequence[int] | ArrayLike,
    max_inconsistency: int = 0,
    *,
    limit: int | None = None,
    progress: Progress | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    max_scenarios: int = MAX_CIB_SCENARIOS,
) -> CIBScenarios:
    """Every scenario whose inconsistency is at most ``max_inconsistency`` (0: the consistent ones).

    Enumerates all ``prod(state_counts)`` scenarios and evaluates, for each,
    ``inconsistency = max_j (max_{v in j} balance(v) - balance(g_j))`` and
    ``total_impact = sum_j balance(g_j)`` (see the module docstring). Results are sorted by
    inconsistency ascending, total impact descending, ties in lexicographic order
    (descriptor 1 varies slowest). ``limit`` keeps only the first ``limit`` of that order
    (``matched_count`` still counts them all).

    The enumeration is vectorised in steps of ``chunk_size`` scenarios, so memory stays
    bounded (about variants x chunk_size small integers per step) whatever the field's size;
    the result does not depend on ``chunk_size``. ``progress(done, total)`` is called after
    each step, which lets a background task report on a field of millions of scenarios.
    Fields larger than ``max_scenarios`` (20 million by default) are refused.

    References: Weimer-Jehle, W. (2006) (consistency and inconsistency); ScenarioWizard 4.3
    manual, section 2.3.3 ("Consistent scenarios") and glossary ("inconsistency of a
    scenario", "total impact score").

    Raises:
        ValueError: the checks of :func:`cib_balances`; a ``max_inconsistency`` or ``limit``
            that is not a whole number of at least 0; a ``chunk_size`` below 1; a field
            larger than ``max_scenarios``.
    """
    counts = _check_counts(state_counts)
    matrix = _check_impacts(impacts, counts)
    threshold = _check_whole(max_inconsistency, "maximum inconsistency")
    if limit is not None:
        limit = _check_whole(limit, "limit")
    chunk = _check_chunk(chunk_size)
    total = _check_field(counts, max_scenarios)
    index, gaps, totals, matched = _scan(
        matrix, counts, threshold, chunk_size=chunk, limit=limit, progress=progress
    )
    order = _order(index, gaps, totals)
    return CIBScenarios(
        scenarios=_decode(index[order], counts),
        inconsistency=gaps[order],
        total_impact=totals[order],
        state_counts=counts,
        total_count=total,
        matched_count=matched,
    )


def cib_succession(
    impacts: ArrayLike, state_counts: Sequence[int] | ArrayLike, start: ArrayLike
) -> list[tuple[int, ...]]:
    """Global succession from ``start``: every descriptor moves to its highest-balance variant at once.

    Each step computes the balances of the current scenario (:func:`cib_balances`) and
    moves every descriptor to a variant of highest balance. Tie rule: a descriptor keeps
    its current variant if that variant is among the highest; otherwise it takes the first
    (lowest index) of them. The walk stops at the first scenario already visited, which is
    included: a consistent start gives ``[start, start]``, a start leading to a consistent
    scenario ``c`` ends ``[..., c, c]``, and a cycle ends where it closes
    (``[a, b, a]``). The field is finite, so the walk always stops.

    Returns the visited scenarios as tuples of 0-based local variant indices.

    References: Weimer-Jehle, W. (2006) (succession); ScenarioWizard 4.3 manual, glossary
    ("succession": every descriptor switches at once to its variant of maximum impact score).

    Raises:
        ValueError: the checks of :func:`cib_balances` on the matrix and ``start``.
    """
    counts = _check_counts(state_counts)
    matrix = _check_impacts(impacts, counts)
    current = _check_scenario(start, counts, "start scenario")
    offsets = _offsets(counts).tolist()
    visited = [current]
    seen = {current}
    while True:
        balances = _balances_of(matrix, counts, np.asarray([current], dtype=np.int64))[0]
        following = []
        for d, (offset, count) in enumerate(zip(offsets, counts, strict=True)):
            block = balances[offset : offset + count]
            top = block.max()
            following.append(current[d] if block[current[d]] == top else int(np.argmax(block)))
        current = tuple(following)
        visited.append(current)
        if current in seen:
            return visited
        seen.add(current)


def cib_ensemble(
    member_impacts: ArrayLike,
    state_counts: Sequence[int] | ArrayLike,
    max_inconsistency: int = 0,
    *,
    progress: Progress | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    max_scenarios: int = MAX_CIB_SCENARIOS,
) -> CIBEnsemble:
    """A group's matrices (members x variants x variants): where members agree on the futures.

    * For every scenario within ``max_inconsistency`` in at least one member's matrix or in
      the group matrix, ``member_counts`` says in how many members' matrices it is within
      the threshold (with the default 0: consistent), and ``member_consistent`` in which.
    * The **group matrix** is the members' mean impact per cell. Balances are linear in the
      matrix, so a scenario's balances in the mean matrix are the mean of its balances in the
      members' matrices, and ``group_inconsistency`` and ``group_total_impact`` are
      ``1/K`` times those of the sum matrix (K members): the group matrix is evaluated
      exactly, in whole numbers, through the sum matrix (ScenarioWizard's ensemble "sum
      matrix" gives the same consistent scenarios).
    * **Disagreement per cell** is the interquartile range (Q3 - Q1) of the members' impacts,
      with the quartile rule of :func:`policies.analysis.consensus` (linear interpolation, Hyndman & Fan type 7),
      so a matrix cell is "in dispute" by the same rule as a score cell. The IQR rather than
      the standard deviation because it reads on the impact scale ("the middle half of the
      room spans two points"), and because one member's extreme rating (a +3 among zeros)
      does not put a cell in dispute in a group of five, while a split room does; with
      impacts in whole steps, the IQR of a small group is also a whole or half step, which a
      facilitator can act on. Cells of same-descriptor blocks are 0 in both matrices.

    Sorted by ``member_counts`` descending, then ``group_inconsistency`` ascending, then
    ``group_total_impact`` descending, ties in lexicographic order. The cost is that of
    K + 1 enumerations; ``progress(done, total)`` counts across all of them.

    Unrated cells are the caller's to fill (e.g. with 0, no impact) before the analysis:
    every member's matrix must hold whole numbers.

    References: ScenarioWizard 4.3 manual, glossary ("ensemble", sum matrix);
    Weimer-Jehle, W. (2023), Cross-Impact Balances (CIB) for Scenario Analysis, Springer
    (ensembles of matrices from several experts); Hyndman, R. J., & Fan, Y. (1996), The
    American Statistician 50(4), 361-365 (quartiles).

    Raises:
        ValueError: no member; a stack that is not members x variants x variants; a member's
            matrix failing the checks of :func:`cib_scenarios`; the other checks of
            :func:`cib_scenarios`.
    """
    counts = _check_counts(state_counts)
    raw = np.asarray(member_impacts)
    size = sum(counts)
    if raw.ndim != 3 or raw.shape[1:] != (size, size):
        raise ValueError(
            "The members' matrices must be a members x states x states stack with one row and one "
            f"column per state ({size}); got shape {raw.shape}."
        )
    n_members = raw.shape[0]
    if n_members == 0:
        raise ValueError("The ensemble has no member's matrix; at least one is needed.")
    members = np.stack(
        [_check_impacts(raw[k], counts, f"cross-impact matrix of member {k + 1}") for k in range(n_members)]
    )
    threshold = _check_whole(max_inconsistency, "maximum inconsistency")
    chunk = _check_chunk(chunk_size)
    total = _check_field(counts, max_scenarios)
    summed = members.sum(axis=0)
    grand_total = total * (n_members + 1)

    found: list[IntArray] = []
    for k, matrix in enumerate([*members, summed]):
        scale = n_members if k == n_members else 1
        index, _, _, _ = _scan(
            matrix,
            counts,
            threshold * scale,
            chunk_size=chunk,
            progress=progress,
            done_before=k * total,
            grand_total=grand_total,
        )
        found.append(index)
    union = np.unique(np.concatenate(found))
    consistent = np.stack([np.isin(union, index) for index in found[:n_members]], axis=1)
    local = _decode(union, counts)
    group_gap, group_total = _gaps_and_totals(_balances_of(summed, counts, local), counts, local)
    member_counts = consistent.sum(axis=1).astype(np.int64)
    order = np.lexsort((union, -group_total, group_gap, -member_counts))

    owner = _owner(counts)
    cross = owner[:, None] != owner[None, :]
    return CIBEnsemble(
        scenarios=local[order],
        member_counts=member_counts[order],
        member_consistent=consistent[order],
        group_inconsistency=group_gap[order] / n_members,
        group_total_impact=group_total[order] / n_members,
        group_consistent=group_gap[order] <= threshold * n_members,
        group_impacts=summed / n_members,
        disagreement=np.where(cross, consensus(members.astype(np.float64)).iqr, 0.0),
        state_counts=counts,
        n_members=n_members,
    )


def _check_chunk(chunk_size: object) -> int:
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int | np.integer) or chunk_size < 1:
        raise ValueError("The chunk size must be a whole number of at least 1.")
    return int(chunk_size)
