"""Parse and validate a case file, reporting every problem with its JSON path.

Validation happens fully before anything is written, so an import either succeeds whole or writes nothing.
"""

import codecs
import copy
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core import exceptions
from django.utils.translation import gettext as _
from pydantic import ValidationError

from policies.casefile.schema import (
    FORMAT_NAME,
    FORMAT_VERSION,
    OLDER_VERSIONS,
    ActorItem,
    CaseFile,
    CriterionItem,
    DriverItem,
    ExerciseItem,
    OptionItem,
    ScenarioItem,
)
from policies.casefile.versions import upgrade

MAX_CASE_FILE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class CaseFileProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class CaseFileError(ValueError):
    """Raised with every problem found, so a user can fix a file in one pass."""

    def __init__(self, problems: Sequence[CaseFileProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def json_path(location: Iterable[int | str]) -> str:
    path = "$"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def parse_case_file(raw: bytes | str) -> CaseFile:
    """Turn the bytes of a case file into a validated CaseFile, or raise CaseFileError."""
    if len(raw) > MAX_CASE_FILE_BYTES:
        limit = MAX_CASE_FILE_BYTES // (1024 * 1024)
        raise CaseFileError(
            [CaseFileProblem("$", _("The file is larger than %(limit)s MB.") % {"limit": limit})]
        )
    # A byte-order mark is how some editors (Notepad, Excel's "UTF-8" export) start a UTF-8 file: not content.
    raw = raw.removeprefix(codecs.BOM_UTF8) if isinstance(raw, bytes) else raw.removeprefix("\ufeff")
    try:
        document = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CaseFileError([CaseFileProblem("$", _("Not valid JSON: %(error)s") % {"error": exc})]) from exc
    except RecursionError as exc:
        raise CaseFileError([CaseFileProblem("$", _("The file is nested too deeply."))]) from exc
    if not isinstance(document, dict):
        raise CaseFileError([CaseFileProblem("$", _("A case file is a JSON object."))])
    if document.get("format") != FORMAT_NAME:
        raise CaseFileError(
            [
                CaseFileProblem(
                    "$.format", _("Not a case file (format must be %(name)s).") % {"name": FORMAT_NAME}
                )
            ]
        )
    version = document.get("version")
    # Only a whole number can be an older version; anything else ({}, [], true) is refused just below.
    if type(version) is int and version in OLDER_VERSIONS:
        document = upgrade(document)
        raw = json.dumps(document)
    if document.get("version") != FORMAT_VERSION:
        raise CaseFileError(
            [
                CaseFileProblem(
                    "$.version",
                    _("Unknown schema version %(version)r; this workbench reads version %(supported)s.")
                    % {"version": document.get("version"), "supported": FORMAT_VERSION},
                )
            ]
        )
    try:
        case_file = CaseFile.model_validate_json(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = [CaseFileProblem(json_path(error["loc"]), error["msg"]) for error in errors]
        # Every error in one pass: check the rest of the file without the items the schema refused.
        raise CaseFileError(problems + _problems_beyond_the_schema(document, errors)) from exc
    problems = _content_problems(case_file)
    if problems:
        raise CaseFileError(problems)
    return case_file


def _content_problems(case_file: CaseFile) -> list[CaseFileProblem]:
    """What the schema cannot see (references, scales) and what the database cannot hold, together."""
    from policies.casefile.storage import storage_problems  # needs the models, loaded lazily

    return list(check_references(case_file)) + list(storage_problems(case_file))


def _problems_beyond_the_schema(document: dict[str, Any], errors: Sequence[Any]) -> list[CaseFileProblem]:
    """The reference and storage problems of a file the schema refused, so that one upload lists them all.

    Each list item the schema refused is left out and the rest checked again; paths are given in the file's own
    numbering, and references to a left-out item are not reported (its own error already is). A field outside
    any list item is left out; if it was required (the case's title), nothing more can be checked or reported.
    """
    refused: dict[tuple[str | int, ...], set[int]] = {}
    pruned = copy.deepcopy(document)
    for error in errors:
        location = tuple(error["loc"])
        last = max((k for k, part in enumerate(location) if isinstance(part, int)), default=None)
        if last is None:
            # A field outside any list item (the header's): left out, which only works if it is optional.
            parent = _at(pruned, location[:-1])
            if isinstance(parent, dict) and location:
                parent.pop(location[-1], None)
            continue
        refused.setdefault(location[:last], set()).add(int(location[last]))
    kept: dict[tuple[str | int, ...], list[int]] = {}
    left_out: set[str] = set()
    # Deepest lists first, so that the indices of outer lists still lead to them.
    for list_path in sorted(refused, key=len, reverse=True):
        items = _at(pruned, list_path)
        if not isinstance(items, list):
            return []
        for index in refused[list_path]:
            if (
                index < len(items)
                and isinstance(items[index], dict)
                and isinstance(items[index].get("id"), str)
            ):
                left_out.add(items[index]["id"])
        kept[list_path] = [i for i in range(len(items)) if i not in refused[list_path]]
        items[:] = [item for i, item in enumerate(items) if i not in refused[list_path]]
    try:
        case_file = CaseFile.model_validate_json(json.dumps(pruned))
    except ValidationError:
        return []
    quoted = [repr(key) for key in left_out]
    return [
        CaseFileProblem(_original_path(problem.path, kept), problem.message)
        for problem in _content_problems(case_file)
        # "Unknown option 'x'." where x is an item already reported as refused says nothing new.
        if not any(key in problem.message for key in quoted)
    ]


def _at(document: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        try:
            document = document[part]
        except (KeyError, IndexError, TypeError):
            return None
    return document


def _original_path(path: str, kept: dict[tuple[str | int, ...], list[int]]) -> str:
    """A JSON path in the pruned file, numbered as in the file itself."""
    parts: list[str | int] = []
    for name, index in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path.removeprefix("$")):
        if name:
            parts.append(name)
        else:
            remaining = kept.get(tuple(parts))
            position = int(index)
            parts.append(
                remaining[position] if remaining is not None and position < len(remaining) else position
            )
    return json_path(parts)


def _duplicates(items: Sequence[object], list_path: str) -> Iterable[CaseFileProblem]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        key = getattr(item, "id")  # noqa: B009 - every list item of the schema has an id
        if key in seen:
            yield CaseFileProblem(f"{list_path}[{index}].id", _("Duplicate id %(id)r.") % {"id": key})
        seen.add(key)


def _unknown(keys: Iterable[str], known: set[str], path: str, what: str) -> Iterable[CaseFileProblem]:
    for index, key in enumerate(keys):
        if key not in known:
            yield CaseFileProblem(
                f"{path}[{index}]", _("Unknown %(what)s %(id)r.") % {"what": what, "id": key}
            )


def cross_impact_problems(
    cf: CaseFile, states: dict[str, set[str]], evidence: set[str]
) -> Iterable[CaseFileProblem]:
    """The matrix's cells name states of two different drivers of the file, once each, and its evidence."""
    seen: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for i, impact in enumerate(cf.cross_impacts):
        for side in ("source", "target"):
            driver, state = getattr(impact, side)
            if state not in states.get(driver, set()):
                yield CaseFileProblem(
                    f"$.cross_impacts[{i}].{side}",
                    _("Unknown driver state %(id)r.") % {"id": f"{driver}/{state}"},
                )
        if impact.source[0] == impact.target[0]:
            yield CaseFileProblem(f"$.cross_impacts[{i}]", _("Both states belong to the same driver."))
        if (impact.source, impact.target) in seen:
            yield CaseFileProblem(f"$.cross_impacts[{i}]", _("A second value for the same cell."))
        seen.add((impact.source, impact.target))
        yield from _unknown(impact.evidence, evidence, f"$.cross_impacts[{i}].evidence", _("evidence"))


def _reference_value_problems(
    cf: CaseFile, options: set[str], criteria: dict[str, CriterionItem], leaves: set[str]
) -> Iterable[CaseFileProblem]:
    """Each reference value names an option and a scored criterion of the case, once, within its scale."""
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(cf.reference_values):
        path = f"$.reference_values[{i}]"
        if item.option not in options:
            yield CaseFileProblem(f"{path}.option", _("Unknown option %(id)r.") % {"id": item.option})
        if item.criterion not in leaves:
            yield CaseFileProblem(
                f"{path}.criterion", _("Unknown criterion %(id)r.") % {"id": item.criterion}
            )
            continue
        if (item.option, item.criterion) in seen:
            yield CaseFileProblem(path, _("Duplicate reference value."))
        seen.add((item.option, item.criterion))
        scale = criteria[item.criterion].scale
        low, high = (scale.min, scale.max) if scale is not None else (0.0, 10.0)
        if not low <= item.value <= high:
            yield CaseFileProblem(
                f"{path}.value",
                _("%(criterion)s goes from %(low)g to %(high)g.")
                % {"criterion": item.criterion, "low": low, "high": high},
            )


def check_references(cf: CaseFile) -> Iterable[CaseFileProblem]:
    """Everything a schema cannot see: duplicate ids, dangling references, values outside their scale."""
    for name in ("sources", "evidence", "actors", "drivers", "scenarios", "options", "criteria", "exercises"):
        yield from _duplicates(getattr(cf, name), f"$.{name}")
    sources = {s.id for s in cf.sources}
    evidence = {e.id for e in cf.evidence}
    actors = {a.id for a in cf.actors}
    options = {o.id for o in cf.options}
    scenarios = {s.id for s in cf.scenarios}
    criteria = {c.id: c for c in cf.criteria}
    groups = {c.parent for c in cf.criteria if c.parent}
    leaves = {key for key in criteria if key not in groups}
    states = {d.id: {s.id for s in d.states} for d in cf.drivers}

    for i, item in enumerate(cf.evidence):
        if item.source not in sources:
            yield CaseFileProblem(
                f"$.evidence[{i}].source", _("Unknown source %(id)r.") % {"id": item.source}
            )
    citing: dict[str, Sequence[ActorItem | DriverItem | ScenarioItem | OptionItem | CriterionItem]] = {
        "actors": cf.actors,
        "drivers": cf.drivers,
        "scenarios": cf.scenarios,
        "options": cf.options,
        "criteria": cf.criteria,
    }
    for name, items in citing.items():
        for i, described in enumerate(items):
            yield from _unknown(described.evidence, evidence, f"$.{name}[{i}].evidence", _("evidence"))
    for i, driver_item in enumerate(cf.drivers):
        seen: set[str] = set()
        for j, state_item in enumerate(driver_item.states):
            if state_item.id in seen:
                yield CaseFileProblem(
                    f"$.drivers[{i}].states[{j}].id", _("Duplicate id %(id)r.") % {"id": state_item.id}
                )
            seen.add(state_item.id)
    for i, pair in enumerate(cf.consistency):
        for side in ("a", "b"):
            driver, state = getattr(pair, side)
            if state not in states.get(driver, set()):
                yield CaseFileProblem(
                    f"$.consistency[{i}].{side}",
                    _("Unknown driver state %(id)r.") % {"id": f"{driver}/{state}"},
                )
        if pair.a[0] == pair.b[0]:
            yield CaseFileProblem(f"$.consistency[{i}]", _("Both states belong to the same driver."))
    yield from cross_impact_problems(cf, states, evidence)
    for i, scenario in enumerate(cf.scenarios):
        for driver, state in scenario.states.items():
            if state not in states.get(driver, set()):
                yield CaseFileProblem(
                    f"$.scenarios[{i}].states.{driver}",
                    _("Unknown driver state %(id)r.") % {"id": f"{driver}/{state}"},
                )
    for i, option in enumerate(cf.options):
        yield from _unknown(option.actors, actors, f"$.options[{i}].actors", _("actor"))
    for i, criterion in enumerate(cf.criteria):
        path = f"$.criteria[{i}]"
        if criterion.parent is not None:
            if criterion.parent not in criteria:
                yield CaseFileProblem(
                    f"{path}.parent", _("Unknown criterion %(id)r.") % {"id": criterion.parent}
                )
            elif criteria[criterion.parent].parent is not None:
                yield CaseFileProblem(
                    f"{path}.parent", _("Criteria groups cannot be nested more than one level.")
                )
        if criterion.scale is not None and criterion.scale.min >= criterion.scale.max:
            yield CaseFileProblem(f"{path}.scale", _("The scale minimum must be below its maximum."))
    yield from _reference_value_problems(cf, options, criteria, leaves)
    for i, exercise in enumerate(cf.exercises):
        path = f"$.exercises[{i}]"
        yield from _check_exercise(exercise, path, options, leaves, scenarios, criteria)
        yield from _check_impact_ratings(exercise, path, states)
        yield from _check_impact_cells(exercise, path, states)


def _check_exercise(
    exercise: ExerciseItem,
    path: str,
    options: set[str],
    leaves: set[str],
    scenarios: set[str],
    criteria: dict[str, CriterionItem],
) -> Iterable[CaseFileProblem]:
    yield from _unknown(exercise.options, options, f"{path}.options", _("option"))
    yield from _unknown(exercise.criteria, leaves, f"{path}.criteria", _("leaf criterion"))
    yield from _unknown(exercise.scenarios, scenarios, f"{path}.scenarios", _("scenario"))
    participants = {p.id for p in exercise.participants}
    yield from _duplicates(exercise.participants, f"{path}.participants")
    in_play = (set(exercise.options), set(exercise.criteria), set(exercise.scenarios))
    weight_cells: set[tuple[str, str, str | None, int]] = set()
    for j, weight in enumerate(exercise.weights):
        where = f"{path}.weights[{j}]"
        if weight.participant not in participants:
            yield CaseFileProblem(
                f"{where}.participant", _("Unknown participant %(id)r.") % {"id": weight.participant}
            )
        if weight.scenario is not None and weight.scenario not in in_play[2]:
            yield CaseFileProblem(
                f"{where}.scenario", _("Scenario %(id)r is not in this exercise.") % {"id": weight.scenario}
            )
        if weight.criterion not in in_play[1]:
            yield CaseFileProblem(
                f"{where}.criterion",
                _("Criterion %(id)r is not in this exercise.") % {"id": weight.criterion},
            )
        cell = (weight.participant, weight.criterion, weight.scenario, weight.round)
        if cell in weight_cells:
            yield CaseFileProblem(
                where, _("A second weight for the same participant, criterion, scenario and round.")
            )
        weight_cells.add(cell)
    score_cells: set[tuple[str, str, str, str | None, int]] = set()
    for j, score in enumerate(exercise.scores):
        where = f"{path}.scores[{j}]"
        if score.participant not in participants:
            yield CaseFileProblem(
                f"{where}.participant", _("Unknown participant %(id)r.") % {"id": score.participant}
            )
        if score.option not in in_play[0]:
            yield CaseFileProblem(
                f"{where}.option", _("Option %(id)r is not in this exercise.") % {"id": score.option}
            )
        if score.scenario is not None and score.scenario not in in_play[2]:
            yield CaseFileProblem(
                f"{where}.scenario", _("Scenario %(id)r is not in this exercise.") % {"id": score.scenario}
            )
        if score.criterion not in in_play[1]:
            yield CaseFileProblem(
                f"{where}.criterion", _("Criterion %(id)r is not in this exercise.") % {"id": score.criterion}
            )
        elif (criterion := criteria.get(score.criterion)) is not None:
            # An exercise listing an unknown criterion is reported where it lists it; its scores have no scale.
            scale = criterion.scale
            low, high = (scale.min, scale.max) if scale else (0.0, 10.0)
            if not low <= score.value <= high:
                yield CaseFileProblem(
                    f"{where}.value",
                    _("%(value)s is outside the criterion's scale %(low)s to %(high)s.")
                    % {"value": score.value, "low": low, "high": high},
                )
        score_cell = (score.participant, score.option, score.criterion, score.scenario, score.round)
        if score_cell in score_cells:
            yield CaseFileProblem(where, _("A second score for the same cell and round."))
        score_cells.add(score_cell)
    yield from _check_pairwise(exercise, path, participants, in_play)


def _check_pairwise(
    exercise: ExerciseItem, path: str, participants: set[str], in_play: tuple[set[str], set[str], set[str]]
) -> Iterable[CaseFileProblem]:
    """Comparisons name people, criteria and scenarios of the exercise, each pair once, on Saaty's scale."""
    from policies.services.judgments import check_ratio  # needs the models, loaded lazily

    compared: set[tuple[str, frozenset[str], str | None, int]] = set()
    for j, comparison in enumerate(exercise.pairwise):
        where = f"{path}.pairwise[{j}]"
        if comparison.participant not in participants:
            yield CaseFileProblem(
                f"{where}.participant", _("Unknown participant %(id)r.") % {"id": comparison.participant}
            )
        for side in ("criterion_a", "criterion_b"):
            key = getattr(comparison, side)
            if key not in in_play[1]:
                yield CaseFileProblem(
                    f"{where}.{side}", _("Criterion %(id)r is not in this exercise.") % {"id": key}
                )
        if comparison.criterion_a == comparison.criterion_b:
            yield CaseFileProblem(f"{where}.criterion_b", _("A criterion cannot be compared with itself."))
        if comparison.scenario is not None and comparison.scenario not in in_play[2]:
            yield CaseFileProblem(
                f"{where}.scenario",
                _("Scenario %(id)r is not in this exercise.") % {"id": comparison.scenario},
            )
        try:
            check_ratio(comparison.value)
        except exceptions.ValidationError as exc:
            yield CaseFileProblem(
                f"{where}.value",
                _("%(value)s is not on the scale. %(reason)s")
                % {"value": comparison.value, "reason": " ".join(exc.messages)},
            )
        pair = frozenset((comparison.criterion_a, comparison.criterion_b))
        cell = (comparison.participant, pair, comparison.scenario, comparison.round)
        if cell in compared:
            yield CaseFileProblem(
                where,
                _("A second comparison of the same criteria for the same participant, scenario and round."),
            )
        compared.add(cell)


def _check_impact_ratings(
    exercise: ExerciseItem, path: str, states: dict[str, set[str]]
) -> Iterable[CaseFileProblem]:
    """Impact ratings name people of the exercise and states of two different drivers of the file, one rating
    per person, cell and round (the value's range is the schema's)."""
    participants = {p.id for p in exercise.participants}
    rated: set[tuple[str, tuple[str, str], tuple[str, str], int]] = set()
    for j, rating in enumerate(exercise.impacts):
        where = f"{path}.impacts[{j}]"
        if rating.participant not in participants:
            yield CaseFileProblem(
                f"{where}.participant", _("Unknown participant %(id)r.") % {"id": rating.participant}
            )
        for side in ("source", "target"):
            driver, state = getattr(rating, side)
            if state not in states.get(driver, set()):
                yield CaseFileProblem(
                    f"{where}.{side}", _("Unknown driver state %(id)r.") % {"id": f"{driver}/{state}"}
                )
        if rating.source[0] == rating.target[0]:
            yield CaseFileProblem(where, _("Both states belong to the same driver."))
        cell = (rating.participant, rating.source, rating.target, rating.round)
        if cell in rated:
            yield CaseFileProblem(
                where, _("A second rating of the same cell for the same participant and round.")
            )
        rated.add(cell)


def _check_impact_cells(
    exercise: ExerciseItem, path: str, states: dict[str, set[str]]
) -> Iterable[CaseFileProblem]:
    """The cells chosen for rating are cells of the file's matrix: states of two different drivers, each cell
    once."""
    chosen: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for j, cell in enumerate(exercise.impact_cells):
        where = f"{path}.impact_cells[{j}]"
        for side in ("source", "target"):
            driver, state = getattr(cell, side)
            if state not in states.get(driver, set()):
                yield CaseFileProblem(
                    f"{where}.{side}", _("Unknown driver state %(id)r.") % {"id": f"{driver}/{state}"}
                )
        if cell.source[0] == cell.target[0]:
            yield CaseFileProblem(where, _("Both states belong to the same driver."))
        if (cell.source, cell.target) in chosen:
            yield CaseFileProblem(where, _("The same cell twice."))
        chosen.add((cell.source, cell.target))
