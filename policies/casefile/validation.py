"""Parse and validate a case file, reporting every problem with its JSON path.

Validation happens fully before anything is written, so an import either succeeds whole or writes nothing.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core import exceptions
from django.utils.translation import gettext as _
from pydantic import ValidationError

from policies.casefile.schema import FORMAT_NAME, FORMAT_VERSION, CaseFile, ExerciseItem

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
        raise CaseFileError(
            [
                CaseFileProblem(json_path(error["loc"]), error["msg"])
                for error in exc.errors(include_url=False)
            ]
        ) from exc
    problems = list(check_references(case_file))
    if not problems:
        from policies.casefile.storage import storage_problems  # needs the models, loaded lazily

        problems = list(storage_problems(case_file))
    if problems:
        raise CaseFileError(problems)
    return case_file


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
    for name, items in (
        ("actors", cf.actors),
        ("drivers", cf.drivers),
        ("scenarios", cf.scenarios),
        ("options", cf.options),
        ("criteria", cf.criteria),
    ):
        for i, item in enumerate(items):
            yield from _unknown(item.evidence, evidence, f"$.{name}[{i}].evidence", _("evidence"))
    for i, driver in enumerate(cf.drivers):
        seen: set[str] = set()
        for j, state in enumerate(driver.states):
            if state.id in seen:
                yield CaseFileProblem(
                    f"$.drivers[{i}].states[{j}].id", _("Duplicate id %(id)r.") % {"id": state.id}
                )
            seen.add(state.id)
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
    for i, exercise in enumerate(cf.exercises):
        yield from _check_exercise(exercise, f"$.exercises[{i}]", options, leaves, scenarios, criteria)


def _check_exercise(exercise, path, options, leaves, scenarios, criteria):
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
        else:
            scale = criteria[score.criterion].scale
            low, high = (scale.min, scale.max) if scale else (0.0, 10.0)
            if not low <= score.value <= high:
                yield CaseFileProblem(
                    f"{where}.value",
                    _("%(value)s is outside the criterion's scale %(low)s to %(high)s.")
                    % {"value": score.value, "low": low, "high": high},
                )
        cell = (score.participant, score.option, score.criterion, score.scenario, score.round)
        if cell in score_cells:
            yield CaseFileProblem(where, _("A second score for the same cell and round."))
        score_cells.add(cell)
    yield from _check_pairwise(exercise, path, participants, in_play)


def _check_pairwise(
    exercise: ExerciseItem, path: str, participants: set[str], in_play: tuple[set[str], set[str], set[str]]
) -> Iterable[CaseFileProblem]:
    """Comparisons name people, criteria and scenarios of the exercise, each pair once, on Saaty's scale."""
    from policies.services.workshop import parse_ratio  # needs the models, loaded lazily

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
            parse_ratio(repr(comparison.value))
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
