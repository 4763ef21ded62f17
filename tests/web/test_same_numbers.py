"""The same numbers on every surface: a report never contradicts the dashboard.

One exercise with three participants, two rounds and a scenario, read by a facilitator on the dashboard, the
results page (under each method), the API, the PDF (its text), the workbook, the CSV and the JSON. Each surface
prints the group weights, the ranking, the interquartile range and consensus flag per cell, the consensus count,
Kendall's W and the participants' labels where it has them; all of them must agree with the API's full-precision
answer, rounded as the surface rounds.
"""

import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from policies.formatting import fixed, share
from policies.models import Exercise, Report, Role, ScoreJudgment, TokenScope, WeightJudgment
from policies.models.exercises import Anonymity, Method, Phase
from policies.models.reports import ReportKind
from policies.reporting.pdf import render_pdf
from policies.selectors.visibility import visibility_for
from policies.services.api_tokens import create_token
from policies.services.participants import join_as_guest
from policies.services.report_files import build_file
from tests.factories import MembershipFactory, ScenarioFactory, make_exercise
from tests.reports.building import needs_chromium, no_progress, read

pytestmark = pytest.mark.django_db

# Scores per participant, round 1 then round 2, options x criteria. Cell (0, 0) is {5, 6, 7} in round 2: an IQR
# of exactly 1, agreed under a threshold of 1 (the case two quantile rules once disagreed on).
SCORES = {
    1: [[[5, 2], [7, 9], [1, 4]], [[5, 3], [6, 9], [2, 4]]],
    2: [[[9, 1], [2, 8], [6, 3]], [[6, 1], [3, 8], [6, 2]]],
    3: [[[2, 5], [8, 2], [4, 9]], [[7, 5], [8, 1], [4, 9]]],
}
WEIGHTS = {1: (70, 30), 2: (40, 60), 3: (55, 45)}


def build() -> tuple[Exercise, str]:
    exercise = make_exercise(options=3, criteria=2)
    scenario = ScenarioFactory(case=exercise.case)
    exercise.scenarios.add(scenario)
    Exercise.objects.filter(pk=exercise.pk).update(
        facilitated=True,
        blind=True,
        phase=Phase.DISCUSSION,
        current_round=2,
        anonymity=Anonymity.ANONYMOUS,
        consensus_threshold=1.0,
    )
    exercise.refresh_from_db()
    options = list(exercise.options.order_by("position", "pk"))
    criteria = list(exercise.criteria.order_by("position", "pk"))
    for number, rounds in SCORES.items():
        person = join_as_guest(exercise=exercise, display_name=f"Someone {number}")
        for round_, table in enumerate(rounds, start=1):
            for i, option in enumerate(options):
                for j, criterion in enumerate(criteria):
                    ScoreJudgment.objects.create(
                        participant=person,
                        option=option,
                        criterion=criterion,
                        round=round_,
                        value=table[i][j],
                    )
            for criterion, points in zip(criteria, WEIGHTS[number], strict=True):
                WeightJudgment.objects.create(
                    participant=person, criterion=criterion, round=round_, value=points
                )
        ScoreJudgment.objects.create(
            participant=person,
            option=options[0],
            criterion=criteria[1],
            scenario=scenario,
            round=2,
            value=number,
        )
    facilitator = MembershipFactory(team=exercise.team, role=Role.FACILITATOR).user
    return exercise, create_token(user=facilitator, name="numbers", scopes=list(TokenScope.values))[1]


class Tables(HTMLParser):
    """Every <table data-testid=...> of a page as rows of cell texts, and the text of other tagged elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.tagged: dict[str, str] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._open: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        testid = found.get("data-testid") or ""
        if tag == "table" and testid:
            self._table = testid
            self.tables.setdefault(testid, [])
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif testid:
            self._open.append((tag, testid))
            self.tagged.setdefault(testid, "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        for _tag, testid in self._open:
            self.tagged[testid] += data


def page(client: Client, url: str, **query: str) -> Tables:
    response = client.get(url, query)
    assert response.status_code == 200
    parsed = Tables()
    parsed.feed(response.content.decode())
    return parsed


@needs_chromium
def test_every_surface_prints_the_same_numbers() -> None:
    exercise, secret = build()
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    answers = {
        method: api.get(reverse("api:results", args=[exercise.pk]), {"method": method}).json()
        for method in Method.values
    }
    truth = answers[exercise.method]
    consensus = truth["consensus"]
    weights = [c["weight"] for c in truth["criteria"]]
    ranking = {
        method: [item["option"]["key"] for item in answer["ranking"]] for method, answer in answers.items()
    }
    ranks = {
        method: {item["option"]["key"]: item["rank"] for item in answer["ranking"]}
        for method, answer in answers.items()
    }
    cells = {(c["option"], c["criterion"]): c for c in consensus["cells"]}
    labels = {"Participant 1", "Participant 2", "Participant 3"}
    assert cells[(ranking[exercise.method][0], truth["criteria"][0]["key"])]  # every cell is listed
    agreed_cell = cells[(exercise.options.order_by("position", "pk")[0].key, truth["criteria"][0]["key"])]
    assert (agreed_cell["iqr"], agreed_cell["agreed"]) == (1.0, True)  # {5, 6, 7}
    assert 0 < consensus["agreed"] < consensus["judged"] == 6
    w = consensus["kendall_w"]
    assert w is not None
    for answer in answers.values():  # the API's consensus does not depend on the ranking method asked for
        assert answer["round"] == 2
    # Every method ranks from the same weights and the same consensus.
    assert all(answer["criteria"] == truth["criteria"] for answer in answers.values())

    option_key = {o.name["en"]: o.key for o in exercise.options.all()}
    criterion_key = {c.name["en"]: c.key for c in exercise.criteria.all()}
    facilitator = Client()
    facilitator.force_login(exercise.team.memberships.get(role=Role.FACILITATOR).user)

    # The dashboard.
    board = page(facilitator, reverse("workshop-facilitate", args=[exercise.pk]))
    html = facilitator.get(reverse("workshop-facilitate", args=[exercise.pk])).content.decode()
    assert [m for m in re.findall(r'<li data-option="([^"]+)"', html)] == ranking[exercise.method]
    assert f"{w:.2f}" in board.tagged["kendall-w"]
    assert f"{consensus['agreed']} of {consensus['judged']} judged cells agree" in html
    hotspots = board.tables["hotspots"][1:]
    disputed = [c for c in consensus["cells"] if c["n"] and not c["agreed"]]
    assert sorted(row[3] for row in hotspots) == sorted(floatformat(c["iqr"], "-2") for c in disputed)
    assert {row[0] for row in board.tables["participants"][1:]} == labels

    # The results page, under each method.
    for method in Method.values:
        results = page(facilitator, reverse("results", args=[exercise.pk]), method=method)
        assert [row[1] for row in results.tables["ranking"][1:]] == [
            item["option"]["name"]["en"] for item in answers[method]["ranking"]
        ]
        group_row = next(row for row in results.tables["data-weights"] if row[0] == "Group")
        assert group_row[1:] == [share(v, 1) for v in weights]
        assert {row[0] for row in results.tables["data-weights"][1:] if row[0] != "Group"} == labels
        iqr_rows = {row[0]: row[1:] for row in results.tables["data-consensus"][1:]}
        for (option, criterion), cell in cells.items():  # the IQR does not depend on the method
            name = next(n for n, k in option_key.items() if k == option)
            index = [c["key"] for c in truth["criteria"]].index(criterion)
            assert iqr_rows[name][index].startswith(fixed(cell["iqr"], 2))
        html = facilitator.get(reverse("results", args=[exercise.pk]), {"method": method}).content.decode()
        if method == exercise.method:
            assert f"Kendall’s W of the participants’ own rankings: {fixed(w, 2)}" in html
        method_ranks = results.tables["data-method-ranks"]
        header = method_ranks[0]
        for row in (row for row in method_ranks[1:] if row[0] in option_key):  # the first table: ranks
            for m in Method.values:
                column = header.index(str(Method(m).label))
                assert row[column].startswith(str(ranks[m][option_key[row[0]]]))

    # The workbook, the CSV and the JSON, built for the facilitator as the worker builds them.
    seen = visibility_for(exercise, facilitator=True)
    report = Report.objects.create(exercise=exercise, kind=ReportKind.XLSX)
    book = load_workbook(io.BytesIO(build_file(report, seen, no_progress)))
    sheet = book["Weights"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == pytest.approx(
        weights, rel=1e-12
    )
    assert set(next(sheet.iter_rows(max_row=1, values_only=True))[2:]) == labels
    results_sheet = list(book["Results"].iter_rows(values_only=True))
    for row in results_sheet[1:]:
        for k, m in enumerate(Method.values):
            assert row[2 + 2 * k] == ranks[m][option_key[row[0]]]
    for row in list(book["Consensus"].iter_rows(values_only=True))[1:]:
        cell = cells[(option_key[row[0]], criterion_key[row[1]])]
        assert (row[6], row[7]) == (pytest.approx(cell["iqr"]), "yes" if cell["agreed"] else "no")
    agreement = dict(book["Agreement"].iter_rows(min_row=2, values_only=True))
    assert (agreement["cells judged"], agreement["cells in consensus"]) == (
        consensus["judged"],
        consensus["agreed"],
    )
    assert agreement["Kendall's W"] == pytest.approx(w)
    csv = build_file(Report(exercise=exercise, kind=ReportKind.CSV), seen, no_progress).decode("utf-8-sig")
    lines = csv.splitlines()
    assert lines[0].startswith("# Participants are shown by number")  # anonymous: nobody sees who is who
    assert {line.split(",")[0] for line in lines[2:]} == labels
    document = json.loads(build_file(Report(exercise=exercise, kind=ReportKind.JSON), seen, no_progress))
    assert {p["alias"] for p in document["exercises"][0]["participants"]} == labels

    # The PDF's text.
    text = " ".join(read(render_pdf(exercise, seen, no_progress)).text.split())
    assert f"Kendall’s W = {w:.2f}" in text
    assert f"After 2 rounds, {consensus['agreed']} of {consensus['judged']} cells are in consensus." in text
    for cell in disputed[:5]:  # the report quotes the five most disputed cells
        assert f"interquartile range {floatformat(cell['iqr'], '-2')}" in text
    for label in labels:
        assert f"Weights given by {label}" in text
    for value in weights:
        assert share(value, 1) in text
    assert "Participant 4" not in text and "Participant 6" not in text
