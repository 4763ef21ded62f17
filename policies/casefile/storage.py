"""What the database cannot hold although the case-file schema allows it: narrower columns, NUL characters,
integer and check-constraint ranges, duplicate consistency pairs. parse_case_file runs these checks, so every
import path refuses such a file with JSON paths instead of failing in the database.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _

from policies.casefile.schema import CaseFile, ImpactRatingItem, PairwiseItem, ScoreItem, WeightItem
from policies.casefile.validation import CaseFileProblem
from policies.models import Case, SourceDocument
from policies.models.fields import column_field

# What the database holds in narrower columns than the case-file schema allows.
_SOURCE_LIMITS = {
    name: column_field(SourceDocument, name).max_length
    for name in ("authors", "publisher", "date", "kind", "file", "url")
}
_CASE_LIMITS = {name: column_field(Case, name).max_length for name in ("period", "region")}
MAX_ROUND = 32767  # PositiveSmallIntegerField
MAX_SCORE = 1e6  # check constraint score_value_finite


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _too_long(limits: dict[str, int | None], item: Any, path: str) -> Iterable[CaseFileProblem]:
    for name, limit in limits.items():
        value = getattr(item, name)
        if limit is not None and len(value) > limit:
            yield CaseFileProblem(
                f"{path}.{name}", _("At most %(limit)s characters here.") % {"limit": limit}
            )


def storage_problems(case_file: CaseFile) -> Iterator[CaseFileProblem]:
    """Values the schema accepts but the database cannot store (column widths, NUL characters, ranges)."""
    for path, text in _strings(case_file.model_dump(mode="json"), "$"):
        if "\x00" in text:
            yield CaseFileProblem(path, _("Text may not contain NUL characters."))
    yield from _too_long(_CASE_LIMITS, case_file.case, "$.case")
    for i, source in enumerate(case_file.sources):
        yield from _too_long(_SOURCE_LIMITS, source, f"$.sources[{i}]")
    for i, criterion in enumerate(case_file.criteria):
        scale = criterion.scale
        for end in ("min", "max"):
            if scale is not None and abs(getattr(scale, end)) > MAX_SCORE:
                # Every score on the scale must fit the score_value_finite constraint, or scoring fails later.
                yield CaseFileProblem(
                    f"$.criteria[{i}].scale.{end}",
                    _("Scores lie between -%(max)g and %(max)g.") % {"max": MAX_SCORE},
                )
    pairs: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for i, pair in enumerate(case_file.consistency):
        if (pair.a, pair.b) in pairs:
            yield CaseFileProblem(f"$.consistency[{i}]", _("A second value for the same pair of states."))
        pairs.add((pair.a, pair.b))
    for i, exercise in enumerate(case_file.exercises):
        judgments: dict[str, Sequence[WeightItem | ScoreItem | PairwiseItem | ImpactRatingItem]] = {
            "weights": exercise.weights,
            "scores": exercise.scores,
            "pairwise": exercise.pairwise,
            "impacts": exercise.impacts,
        }
        for kind, items in judgments.items():
            for j, item in enumerate(items):
                if item.round > MAX_ROUND:
                    yield CaseFileProblem(
                        f"$.exercises[{i}].{kind}[{j}].round",
                        _("Rounds go up to %(max)s.") % {"max": MAX_ROUND},
                    )
        for j, score in enumerate(exercise.scores):
            if abs(score.value) > MAX_SCORE:
                yield CaseFileProblem(
                    f"$.exercises[{i}].scores[{j}].value",
                    _("Scores lie between -%(max)g and %(max)g.") % {"max": MAX_SCORE},
                )
