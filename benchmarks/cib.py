#!/usr/bin/env python
"""Benchmark of cross-impact balance analysis (`policies.analysis.cib_scenarios`), and prophesy-cib beside it.

Run from anywhere: ``python benchmarks/cib.py`` (full) or ``--quick`` (well under a minute). No Django
needed. On synthetic cross-impact matrices (impacts -3..+3, same-descriptor blocks 0) with a fixed seed
it measures:

1. 12 descriptors x 3 variants = 531,441 scenarios: every consistent scenario listed (validation,
   enumeration, sorting), median of several runs, for a uniformly random matrix and for a sparse,
   realistic one (mostly 0). Target: under 1 s.
2. 12 descriptors x 4 variants = 16,777,216 scenarios, with a progress callback as a background task
   would pass: target under 30 s. Peak memory of one run (tracemalloc). ``--quick`` runs it once
   instead of taking a median.
3. A group of 5 members on the 12 x 3 field (:func:`cib_ensemble`: 6 enumerations).
4. prophesy-cib, if installed: its consistency of one scenario (``compute_scenario_consistency``) timed
   on a sample of the 12 x 3 field and extrapolated to the whole field (it has no enumeration of the
   consistent scenarios; its scenario analysis runs successions from every start instead).

The last printed line is one JSON object with ``cib_ms_531k`` (uniform matrix, median), ``cib_ms_16m``,
the sparse and ensemble figures, peak memory, and the prophesy figures (null when it is not installed).
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from policies.analysis.cib import cib_ensemble, cib_scenarios  # noqa: E402

SEED = 20120322


def timed_ms(function: Callable[[], object], repeats: int, warm_up: bool = True) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls (after one warm-up call if asked), in ms, and the last result."""
    result = function() if warm_up else None
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), result


def cross_impact_matrix(counts: list[int], seed: int, *, sparse: bool = False) -> np.ndarray:
    """Impacts -3..+3 between variants of different descriptors (0 inside a descriptor's block)."""
    rng = np.random.default_rng(seed)
    size = sum(counts)
    if sparse:
        values = rng.choice(
            [-3, -2, -1, 0, 1, 2, 3], size=(size, size), p=[0.03, 0.07, 0.1, 0.6, 0.1, 0.07, 0.03]
        )
    else:
        values = rng.integers(-3, 4, size=(size, size))
    owner = np.repeat(np.arange(len(counts)), counts)
    return np.where(owner[:, None] != owner[None, :], values, 0)


def prophesy_figures(matrix: np.ndarray, counts: list[int], sample: int) -> dict[str, Any] | None:
    try:
        from prophesy_cib import CrossImpact, Descriptor, Model, Variant
        from prophesy_cib.model import Scenario
        from prophesy_cib.succession import compute_scenario_consistency
    except ImportError:
        return None
    offsets = [sum(counts[:d]) for d in range(len(counts))]
    descriptors = [
        Descriptor(d + 1, f"D{d + 1}", "nominal", tuple(Variant(v + 1, f"V{v + 1}") for v in range(c)))
        for d, c in enumerate(counts)
    ]
    impacts = [
        CrossImpact(d + 1, u + 1, e + 1, v + 1, float(matrix[offsets[d] + u, offsets[e] + v]))
        for d, e in itertools.permutations(range(len(counts)), 2)
        for u in range(counts[d])
        for v in range(counts[e])
        if matrix[offsets[d] + u, offsets[e] + v]
    ]
    model = Model(descriptors, impacts)
    rng = np.random.default_rng(SEED)
    starts = [tuple(int(rng.integers(c)) for c in counts) for _ in range(sample)]
    start = time.perf_counter()
    for scenario in starts:
        compute_scenario_consistency(Scenario({d + 1: s + 1 for d, s in enumerate(scenario)}), model)
    per_scenario_ms = (time.perf_counter() - start) * 1000.0 / sample
    total = int(np.prod(counts))
    return {
        "sample": sample,
        "ms_per_scenario": round(per_scenario_ms, 4),
        "extrapolated_ms_531k": round(per_scenario_ms * total, 0),
        "extrapolated_ms_16m": round(per_scenario_ms * 4**12, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats, one 16.8M run (well under a minute)"
    )
    args = parser.parse_args()
    quick = args.quick
    repeats = 3 if quick else 7

    print(f"Cross-impact balance benchmark ({'quick' if quick else 'full'})")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPU(s), "
        f"{platform.machine()}, load {os.getloadavg()[0]:.2f}"
    )
    print()

    # 1: 12 x 3
    counts_3 = [3] * 12
    uniform = cross_impact_matrix(counts_3, SEED)
    sparse = cross_impact_matrix(counts_3, SEED, sparse=True)
    ms_531k, result = timed_ms(lambda: cib_scenarios(uniform, counts_3), repeats)
    sparse_ms, sparse_result = timed_ms(lambda: cib_scenarios(sparse, counts_3), repeats)
    near_ms, near_result = timed_ms(lambda: cib_scenarios(uniform, counts_3, 2), repeats)
    assert hasattr(result, "matched_count") and hasattr(sparse_result, "matched_count")
    assert hasattr(near_result, "matched_count")
    print(f"12 drivers x 3 states = 531,441 scenarios (median of {repeats}; target under 1,000 ms)")
    print(f"  uniform -3..3 matrix:     {ms_531k:8.1f} ms  ({result.matched_count} consistent)")
    print(f"  sparse realistic matrix:  {sparse_ms:8.1f} ms  ({sparse_result.matched_count} consistent)")
    print(f"  inconsistency up to 2:    {near_ms:8.1f} ms  ({near_result.matched_count} listed)")

    # 2: 12 x 4
    counts_4 = [4] * 12
    uniform_4 = cross_impact_matrix(counts_4, SEED + 1)
    calls: list[int] = []

    def with_progress() -> object:
        calls.clear()
        return cib_scenarios(uniform_4, counts_4, progress=lambda done, total: calls.append(done))

    ms_16m, result_16m = timed_ms(with_progress, 1 if quick else 3, warm_up=False)
    assert hasattr(result_16m, "matched_count")
    tracemalloc.start()
    cib_scenarios(uniform_4, counts_4)
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(
        f"12 drivers x 4 states = 16,777,216 scenarios ({'one run' if quick else 'median of 3'}; target under 30 s)"
    )
    print(
        f"  uniform -3..3 matrix:     {ms_16m:8.1f} ms  ({result_16m.matched_count} consistent, "
        f"{len(calls)} progress reports, peak {peak_mb:.1f} MiB)"
    )

    # 3: a group
    group = np.stack([cross_impact_matrix(counts_3, SEED + 10 + k, sparse=True) for k in range(5)])
    ensemble_ms, ensemble = timed_ms(lambda: cib_ensemble(group, counts_3), 1 if quick else 3)
    assert hasattr(ensemble, "scenarios")
    print(f"  ensemble of 5 members (12 x 3): {ensemble_ms:8.1f} ms  ({len(ensemble.scenarios)} scenarios)")
    print()

    # 4: prophesy-cib
    prophesy = prophesy_figures(uniform, counts_3, 300 if quick else 2000)
    if prophesy is None:
        print("prophesy-cib: not installed")
    else:
        print(
            f"prophesy-cib: {prophesy['ms_per_scenario']:.3f} ms per scenario's consistency "
            f"(sample of {prophesy['sample']}): about {prophesy['extrapolated_ms_531k'] / 1000:,.0f} s for "
            f"531,441 and {prophesy['extrapolated_ms_16m'] / 3_600_000:,.1f} h for 16.8 million"
        )
    print()

    print(
        json.dumps(
            {
                "cib_ms_531k": round(ms_531k, 1),
                "cib_ms_16m": round(ms_16m, 1),
                "cib_ms_531k_sparse": round(sparse_ms, 1),
                "cib_ms_531k_within_2": round(near_ms, 1),
                "cib_ensemble_ms_531k_5_members": round(ensemble_ms, 1),
                "consistent_531k": result.matched_count,
                "consistent_16m": result_16m.matched_count,
                "progress_reports_16m": len(calls),
                "peak_memory_mb_16m": round(peak_mb, 1),
                "prophesy": prophesy,
                "config": {"repeats": repeats, "seed": SEED, "quick": quick},
            },
            separators=(",", ":"),
        )
    )


if __name__ == "__main__":
    main()
