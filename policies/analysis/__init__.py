"""The workbench's decision-analysis engine: pure numpy/scipy, no Django, no I/O.

Every number the workbench shows comes from this package, and analysts check those
numbers against textbooks and other libraries, so the conventions are fixed and
the same in every function:

Conventions
-----------
* **Decision matrix**: options (rows) x criteria (columns), finite numbers, at least
  two options. Criterion values stay in their own units; each method normalises.
* **Criterion types**: ``1`` = benefit (higher is better), ``-1`` = cost (lower is
  better); nothing else is accepted.
* **Weights**: non-negative, not all zero, and normalised to sum to 1 inside every
  function (so points, percentages or fractions all work). Every method accepts one
  weight vector (criteria,) and returns scores (options,), or a batch of weight
  vectors (samples x criteria) and returns samples x options, computed in one
  vectorised pass.
* **Scores** returned by methods: higher = better (weighted sum in [0, 1] with
  min-max normalisation, TOPSIS closeness in [0, 1], PROMETHEE II net flow in
  [-1, 1], normalised by n - 1).
* **Ranks**: 1 = best; options that tie share the best place they span and the
  next place is skipped (competition ranking: 1, 1, 3). Scores within
  1e-9 x max(1, max|score|) of each other are ties (floating-point noise must not
  crown a winner).
* **Invalid input** (NaN, infinite, wrong shapes, negative or all-zero weights, a
  single option, types other than 1/-1, unknown method names) raises ``ValueError``
  with a message meant for a workshop facilitator; positions in messages count
  from 1 ("option 2, criterion 3").
* **Missing judgments**: only the group functions (:func:`aggregate_scores`,
  :func:`consensus`, :func:`resample_scores`) accept NaN, meaning "this participant
  did not score this cell" in a participants x options x criteria array, and
  :func:`group_ahp_priorities`, which leaves out a participant's unfinished
  pairwise matrix (one holding a NaN).
* **Randomness**: :func:`smaa` and :func:`resample_scores` take a ``seed`` (or a
  numpy ``Generator``); the same seed gives the same result.
* Results with several parts are frozen dataclasses whose fields are documented on
  the class.

Public API
----------
Methods: :func:`weighted_sum`, :func:`weighted_sum_each`, :func:`weighted_sum_contributions`,
:func:`topsis`, :func:`promethee_ii`, :func:`normalize`, and the dispatch every screen ranks
with, :func:`method_scores`, :func:`method_contributions` and :func:`method_parts` (the weight-free
parts of an additive method).
Weights: :func:`ahp_priorities` (:class:`AHPResult`),
:func:`most_inconsistent_comparisons` (:class:`InconsistentComparison`),
:func:`aggregate_pairwise`, :func:`group_ahp_priorities`, :func:`roc_weights`, :func:`swing_weights`,
:func:`direct_point_weights`, :func:`normalize_points`, :func:`roc_from_points`.
Ranking: :func:`rank`, :func:`kendall_w`, :func:`kendall_tau`.
Group: :func:`aggregate_scores`, :func:`consensus` (:class:`ConsensusResult`), :func:`quantiles`,
:func:`individual_scores`, :func:`resample_scores`.
Uncertainty: :func:`robustness` (:class:`RobustnessResult`),
:func:`weight_sensitivity` (:class:`SensitivityResult`, :class:`RankReversal`), :func:`weight_path`,
:func:`smaa` (:class:`SMAAResult`).
Scenarios: :func:`consistent_combinations` (:class:`ScenarioSpace`), :func:`combination_consistency`.
Cross-impact balances: :func:`cib_balances`, :func:`cib_scenarios` (:class:`CIBScenarios`),
:func:`cib_succession`, :func:`cib_ensemble` (:class:`CIBEnsemble`); whole-number impacts,
rows the source variant, columns the target, see ``cib.py``.
"""

from .cib import CIBEnsemble, CIBScenarios, cib_balances, cib_ensemble, cib_scenarios, cib_succession
from .group import ConsensusResult, aggregate_scores, consensus, individual_scores, quantiles, resample_scores
from .methods import (
    method_contributions,
    method_parts,
    method_scores,
    normalize,
    promethee_ii,
    topsis,
    weighted_sum,
    weighted_sum_contributions,
    weighted_sum_each,
)
from .ranking import kendall_tau, kendall_w, rank
from .robustness import RobustnessResult, robustness
from .scenarios import ScenarioSpace, combination_consistency, consistent_combinations
from .sensitivity import RankReversal, SensitivityResult, weight_path, weight_sensitivity
from .smaa import SMAAResult, smaa
from .weights import (
    AHPResult,
    InconsistentComparison,
    aggregate_pairwise,
    ahp_priorities,
    direct_point_weights,
    group_ahp_priorities,
    most_inconsistent_comparisons,
    normalize_points,
    roc_from_points,
    roc_weights,
    swing_weights,
)

__all__ = [
    "AHPResult",
    "CIBEnsemble",
    "CIBScenarios",
    "ConsensusResult",
    "InconsistentComparison",
    "RankReversal",
    "RobustnessResult",
    "SMAAResult",
    "ScenarioSpace",
    "SensitivityResult",
    "aggregate_pairwise",
    "aggregate_scores",
    "ahp_priorities",
    "cib_balances",
    "cib_ensemble",
    "cib_scenarios",
    "cib_succession",
    "combination_consistency",
    "consensus",
    "consistent_combinations",
    "direct_point_weights",
    "group_ahp_priorities",
    "individual_scores",
    "kendall_tau",
    "kendall_w",
    "method_contributions",
    "method_parts",
    "method_scores",
    "most_inconsistent_comparisons",
    "normalize",
    "normalize_points",
    "promethee_ii",
    "quantiles",
    "rank",
    "resample_scores",
    "robustness",
    "roc_from_points",
    "roc_weights",
    "smaa",
    "swing_weights",
    "topsis",
    "weight_path",
    "weight_sensitivity",
    "weighted_sum",
    "weighted_sum_contributions",
    "weighted_sum_each",
]
