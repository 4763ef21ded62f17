"""The Excel workbook of an exercise: one sheet per table, frozen headers, number formats."""

import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from policies.exports.cells import append_row
from policies.formatting import display_name
from policies.models.exercises import Method
from policies.models.fields import localize
from policies.selectors.analysis_results import AnalysisResults
from policies.selectors.comments import comment_rows
from policies.selectors.judgment_table import judgment_rows

SCORE = "0.000"
SHARE = "0.0%"


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[object]],
           formats: dict[int, str] | None = None) -> Worksheet:  # fmt: skip
    """A sheet whose first row is a bold, frozen header; `formats` maps a column index to a number format."""
    sheet: Worksheet = book.create_sheet(title[:31])
    append_row(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        append_row(sheet, row)
    for column, number_format in (formats or {}).items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cell.number_format = number_format
    for index, label in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(60, len(str(label)) + 4))
    return sheet


def build_workbook(results: AnalysisResults) -> bytes:
    """The bundle's tables, one sheet each, for the reader the bundle was computed for."""
    exercise = results.exercise
    book = Workbook()
    if isinstance(first := book.active, Worksheet):  # the empty sheet every new workbook starts with
        book.remove(first)
    options = [display_name(o) for o in results.options]
    criteria = [display_name(c) for c in results.criteria]
    if results.visibility.withheld:
        _sheet(book, _("Notes"), [_("note")], [[results.visibility.withheld]])

    _sheet(book, _("Options"), [_("option"), _("description"), _("instruments"), _("known risks")],
           ([localize(o.name), localize(o.description), localize(o.instruments), localize(o.risks)]
            for o in results.options))  # fmt: skip
    _sheet(book, _("Criteria"),
           [_("criterion"), _("group"), _("direction"), _("scale minimum"), _("scale maximum"), _("definition")],
           ([localize(c.name), localize(c.parent.name) if c.parent else "", c.get_direction_display(),
             c.scale_min, c.scale_max, localize(c.definition)] for c in results.criteria))  # fmt: skip

    labels = results.selected_labels
    weights = results.weights
    _sheet(book, _("Weights"), [_("criterion"), _("group"), *labels],
           ([criteria[j], float(weights.group[j]), *(float(row[j]) for row in weights.participants)]
            for j in range(len(criteria))),
           {k: SHARE for k in range(1, 2 + len(labels))})  # fmt: skip

    _sheet(book, _("Judgments"),
           [_("participant"), _("round"), _("kind"), _("option"), _("criterion"), _("scenario"), _("value"),
            _("confidence"), _("rationale")],
           ([r.participant, r.round, r.kind, r.option, r.criterion, r.scenario, r.value, r.confidence, r.rationale]
            for r in judgment_rows(exercise, results.visibility)))  # fmt: skip

    _sheet(book, _("Comments"),
           [_("number"), _("reply to"), _("about"), _("author"), _("written"), _("comment")],
           ([c.number, c.reply_to or "", c.subject, c.author, c.created.replace(tzinfo=None), c.body]
            for c in comment_rows(exercise, results.visibility)))  # fmt: skip

    comparison = results.comparison
    if comparison is not None:
        labels_by_method = dict(Method.choices)
        header = [_("option")]
        for method in comparison.methods:
            header += [
                f"{labels_by_method.get(method, method)}: {_('score')}",
                f"{labels_by_method.get(method, method)}: {_('rank')}",
            ]
        rows = []
        for i, option in enumerate(options):
            row: list[object] = [option]
            for m in range(len(comparison.methods)):
                row += [float(comparison.scores[m, i]), int(comparison.ranks[m, i])]
            rows.append(row)
        _sheet(book, _("Results"), header, rows, {1 + 2 * m: SCORE for m in range(len(comparison.methods))})

    _sheet(book, _("Group scores"), [_("option"), *criteria],
           ([options[i], *(float(v) for v in results.matrix[i])] for i in range(len(options))))  # fmt: skip

    consensus = results.consensus
    _sheet(book, _("Consensus"),
           [_("option"), _("criterion"), _("participants"), _("median"), _("first quartile"), _("third quartile"),
            _("interquartile range"), _("in consensus")],
           ([display_name(cell.option), display_name(cell.criterion), cell.n, cell.median, cell.q1, cell.q3,
             cell.iqr, _("yes") if cell.agreed else _("no")] for cell in results.cells() if cell.n),
           {k: "0.00" for k in range(3, 7)})  # fmt: skip
    _sheet(book, _("Agreement"), [_("measure"), _("value")],
           [[_("cells judged"), consensus.judged], [_("cells in consensus"), consensus.agreed_count],
            [_("consensus threshold (interquartile range)"), consensus.threshold],
            [_("Kendall's W"), consensus.kendall_w if consensus.kendall_w is not None else "–"],
            [_("participants ranked"), consensus.raters]])  # fmt: skip

    scenarios = results.scenarios
    if scenarios is not None:
        rule_names = [_("expected value"), _("maximin"), _("maximax"), _("Hurwicz"), _("maximum regret")]
        robustness = scenarios.robustness
        _sheet(book, _("Scenarios"),
               [_("option"), *(display_name(s) for s in scenarios.scenarios), *rule_names],
               ([options[i], *(float(v) for v in scenarios.utilities[i]), float(robustness.expected_value[i]),
                 float(robustness.maximin[i]), float(robustness.maximax[i]), float(robustness.hurwicz[i]),
                 float(robustness.max_regret[i])] for i in range(len(options))),
               {k: SCORE for k in range(1, 1 + len(scenarios.scenarios) + len(rule_names))})  # fmt: skip

    sensitivity = results.sensitivity
    if sensitivity is not None:
        intervals = sensitivity.result.intervals
        _sheet(book, _("Sensitivity"),
               [_("criterion"), _("current weight"), _("lowest weight keeping the top option"),
                _("highest weight keeping the top option")],
               ([criteria[j], float(weights.group[j]), float(intervals[j, 0]), float(intervals[j, 1])]
                for j in range(len(criteria))),
               {1: SHARE, 2: SHARE, 3: SHARE})  # fmt: skip

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
