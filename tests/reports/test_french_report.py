"""The French report is French throughout: chart titles, axes, legends, data tables, formulas and numbers.

The seeded Mali report in French is built once for the run (tests/reports/conftest, shared with test_pdf);
the checks read its text with pypdf. Evidence quotes and the literature stay in the language they were written
in (source titles are shown in French where the case gives them), so the English-word checks leave out Annex A
and the reference list.
"""

import re
from dataclasses import dataclass

import pytest
from django.utils import translation

from policies.charts import contributions_figure, scenario_heatmap_figure
from policies.charts.suite import rule_labels, sections
from policies.reporting.notation import formulas
from policies.selectors.analysis_results import analysis_results
from tests.reports.building import Seeded, needs_chromium
from tests.viewers import facilitator_view

EVIDENCE_ANNEX = "Annexe A. Éléments de preuve"
REFERENCES = "Références"

#: Labels of the report's figures, tables and notes in English. French shares some labels with English
#: ("Option", "Participants", "Maximin", "Figure", "Page", "Note"), so these are only the ones no French sentence
#: contains; matched as whole words, case-sensitively.
ENGLISH = [
    "Weighted sum",
    "Weighted score",
    "Weighted contributions",
    "Score",
    "Scores",
    "Criterion",
    "Criteria",
    "Rank",
    "rank",
    "Weight",
    "Weights",
    "weight",
    "Group",
    "Scenario",
    "Share of weight draws",
    "Change in weight",
    "Largest regret",
    "Closeness to the ideal",
    "Net flow",
    "Expected value",
    "Confidence factor",
    "Central weights",
    "Standard deviation",
    "not weighted",
    "Can fall by",
    "Can rise by",
    "Lowest",
    "Highest",
    "Now",
    "now",
    "best",
    "worse",
    "better",
    "same",
    "differs",
    "otherwise",
    "mean",
    "the",
    "and",
    "of",
    "with",
    "Columns",
]


@dataclass(frozen=True)
class FrenchReport:
    pages: list[str]
    aliases: list[str]

    @property
    def read_in_french(self) -> str:
        """Every page but the evidence annex, up to the reference list, without the participants' aliases
        (names the facilitator typed, in whatever language)."""
        kept = [p for k, p in enumerate(self.pages) if k == 1 or EVIDENCE_ANNEX not in p]
        text = " ".join(kept)
        text = text[: text.rindex(REFERENCES)]  # the heading of the reference list, the last page's
        for alias in self.aliases:
            text = text.replace(alias, " ")
        return text


@pytest.fixture(scope="module")
def french(seeded: Seeded) -> FrenchReport:
    """The seeded report in French, the one tests.reports.test_pdf reads too (built once, tests/reports/conftest)."""
    return FrenchReport(seeded.fr.pages, seeded.aliases)


def on_french_report(test):  # type: ignore[no-untyped-def]
    return needs_chromium(pytest.mark.django_db(test))


@on_french_report
def test_no_english_label_is_left_in_the_french_report(french: FrenchReport) -> None:
    text = french.read_in_french
    assert len(text) > 20_000  # the body, annex B and the method notes are all there
    found = {word for word in ENGLISH if re.search(rf"(?<![\w’']){re.escape(word)}(?![\w’'])", text)}
    assert found == set()


@on_french_report
def test_the_figures_speak_french(french: FrenchReport) -> None:
    text = " ".join(french.pages)
    # Axis titles, legends and colour-bar titles drawn inside the figures (vector text).
    for label in ("Part des tirages de poids", "Rang (1 = meilleur)", "Poids", "Groupe"):
        assert label in text, label


@on_french_report
def test_numbers_in_the_french_report_use_the_decimal_comma(french: FrenchReport) -> None:
    text = french.read_in_french
    assert not re.findall(r"(?<![\w.])\d+\.\d+\b", text)  # no 0.783, 33.7% or 0.5 anywhere
    assert re.search(r"\b1 \(0,\d{3}\)", text)  # a method-ranks table cell: rank (score)
    assert re.search(r"\b\d{1,3},\d[\u00a0\u202f ]%", text)  # shares in the tables: 91,1 %, a space before %
    assert re.search(r"\b0,[2468]\b", text)  # axis ticks drawn by the figures
    assert "Hurwicz (α = 0,5)" in text
    assert "10\xa0000" in text or "10 000" in text  # SMAA draws, grouped the French way


@on_french_report
def test_the_french_cover_dates_the_report_in_french(french: FrenchReport) -> None:
    months = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    assert re.search(rf"Date \d{{1,2}} ({months}) \d{{4}}", french.pages[0])


# --------------------------------------------------------------------------- the same pieces, without Chromium


def test_figures_take_the_languages_separators() -> None:
    with translation.override("fr"):
        figure = scenario_heatmap_figure(
            ["A", "B"], ["S"], [[0.35], [0.5]], highlight=None, score_label="Note"
        )
        layout = figure.to_plotly_json()["layout"]
        assert layout["separators"] == ",\xa0"
        assert [list(row) for row in figure.data[0].text] == [["0,350"], ["0,500"]]
        assert (
            contributions_figure(["A"], ["c"], [[0.1]]).layout.title.text
            == "Contributions pondérées par critère"
        )
    with translation.override("en"):
        figure = scenario_heatmap_figure(
            ["A", "B"], ["S"], [[0.35], [0.5]], highlight=None, score_label="Score"
        )
        assert figure.to_plotly_json()["layout"]["separators"] == ".,"
        assert [list(row) for row in figure.data[0].text] == [["0.350"], ["0.500"]]


def test_formulas_and_rule_labels_follow_the_language() -> None:
    with translation.override("en"):
        assert "0 otherwise" in formulas()["promethee_preference"]
        assert rule_labels(0.5)["hurwicz"] == "Hurwicz (α = 0.5)"
    with translation.override("fr"):
        assert rule_labels(0.25)["hurwicz"] == "Hurwicz (α = 0,25)"


@pytest.mark.django_db
def test_the_chart_tables_write_numbers_in_the_language() -> None:
    from tests.reports.building import scored

    exercise = scored()
    bundle = analysis_results(exercise, visibility=facilitator_view(exercise))
    tables = {}
    for language in ("en", "fr"):
        with translation.override(language):
            tables[language] = [
                cell
                for section in sections(bundle)
                for chart in section.charts
                for table in chart.tables
                for _name, row in table.rows
                for cell in row
            ]
    english = " ".join(tables["en"])
    french = " ".join(tables["fr"])
    assert re.search(r"\d\.\d", english) and not re.search(r"\d,\d", english)
    assert re.search(r"\d,\d", french) and not re.search(r"\d\.\d", french)
