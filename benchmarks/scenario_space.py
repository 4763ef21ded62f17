#!/usr/bin/env python
"""Benchmark of the scenario builder's enumeration (`policies.analysis.consistent_combinations`).

Run from anywhere: ``python benchmarks/scenario_space.py`` (full) or ``--quick`` (well under a minute).
No Django needed. On synthetic cross-consistency matrices with a fixed seed it measures:

1. The reference size of a workshop: 8 drivers x 3 states = 6,561 combinations, with a uniformly random
   -2..2 matrix (most combinations then hold a -2 pair) and with a sparse, realistic one (mostly 0, a few
   -2), median of several runs, in ms (validation, enumeration, filtering and sorting included).
2. The same enumeration done the naive way, one combination at a time in Python (itertools.product), timed
   once, with its results checked against ours.
3. How time and peak memory grow with the size of the field, up to the 1,000,000-combination ceiling.

The last printed line is one JSON object with ``combinations``, ``enumerate_ms`` (uniform matrix, 6,561
combinations), ``enumerate_sparse_ms``, ``naive_ms``, ``speedup_vs_naive`` and the ``scaling`` rows.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from policies.analysis.scenarios import ScenarioSpace, consistent_combinations  # noqa: E402

SEED = 20120322
DRIVERS, STATES = 8, 3


def median_ms(function: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls after one warm-up call, in milliseconds."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def random_matrix(counts: list[int], seed: int, *, sparse: bool = False) -> np.ndarray:
    """Symmetric -2..2 matrix over all states: uniform, or mostly 0 with ~3% of -2 pairs when sparse."""
    rng = np.random.default_rng(seed)
    size = sum(counts)
    if sparse:
        values = rng.choice([-2, -1, 0, 1, 2], size=(size, size), p=[0.03, 0.12, 0.6, 0.17, 0.08])
    else:
        values = rng.integers(-2, 3, size=(size, size))
    upper = np.triu(values, 1)
    return upper + upper.T


def naive(counts: list[int], matrix: np.ndarray) -> list[tuple[tuple[int, ...], int]]:
    """One combination at a time, as a spreadsheet macro would: the baseline the vectorised code replaces."""
    offsets = [0, *itertools.accumulate(counts)][:-1]
    table = matrix.tolist()
    pairs = list(itertools.combinations(range(len(counts)), 2))
    kept = []
    for combo in itertools.product(*(range(c) for c in counts)):
        state = [offsets[d] + combo[d] for d in range(len(counts))]
        values = [table[state[d]][state[e]] for d, e in pairs]
        if min(values) > -2:
            kept.append((combo, sum(values)))
    kept.sort(key=lambda row: -row[1])
    return kept


def agrees(space: ScenarioSpace, reference: list[tuple[tuple[int, ...], int]]) -> bool:
    ours = list(zip(map(tuple, space.combinations.tolist()), space.totals.tolist(), strict=True))
    return ours == reference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and sizes (well under a minute)")
    args = parser.parse_args()
    quick = args.quick
    repeats = 5 if quick else 21

    print(f"Scenario builder benchmark ({'quick' if quick else 'full'})")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPU(s), "
        f"{platform.machine()}"
    )
    print()

    # 1: the reference size
    counts = [STATES] * DRIVERS
    uniform = random_matrix(counts, SEED)
    sparse = random_matrix(counts, SEED, sparse=True)
    space = consistent_combinations(counts, uniform)
    sparse_space = consistent_combinations(counts, sparse)
    enumerate_ms = median_ms(partial(consistent_combinations, counts, uniform), repeats)
    sparse_ms = median_ms(partial(consistent_combinations, counts, sparse), repeats)
    print(
        f"{DRIVERS} drivers x {STATES} states = {space.total_count:,} combinations (median of {repeats} runs)"
    )
    print(
        f"  uniform random -2..2 matrix: {enumerate_ms:7.2f} ms  "
        f"({space.consistent_count:,} consistent, {space.excluded_count:,} excluded)"
    )
    print(
        f"  sparse realistic matrix:     {sparse_ms:7.2f} ms  "
        f"({sparse_space.consistent_count:,} consistent, {sparse_space.excluded_count:,} excluded)"
    )

    # 2: the naive loop
    start = time.perf_counter()
    reference = naive(counts, sparse)
    naive_ms = (time.perf_counter() - start) * 1000.0
    same = agrees(sparse_space, reference) and agrees(space, naive(counts, uniform))
    print(
        f"  naive Python loop (sparse):  {naive_ms:7.2f} ms  speedup {naive_ms / sparse_ms:5.1f}x  "
        f"results identical: {same}"
    )
    print()

    # 3: scaling
    scale_repeats = 1 if quick else 5
    sizes = [(6, 3), (8, 2), (8, 3), (8, 4), (10, 3), (12, 3), (6, 10)]
    if quick:
        sizes = [(6, 3), (8, 3), (10, 3), (8, 4), (12, 3)]
    scaling: list[dict[str, Any]] = []
    print(f"Scaling (sparse realistic matrix, median of {scale_repeats})")
    print(f"  {'drivers':>7}{'states':>7}{'combinations':>14}{'consistent':>12}{'ms':>10}{'peak MiB':>10}")
    for drivers, states in sizes:
        size_counts = [states] * drivers
        matrix = random_matrix(size_counts, SEED + drivers * 10 + states, sparse=True)
        ms = median_ms(partial(consistent_combinations, size_counts, matrix), scale_repeats)
        tracemalloc.start()
        result = consistent_combinations(size_counts, matrix)
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        scaling.append(
            {
                "drivers": drivers,
                "states": states,
                "combinations": result.total_count,
                "consistent": result.consistent_count,
                "ms": round(ms, 2),
                "peak_memory_mb": round(peak_mb, 2),
            }
        )
        print(
            f"  {drivers:>7}{states:>7}{result.total_count:>14,}{result.consistent_count:>12,}"
            f"{ms:>10.2f}{peak_mb:>10.1f}"
        )
    print()

    result_json = {
        "combinations": space.total_count,
        "enumerate_ms": round(enumerate_ms, 3),
        "consistent": space.consistent_count,
        "excluded": space.excluded_count,
        "enumerate_sparse_ms": round(sparse_ms, 3),
        "sparse_consistent": sparse_space.consistent_count,
        "naive_ms": round(naive_ms, 2),
        "speedup_vs_naive": round(naive_ms / sparse_ms, 1),
        "naive_agrees": same,
        "scaling": scaling,
        "config": {"drivers": DRIVERS, "states": STATES, "repeats": repeats, "seed": SEED, "quick": quick},
    }
    print(json.dumps(result_json, separators=(",", ":")))


if __name__ == "__main__":
    main()
