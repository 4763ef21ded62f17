"""Comment threads travel in every export (the PDF's annex, the workbook's sheet, the CSV, the case file's JSON),
with their authors named as the visibility policy names them for the reader: aliases for a facilitator of a
pseudonymous exercise, numbers for everyone else, numbers for all in an anonymous one."""

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from policies.exports.judgments_csv import build_judgments_csv
from policies.exports.workbook import build_workbook
from policies.models import Comment, Exercise
from policies.models.exercises import Anonymity, Phase
from policies.reporting.pdf import plan_report, report_html
from policies.selectors.analysis_results import analysis_results
from policies.selectors.case_export import export_case
from policies.selectors.visibility import Visibility, visibility_for
from tests.factories import ParticipantFactory, ScoreJudgmentFactory, WeightJudgmentFactory, make_exercise

pytestmark = pytest.mark.django_db

OPENING = "Cost is underestimated =SUM(A1) <b>bold</b>"
REPLY = "Not if the donors pay."
ON_CRITERION = "This criterion overlaps with another."


def discussed(anonymity: str, *, blind: bool = False) -> Exercise:
    """Two participants with real-looking names who scored, and three comments: one on an option, a reply to
    it, one on a criterion."""
    exercise = make_exercise(options=2, criteria=2)
    exercise.anonymity = anonymity
    exercise.blind = blind
    exercise.save()
    option = exercise.options.order_by("position").first()
    criterion = exercise.criteria.order_by("position").first()
    people = [ParticipantFactory(exercise=exercise, alias=f"Real Name {k}") for k in (1, 2)]
    for person in people:
        for c in exercise.criteria.all():
            WeightJudgmentFactory(participant=person, criterion=c, value=50)
            for o in exercise.options.all():
                ScoreJudgmentFactory(participant=person, option=o, criterion=c, value=5)
    opening = Comment.objects.create(exercise=exercise, author=people[0], option=option, body=OPENING)
    Comment.objects.create(exercise=exercise, author=people[1], option=option, parent=opening, body=REPLY)
    Comment.objects.create(exercise=exercise, author=people[1], criterion=criterion, body=ON_CRITERION)
    return exercise


def csv_comments(exercise: Exercise, seen: Visibility) -> list[dict[str, str]]:
    rows = csv.DictReader(
        line
        for line in io.StringIO(build_judgments_csv(exercise, seen).decode("utf-8-sig"))
        if line[0] != "#"
    )
    return [row for row in rows if row["kind"] == "comment"]


def sheet_comments(exercise: Exercise, seen: Visibility) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(build_workbook(analysis_results(exercise, visibility=seen))))
    return list(book["Comments"].iter_rows(min_row=2, values_only=True))


def json_comments(exercise: Exercise, seen: Visibility) -> list[dict[str, Any]]:
    document = export_case(exercise.case, exercises={exercise.pk: seen})
    (item,) = document["exercises"]
    comments: list[dict[str, Any]] = item.get("comments", [])  # the file leaves empty lists out
    return comments


def pdf_text(exercise: Exercise, seen: Visibility) -> str:
    """The report's HTML (the words the PDF prints; drawing its figures needs no look here)."""
    return report_html(plan_report(analysis_results(exercise, visibility=seen)))


def test_a_facilitator_of_a_pseudonymous_exercise_gets_every_thread_with_aliases_in_every_format() -> None:
    exercise = discussed(Anonymity.PSEUDONYMOUS)
    seen = visibility_for(exercise, facilitator=True)

    rows = csv_comments(exercise, seen)
    assert [(r["participant"], r["comment"], r["reply to"]) for r in rows] == [
        ("Real Name 1", "'" + OPENING if OPENING.startswith("=") else OPENING, ""),
        ("Real Name 2", REPLY, "1"),
        ("Real Name 2", ON_CRITERION, ""),
    ]
    assert rows[0]["option"] and not rows[0]["criterion"] and rows[2]["criterion"] and not rows[2]["option"]

    sheet = sheet_comments(exercise, seen)
    assert [(number, reply, author, body) for number, reply, _about, author, _when, body in sheet] == [
        (1, None, "Real Name 1", OPENING),
        (2, 1, "Real Name 2", REPLY),
        (3, None, "Real Name 2", ON_CRITERION),
    ]

    comments = json_comments(exercise, seen)
    keys = {p.alias: p.key for p in exercise.participants.all()}
    assert [
        (c["participant"], c.get("option") is not None, c.get("reply_to"), c["body"]) for c in comments
    ] == [
        (keys["Real Name 1"], True, None, OPENING),
        (keys["Real Name 2"], True, 1, REPLY),
        (keys["Real Name 2"], False, None, ON_CRITERION),
    ]

    html = pdf_text(exercise, seen)
    annex = html[html.index("Annex D. Comments") :]
    assert "Real Name 1" in annex and "in reply to no. 1" in annex
    assert "&lt;b&gt;bold&lt;/b&gt;" in annex  # the text as written, never markup


@pytest.mark.parametrize(
    ("anonymity", "facilitator"),
    [(Anonymity.PSEUDONYMOUS, False), (Anonymity.ANONYMOUS, True), (Anonymity.ANONYMOUS, False)],
)
def test_whoever_may_not_see_identities_gets_the_threads_by_participant_number(
    anonymity: str, facilitator: bool
) -> None:
    exercise = discussed(anonymity)
    seen = visibility_for(exercise, facilitator=facilitator)
    assert not seen.identities

    assert [r["participant"] for r in csv_comments(exercise, seen)] == [
        "Participant 1",
        "Participant 2",
        "Participant 2",
    ]
    assert [row[3] for row in sheet_comments(exercise, seen)] == [
        "Participant 1",
        "Participant 2",
        "Participant 2",
    ]
    assert [c["participant"] for c in json_comments(exercise, seen)] == [
        "participant-1",
        "participant-2",
        "participant-2",
    ]
    html = pdf_text(exercise, seen)
    annex = html[html.index("Annex D. Comments") :]
    assert "Participant 2" in annex
    for output in (
        build_judgments_csv(exercise, seen).decode("utf-8-sig"),
        str(sheet_comments(exercise, seen)),
        str(json_comments(exercise, seen)),
        html,
    ):
        assert "Real Name" not in output


def test_during_a_blind_second_round_the_threads_go_out_as_the_room_reads_them() -> None:
    """Blind scoring withholds judgments and results, not the discussion the whole room reads on its screens:
    a participant's export of a blind second round holds the threads, authors by number, and its first
    round's judgments only."""
    exercise = discussed(Anonymity.PSEUDONYMOUS, blind=True)
    exercise.current_round = 2
    exercise.phase = Phase.SCORING
    exercise.save()
    seen = visibility_for(exercise, facilitator=False)
    assert seen.last_round == 1 and not seen.group_results
    rows = csv_comments(exercise, seen)
    assert [r["comment"] for r in rows] == [OPENING, REPLY, ON_CRITERION]
    assert {r["participant"] for r in rows} == {"Participant 1", "Participant 2"}
    assert len(json_comments(exercise, seen)) == 3


def test_an_exercise_without_comments_says_so_and_keeps_its_files_plain() -> None:
    exercise = make_exercise(options=2, criteria=2)
    seen = visibility_for(exercise, facilitator=True)
    assert csv_comments(exercise, seen) == []
    assert json_comments(exercise, seen) == []
    assert "No comments were written in this exercise." in pdf_text(exercise, seen)
