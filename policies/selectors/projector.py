"""What the projector shows on the wall of a live workshop: how to join, where the room stands, and once the
round is revealed, the room's weights, the spread of each option's score and how far the room agrees.

The wall is read by everyone in the room, so it shows what a participant may see (the visibility policy for a
viewer who is not a facilitator), whoever opens it: nothing of the current round's judgments before the reveal
in a blind exercise, and no names. Every number is the analysis bundle's (policies.selectors.analysis_results);
the only thing read with the facilitator's view is the room's progress (how many joined, weighed and scored),
which is counts, not judgments, and comes from the dashboard's own rule.
"""

from dataclasses import dataclass

import numpy as np

from policies.formatting import display_name, number, share
from policies.models import Exercise
from policies.selectors.analysis_results import AnalysisResults, analysis_results
from policies.selectors.dashboard import Dashboard, dashboard
from policies.selectors.visibility import Visibility, visibility_for


@dataclass(frozen=True)
class Mark:
    """A point on a chart's axis: its position in percent of the axis, and what it reads."""

    at: float
    text: str


@dataclass(frozen=True)
class WeightBar:
    name: str
    group: Mark  # the room's weight, as the bar's length
    people: tuple[Mark, ...]  # each participant's own weight, as dots


@dataclass(frozen=True)
class OptionSpread:
    name: str
    rank: int
    group: Mark  # the option's score for the room
    people: tuple[Mark, ...]  # each participant's own score of the option (their scores with their weights)


@dataclass(frozen=True)
class Wall:
    exercise: Exercise
    joined: int
    weighted: int
    finished: int
    # Whether the room may see the current round's results (False: blind until the reveal).
    revealed: bool
    weights: tuple[WeightBar, ...] = ()
    spread: tuple[OptionSpread, ...] = ()
    axis: tuple[str, str] = ("", "")  # the score axis' two ends, as written
    agreed: int = 0
    judged: int = 0
    agreement: Mark | None = None  # the share of judged cells the room agrees on
    kendall_w: str = ""
    scored: bool = False


def room_view(exercise: Exercise) -> Visibility:
    """The policy the wall follows: a participant's, since the whole room reads it."""
    return visibility_for(exercise, facilitator=False)


def wall(exercise: Exercise) -> Wall:
    seen = room_view(exercise)
    if not seen.group_results:
        # Counts only, from the facilitator's board; nothing else of this bundle reaches the wall.
        board = dashboard(
            exercise, analysis_results(exercise, visibility=visibility_for(exercise, facilitator=True))
        )
        return _counts(exercise, board, revealed=False)
    bundle = analysis_results(exercise, visibility=seen)
    board = dashboard(exercise, bundle)
    counts = _counts(exercise, board, revealed=True)
    consensus = bundle.consensus
    agreement = consensus.agreed_count / consensus.judged if consensus.judged else None
    low, high = _score_axis(bundle)
    return Wall(
        exercise=exercise,
        joined=counts.joined,
        weighted=counts.weighted,
        finished=counts.finished,
        revealed=True,
        weights=_weights(bundle),
        spread=_spread(bundle, low, high),
        axis=(number(low, 2), number(high, 2)),
        agreed=consensus.agreed_count,
        judged=consensus.judged,
        agreement=None if agreement is None else Mark(100 * agreement, share(agreement, 0)),
        kendall_w="" if consensus.kendall_w is None else number(consensus.kendall_w, 2),
        scored=bundle.results.participants_scoring > 0,
    )


def _counts(exercise: Exercise, board: Dashboard, *, revealed: bool) -> Wall:
    return Wall(
        exercise=exercise,
        joined=len(board.progress),
        weighted=board.weighting_complete,
        finished=board.scoring_complete,
        revealed=revealed,
    )


def _weights(bundle: AnalysisResults) -> tuple[WeightBar, ...]:
    group, rows = bundle.weights.group, bundle.weights.participants
    top = max(
        float(np.nanmax(rows)) if rows.size and not np.isnan(rows).all() else 0.0, float(group.max(initial=0))
    )
    scale = top if top > 0 else 1.0
    bars = []
    for j, criterion in enumerate(bundle.criteria):
        people = tuple(
            Mark(100 * float(v) / scale, share(float(v), 0)) for v in rows[:, j] if not np.isnan(v)
        )
        bars.append(
            WeightBar(
                display_name(criterion),
                Mark(100 * float(group[j]) / scale, share(float(group[j]), 0)),
                people,
            )
        )
    return tuple(bars)


def _score_axis(bundle: AnalysisResults) -> tuple[float, float]:
    """The ends of the score axis: 0 to 1 (the methods' usual range), widened to hold every score shown."""
    values = (
        np.concatenate([bundle.scores, bundle.individual_scores.ravel()]) if bundle.ready else np.zeros(0)
    )
    values = values[np.isfinite(values)]
    low = min(0.0, float(values.min())) if values.size else 0.0
    high = max(1.0, float(values.max())) if values.size else 1.0
    return low, high


def _spread(bundle: AnalysisResults, low: float, high: float) -> tuple[OptionSpread, ...]:
    if not bundle.ready or bundle.results.participants_scoring == 0:
        return ()
    width = (high - low) or 1.0

    def mark(value: float) -> Mark:
        return Mark(100 * (value - low) / width, number(value, 3))

    own = bundle.individual_scores
    return tuple(
        OptionSpread(
            name=display_name(bundle.options[i]),
            rank=int(bundle.ranks[i]),
            group=mark(float(bundle.scores[i])),
            people=tuple(mark(float(v)) for v in own[:, i] if np.isfinite(v)),
        )
        for i in bundle.order
    )
