"""Read a case's morphological field (drivers, states, cross-consistency) and rank its combinations.

The bridge between the ORM and `policies.analysis.scenarios`: the scenario builder page reads everything it
shows (the matrix, the ranked combinations, which existing scenario each one is) through `scenario_space`.
"""

import time
from dataclasses import dataclass, field, replace

import numpy as np
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from policies.analysis import combination_consistency, consistent_combinations
from policies.models import Case, Driver, DriverState, Scenario, StateConsistency
from policies.models.fields import localize

IMPOSSIBLE = -2


def format_value(value: int) -> str:
    return f"{value:+d}" if value else "0"


@dataclass(frozen=True)
class MatrixCell:
    """One cell of the cross-consistency table.

    kind: "same" (two states of one driver: no rating), "edit" (upper triangle: the cell where the pair is
    rated) or "mirror" (lower triangle: the same pair seen from the other side, shown read-only).
    """

    row_state: DriverState
    column_state: DriverState
    column_driver: Driver
    kind: str
    value: int

    @property
    def label(self) -> str:
        """The value as shown: "+2", "+1", "0", "-1", "-2"."""
        return format_value(self.value)

    @property
    def pair_id(self) -> str:
        """The same for (a, b) and (b, a): lets a save update both cells of the pair."""
        low, high = sorted((self.row_state.pk, self.column_state.pk))
        return f"{low}-{high}"


@dataclass(frozen=True)
class MatrixRow:
    state: DriverState
    cells: list[MatrixCell]


@dataclass(frozen=True)
class MatrixBlock:
    """The rows of one driver's states (one <tbody> of the table)."""

    driver: Driver
    rows: list[MatrixRow]


@dataclass(frozen=True)
class CombinationRow:
    """A consistent combination: one (driver, state) per driver, best first."""

    rank: int
    states: list[tuple[Driver, DriverState]]
    total: int
    minimum: int
    scenarios: list[Scenario] = field(default_factory=list)

    @property
    def scenario(self) -> Scenario | None:
        """The (first) existing scenario made of exactly these states, if any."""
        return self.scenarios[0] if self.scenarios else None

    @property
    def state_ids(self) -> list[int]:
        return [state.pk for _driver, state in self.states]


@dataclass(frozen=True)
class ScenarioCheck:
    """Where an existing scenario stands in the field.

    status: "ranked" (consistent: rank and total given), "impossible" (holds a -2 pair: total given, no rank)
    or "incomplete" (not exactly one state per driver: neither).
    """

    scenario: Scenario
    status: str
    rank: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class ScenarioSpaceView:
    """Everything the scenario builder shows for one case.

    rows: the best `limit` consistent combinations; the counts describe the whole field. `error` explains why
    nothing could be enumerated (too few drivers or states, too many combinations); the matrix is still given.
    """

    drivers: list[Driver]
    states: list[DriverState]
    matrix: list[MatrixBlock]
    rows: list[CombinationRow]
    checks: list[ScenarioCheck]
    total_count: int
    consistent_count: int
    excluded_count: int
    pair_count: int
    elapsed_ms: float
    limit: int
    error: str | None = None

    @property
    def has_more(self) -> bool:
        return self.consistent_count > len(self.rows)

    @property
    def max_total(self) -> int:
        return 2 * self.pair_count


def case_drivers(case: Case) -> list[Driver]:
    """The case's drivers in order, each with its states prefetched in order."""
    return list(
        case.drivers.order_by("position", "pk").prefetch_related(
            Prefetch("states", queryset=DriverState.objects.order_by("position", "pk"))
        )
    )


def consistency_values(case: Case) -> dict[tuple[int, int], int]:
    """(state pk, state pk) -> value for every stored rating, in both orders."""
    values: dict[tuple[int, int], int] = {}
    for a, b, value in StateConsistency.objects.filter(case=case).values_list("state_a", "state_b", "value"):
        values[(a, b)] = values[(b, a)] = value
    return values


def _matrix(drivers: list[Driver], values: dict[tuple[int, int], int]) -> list[MatrixBlock]:
    blocks = []
    for d, driver in enumerate(drivers):
        rows = []
        for state in driver.states.all():
            cells = [
                MatrixCell(
                    row_state=state,
                    column_state=column_state,
                    column_driver=other,
                    kind="same" if d == e else ("edit" if d < e else "mirror"),
                    value=values.get((state.pk, column_state.pk), 0),
                )
                for e, other in enumerate(drivers)
                for column_state in other.states.all()
            ]
            rows.append(MatrixRow(state=state, cells=cells))
        blocks.append(MatrixBlock(driver=driver, rows=rows))
    return blocks


def _field_error(drivers: list[Driver]) -> str | None:
    if len(drivers) < 2:
        return _("Combinations need at least two drivers, each with at least two states.")
    for driver in drivers:
        if len(driver.states.all()) < 2:
            return _(
                "The driver “%(driver)s” needs at least two states before combinations can be listed."
            ) % {"driver": localize(driver.name) or driver.key}
    return None


def scenario_space(case: Case, *, limit: int = 50) -> ScenarioSpaceView:
    """The case's cross-consistency matrix and its best `limit` consistent combinations, ranked.

    A pair with no StateConsistency row counts as 0 (neutral). Rows stored in either order are read the same.
    Each row names the existing scenarios made of exactly its states; `checks` places every scenario.
    """
    drivers = case_drivers(case)
    values = consistency_values(case)
    states = [state for driver in drivers for state in driver.states.all()]
    matrix_blocks = _matrix(drivers, values)
    scenarios = list(
        case.scenarios.order_by("position", "pk").prefetch_related(
            Prefetch("states", queryset=DriverState.objects.only("pk", "driver_id"))
        )
    )
    empty = ScenarioSpaceView(
        drivers=drivers,
        states=states,
        matrix=matrix_blocks,
        rows=[],
        checks=[ScenarioCheck(scenario=s, status="incomplete") for s in scenarios],
        total_count=0,
        consistent_count=0,
        excluded_count=0,
        pair_count=0,
        elapsed_ms=0.0,
        limit=limit,
    )
    error = _field_error(drivers)
    if error:
        return replace(empty, error=error)

    counts = [len(driver.states.all()) for driver in drivers]
    index = {state.pk: k for k, state in enumerate(states)}
    matrix = np.zeros((len(states), len(states)), dtype=np.int64)
    for (a, b), value in values.items():
        if a in index and b in index:
            matrix[index[a], index[b]] = value

    start = time.perf_counter()
    try:
        space = consistent_combinations(counts, matrix, impossible=IMPOSSIBLE)
    except ValueError as exc:
        return replace(empty, error=str(exc))
    elapsed_ms = (time.perf_counter() - start) * 1000.0

    # Existing scenarios as combinations (local state index per driver), when they are complete.
    driver_index = {driver.pk: d for d, driver in enumerate(drivers)}
    local_index = {state.pk: i for driver in drivers for i, state in enumerate(driver.states.all())}
    scenario_combos: dict[Scenario, tuple[int, ...]] = {}
    for scenario in scenarios:
        chosen = [state for state in scenario.states.all() if state.pk in local_index]
        by_driver = {driver_index[state.driver_id]: local_index[state.pk] for state in chosen}
        if len(chosen) == len(scenario.states.all()) == len(drivers) == len(by_driver):
            scenario_combos[scenario] = tuple(by_driver[d] for d in range(len(drivers)))

    checks = _scenario_checks(scenarios, scenario_combos, counts, matrix, space.combinations)

    scenarios_by_combo: dict[tuple[int, ...], list[Scenario]] = {}
    for scenario, combo in scenario_combos.items():
        scenarios_by_combo.setdefault(combo, []).append(scenario)
    by_driver_states = [list(driver.states.all()) for driver in drivers]
    rows = []
    shown = space.combinations[:limit].tolist()
    for position, (combo, total, minimum) in enumerate(
        zip(shown, space.totals[:limit].tolist(), space.minimums[:limit].tolist(), strict=True)
    ):
        rows.append(
            CombinationRow(
                rank=position + 1,
                states=[(drivers[d], by_driver_states[d][i]) for d, i in enumerate(combo)],
                total=total,
                minimum=minimum,
                scenarios=scenarios_by_combo.get(tuple(combo), []),
            )
        )
    return ScenarioSpaceView(
        drivers=drivers,
        states=states,
        matrix=matrix_blocks,
        rows=rows,
        checks=checks,
        total_count=space.total_count,
        consistent_count=space.consistent_count,
        excluded_count=space.excluded_count,
        pair_count=space.pair_count,
        elapsed_ms=elapsed_ms,
        limit=limit,
    )


def _scenario_checks(
    scenarios: list[Scenario],
    scenario_combos: dict[Scenario, tuple[int, ...]],
    counts: list[int],
    matrix: np.ndarray,
    ranked: np.ndarray,
) -> list[ScenarioCheck]:
    """Rank (1 = best) and total of every complete scenario; "impossible" when it holds a -2 pair."""
    complete = [s for s in scenarios if s in scenario_combos]
    found: dict[int, ScenarioCheck] = {}
    if complete:
        combos = np.array([scenario_combos[s] for s in complete], dtype=np.int64)
        totals, minimums = combination_consistency(counts, matrix, combos)
        ranked_codes = np.ravel_multi_index(ranked.T, counts) if len(ranked) else np.zeros(0, dtype=np.intp)
        codes = np.ravel_multi_index(tuple(combos.T), counts)
        for scenario, code, total, minimum in zip(
            complete, codes.tolist(), totals.tolist(), minimums.tolist(), strict=True
        ):
            position = np.flatnonzero(ranked_codes == code)
            if minimum <= IMPOSSIBLE or not position.size:
                found[scenario.pk] = ScenarioCheck(scenario=scenario, status="impossible", total=total)
            else:
                found[scenario.pk] = ScenarioCheck(
                    scenario=scenario, status="ranked", rank=int(position[0]) + 1, total=total
                )
    return [found.get(s.pk) or ScenarioCheck(scenario=s, status="incomplete") for s in scenarios]
