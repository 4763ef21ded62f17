"""A workshop's cross-impact ratings read back: one's own, and the group's matrix as the policy allows.

The group's matrix (the members' mean), the cells in dispute and the scenarios consistent for the group and for
how many members all come from `policies.analysis.cib.cib_ensemble`, for the round `Visibility.shown_round`
allows: the facilitator's current round at once, everybody else's after the reveal (the previous round while a
Delphi round is rated blind), exactly as for scores.
"""

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from policies.analysis.cib import CIBEnsemble, cib_ensemble
from policies.charts.suite.base import Chart
from policies.charts.suite.cross_impact import CrossImpactData, heatmap_chart
from policies.models import DriverState, Exercise, ImpactJudgment, Participant
from policies.models.fields import localize
from policies.selectors.cross_impact import CaseImpactMatrix, case_impact_matrix
from policies.selectors.visibility import Visibility

#: Scenarios listed for the facilitator, most shared first.
GROUP_SCENARIO_LIMIT = 20


def own_impacts(participant: Participant | None, round_: int) -> dict[tuple[int, int], int]:
    """The participant's ratings of a round, (source id, target id) -> value."""
    if participant is None:
        return {}
    rows = ImpactJudgment.objects.filter(participant=participant, round=round_)
    return {(s, t): v for s, t, v in rows.values_list("source", "target", "value")}


@dataclass(frozen=True)
class DisputedImpact:
    source: DriverState
    target: DriverState
    mean: float
    iqr: float


@dataclass(frozen=True)
class GroupScenario:
    states: list[DriverState]
    member_count: int
    group_consistent: bool


@dataclass(frozen=True)
class GroupImpacts:
    """The group's matrix of one round, for a viewer the policy lets see it."""

    round: int
    matrix: CaseImpactMatrix
    members: list[str]
    ensemble: CIBEnsemble
    disputed: list[DisputedImpact]
    scenarios: list[GroupScenario]
    chart: Chart

    @property
    def n_members(self) -> int:
        return len(self.members)


def group_impacts(
    exercise: Exercise, *, visibility: Visibility, wanted_round: int | None = None
) -> GroupImpacts | None:
    """The group's cross-impact matrix of the round the viewer may see (None: no round visible, no rating yet,
    or a case whose drivers cannot make scenarios).

    Each member's matrix is the case's matrix with the member's ratings in place of the case's cells, so the
    cells the facilitator did not put to the group count as the case holds them.
    """
    round_ = visibility.shown_round(wanted_round)
    if round_ is None:
        return None
    matrix = case_impact_matrix(exercise.case)
    if matrix.field_error:
        return None
    position = {state.pk: i for i, state in enumerate(matrix.states)}
    rows = (
        ImpactJudgment.objects.filter(participant__exercise=exercise, round=round_)
        .select_related("participant")
        .order_by("participant__number")
    )
    by_member: dict[int, tuple[Participant, list[tuple[int, int, int]]]] = {}
    for row in rows:
        if row.source_id in position and row.target_id in position:
            entry = by_member.setdefault(row.participant_id, (row.participant, []))
            entry[1].append((position[row.source_id], position[row.target_id], row.value))
    if not by_member:
        return None
    stack = np.repeat(matrix.impacts[np.newaxis, :, :], len(by_member), axis=0)
    rated = np.zeros(matrix.impacts.shape, dtype=bool)
    for k, (_participant, ratings) in enumerate(by_member.values()):
        for u, v, value in ratings:
            stack[k, u, v] = value
            rated[u, v] = True
    ensemble = cib_ensemble(stack, matrix.state_counts)
    threshold = exercise.consensus_threshold
    in_dispute = rated & (ensemble.disagreement > threshold + 1e-9)  # the consensus rule of score cells
    disputed = [
        DisputedImpact(
            source=matrix.states[u],
            target=matrix.states[v],
            mean=float(ensemble.group_impacts[u, v]),
            iqr=float(ensemble.disagreement[u, v]),
        )
        for u, v in zip(*np.nonzero(in_dispute), strict=True)
    ]
    scenarios = [
        GroupScenario(
            states=matrix.states_of(indices),
            member_count=int(count),
            group_consistent=bool(consistent),
        )
        for indices, count, consistent in zip(
            ensemble.scenarios[:GROUP_SCENARIO_LIMIT].tolist(),
            ensemble.member_counts[:GROUP_SCENARIO_LIMIT].tolist(),
            ensemble.group_consistent[:GROUP_SCENARIO_LIMIT].tolist(),
            strict=True,
        )
    ]
    data = CrossImpactData(
        driver_names=[localize(d.name) or d.key for d in matrix.drivers],
        state_names=[[localize(s.name) or s.key for s in d.states.all()] for d in matrix.drivers],
        impacts=ensemble.group_impacts.tolist(),
        disputed=in_dispute.tolist(),
        scenarios=[],
        scenario_names=[],
    )
    chart = heatmap_chart(
        data, title=_("The group's cross-impact matrix (mean), round %(round)d") % {"round": round_}
    )
    return GroupImpacts(
        round=round_,
        matrix=matrix,
        members=[visibility.label(participant) for participant, _ratings in by_member.values()],
        ensemble=ensemble,
        disputed=disputed,
        scenarios=scenarios,
        chart=chart,
    )
