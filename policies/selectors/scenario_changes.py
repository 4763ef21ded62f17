"""Which scenario judgments a participant set apart from their baseline.

Scenario tables and forms start from the baseline, so a complete baseline makes them complete too; what tells a
facilitator that someone has thought about the futures is what they changed there. The weighting forms, the AHP
pairs, the scoring table (its "changed" marks) and the dashboard's count all use this one rule.
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray

from policies.selectors.exercise_arrays import ExerciseArrays

# A scenario value this close to the baseline is the baseline (what the screens prefill, read back).
CHANGE_TOLERANCE = 1e-6


def differs_from_baseline(specific: Any, baseline: Any) -> Any:
    """Whether a scenario judgment was set apart from the baseline: given, and the baseline missing or away
    from it. Works on single values (a screen marking a cell) and on arrays (the dashboard counting them)."""
    return ~np.isnan(specific) & (np.isnan(baseline) | (np.abs(specific - baseline) > CHANGE_TOLERANCE))


def scenario_changes(arrays: ExerciseArrays) -> NDArray[np.int64]:
    """Per participant, how many scenario judgments (scores, and weights when they differ by scenario) differ
    from their own baseline."""

    def changed(specific: NDArray[np.float64], baseline: NDArray[np.float64]) -> NDArray[np.int64]:
        differs = differs_from_baseline(specific, baseline)
        return np.asarray(differs.reshape(differs.shape[0], differs.shape[1], -1).sum(axis=(0, 2)))

    counts = np.zeros(len(arrays.participants), dtype=np.int64)
    if not arrays.scenarios or not arrays.participants:
        return counts
    counts += changed(arrays.scenario_scores, arrays.scores[np.newaxis])
    if arrays.weights_by_scenario:
        counts += changed(arrays.scenario_weights, arrays.weights[np.newaxis])
    return counts
