"""Read the dossier of a case: each list with everything its screen shows, in a fixed number of queries.

Every function loads its list and the related objects with select_related / prefetch_related (evidence with
their source, option actors, scenario states with their driver, ...), so the number of queries a dossier page
makes is the same for a case of three items as for a case of three hundred: no N+1.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from policies.models import (
    Actor,
    Case,
    Criterion,
    Driver,
    DriverState,
    Evidence,
    Option,
    Scenario,
    SourceDocument,
)


def _evidence_with_source() -> Prefetch[str, QuerySet[Evidence]]:
    """The `evidence` of any case item, each with the source it cites (one query for the whole list)."""
    return Prefetch("evidence", queryset=Evidence.objects.select_related("source").order_by("position", "pk"))


def case_actors(case: Case) -> list[Actor]:
    """Actors in case order, with their evidence (and its source) and the options that involve them.

    Queries: 3 (actors, evidence + sources, options), whatever the number of actors.
    """
    return list(
        Actor.objects.filter(case=case)
        .order_by("position", "pk")
        .prefetch_related(
            _evidence_with_source(),
            Prefetch("options", queryset=Option.objects.order_by("position", "pk")),
        )
    )


def case_options(case: Case) -> list[Option]:
    """Options in case order, with the actors involved and their evidence (and its source).

    Queries: 3 (options, actors, evidence + sources).
    """
    return list(
        Option.objects.filter(case=case)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch("actors", queryset=Actor.objects.order_by("position", "pk")),
            _evidence_with_source(),
        )
    )


@dataclass(frozen=True)
class FuturesRow:
    """One driver of the driver x scenario table: for each scenario (in order), the driver's states in it.

    A well-formed scenario holds exactly one state per driver; an empty list means the scenario says nothing
    about this driver, and more than one state is shown as is rather than hidden.
    """

    driver: Driver
    cells: list[list[DriverState]]


@dataclass(frozen=True)
class CaseFutures:
    drivers: list[Driver]
    scenarios: list[Scenario]
    table: list[FuturesRow]


def case_futures(case: Case) -> CaseFutures:
    """Drivers with their states and evidence; scenarios with their states (and driver) and evidence; and
    the table of each scenario's state per driver, assembled in Python from what is already loaded.

    Queries: 6 (drivers, their states, their evidence + sources; scenarios, their states + drivers, their
    evidence + sources).
    """
    drivers = list(
        Driver.objects.filter(case=case)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch("states", queryset=DriverState.objects.order_by("position", "pk")),
            _evidence_with_source(),
        )
    )
    scenarios = list(
        Scenario.objects.filter(case=case)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch(
                "states",
                queryset=DriverState.objects.select_related("driver").order_by(
                    "driver__position", "driver__pk", "position", "pk"
                ),
            ),
            _evidence_with_source(),
        )
    )
    states_by_scenario: dict[int, dict[int, list[DriverState]]] = {}
    for scenario in scenarios:
        by_driver: dict[int, list[DriverState]] = defaultdict(list)
        for state in scenario.states.all():
            by_driver[state.driver_id].append(state)
        states_by_scenario[scenario.pk] = by_driver
    table = [
        FuturesRow(
            driver=driver,
            cells=[list(states_by_scenario[scenario.pk].get(driver.pk, [])) for scenario in scenarios],
        )
        for driver in drivers
    ]
    return CaseFutures(drivers=drivers, scenarios=scenarios, table=table)


@dataclass(frozen=True)
class CriterionNode:
    """A criterion of the tree with its children, in case order."""

    criterion: Criterion
    depth: int
    children: list["CriterionNode"] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return self.criterion.is_group or bool(self.children)


def case_criteria_tree(case: Case) -> list[CriterionNode]:
    """The criteria tree (roots first, each node with its children), with every node's evidence and source.

    All criteria are read in one query and linked by `parent_id` in Python, so the tree costs 2 queries
    (criteria, evidence + sources) whatever its depth. A node whose parent is not a criterion of this case
    cannot occur (the foreign key is to the same table and the import keeps cases apart); a cycle, which no
    import creates, would simply not be reachable from a root and is left out rather than looping.
    """
    criteria = list(
        Criterion.objects.filter(case=case)
        .order_by("position", "pk")
        .prefetch_related(_evidence_with_source())
    )
    by_parent: dict[int | None, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        by_parent[criterion.parent_id].append(criterion)

    def build(criterion: Criterion, depth: int) -> CriterionNode:
        return CriterionNode(
            criterion=criterion,
            depth=depth,
            children=[build(child, depth + 1) for child in by_parent.get(criterion.pk, [])],
        )

    return [build(root, 0) for root in by_parent.get(None, [])]


def case_sources(case: Case) -> list[SourceDocument]:
    """Sources in case order, each with the evidence items citing it and, for each item, the case items
    (actors, drivers, scenarios, options, criteria) that rely on it.

    Queries: 7 (sources, evidence, and one per kind of citing item).
    """
    ordered = ("position", "pk")
    evidence = Evidence.objects.order_by(*ordered).prefetch_related(
        Prefetch("actors", queryset=Actor.objects.order_by(*ordered)),
        Prefetch("drivers", queryset=Driver.objects.order_by(*ordered)),
        Prefetch("scenarios", queryset=Scenario.objects.order_by(*ordered)),
        Prefetch("options", queryset=Option.objects.order_by(*ordered)),
        Prefetch("criteria", queryset=Criterion.objects.order_by(*ordered)),
    )
    return list(
        SourceDocument.objects.filter(case=case)
        .order_by(*ordered)
        .prefetch_related(Prefetch("evidence", queryset=evidence))
    )
