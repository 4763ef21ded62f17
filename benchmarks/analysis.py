#!/usr/bin/env python
"""Benchmark of the decision engine (`policies.analysis`): is it fast enough for a live workshop?

Run from anywhere: ``python benchmarks/analysis.py`` (full) or ``--quick`` (under a minute).
It measures, on synthetic data with a fixed seed:

1. SMAA-2 with 10,000 weight samples on 12 options x 15 criteria for the weighted sum, TOPSIS
   and PROMETHEE II (median of several runs, in ms, sampling and ranking included).
2. The same computation done the naive way with pymcdm, one sample at a time (score with pymcdm,
   rank with pymcdm's ``rrankdata``, count ranks). Only a subset of the samples is timed and the
   time is extrapolated linearly to 10,000 (stated in the output); the results on that subset are
   checked against ours. pymcdm's input validation is switched off, its fastest path.
3. A whole workshop exercise (12 options x 15 criteria x 50 participants x 6 scenarios): group
   aggregation and consensus per scenario, the three methods per scenario, robustness over the
   scenarios, weight sensitivity and SMAA at 10,000 samples for each method.
4. How time grows with options, samples and participants (text table), and the peak memory of
   one exercise (tracemalloc).

The last printed line is one JSON object with ``smaa_ms``, ``speedup_vs_pymcdm``,
``exercise_ms``, ``peak_memory_mb`` and the ``scaling`` rows.
"""

from __future__ import annotations

import argparse
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

from policies import analysis  # noqa: E402

METHODS = ("weighted_sum", "topsis", "promethee_ii")
OPTIONS, CRITERIA, PARTICIPANTS, SCENARIOS, SAMPLES = 12, 15, 50, 6, 10_000
SEED = 20240601


def median_ms(function: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``repeats`` calls after one warm-up call, in milliseconds."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def decision_problem(options: int, criteria: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    matrix = rng.uniform(1.0, 10.0, (options, criteria)) * rng.uniform(0.5, 100.0, criteria)
    types = np.where(rng.random(criteria) < 0.3, -1, 1)
    return matrix, types


def weight_samples(samples: int, criteria: int, seed: int) -> np.ndarray:
    """The very draws smaa() makes for weights=None: normalised exponentials (uniform simplex)."""
    draws = np.random.default_rng(seed).standard_exponential((samples, criteria))
    return draws / draws.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------- pymcdm baseline


def pymcdm_method(method: str) -> Any:
    from pymcdm import normalizations
    from pymcdm.methods import PROMETHEE_II, TOPSIS, WSM

    if method == "weighted_sum":
        return WSM(normalizations.minmax_normalization)
    if method == "topsis":
        return TOPSIS(normalizations.vector_normalization)
    return PROMETHEE_II("usual")


def pymcdm_acceptability(
    method: str, matrix: np.ndarray, types: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Naive SMAA: one pymcdm call and one ranking per weight sample."""
    from pymcdm.helpers import rrankdata

    body = pymcdm_method(method)
    n = matrix.shape[0]
    counts = np.zeros((n, n))
    for w in weights:
        scores = body(matrix, w, types, validation=False)
        ranks = rrankdata(scores).astype(int)
        counts[np.arange(n), ranks - 1] += 1
    return counts / len(weights)


# --------------------------------------------------------------------------- the exercise


def exercise_data(
    options: int, criteria: int, participants: int, scenarios: int, seed: int
) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    truth = rng.uniform(2.0, 8.0, (scenarios, 1, options, criteria))
    scores = np.clip(
        np.round(truth + rng.normal(0.0, 1.5, (scenarios, participants, options, criteria))), 0, 10
    )
    scores[rng.random(scores.shape) < 0.1] = np.nan  # skipped cells
    scores[:, 0] = np.clip(np.round(truth[:, 0]), 0, 10)  # the facilitator scored everything
    points = rng.integers(0, 20, (participants, criteria)).astype(float)
    points[:, 0] += 1.0  # nobody gives all zeros
    return {"scores": scores, "points": points, "types": np.where(rng.random(criteria) < 0.3, -1, 1)}


def run_exercise(data: dict[str, Any], samples: int, seed: int) -> dict[str, Any]:
    """Everything the results pages need after one save, for every method."""
    scores, types = data["scores"], data["types"]
    matrices = [analysis.aggregate_scores(s, "mean") for s in scores]
    agreement = [analysis.consensus(s) for s in scores]
    points = data["points"]
    weights = (points / points.sum(axis=1, keepdims=True)).mean(axis=0)
    out: dict[str, Any] = {"consensus": agreement}
    for method in METHODS:
        score = getattr(analysis, method)
        utilities = np.stack([score(m, weights, types) for m in matrices], axis=1)
        out[method] = {
            "ranks": analysis.rank(utilities[:, 0]),
            "robustness": analysis.robustness(utilities),
            "sensitivity": analysis.weight_sensitivity(matrices[0], weights, types, method=method),
            "smaa": analysis.smaa(matrices[0], types, method=method, n_samples=samples, seed=seed),
        }
    return out


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats and a smaller pymcdm subset (<1 min)"
    )
    args = parser.parse_args()
    quick = args.quick
    repeats = 3 if quick else 9
    subset = 200 if quick else 500

    print(f"policies.analysis benchmark ({'quick' if quick else 'full'})")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPU(s), "
        f"{platform.machine()}"
    )
    print()

    # 1 + 2: SMAA against pymcdm, sample by sample
    matrix, types = decision_problem(OPTIONS, CRITERIA, SEED)
    weights = weight_samples(SAMPLES, CRITERIA, SEED)
    smaa_ms: dict[str, float] = {}
    pymcdm_ms: dict[str, float] = {}
    speedup: dict[str, float] = {}
    agreement: dict[str, float] = {}
    print(
        f"SMAA-2, {SAMPLES:,} weight samples, {OPTIONS} options x {CRITERIA} criteria "
        f"(median of {repeats} runs)"
    )
    for method in METHODS:
        smaa_ms[method] = median_ms(
            partial(analysis.smaa, matrix, types, method, n_samples=SAMPLES, seed=SEED), repeats
        )
        start = time.perf_counter()
        theirs = pymcdm_acceptability(method, matrix, types, weights[:subset])
        per_sample = (time.perf_counter() - start) * 1000.0 / subset
        pymcdm_ms[method] = per_sample * SAMPLES
        speedup[method] = pymcdm_ms[method] / smaa_ms[method]
        ours = analysis.smaa(matrix, types, method, weights=weights[:subset]).rank_acceptability
        agreement[method] = float(np.max(np.abs(ours - theirs)))
        print(
            f"  {method:<13} {smaa_ms[method]:8.1f} ms   pymcdm one sample at a time: "
            f"{pymcdm_ms[method]:9.1f} ms (timed {subset} samples, extrapolated x{SAMPLES // subset})   "
            f"speedup {speedup[method]:6.1f}x   max |difference| on the subset {agreement[method]:.1e}"
        )
    print()

    # 3: the whole exercise
    data = exercise_data(OPTIONS, CRITERIA, PARTICIPANTS, SCENARIOS, SEED)
    exercise_ms = median_ms(partial(run_exercise, data, SAMPLES, SEED), repeats)
    tracemalloc.start()
    run_exercise(data, SAMPLES, SEED)
    peak_memory_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(
        f"Whole exercise ({OPTIONS} options x {CRITERIA} criteria x {PARTICIPANTS} participants x "
        f"{SCENARIOS} scenarios; aggregation + consensus, 3 methods, robustness, sensitivity, "
        f"SMAA {SAMPLES:,}):"
    )
    print(f"  {exercise_ms:.1f} ms (median of {repeats}), peak traced memory {peak_memory_mb:.1f} MiB")
    print()

    # 4: scaling
    scale_repeats = 1 if quick else 3
    configurations = (
        [("options", n, SAMPLES, PARTICIPANTS) for n in (6, 12, 24, 48)]
        + [("samples", OPTIONS, s, PARTICIPANTS) for s in (1_000, 10_000, 50_000 if quick else 100_000)]
        + [("participants", OPTIONS, SAMPLES, p) for p in (10, 50, 200)]
    )
    scaling: list[dict[str, Any]] = []
    print(f"Scaling (median of {scale_repeats}; criteria {CRITERIA}, scenarios {SCENARIOS})")
    print(
        f"  {'vary':<13}{'options':>8}{'samples':>9}{'particip.':>10}"
        f"{'smaa ws':>10}{'smaa topsis':>12}{'smaa prom.':>11}{'exercise':>10}  (ms)"
    )
    for vary, options, samples, participants in configurations:
        problem, problem_types = decision_problem(options, CRITERIA, SEED + options)
        row_smaa = {
            method: round(
                median_ms(
                    partial(analysis.smaa, problem, problem_types, method, n_samples=samples, seed=SEED),
                    scale_repeats,
                ),
                2,
            )
            for method in METHODS
        }
        row_data = exercise_data(options, CRITERIA, participants, SCENARIOS, SEED)
        row_exercise = median_ms(partial(run_exercise, row_data, samples, SEED), scale_repeats)
        scaling.append(
            {
                "vary": vary,
                "options": options,
                "criteria": CRITERIA,
                "samples": samples,
                "participants": participants,
                "smaa_ms": row_smaa,
                "exercise_ms": round(row_exercise, 2),
            }
        )
        print(
            f"  {vary:<13}{options:>8}{samples:>9}{participants:>10}{row_smaa['weighted_sum']:>10.1f}"
            f"{row_smaa['topsis']:>12.1f}{row_smaa['promethee_ii']:>11.1f}{row_exercise:>10.1f}"
        )
    print()

    result = {
        "smaa_ms": {k: round(v, 2) for k, v in smaa_ms.items()},
        "speedup_vs_pymcdm": {k: round(v, 1) for k, v in speedup.items()},
        "pymcdm_ms_extrapolated": {k: round(v, 1) for k, v in pymcdm_ms.items()},
        "pymcdm_samples_timed": subset,
        "pymcdm_max_abs_difference": agreement,
        "exercise_ms": round(exercise_ms, 2),
        "peak_memory_mb": round(peak_memory_mb, 2),
        "scaling": scaling,
        "config": {
            "options": OPTIONS,
            "criteria": CRITERIA,
            "participants": PARTICIPANTS,
            "scenarios": SCENARIOS,
            "samples": SAMPLES,
            "repeats": repeats,
            "quick": quick,
        },
    }
    print(json.dumps(result, separators=(",", ":")))


if __name__ == "__main__":
    main()
