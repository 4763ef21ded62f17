"""The workbook and the CSV open safely whatever people typed: no formula built from their text, no control
character (a single bell in a rationale used to stop the whole workbook)."""

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from openpyxl import Workbook, load_workbook

from policies.casefile.validation import parse_case_file
from policies.control_characters import without_control_characters
from policies.exports.cells import FORMULA_STARTS, append_row, csv_field
from policies.exports.judgments_csv import build_judgments_csv
from policies.exports.workbook import build_workbook
from policies.models import Participant, ScoreJudgment
from policies.models.exercises import Anonymity
from policies.selectors.analysis_results import analysis_results
from policies.services.case_import import import_case
from tests.factories import TeamFactory
from tests.hostile_text import hostile_label
from tests.viewers import facilitator_view

SEED = Path(__file__).resolve().parents[2] / "seeds" / "mali-2012.json"
FORMULA = '=HYPERLINK("http://127.0.0.1:9/x","Open")'


def cells(book) -> list:  # type: ignore[no-untyped-def]
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]


@pytest.fixture
def hostile_exercise(db):  # type: ignore[no-untyped-def]
    exercise = import_case(case_file=parse_case_file(SEED.read_bytes()), team=TeamFactory()).exercises.get()
    exercise.anonymity = Anonymity.NAMED
    exercise.save()
    option, criterion, scenario = (
        exercise.options.first(),
        exercise.criteria.first(),
        exercise.scenarios.first(),
    )
    option.name = {"en": FORMULA}
    criterion.name = {"en": "+cmd|' /C calc'!A0"}
    scenario.name = {"en": "@SUM(A1:A9)"}
    for item in (option, criterion, scenario):
        item.save()
    participant = Participant.objects.filter(exercise=exercise).first()
    participant.alias = "-2+3\x1b[31m"
    participant.save()
    # DEL and C1 rather than NUL, which PostgreSQL cannot store and every input refuses.
    ScoreJudgment.objects.filter(participant=participant).update(
        rationale={"en": "\x07=1+1\tsee\r\nnotes\x7f\x85"}
    )
    return exercise


def test_the_workbook_holds_no_formula_and_no_control_character(hostile_exercise) -> None:
    book = load_workbook(
        io.BytesIO(
            build_workbook(analysis_results(hostile_exercise, visibility=facilitator_view(hostile_exercise)))
        )
    )
    found = cells(book)
    assert not [cell.coordinate for cell in found if cell.data_type == "f"]
    texts = {cell.value for cell in found if isinstance(cell.value, str)}
    assert FORMULA in texts  # shown as typed, as text
    assert "=1+1 see\nnotes" in texts and "-2+3[31m" in texts
    assert not [t for t in texts if any(ord(c) < 32 and c != "\n" for c in t)]


def test_the_csv_neutralises_formulas_and_drops_control_characters(hostile_exercise) -> None:
    text = build_judgments_csv(hostile_exercise, facilitator_view(hostile_exercise)).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    fields = [value for row in rows for value in row.values()]
    assert not [f for f in fields if any(ord(c) < 32 and c != "\n" for c in f)]
    assert not [f for f in fields if f.lstrip(" \n").startswith(FORMULA_STARTS) and not f.startswith("'")]
    mine = [r for r in rows if r["participant"] == "'-2+3[31m" and r["kind"] == "score"]
    assert mine and {r["rationale"] for r in mine} == {"'=1+1 see\nnotes"}
    assert any(r["option"] == "'" + FORMULA for r in mine)


@given(label=hostile_label)
def test_any_label_is_a_string_cell_as_typed_less_control_characters(label) -> None:
    book = Workbook()
    append_row(book.active, [label, 1.5])
    buffer = io.BytesIO()
    book.save(buffer)
    cell, number = next(load_workbook(buffer).active.iter_rows(max_row=1))
    clean = without_control_characters(label)
    assert number.value == 1.5
    if clean:
        assert cell.data_type == "s" and cell.value == clean


@given(label=hostile_label)
def test_any_label_reads_back_from_the_csv_as_text(label) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_field(label), 2])
    (read,) = list(csv.reader(io.StringIO(buffer.getvalue())))
    clean = without_control_characters(label)
    formula_like = clean.lstrip(" \n").startswith(FORMULA_STARTS)
    assert read == [("'" + clean) if formula_like else clean, "2"]
