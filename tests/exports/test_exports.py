import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from policies.casefile.validation import parse_case_file
from policies.exports.judgments_csv import build_judgments_csv
from policies.exports.workbook import build_workbook
from policies.models import ScoreJudgment, WeightJudgment
from policies.models.exercises import Anonymity
from policies.selectors.analysis_results import analysis_results
from policies.services.case_import import import_case
from tests.factories import TeamFactory
from tests.viewers import facilitator_view

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parents[2] / "seeds" / "mali-2012.json"


@pytest.fixture
def exercise():
    return import_case(case_file=parse_case_file(SEED.read_bytes()), team=TeamFactory()).exercises.get()


def test_workbook_has_every_table_with_the_engines_numbers(exercise) -> None:
    results = analysis_results(exercise, visibility=facilitator_view(exercise))
    book = load_workbook(io.BytesIO(build_workbook(results)))
    assert book.sheetnames == [
        "Options", "Criteria", "Weights", "Judgments", "Comments", "Results", "Group scores", "Consensus", "Agreement",
        "Scenarios", "Sensitivity",
    ]  # fmt: skip
    options = book["Options"]
    assert options.freeze_panes == "A2"
    assert [row[0].value for row in options.iter_rows(min_row=2)] == [o.name["en"] for o in results.options]
    weights = book["Weights"]
    assert [round(row[1].value, 9) for row in weights.iter_rows(min_row=2)] == [
        round(float(w), 9) for w in results.weights.group
    ]
    assert weights["B2"].number_format == "0.0%"
    judgments = book["Judgments"]
    assert judgments.max_row - 1 == ScoreJudgment.objects.count() + WeightJudgment.objects.count()
    res = book["Results"]
    first = next(res.iter_rows(min_row=2, max_row=2, values_only=True))
    i = 0
    assert first[0] == results.options[i].name["en"]
    assert first[1] == pytest.approx(float(results.comparison.scores[0, i]))
    assert first[2] == int(results.comparison.ranks[0, i])
    assert book["Scenarios"].max_column == 1 + len(results.scenarios.scenarios) + 5


def test_csv_holds_every_judgment_and_reads_back(exercise) -> None:
    data = build_judgments_csv(exercise, facilitator_view(exercise))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == ScoreJudgment.objects.count() + WeightJudgment.objects.count()
    judgment = (
        ScoreJudgment.objects.select_related("participant", "option", "criterion")
        .filter(scenario=None)
        .first()
    )
    match = [
        r for r in rows
        if r["kind"] == "score" and r["participant"] == judgment.participant.alias
        and r["option"] == judgment.option.name["en"] and r["criterion"] == judgment.criterion.name["en"]
        and r["scenario"] == "baseline"
    ]  # fmt: skip
    assert len(match) == 1 and float(match[0]["value"]) == judgment.value


def test_exports_hide_identities_in_anonymous_exercises(exercise) -> None:
    exercise.anonymity = Anonymity.ANONYMOUS
    exercise.save()
    aliases = list(exercise.participants.values_list("alias", flat=True))
    text = build_judgments_csv(exercise, facilitator_view(exercise)).decode("utf-8")
    book = load_workbook(
        io.BytesIO(build_workbook(analysis_results(exercise, visibility=facilitator_view(exercise))))
    )
    cells = " ".join(
        str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None
    )
    for alias in aliases:
        assert alias not in text
        assert alias not in cells


def test_csv_cells_cannot_become_formulas(exercise) -> None:
    participant = exercise.participants.first()
    participant.alias = '=HYPERLINK("http://evil")'
    participant.save()
    text = build_judgments_csv(exercise, facilitator_view(exercise)).decode("utf-8-sig")
    assert "\n=HYPERLINK" not in text and "'=HYPERLINK" in text
