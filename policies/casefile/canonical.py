"""The canonical form of a case file: one JSON text per case, whatever order it was written in.

Reference lists are ordered like the lists they point into and judgments by participant, scenario, option and
criterion (weights by participant, scenario and criterion), and default values are left out. A pairwise
comparison names first the criterion listed first (the reverse pair holds the reciprocal ratio); comparisons
are ordered by participant, scenario and the two criteria; impact ratings by participant, the matrix's cell
(in the grid's order) and round; the cells chosen for rating in the grid's order. Exports are canonical, and the shipped seeds are
kept canonical, so `export(import(x)) == x` holds to the byte for them.
"""

from collections.abc import Callable
from typing import Any

from policies.casefile.schema import CaseFile


def _order(keys: list[str], positions: dict[str, int]) -> list[str]:
    return sorted(keys, key=lambda key: positions.get(key, len(positions)))


def canonical(case_file: CaseFile) -> dict[str, Any]:
    data = case_file.model_dump(mode="json", exclude_defaults=True)
    at = {
        name: {item["id"]: i for i, item in enumerate(data.get(name, []))}
        for name in ("evidence", "actors", "drivers", "scenarios", "options", "criteria")
    }
    groups = {item["parent"] for item in data.get("criteria", []) if item.get("parent")}
    for item in data.get("criteria", []):
        if item["id"] in groups:  # groups are neither scored nor directed
            item.pop("direction", None)
            item.pop("scale", None)
        else:  # leaves spell out what the defaults would give them
            scale = item.get("scale", {})
            item["direction"] = item.get("direction", "benefit")
            item["scale"] = {"min": 0.0, "max": 10.0, "unit": "points", **scale}
    for name in ("actors", "drivers", "scenarios", "options", "criteria"):
        for item in data.get(name, []):
            if "evidence" in item:
                item["evidence"] = _order(item["evidence"], at["evidence"])
    for option in data.get("options", []):
        if "actors" in option:
            option["actors"] = _order(option["actors"], at["actors"])
    for scenario in data.get("scenarios", []):
        if "states" in scenario:
            states = scenario["states"]
            scenario["states"] = {driver: states[driver] for driver in _order(list(states), at["drivers"])}
    state_at = _order_cross_impacts(data, at["evidence"])
    for exercise in data.get("exercises", []):
        for name in ("options", "criteria", "scenarios"):
            if name in exercise:
                exercise[name] = _order(exercise[name], at[name])
        people = {p["id"]: i for i, p in enumerate(exercise.get("participants", []))}
        order = _judgment_order(people, at["scenarios"])
        if "weights" in exercise:
            exercise["weights"].sort(key=order(("criterion", at["criteria"])))
        if "scores" in exercise:
            exercise["scores"].sort(key=order(("option", at["options"]), ("criterion", at["criteria"])))
        if "pairwise" in exercise:
            _orient_pairs(exercise["pairwise"], at["criteria"])
            exercise["pairwise"].sort(
                key=order(("criterion_a", at["criteria"]), ("criterion_b", at["criteria"]))
            )
        if "impact_cells" in exercise:
            last = (len(state_at), 0)
            exercise["impact_cells"].sort(
                key=lambda c: (state_at.get(tuple(c["source"]), last), state_at.get(tuple(c["target"]), last))
            )
        if "impacts" in exercise:
            last = (len(state_at), 0)
            exercise["impacts"].sort(
                key=lambda r: (
                    people.get(r["participant"], 0),
                    state_at.get(tuple(r["source"]), last),
                    state_at.get(tuple(r["target"]), last),
                    r.get("round", 1),
                )
            )
    return data


def _order_cross_impacts(
    data: dict[str, Any], evidence: dict[str, int]
) -> dict[tuple[str, str], tuple[int, int]]:
    """Cross-impacts in the grid's order (source state, then target state, drivers and states as listed),
    each one's evidence as the evidence list orders it. Returns the grid's position of every state, which
    also orders the exercises' impact ratings."""
    at = {
        (driver["id"], state["id"]): (i, j)
        for i, driver in enumerate(data.get("drivers", []))
        for j, state in enumerate(driver.get("states", []))
    }
    last = (len(at), 0)
    for impact in data.get("cross_impacts", []):
        if "evidence" in impact:
            impact["evidence"] = _order(impact["evidence"], evidence)
    data.get("cross_impacts", []).sort(
        key=lambda c: (at.get(tuple(c["source"]), last), at.get(tuple(c["target"]), last))
    )
    return at


def _orient_pairs(comparisons: list[dict[str, Any]], positions: dict[str, int]) -> None:
    """Write each pair one way only, so a comparison and its reciprocal give the same text."""
    for comparison in comparisons:
        a, b = comparison["criterion_a"], comparison["criterion_b"]
        if positions.get(a, 0) > positions.get(b, 0):
            comparison["criterion_a"], comparison["criterion_b"] = b, a
            comparison["value"] = 1 / comparison["value"]


def _judgment_order(
    people: dict[str, int], scenarios: dict[str, int]
) -> Callable[..., Callable[[dict[str, Any]], tuple[Any, ...]]]:
    """Sort keys for an exercise's judgments: participant, the baseline before the scenarios, the cell's keys
    (each a field and the positions of its values), then the round."""

    def cell_order(*cell: tuple[str, dict[str, int]]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
        def key(item: dict[str, Any]) -> tuple[Any, ...]:
            scenario = item.get("scenario")
            return (
                people.get(item["participant"], 0),
                -1 if scenario is None else scenarios.get(scenario, 0),
                *(positions.get(item[field], 0) for field, positions in cell),
                item.get("round", 1),
            )

        return key

    return cell_order
