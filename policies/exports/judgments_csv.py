import csv
import io

from django.utils.translation import gettext as _

from policies.models import Exercise
from policies.selectors.judgment_table import judgment_rows

# Cells a spreadsheet would run as a formula if they began with these (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def build_judgments_csv(exercise: Exercise) -> bytes:
    """All judgments of all rounds, one per line, UTF-8 with a byte-order mark so spreadsheets read accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [_("participant"), _("round"), _("kind"), _("option"), _("criterion"), _("scenario"), _("value"),
         _("confidence"), _("rationale"), _("updated")]
    )  # fmt: skip
    for row in judgment_rows(exercise):
        writer.writerow(
            [_cell(row.participant), row.round, row.kind, _cell(row.option), _cell(row.criterion), _cell(row.scenario),
             row.value, "" if row.confidence is None else row.confidence, _cell(row.rationale), row.updated.isoformat()]
        )  # fmt: skip
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
