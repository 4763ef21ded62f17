"""What the facilitator watches: who joined and judged, the room's agreement and its current ranking.

The numbers (ranking, consensus per cell, Kendall's W) are the analysis bundle's (policies.selectors
.analysis_results), the same the results page and the reports print; this module adds the room's progress.
"""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.db.models import Count
from django.utils import timezone

from policies.models import Comment, Exercise, Participant, ScoreJudgment
from policies.selectors.analysis_results import AnalysisResults, CellStats
from policies.selectors.scenario_changes import scenario_changes

# Hotspots listed on the dashboard, the most disputed first.
HOTSPOTS = 15
# Seen within this many seconds: online.
ONLINE_SECONDS = 60


@dataclass(frozen=True)
class ParticipantProgress:
    participant: Participant
    name: str
    weights_done: int
    scores_done: int
    revised_this_round: int
    online: bool
    # Scenario cells (and scenario weights, when weights differ by scenario) set apart from the baseline.
    scenario_changes: int = 0


@dataclass(frozen=True)
class Dashboard:
    bundle: AnalysisResults
    progress: list[ParticipantProgress]
    criteria_count: int
    cells_count: int
    scenarios_count: int
    weighting_complete: int
    scoring_complete: int
    comments: int
    round_limit_reached: bool

    @property
    def agreed(self) -> int:
        return self.bundle.consensus.agreed_count

    @property
    def judged(self) -> int:
        return self.bundle.consensus.judged

    @property
    def disputed(self) -> list[CellStats]:
        return self.bundle.disputed_cells(limit=HOTSPOTS)

    @property
    def consensus_reached(self) -> bool:
        return self.bundle.consensus.reached

    @property
    def kendall_w(self) -> float | None:
        return self.bundle.consensus.kendall_w

    @property
    def raters(self) -> int:
        return self.bundle.consensus.raters


def dashboard(exercise: Exercise, bundle: AnalysisResults) -> Dashboard:
    """The board for the bundle of the current round (every participant, the baseline)."""
    arrays_participants = bundle.all_participants
    n_c, n_cells = len(bundle.criteria), len(bundle.options) * len(bundle.criteria)
    revised = dict(
        ScoreJudgment.objects.filter(
            participant__exercise=exercise, round=exercise.current_round, scenario=None
        )
        .values("participant_id")
        .annotate(n=Count("pk"))
        .values_list("participant_id", "n")
    )
    recent = timezone.now() - timedelta(seconds=ONLINE_SECONDS)
    changes = scenario_changes(bundle.arrays)
    weights, scores = bundle.arrays.weights, bundle.arrays.scores
    progress = []
    for k, participant in enumerate(arrays_participants):
        weights_done = int((~np.isnan(weights[k])).sum()) if n_c else 0
        scores_done = int((~np.isnan(scores[k])).sum()) if n_cells else 0
        progress.append(
            ParticipantProgress(
                participant=participant,
                name=bundle.labels[k],
                weights_done=weights_done,
                scores_done=scores_done,
                revised_this_round=revised.get(participant.pk, 0),
                online=participant.last_seen is not None and participant.last_seen >= recent,
                scenario_changes=int(changes[k]),
            )
        )
    return Dashboard(
        bundle=bundle,
        progress=progress,
        criteria_count=n_c,
        cells_count=n_cells,
        scenarios_count=len(bundle.all_scenarios),
        weighting_complete=sum(1 for p in progress if n_c and p.weights_done == n_c),
        scoring_complete=sum(1 for p in progress if n_cells and p.scores_done == n_cells),
        comments=Comment.objects.filter(exercise=exercise).count(),
        round_limit_reached=exercise.current_round >= exercise.max_rounds,
    )
