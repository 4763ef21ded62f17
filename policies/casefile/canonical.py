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
        scenario_at = at["scenarios"]
        if "weights" in exercise:
            exercise["weights"].sort(
                key=lambda w: (
                    people.get(w["participant"], 0),
                    -1 if w.get("scenario") is None else scenario_at.get(w["scenario"], 0),
                    at["criteria"].get(w["criterion"], 0),
                    w.get("round", 1),
                )
            )
        if "scores" in exercise:
            exercise["scores"].sort(
                key=lambda s: (
                    people.get(s["participant"], 0),
                    -1 if s.get("scenario") is None else scenario_at.get(s["scenario"], 0),
                    at["options"].get(s["option"], 0),
                    at["criteria"].get(s["criterion"], 0),
                    s.get("round", 1),
                )
            )
        if "pairwise" in exercise:
            _orient_pairs(exercise["pairwise"], at["criteria"])
            exercise["pairwise"].sort(
                key=lambda p: (
                    people.get(p["participant"], 0),
                    -1 if p.get("scenario") is None else scenario_at.get(p["scenario"], 0),
                    at["criteria"].get(p["criterion_a"], 0),
                    at["criteria"].get(p["criterion_b"], 0),
                    p.get("round", 1),
                )
            )
    return data


def _orient_pairs(comparisons: list[dict[str, Any]], positions: dict[str, int]) -> None:
    """Write each pair one way only, so a comparison and its reciprocal give the same text."""
    for comparison in comparisons:
        a, b = comparison["criterion_a"], comparison["criterion_b"]
        if positions.get(a, 0) > positions.get(b, 0):
            comparison["criterion_a"], comparison["criterion_b"] = b, a
            comparison["value"] = 1 / comparison["value"]
