"""The canonical form of a case file: one JSON text per case, whatever order it was written in.

Reference lists are ordered like the lists they point into and judgments by participant, scenario, option and
criterion (weights by participant, scenario and criterion), and default values are left out. A pairwise
comparison names first the criterion listed first (the reverse pair holds the reciprocal ratio); comparisons
are ordered by participant, scenario and the two criteria. Exports are canonical, and the shipped seeds are
kept canonical, so `export(import(x)) == x` holds to the byte for them.
"""

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
    return data


def _orient_pairs(comparisons: list[dict[str, Any]], positions: dict[str, int]) -> None:
    """Write each pair one way only, so a comparison and its reciprocal give the same text."""
    for comparison in comparisons:
        a, b = comparison["criterion_a"], comparison["criterion_b"]
        if positions.get(a, 0) > positions.get(b, 0):
            comparison["criterion_a"], comparison["criterion_b"] = b, a
            comparison["value"] = 1 / comparison["value"]


def _judgment_order(people: dict[str, int], scenarios: dict[str, int]) -> Any:
    """Sort keys for an exercise's judgments: participant, the baseline before the scenarios, the cell's keys
    (each a field and the positions of its values), then the round."""

    def cell_order(*cell: tuple[str, dict[str, int]]) -> Any:
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
