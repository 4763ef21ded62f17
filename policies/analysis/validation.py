"""Input checks shared by every analysis function.

A workshop facilitator, not a programmer, usually reads these errors (the Django
layer shows the message as it is), so every check raises ``ValueError`` with a
sentence that names the offending cell and says what to change. Positions in
messages are counted from 1 ("option 2, criterion 3"), the way a person counts
rows in a table; the arrays themselves are ordinary 0-based numpy arrays.

Conventions enforced here:

* a decision matrix is options (rows) x criteria (columns), finite, with at least
  two options and one criterion;
* criterion types are exactly ``1`` (benefit: higher is better) or ``-1`` (cost:
  lower is better);
* weights are finite, non-negative and not all zero; they are returned normalised
  to sum to 1, either as one vector or as a batch (samples x criteria).

NaN is never accepted as a value here, except by :func:`check_participant_scores`,
where it means "this participant did not score this cell" (see ``group.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._types import FloatArray

__all__ = [
    "check_matrix",
    "check_nonnegative_vector",
    "check_participant_scores",
    "check_score_samples",
    "check_types",
    "check_weights",
    "to_float_array",
]


def to_float_array(value: ArrayLike, what: str) -> FloatArray:
    """Convert to a float64 array, turning numpy's conversion errors into a plain sentence."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"The {what} must contain only numbers arranged in a regular table (every row the same length)."
        ) from None
    return array


def _position(index: Sequence[int], labels: Sequence[str]) -> str:
    return ", ".join(f"{label} {i + 1}" for label, i in zip(labels, index, strict=True))


def _require_finite(array: FloatArray, what: str, labels: Sequence[str]) -> None:
    nan = np.isnan(array)
    if nan.any():
        where = _position(np.argwhere(nan)[0].tolist(), labels)
        raise ValueError(
            f"The {what} has a missing value (NaN) at {where}. "
            "Every cell needs a number before the analysis can run."
        )
    inf = np.isinf(array)
    if inf.any():
        where = _position(np.argwhere(inf)[0].tolist(), labels)
        raise ValueError(
            f"The {what} has an infinite value at {where}. "
            "Replace it with a finite number on the criterion's scale."
        )


def check_matrix(
    matrix: ArrayLike, *, what: str = "decision matrix", columns: str = "criterion", min_options: int = 2
) -> FloatArray:
    """Validate an options x criteria table; ranking needs at least two options to compare.

    ``columns`` names what the columns are in messages (criteria, or scenarios for a
    utility table); ``min_options`` is 1 only where a lone option still makes sense.
    """
    array = to_float_array(matrix, what)
    if array.ndim != 2:
        raise ValueError(
            f"The {what} must be a table with one row per option and one column per "
            f"{columns}; got an array with {array.ndim} dimension(s)."
        )
    n_options, n_criteria = array.shape
    if n_criteria == 0:
        raise ValueError(f"The {what} has no columns; add at least one {columns}.")
    if n_options < min_options:
        raise ValueError(
            f"The {what} has {n_options} option(s); at least two options are needed to compare and rank."
        )
    _require_finite(array, what, ("option", columns))
    return array


def check_types(types: ArrayLike, n_criteria: int) -> FloatArray:
    """Validate criterion directions: exactly 1 (benefit) or -1 (cost), one per criterion."""
    array = to_float_array(types, "criterion types")
    if array.ndim != 1 or array.shape[0] != n_criteria:
        raise ValueError(
            f"There must be one criterion type per criterion ({n_criteria}); "
            f"got {array.size} value(s) with shape {array.shape}."
        )
    _require_finite(array, "criterion types", ("criterion",))
    bad = ~np.isin(array, (1.0, -1.0))
    if bad.any():
        j = int(np.argmax(bad))
        raise ValueError(
            f"Criterion {j + 1} has type {array[j]:g}; a criterion type must be 1 "
            "(benefit: higher is better) or -1 (cost: lower is better)."
        )
    return array


def check_weights(weights: ArrayLike, n_criteria: int) -> tuple[FloatArray, bool]:
    """Validate weights and normalise them to sum to 1.

    Returns ``(batch, is_batch)`` where ``batch`` is always samples x criteria (a single
    vector becomes one row) so that every method has one vectorised code path;
    ``is_batch`` tells the caller whether to hand back a 1-D or a 2-D result.
    """
    array = to_float_array(weights, "weights")
    if array.ndim == 1:
        is_batch = False
        batch = array[np.newaxis, :]
    elif array.ndim == 2:
        is_batch = True
        batch = array
    else:
        raise ValueError(
            "Weights must be one vector (one weight per criterion) or a table of weight "
            f"samples (samples x criteria); got an array with {array.ndim} dimensions."
        )
    if batch.shape[1] != n_criteria:
        raise ValueError(
            f"There are {batch.shape[1]} weight(s) per vector but the decision matrix "
            f"has {n_criteria} criteria; give exactly one weight per criterion."
        )
    if batch.shape[0] == 0:
        raise ValueError("The table of weight samples is empty.")
    labels = ("weight sample", "criterion") if is_batch else ("criterion",)
    _require_finite(array, "weights", labels)
    negative = batch < 0
    if negative.any():
        s, j = (int(v) for v in np.argwhere(negative)[0])
        sample = f" in weight sample {s + 1}" if is_batch else ""
        raise ValueError(
            f"The weight of criterion {j + 1}{sample} is negative ({batch[s, j]:g}). "
            "Weights express importance and must be zero or positive."
        )
    totals = batch.sum(axis=1)
    zero = totals <= 0
    if zero.any():
        sample = f"In weight sample {int(np.argmax(zero)) + 1}, all" if is_batch else "All"
        raise ValueError(
            f"{sample} criterion weights are zero, so nothing would be compared. "
            "Give at least one criterion a positive weight."
        )
    return batch / totals[:, np.newaxis], is_batch


def check_nonnegative_vector(values: ArrayLike, length: int, what: str, item: str) -> FloatArray:
    """Validate a vector of non-negative amounts (participant weights, probabilities, points).

    Returned unnormalised: each caller decides whether a total is meaningful.
    """
    array = to_float_array(values, what)
    if array.ndim != 1 or array.shape[0] != length:
        raise ValueError(
            f"The {what} must have one value per {item} ({length}); "
            f"got {array.size} value(s) with shape {array.shape}."
        )
    _require_finite(array, what, (item,))
    negative = array < 0
    if negative.any():
        i = int(np.argmax(negative))
        raise ValueError(
            f"The {what} for {item} {i + 1} is negative ({array[i]:g}); use zero or a positive number."
        )
    if not (array > 0).any():
        raise ValueError(f"All {what} are zero; at least one must be positive.")
    return array


def check_participant_scores(scores: ArrayLike) -> FloatArray:
    """Validate a participants x options x criteria array where NaN means "not scored".

    This is the one place where NaN is legitimate: a participant may skip a cell.
    Infinite values are still an error because they are never a judgment. Zero
    participants is allowed (nobody has scored yet).
    """
    array = to_float_array(scores, "participants' scores")
    if array.ndim != 3:
        raise ValueError(
            "Participants' scores must be a participants x options x criteria array; "
            f"got an array with {array.ndim} dimension(s)."
        )
    _, n_options, n_criteria = array.shape
    if n_options == 0 or n_criteria == 0:
        raise ValueError(
            f"Participants' scores need at least one option and one criterion; got shape {array.shape}."
        )
    inf = np.isinf(array)
    if inf.any():
        where = _position(np.argwhere(inf)[0].tolist(), ("participant", "option", "criterion"))
        raise ValueError(
            f"The participants' scores have an infinite value at {where}. "
            "Leave a cell empty (NaN) if it was not scored."
        )
    return array


def check_score_samples(samples: ArrayLike, n_options: int, n_criteria: int) -> FloatArray:
    """Validate Monte Carlo score samples (samples x options x criteria) against the matrix."""
    array = to_float_array(samples, "score samples")
    if array.ndim != 3 or array.shape[1:] != (n_options, n_criteria) or array.shape[0] == 0:
        raise ValueError(
            "Score samples must be a samples x options x criteria array matching the "
            f"decision matrix ({n_options} options x {n_criteria} criteria); "
            f"got shape {array.shape}."
        )
    _require_finite(array, "score samples", ("sample", "option", "criterion"))
    return array
