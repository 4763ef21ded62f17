"""Choosing under deep uncertainty: classic decision rules over an options x scenarios table.

A workshop rarely agrees on scenario probabilities, so the workbench shows several
rules side by side; an option that several rules choose is a robust choice, and
disagreement between the rules tells the facilitator what the choice hinges on
(optimism, regret aversion, belief in some scenarios).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike

from ._types import FloatArray
from .ranking import DEFAULT_TIE_TOLERANCE, competition_ranks
from .validation import check_matrix, check_nonnegative_vector

__all__ = ["RULES", "RobustnessResult", "robustness"]

#: Decision rules reported by :func:`robustness`, in display order.
RULES = ("expected_value", "laplace", "maximin", "maximax", "hurwicz", "max_regret")


@dataclass(frozen=True)
class RobustnessResult:
    """Per-option values of each decision rule, and which option each rule picks.

    Attributes:
        expected_value: ``sum_s p_s u_is`` with the given scenario probabilities
            (uniform when none were given). Higher is better.
        laplace: mean over scenarios (equal probabilities whatever was given; the
            principle of insufficient reason). Higher is better.
        maximin: worst outcome over scenarios (Wald; pessimist). Higher is better.
        maximax: best outcome over scenarios (optimist). Higher is better.
        hurwicz: ``alpha * max + (1 - alpha) * min`` with alpha the optimism. Higher is better.
        max_regret: largest regret over scenarios (Savage). LOWER is better.
        regret: options x scenarios, ``max_k u_ks - u_is``: how much worse the option is
            than the best option had that scenario been known.
        probabilities: the scenario probabilities used (sum to 1).
        choices: rule name -> index of the chosen option (for ties, the lowest index
            among the tied best; check ``tied_choices``).
        tied_choices: rule name -> every option index that is best under the rule
            (more than one when the rule cannot separate them).
    """

    expected_value: FloatArray
    laplace: FloatArray
    maximin: FloatArray
    maximax: FloatArray
    hurwicz: FloatArray
    max_regret: FloatArray
    regret: FloatArray
    probabilities: FloatArray
    choices: Mapping[str, int]
    tied_choices: Mapping[str, tuple[int, ...]]


def robustness(
    utilities: ArrayLike,
    probabilities: ArrayLike | None = None,
    alpha: float = 0.5,
) -> RobustnessResult:
    """Evaluate options across scenarios with the classic rules for decisions under uncertainty.

    ``utilities`` is options x scenarios, higher = better (for instance the options'
    method scores computed once per scenario). ``probabilities`` are non-negative
    relative likelihoods, normalised to sum to 1 (uniform when omitted). ``alpha`` in
    [0, 1] is the Hurwicz optimism: 1 = maximax, 0 = maximin.

    Formulas: EV_i = sum_s p_s u_is; Laplace_i = mean_s u_is; maximin_i = min_s u_is;
    maximax_i = max_s u_is; Hurwicz_i = alpha max_s u_is + (1 - alpha) min_s u_is;
    regret_is = max_k u_ks - u_is and max_regret_i = max_s regret_is (minimised).
    Ties for the best value are detected with the same tie tolerance as
    :func:`policies.analysis.rank`.

    References: Luce, R. D., & Raiffa, H. (1957). Games and Decisions. Wiley, ch. 13;
    Savage, L. J. (1951). The theory of statistical decision. Journal of the American
    Statistical Association, 46(253), 55-67; Hurwicz, L. (1951). Optimality criteria
    for decision making under ignorance. Cowles Commission Discussion Paper 370.
    """
    table = check_matrix(utilities, what="utility table", columns="scenario")
    n_scenarios = table.shape[1]
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not (0.0 <= alpha <= 1.0):
        raise ValueError(f"The optimism alpha must be a number between 0 and 1; got {alpha!r}.")
    if probabilities is None:
        chances = np.full(n_scenarios, 1.0 / n_scenarios)
    else:
        raw = check_nonnegative_vector(probabilities, n_scenarios, "scenario probabilities", "scenario")
        chances = raw / raw.sum()
    worst = table.min(axis=1)
    best = table.max(axis=1)
    regret = table.max(axis=0, keepdims=True) - table
    values = {
        "expected_value": table @ chances,
        "laplace": table.mean(axis=1),
        "maximin": worst,
        "maximax": best,
        "hurwicz": alpha * best + (1.0 - alpha) * worst,
        "max_regret": regret.max(axis=1),
    }
    oriented = np.stack([-values[r] if r == "max_regret" else values[r] for r in RULES])
    ranks, _ = competition_ranks(oriented, DEFAULT_TIE_TOLERANCE)
    tied = {rule: tuple(int(i) for i in np.flatnonzero(ranks[k] == 1)) for k, rule in enumerate(RULES)}
    return RobustnessResult(
        expected_value=values["expected_value"],
        laplace=values["laplace"],
        maximin=values["maximin"],
        maximax=values["maximax"],
        hurwicz=values["hurwicz"],
        max_regret=values["max_regret"],
        regret=regret,
        probabilities=chances,
        choices=MappingProxyType({rule: options[0] for rule, options in tied.items()}),
        tied_choices=MappingProxyType(tied),
    )
