"""Read a case's cross-impact matrix and the scenarios that follow from it (cross-impact balance analysis).

The bridge between the ORM and `policies.analysis.cib`: the matrix page, its charts and the PDF read the
matrix, its consistent scenarios, a scenario's impact balances and its succession through these functions,
so that every surface shows the same numbers.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from policies.analysis.cib import cib_balances, cib_scenarios, cib_succession
from policies.charts.cross_impact import impact_label
from policies.charts.suite.base import Chart
from policies.charts.suite.cross_impact import CrossImpactData, cross_impact_charts
from policies.models import Case, CrossImpact, Driver, DriverState, Evidence
from policies.models.fields import localize
from policies.selectors.scenario_space import case_drivers

#: The consistent scenarios listed on the page and offered for promotion.
SCENARIO_LIMIT = 50


def format_impact(value: int | float) -> str:
    """An impact as shown in the grid: the charts' own label (`policies.charts.cross_impact.impact_label`)."""
    return impact_label(value)


@dataclass(frozen=True)
class ImpactCell:
    """One cell of the grid: the impact of the row's state on the column's state.

    `same` marks a cell within one driver's block: no impact is rated there (CIB ignores those blocks).
    `row` and `column` are the cell's 0-based positions in the grid, which the keyboard navigation uses.
    """

    source: DriverState
    target: DriverState
    target_driver: Driver
    row: int
    column: int
    same: bool
    value: int
    judgment: CrossImpact | None

    @property
    def label(self) -> str:
        return format_impact(self.value)


@dataclass(frozen=True)
class ImpactRow:
    state: DriverState
    cells: list[ImpactCell]


@dataclass(frozen=True)
class ImpactBlock:
    """The rows of one driver's states (one <tbody> of the grid)."""

    driver: Driver
    rows: list[ImpactRow]


@dataclass(frozen=True)
class CaseImpactMatrix:
    """A case's drivers, their states in order, and the impacts as an array for the engine.

    States are numbered by concatenating the drivers' states in order, the convention of
    `policies.analysis.cib`: `impacts[u, v]` is the impact of state u on state v.
    """

    case: Case
    drivers: list[Driver]
    states: list[DriverState]
    impacts: np.ndarray
    judgments: dict[tuple[int, int], CrossImpact]

    @property
    def state_counts(self) -> tuple[int, ...]:
        return tuple(len(driver.states.all()) for driver in self.drivers)

    @property
    def blocks(self) -> list[ImpactBlock]:
        blocks = []
        index = 0
        for d, driver in enumerate(self.drivers):
            rows = []
            for state in driver.states.all():
                cells = []
                column = 0
                for e, other in enumerate(self.drivers):
                    for target in other.states.all():
                        judgment = self.judgments.get((state.pk, target.pk))
                        cells.append(
                            ImpactCell(
                                source=state,
                                target=target,
                                target_driver=other,
                                row=index,
                                column=column,
                                same=d == e,
                                value=int(self.impacts[index, column]),
                                judgment=judgment,
                            )
                        )
                        column += 1
                rows.append(ImpactRow(state=state, cells=cells))
                index += 1
            blocks.append(ImpactBlock(driver=driver, rows=rows))
        return blocks

    @property
    def rated(self) -> list[CrossImpact]:
        """The stored judgments (non-zero, or zero with a reason), in grid order."""
        order = {state.pk: i for i, state in enumerate(self.states)}
        return sorted(self.judgments.values(), key=lambda j: (order[j.source_id], order[j.target_id]))

    @property
    def field_error(self) -> str | None:
        """Why no scenario can be computed yet, or None."""
        if len(self.drivers) < 2:
            return _("Scenarios need at least two drivers, each with at least two states.")
        for driver in self.drivers:
            if len(driver.states.all()) < 2:
                return _(
                    "The driver “%(driver)s” needs at least two states before scenarios can be listed."
                ) % {"driver": localize(driver.name) or driver.key}
        return None

    def states_of(self, scenario: Sequence[int]) -> list[DriverState]:
        """The states a scenario (one 0-based local index per driver) picks."""
        return [list(driver.states.all())[int(i)] for driver, i in zip(self.drivers, scenario, strict=True)]

    def local_indices(self, states: Sequence[DriverState]) -> tuple[int, ...] | None:
        """The scenario (local indices) of a set of states, one per driver; None if it is not one per driver."""
        by_driver = {state.driver_id: state.pk for state in states}
        picked = []
        for driver in self.drivers:
            pks = [state.pk for state in driver.states.all()]
            if by_driver.get(driver.pk) not in pks:
                return None
            picked.append(pks.index(by_driver[driver.pk]))
        return tuple(picked) if len(states) == len(self.drivers) else None


def case_impact_matrix(case: Case) -> CaseImpactMatrix:
    """The case's cross-impact matrix: every stored judgment with its evidence, and the values as an array."""
    drivers = case_drivers(case)
    states = [state for driver in drivers for state in driver.states.all()]
    position = {state.pk: i for i, state in enumerate(states)}
    impacts = np.zeros((len(states), len(states)), dtype=np.int64)
    judgments: dict[tuple[int, int], CrossImpact] = {}
    rows = CrossImpact.objects.filter(case=case).prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.select_related("source").order_by("position", "pk"))
    )
    for row in rows:
        if row.source_id in position and row.target_id in position:
            judgments[(row.source_id, row.target_id)] = row
            impacts[position[row.source_id], position[row.target_id]] = row.value
    return CaseImpactMatrix(case=case, drivers=drivers, states=states, impacts=impacts, judgments=judgments)


@dataclass(frozen=True)
class CIBScenarioRow:
    """A consistent scenario of the case's matrix, with the case's scenario that holds the same states."""

    rank: int
    indices: tuple[int, ...]
    states: list[DriverState]
    inconsistency: int
    total_impact: int
    existing: list[str] = field(default_factory=list)

    @property
    def state_ids(self) -> list[int]:
        return [state.pk for state in self.states]

    @property
    def slug(self) -> str:
        """The scenario in the URL and the page: local indices joined by dots ("0.2.1")."""
        return ".".join(str(i) for i in self.indices)


@dataclass(frozen=True)
class CIBResult:
    matrix: CaseImpactMatrix
    rows: list[CIBScenarioRow]
    total_count: int
    consistent_count: int
    error: str | None = None


def cib_result(matrix: CaseImpactMatrix, *, limit: int = SCENARIO_LIMIT) -> CIBResult:
    """The consistent scenarios of the case's matrix, best first (the engine's order), at most `limit`."""
    if matrix.field_error:
        return CIBResult(matrix=matrix, rows=[], total_count=0, consistent_count=0, error=matrix.field_error)
    try:
        found = cib_scenarios(matrix.impacts, matrix.state_counts, 0, limit=limit)
    except ValueError as exc:
        return CIBResult(matrix=matrix, rows=[], total_count=0, consistent_count=0, error=str(exc))
    existing: dict[frozenset[int], list[str]] = {}
    for scenario in matrix.case.scenarios.prefetch_related("states"):
        existing.setdefault(frozenset(s.pk for s in scenario.states.all()), []).append(
            localize(scenario.name) or scenario.key
        )
    rows = []
    for rank, (indices, gap, total) in enumerate(
        zip(found.scenarios.tolist(), found.inconsistency.tolist(), found.total_impact.tolist(), strict=True),
        start=1,
    ):
        states = matrix.states_of(indices)
        rows.append(
            CIBScenarioRow(
                rank=rank,
                indices=tuple(indices),
                states=states,
                inconsistency=int(gap),
                total_impact=int(total),
                existing=existing.get(frozenset(s.pk for s in states), []),
            )
        )
    return CIBResult(
        matrix=matrix, rows=rows, total_count=found.total_count, consistent_count=found.matched_count
    )


def parse_scenario_slug(matrix: CaseImpactMatrix, slug: str) -> tuple[int, ...] | None:
    """A scenario written as local indices joined by dots, checked against the case's drivers; else None."""
    parts = (slug or "").split(".")
    counts = matrix.state_counts
    if len(parts) != len(counts) or not all(part.isdigit() for part in parts):
        return None
    indices = tuple(int(part) for part in parts)
    if any(i >= count for i, count in zip(indices, counts, strict=True)):
        return None
    return indices


@dataclass(frozen=True)
class ScenarioBalances:
    """The impact balance of every state under one scenario, and the succession that starts from it."""

    scenario: tuple[int, ...]
    balances: list[int]
    succession: list[tuple[int, ...]]

    @property
    def consistent(self) -> bool:
        return len(self.succession) == 2 and self.succession[0] == self.succession[1]


def scenario_balances(matrix: CaseImpactMatrix, scenario: Sequence[int]) -> ScenarioBalances:
    """Impact balances and global succession of one scenario of the case's matrix (see `policies.analysis.cib`)."""
    balances = cib_balances(matrix.impacts, matrix.state_counts, list(scenario))
    succession = cib_succession(matrix.impacts, matrix.state_counts, list(scenario))
    return ScenarioBalances(scenario=tuple(scenario), balances=balances.tolist(), succession=succession)


def cross_impact_chart_data(
    matrix: CaseImpactMatrix, result: CIBResult, selected: ScenarioBalances | None
) -> CrossImpactData:
    """What the cross-impact charts draw for a case: its matrix, its consistent scenarios, and one scenario's
    balances and succession. Scenarios are named after the case's scenario with the same states, if any."""
    driver_names = [localize(driver.name) or driver.key for driver in matrix.drivers]
    state_names = [[localize(s.name) or s.key for s in driver.states.all()] for driver in matrix.drivers]
    names = [
        row.existing[0] if row.existing else _("Scenario %(rank)d") % {"rank": row.rank}
        for row in result.rows
    ]
    selected_name = ""
    if selected is not None:
        selected_name = next(
            (name for row, name in zip(result.rows, names, strict=True) if row.indices == selected.scenario),
            _("Chosen scenario"),
        )
    return CrossImpactData(
        driver_names=driver_names,
        state_names=state_names,
        impacts=matrix.impacts.astype(float).tolist(),
        disputed=None,
        scenarios=[row.indices for row in result.rows],
        scenario_names=names,
        selected=selected.scenario if selected else None,
        selected_name=selected_name,
        balances=[float(b) for b in selected.balances] if selected else None,
        succession=selected.succession if selected else None,
    )


@dataclass(frozen=True)
class CrossImpactView:
    """Everything the matrix page (and the PDF) shows of a case's cross-impacts, read once."""

    matrix: CaseImpactMatrix
    result: CIBResult
    selected: ScenarioBalances | None
    charts: list[Chart]

    @property
    def selected_states(self) -> list[DriverState]:
        return self.matrix.states_of(self.selected.scenario) if self.selected else []


def cross_impact_view(case: Case, *, scenario_slug: str | None = None) -> CrossImpactView:
    """The case's matrix, its consistent scenarios, one scenario's balances and succession (the one named by
    `scenario_slug`, else the best consistent one), and the charts of all that (none while no impact is set)."""
    matrix = case_impact_matrix(case)
    result = cib_result(matrix)
    selected = None
    charts: list[Chart] = []
    if not result.error:
        indices = parse_scenario_slug(matrix, scenario_slug) if scenario_slug else None
        if indices is None and result.rows:
            indices = result.rows[0].indices
        if indices is not None:
            selected = scenario_balances(matrix, indices)
        if matrix.judgments:
            charts = cross_impact_charts(cross_impact_chart_data(matrix, result, selected))
    return CrossImpactView(matrix=matrix, result=result, selected=selected, charts=charts)
