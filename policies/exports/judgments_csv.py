import csv
import io

from django.utils.translation import gettext as _

from policies.exports.cells import csv_field
from policies.models import Exercise
from policies.selectors.comments import comment_rows
from policies.selectors.judgment_table import judgment_rows
from policies.selectors.visibility import Visibility


def build_judgments_csv(exercise: Exercise, seen: Visibility) -> bytes:
    """Every judgment the reader may see, one per line, then the comment threads (kind "comment", one comment
    a line, a reply naming the number of the comment it answers), UTF-8 with a byte-order mark so spreadsheets
    read accents. When something is withheld from the reader, a first line starting with "#" says what and
    why. Comments and their authors are those `selectors.comments` gives the reader."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if seen.withheld:
        writer.writerow([f"# {seen.withheld}"])
    writer.writerow(
        [_("participant"), _("round"), _("kind"), _("option"), _("criterion"), _("scenario"), _("value"),
         _("confidence"), _("rationale"), _("updated"), _("comment number"), _("reply to"), _("comment")]
    )  # fmt: skip
    for row in judgment_rows(exercise, seen):
        writer.writerow(
            [csv_field(row.participant), row.round, row.kind, csv_field(row.option), csv_field(row.criterion),
             csv_field(row.scenario), row.value, "" if row.confidence is None else row.confidence,
             csv_field(row.rationale), row.updated.isoformat(), "", "", ""]
        )  # fmt: skip
    for comment in comment_rows(exercise, seen):
        option = comment.subject_name if comment.subject_kind == "option" else ""
        criterion = comment.subject_name if comment.subject_kind == "criterion" else ""
        writer.writerow(
            [csv_field(comment.author), "", "comment", csv_field(option), csv_field(criterion), "", "", "", "",
             comment.created.isoformat(), comment.number, comment.reply_to or "", csv_field(comment.body)]
        )  # fmt: skip
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
