"""SMAA-2: what ranks each option can reach when weights (and scores) are uncertain.

Instead of asking a workshop for exact weights, SMAA samples every weight vector
the group might hold and reports how often each option lands in each place. It
answers "which options could win, and how robustly?", the question behind most
policy-option discussions, without forcing false precision.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._types import FloatArray, IntArray
from .methods import Scorer, prepare
from .ranking import DEFAULT_TIE_TOLERANCE, competition_ranks
from .validation import check_matrix, check_score_samples, check_types, check_weights

__all__ = ["SMAAResult", "smaa"]


@dataclass(frozen=True)
class SMAAResult:
    """Stochastic multicriteria acceptability analysis results (SMAA-2).

    Attributes:
        rank_acceptability: options x ranks; entry (i, r) is the share of samples in
            which option i takes rank r + 1 (1 = best). Each row and each column sums
            to 1: when options tie in a sample they share the places they span equally.
        central_weights: options x criteria; the average weight vector over the samples
            in which the option is first, i.e. the "typical" preferences that make it
            win. A row of NaN for an option that is never first (no such weights exist).
        confidence: per option, the share of samples in which the option is first when
            the weights are fixed at its central weights (over the score samples if any,
            otherwise on the matrix itself, giving 0 or 1 unless it ties). 0 for an
            option that is never first.
        n_samples: number of Monte Carlo samples used.
        method: scoring method used.
    """

    rank_acceptability: FloatArray
    central_weights: FloatArray
    confidence: FloatArray
    n_samples: int
    method: str


def _first_share(ranks: IntArray, sizes: IntArray) -> FloatArray:
    """Share of first place per sample and option (1/k for a k-way tie for first)."""
    share: FloatArray = np.where(ranks == 1, 1.0 / sizes, 0.0)
    return share


def _acceptability(ranks: IntArray, sizes: IntArray) -> FloatArray:
    """Options x ranks frequencies, ties spread evenly over the places they span."""
    n_samples, n = ranks.shape
    start = ranks - 1
    share = (1.0 / sizes).ravel()
    option = np.broadcast_to(np.arange(n), (n_samples, n))
    width = n + 1
    opened = np.bincount((option * width + start).ravel(), weights=share, minlength=n * width)
    closed = np.bincount((option * width + start + sizes).ravel(), weights=share, minlength=n * width)
    running = np.cumsum((opened - closed).reshape(n, width), axis=1)[:, :n]
    result: FloatArray = np.clip(running / n_samples, 0.0, 1.0)
    return result


def _confidence(
    scorer: Scorer, central: FloatArray, defined: IntArray, has_score_samples: bool
) -> FloatArray:
    confidence = np.zeros(scorer.n_options)
    if defined.size == 0:
        return confidence
    if has_score_samples:
        scores = scorer.scores_cross(central[defined])  # (k, samples, options)
        k, samples, n = scores.shape
        ranks, sizes = competition_ranks(scores.reshape(k * samples, n), DEFAULT_TIE_TOLERANCE)
        first = _first_share(ranks, sizes).reshape(k, samples, n)
        confidence[defined] = first[np.arange(k), :, defined].mean(axis=1)
    else:
        ranks, sizes = competition_ranks(scorer.scores(central[defined]), DEFAULT_TIE_TOLERANCE)
        confidence[defined] = _first_share(ranks, sizes)[np.arange(defined.size), defined]
    return confidence


def smaa(
    matrix: ArrayLike,
    types: ArrayLike,
    method: str = "weighted_sum",
    n_samples: int = 10_000,
    weights: ArrayLike | None = None,
    seed: int | np.random.Generator | None = None,
    *,
    score_samples: ArrayLike | None = None,
    **method_options: object,
) -> SMAAResult:
    """SMAA-2 rank acceptabilities, central weights and confidence factors.

    Sampling:

    * ``weights=None``: ``n_samples`` weight vectors uniform on the simplex (normalised
      i.i.d. exponentials, i.e. Dirichlet(1, ..., 1): "no preference information").
    * ``weights`` 2-D (samples x criteria): these samples are used as given, each
      normalised to sum 1 (e.g. draws around elicited weights, or each participant's
      own weights); ``n_samples`` is then ignored.
    * ``weights`` 1-D: fixed weights; only the scores vary (needs ``score_samples`` to
      be informative).
    * ``score_samples`` (samples x options x criteria, e.g. from
      :func:`policies.analysis.resample_scores`): criterion values are uncertain too;
      sample s is scored with weight sample s, and the number of samples is
      ``len(score_samples)`` (a 2-D ``weights`` must then have the same length).
      ``matrix`` still fixes the shape and is validated as the reference table.

    Every sample is scored by ``method`` (``"weighted_sum"``, ``"topsis"`` or
    ``"promethee_ii"``, with its options) in one vectorised pass and ranked with
    the package convention (1 = best; ties, within the tie tolerance of
    :func:`policies.analysis.rank`, share the places they span equally).

    Formulas: acceptability ``b_i^r`` = share of samples with option i at rank r;
    central weight ``w_i^c`` = mean weight vector over the samples where i is first;
    confidence ``p_i^c`` = share of (score) samples where i is first under ``w_i^c``.
    The same ``seed`` gives the same result (numpy ``Generator``; a Generator can be
    passed instead of a seed).

    Reference: Lahdelma, R., & Salminen, P. (2001). SMAA-2: Stochastic multicriteria
    acceptability analysis for group decision making. Operations Research, 49(3),
    444-454; Tervonen, T., & Figueira, J. R. (2008). A survey on stochastic
    multicriteria acceptability analysis methods. Journal of Multi-Criteria Decision
    Analysis, 15(1-2), 1-14.
    """
    values = check_matrix(matrix)
    n_options, n_criteria = values.shape
    directions = check_types(types, n_criteria)
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"The number of samples must be a positive whole number; got {n_samples!r}.")
    rng = np.random.default_rng(seed)

    samples_matrix: FloatArray | None = None
    if score_samples is not None:
        samples_matrix = check_score_samples(score_samples, n_options, n_criteria)
    count = int(n_samples) if samples_matrix is None else samples_matrix.shape[0]

    if weights is None:
        draws = rng.standard_exponential((count, n_criteria))
        weight_samples = draws / draws.sum(axis=1, keepdims=True)
    else:
        batch, is_batch = check_weights(weights, n_criteria)
        if not is_batch:
            weight_samples = np.broadcast_to(batch, (count, n_criteria))
        elif samples_matrix is not None and batch.shape[0] != count:
            raise ValueError(
                f"There are {batch.shape[0]} weight samples but {count} score samples; "
                "give one weight vector per score sample, or a single weight vector."
            )
        else:
            weight_samples = batch
            count = batch.shape[0]

    scorer = prepare(
        method, values if samples_matrix is None else samples_matrix, directions, **method_options
    )
    scores = scorer.scores(np.ascontiguousarray(weight_samples))
    ranks, sizes = competition_ranks(scores, DEFAULT_TIE_TOLERANCE)
    acceptability = _acceptability(ranks, sizes)

    first = _first_share(ranks, sizes)
    first_total = first.sum(axis=0)
    defined = np.flatnonzero(first_total > 0).astype(np.int64)
    central = np.full((n_options, n_criteria), np.nan)
    central[defined] = (first[:, defined].T @ weight_samples) / first_total[defined, np.newaxis]
    confidence = _confidence(scorer, central, defined, samples_matrix is not None)
    return SMAAResult(
        rank_acceptability=acceptability,
        central_weights=central,
        confidence=confidence,
        n_samples=count,
        method=method,
    )
