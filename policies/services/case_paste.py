"""Bulk entry: a table pasted from a spreadsheet (or a CSV file's text) becomes options or criteria, or a
performance table (options x criteria) becomes one's own scores in an exercise or the case's reference values.

Each row is checked by the same form as the editor's, so a pasted row obeys the same rules as a typed one; the
preview lists every row with all its errors, and nothing is saved unless every row is valid.
"""

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from policies.case_forms import CaseItemForm, CriterionForm, OptionForm
from policies.models import Case, Criterion, Exercise, Option
from policies.selectors.access import Viewer
from policies.services.case_editing import save_case_item, save_reference_values
from policies.services.judgments import ScoreEntry, check_score, record_score

MAX_ROWS = 500
MAX_TEXT = 500_000

# The columns of each target, as in the CSV template; a header may also say "Name (FR)" or "name fr".
COLUMNS: dict[str, tuple[str, ...]] = {
    "option": (
        "name_en",
        "name_fr",
        "description_en",
        "description_fr",
        "instruments_en",
        "instruments_fr",
        "risks_en",
        "risks_fr",
    ),
    "criterion": (
        "group",
        "name_en",
        "name_fr",
        "definition_en",
        "definition_fr",
        "direction",
        "scale_min",
        "scale_max",
        "unit",
        "scale_low_en",
        "scale_low_fr",
        "scale_high_en",
        "scale_high_fr",
    ),
}
EXAMPLES: dict[str, tuple[str, ...]] = {
    "option": (
        "Rotate water quotas",
        "Quotas d'eau tournants",
        "Each district draws in turn.",
        "Chaque district puise à son tour.",
        "Basin authority decree",
        "Arrêté de l'autorité de bassin",
        "Upstream non-compliance",
        "Non-respect en amont",
    ),
    "criterion": (
        "Social",
        "Households served",
        "Ménages desservis",
        "Share of households with 50 litres a day.",
        "Part des ménages ayant 50 litres par jour.",
        "benefit",
        "0",
        "10",
        "points",
        "nobody served",
        "personne n'est desservi",
        "every household served",
        "tous les ménages desservis",
    ),
}


@dataclass
class PastedRow:
    number: int  # the row's line in the pasted table, the header being line 1
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    new_group: bool = False
    shown: list[str] = field(default_factory=list)  # the cells in the table's column order

    def cells(self, columns: list[str]) -> list[str]:
        return [self.values.get(name, "") for name in columns]


@dataclass
class PastedTable:
    target: str
    columns: list[str]
    rows: list[PastedRow]
    errors: list[str] = field(default_factory=list)  # about the whole table

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.errors and not any(row.errors for row in self.rows)

    @property
    def new_groups(self) -> list[str]:
        return sorted({row.values["group"] for row in self.rows if row.new_group})


def _column(header: str) -> str:
    """ "Name (FR)", "name fr", "name_fr" -> "name_fr"; a bilingual column with no language is English."""
    name = "_".join(header.strip().lower().replace("(", " ").replace(")", " ").replace("-", " ").split())
    return name


def _dialect(text: str) -> str:
    first = text.split("\n", 1)[0]
    if "\t" in first:
        return "\t"
    return ";" if first.count(";") > first.count(",") else ","


def read_table(text: str, target: str) -> PastedTable:
    """Parse the pasted text: a header row, then one row per item; tabs (a spreadsheet), commas or
    semicolons between cells."""
    columns = COLUMNS[target]
    table = PastedTable(target, [], [])
    text = text.lstrip("\ufeff")
    if len(text) > MAX_TEXT:
        table.errors.append(_("The table is too long: paste at most %(rows)s rows.") % {"rows": MAX_ROWS})
        return table
    lines = list(csv.reader(io.StringIO(text.strip("\r\n")), delimiter=_dialect(text)))
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if len(lines) < 2:
        table.errors.append(_("Paste a header row and at least one row below it."))
        return table
    header = [_column(cell) for cell in lines[0]]
    bilingual = {c[:-3] for c in columns if c.endswith("_en")}
    header = [f"{name}_en" if name in bilingual else name for name in header]
    unknown = [lines[0][i] for i, name in enumerate(header) if name not in columns]
    if unknown:
        table.errors.append(
            _("Unknown columns: %(names)s. The columns are: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(columns)}
        )
    if "name_en" not in header:
        table.errors.append(_("A column “name_en” (the English name) is needed."))
    if len(lines) - 1 > MAX_ROWS:
        table.errors.append(_("The table is too long: paste at most %(rows)s rows.") % {"rows": MAX_ROWS})
        return table
    table.columns = [name for name in header if name in columns]
    for number, line in enumerate(lines[1:], start=2):
        values = {
            name: line[i].strip() if i < len(line) else "" for i, name in enumerate(header) if name in columns
        }
        row = PastedRow(number, values)
        row.shown = row.cells(table.columns)
        if len(line) > len(header) and any(cell.strip() for cell in line[len(header) :]):
            row.errors.append(_("This row has more cells than the header."))
        table.rows.append(row)
    return table


def _form_data(row: PastedRow, target: str) -> dict[str, Any]:
    data: dict[str, Any] = {name: value for name, value in row.values.items() if name != "group"}
    for name in COLUMNS[target]:
        data.setdefault(name, "")
    if target == "criterion":
        data["direction"] = (data.get("direction") or "benefit").lower()
        data["scale_min"] = data.get("scale_min") or "0"
        data["scale_max"] = data.get("scale_max") or "10"
        data["preference_function"] = "usual"
    return data


def _group(case: Case, name: str) -> Criterion | None:
    for group in case.criteria.filter(parent__isnull=True, is_group=True):
        if name.casefold() in {text.casefold() for text in group.name.values() if text}:
            return group
    return None


def check_table(*, case: Case, table: PastedTable) -> PastedTable:
    """Every error of every row, by the editor's own forms."""
    for row in table.rows:
        data = _form_data(row, table.target)
        if table.target == "criterion" and row.values.get("group"):
            group = _group(case, row.values["group"])
            row.new_group = group is None
            data["parent"] = str(group.pk) if group else ""
        form = (OptionForm if table.target == "option" else CriterionForm)(data, case=case)
        if not form.is_valid():
            for name, errors in form.errors.items():
                where = "" if name == "__all__" else f"{name}: "
                row.errors.extend(f"{where}{error}" for error in errors)
    return table


@transaction.atomic
def save_table(*, case: Case, table: PastedTable) -> int:
    """Save a checked table (groups named but missing are created first); returns the number of items."""
    if not table.valid:
        raise ValueError("save_table needs a valid table")
    groups: dict[str, Criterion] = {}
    saved = 0
    for row in table.rows:
        data = _form_data(row, table.target)
        if table.target == "criterion" and row.values.get("group"):
            name = row.values["group"]
            group = _group(case, name) or groups.get(name.casefold())
            if group is None:
                group_form = CriterionForm(
                    {"name_en": name, "is_group_choice": "on", "preference_function": "usual"}, case=case
                )
                assert group_form.is_valid(), group_form.errors
                group = save_case_item(case=case, form=group_form)
                groups[name.casefold()] = group
            data["parent"] = str(group.pk)
        form: CaseItemForm[Any] = (OptionForm if table.target == "option" else CriterionForm)(data, case=case)
        assert form.is_valid(), form.errors
        save_case_item(case=case, form=form)
        saved += 1
    return saved


def template_csv(target: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS[target])
    writer.writerow(EXAMPLES[target])
    return out.getvalue()


# -- a performance table: options x criteria, as one's own scores in an exercise ---------------------------


@dataclass
class PastedScore:
    option: Option
    criterion: Criterion
    value: float


@dataclass
class PerformanceTable:
    criteria: list[Criterion]
    rows: list[tuple[str, list[str]]]  # option label, the cells as typed
    scores: list[PastedScore]
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return bool(self.scores) and not self.errors


def _named(items: list[Any], ref: str) -> Any:
    ref = ref.strip().casefold()
    for item in items:
        names = {item.key.casefold(), *(text.casefold() for text in (item.name or {}).values() if text)}
        if ref in names:
            return item
    return None


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def read_performance(text: str, exercise: Exercise) -> PerformanceTable:
    """One's own scores: each filled cell checked against the criterion's scale in this exercise."""
    return _read_matrix(
        text,
        options=list(exercise.options.order_by("position", "pk")),
        criteria=list(exercise.criteria.order_by("position", "pk")),
        check=lambda criterion, value: check_score(exercise, criterion, value),
        unknown_column=_("Column “%(name)s” is not a criterion in play."),
        unknown_row=_("Row %(row)s: “%(name)s” is not an option in play."),
    )


def read_reference_values(text: str, case: Case) -> PerformanceTable:
    """The case's reference values: every option and scored criterion of the case (groups are not scored),
    each filled cell checked against the criterion's own scale."""
    return _read_matrix(
        text,
        options=list(case.options.order_by("position", "pk")),
        criteria=list(case.criteria.filter(is_group=False).order_by("position", "pk")),
        check=check_reference_value,
        unknown_column=_("Column “%(name)s” is not a scored criterion of the case."),
        unknown_row=_("Row %(row)s: “%(name)s” is not an option of the case."),
    )


def check_reference_value(criterion: Criterion, value: float) -> float:
    if not math.isfinite(value) or not criterion.scale_min <= value <= criterion.scale_max:
        raise ValidationError(
            _("%(criterion)s goes from %(low)g to %(high)g.")
            % {"criterion": str(criterion), "low": criterion.scale_min, "high": criterion.scale_max},
            code="out_of_range",
        )
    return float(value)


def _read_matrix(
    text: str,
    *,
    options: list[Option],
    criteria: list[Criterion],
    check: Callable[[Criterion, float], float],
    unknown_column: str,
    unknown_row: str,
) -> PerformanceTable:
    """Options down the first column, criteria across the header (by key or name); each filled cell a number
    that `check` accepts. Every error is listed, cell by cell."""
    in_play = criteria
    table = PerformanceTable([], [], [])
    text = text.lstrip("\ufeff")
    if len(text) > MAX_TEXT:
        table.errors.append(_("The table is too long: paste at most %(rows)s rows.") % {"rows": MAX_ROWS})
        return table
    lines = [
        line
        for line in csv.reader(io.StringIO(text.strip("\r\n")), delimiter=_dialect(text))
        if any(cell.strip() for cell in line)
    ]
    if len(lines) < 2:
        table.errors.append(_("Paste a header row and at least one row below it."))
        return table
    columns: list[Criterion | None] = []
    for name in lines[0][1:]:
        found = _named(in_play, name)
        if found is None:
            table.errors.append(unknown_column % {"name": name})
        columns.append(found)
    table.criteria = [c for c in columns if c is not None]
    for number, line in enumerate(lines[1 : MAX_ROWS + 1], start=2):
        option = _named(options, line[0])
        if option is None:
            table.errors.append(unknown_row % {"row": number, "name": line[0]})
        cells = line[1:]
        table.rows.append((line[0], cells))
        for criterion, cell in zip(columns, cells, strict=False):
            if not cell.strip() or criterion is None or option is None:
                continue
            value = _number(cell)
            if value is None:
                table.errors.append(
                    _("Row %(row)s, %(criterion)s: “%(cell)s” is not a number.")
                    % {"row": number, "criterion": criterion, "cell": cell}
                )
                continue
            try:
                check(criterion, value)
            except ValidationError as exc:
                table.errors.append(
                    _("Row %(row)s: %(error)s") % {"row": number, "error": " ".join(exc.messages)}
                )
                continue
            table.scores.append(PastedScore(option, criterion, value))
    return table


@transaction.atomic
def save_performance(*, viewer: Viewer, table: PerformanceTable) -> int:
    """Record every pasted cell as the viewer's own score, through the one judgment service."""
    for score in table.scores:
        record_score(
            viewer=viewer,
            entry=ScoreEntry(option=score.option.pk, criterion=score.criterion.pk, value=score.value),
        )
    return len(table.scores)


def performance_template(exercise: Exercise) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["option", *(c.key for c in exercise.criteria.order_by("position", "pk"))])
    for option in exercise.options.order_by("position", "pk"):
        writer.writerow([option.key])
    return out.getvalue()


def save_reference_table(*, case: Case, table: PerformanceTable) -> int:
    """Keep every pasted cell as the case's reference value, through the case editing service."""
    return save_reference_values(
        case=case, values=[(cell.option, cell.criterion, cell.value) for cell in table.scores]
    )


def reference_template(case: Case) -> str:
    """The case's options and scored criteria by key, with the reference values it already holds: downloaded,
    edited in a spreadsheet and pasted back, it changes only what was edited."""
    criteria = list(case.criteria.filter(is_group=False).order_by("position", "pk"))
    held = {(r.option_id, r.criterion_id): r.value for r in case.reference_values.all()}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["option", *(c.key for c in criteria)])
    for option in case.options.order_by("position", "pk"):
        cells = [held.get((option.pk, c.pk)) for c in criteria]
        writer.writerow([option.key, *("" if v is None else f"{v:g}" for v in cells)])
    return out.getvalue()
