"""The PDF report's content: the seeded Mali exercise built in English and in French, read back with pypdf.

The two seeded reports are built once for the run (`seeded` in conftest.py), so the checks below and the French
report's read the same documents. Building needs Chromium (kaleido draws the figures).
"""

import re
from collections.abc import Callable

import numpy as np
import pytest
from django.utils import translation

from policies.formatting import count, fixed, number, share
from policies.models.exercises import Anonymity
from policies.models.fields import localize
from policies.reporting.figures import for_print, svg_for_print
from policies.reporting.pdf import css_content, css_string, render_pdf, table_of_contents
from tests.factories import make_exercise
from tests.reports.building import Seeded, needs_chromium, no_progress, read, scored
from tests.viewers import facilitator_view


def on_seeded_report(test: Callable[..., None]) -> Callable[..., None]:
    """A check of the seeded reports; the django_db mark makes pytest-django set the test database up even when
    only these tests run (the reports themselves are built once, by the module's fixture)."""
    return needs_chromium(pytest.mark.django_db(test))


CHAPTERS_EN = [
    "Summary",
    "The question and the options",
    "Criteria and weights",
    "Results by method",
    "Sensitivity and uncertainty (SMAA)",
    "Scenarios and robustness rules",
    "Disagreement and consensus by round",
    "Annex A. Evidence",
    "Annex B. Individual judgments",
    "Annex C. Method notes",
    "Annex D. Comments",
]


def collapse(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the seeded report, in English


@on_seeded_report
def test_the_report_names_every_option(seeded: Seeded) -> None:
    for name in seeded.options_en:
        assert collapse(name) in seeded.en.text, name


@on_seeded_report
def test_the_executive_summary_recommends_the_top_option_and_says_how_robust_it_is(seeded: Seeded) -> None:
    summary = next(k for k, page in enumerate(seeded.en.pages) if page.startswith("Summary"))
    page = seeded.en.pages[summary]
    assert f"The option ranked first by the group is {seeded.top_en}" in page
    # Robustness in plain words, generated from the numbers: methods, weights, SMAA and scenarios.
    assert f"{seeded.top_en} ranks first under all three methods" in page
    assert re.search(r"It stays first (unless|while) the weight of .+ \(now \d+%\)", page)
    assert re.search(r"In \d+% of 10,000 random weightings it ranks first", page)
    assert re.search(r"it is the choice of \d of the 4 robustness rules", page)
    assert re.search(r"The recommendation is (robust|fairly robust|fragile)", page)
    # The summary comes before the body of the report.
    assert summary < next(
        k for k, p in enumerate(seeded.en.pages) if p.startswith("The question and the options")
    )


@on_seeded_report
def test_the_evidence_annex_cites_every_source_in_full(seeded: Seeded) -> None:
    annex = " ".join(p for p in seeded.en.pages if "Annex A. Evidence" in p)
    for source in seeded.sources:
        for part in source.values():
            if part:
                assert collapse(part) in annex, part
    for quote in seeded.quotes[:10]:
        assert collapse(quote) in collapse(annex.replace("“", "").replace("”", "")), quote
    assert re.search(r"\[S1\]", annex) and re.search(r"\bE91\b", annex)


@on_seeded_report
def test_the_method_notes_give_the_formulas(seeded: Seeded) -> None:
    notes = " ".join(p for p in seeded.en.pages if "Annex C. Method notes" in p)
    for heading in (
        "Weighted sum with min-max normalisation",
        "TOPSIS",
        "PROMETHEE II net flows",
        "SMAA-2 rank acceptability",
        "Scenarios and robustness rules",
        "Kendall’s τ and W",
    ):
        assert heading in notes, heading
    for symbol in ("∑", "√", "φ", "π", "τ", "α"):  # the formulas are text, not pictures
        assert symbol in notes, symbol
    assert "Lahdelma" in notes and "Hwang" in notes  # the literature


@on_seeded_report
def test_the_page_count_is_sensible(seeded: Seeded) -> None:
    assert 25 <= len(seeded.en.pages) <= 80


@on_seeded_report
def test_the_contents_list_every_chapter_with_its_page_number(seeded: Seeded) -> None:
    contents = seeded.en.reader.pages[1].extract_text().splitlines()
    listed = {}
    for line in contents:
        match = re.match(r"^(.*?)[ .]{4,}(\d+)$", line.strip())
        if match:
            listed.setdefault(match.group(1).strip(" ."), int(match.group(2)))  # chapters before method notes
    for chapter in CHAPTERS_EN:
        assert chapter in listed, chapter
        assert seeded.en.pages[listed[chapter] - 1].startswith(chapter), chapter
    assert [listed[c] for c in CHAPTERS_EN] == sorted(listed[c] for c in CHAPTERS_EN)
    # The same chapters are the PDF's bookmarks.
    outline = [item["/Title"] for item in seeded.en.reader.outline if not isinstance(item, list)]
    for chapter in CHAPTERS_EN:
        assert chapter in outline


@on_seeded_report
def test_every_page_after_the_cover_has_running_headers_and_a_page_number(seeded: Seeded) -> None:
    total = len(seeded.en.pages)
    assert "Page 1 of" not in seeded.en.pages[0]  # the cover has none
    for page_number, page in enumerate(seeded.en.pages[1:], start=2):
        assert f"Page {page_number} of {total}" in page
        assert "Northern Mali, 2012: restoring security and stability" in page


@on_seeded_report
def test_the_charts_are_vector_graphics_with_text_labels(seeded: Seeded) -> None:
    reader = seeded.en.reader

    def images(resources: object, seen: set[int]) -> int:
        found = 0
        xobjects = resources.get("/XObject") if resources else None  # type: ignore[attr-defined]
        for ref in (xobjects.get_object() if xobjects else {}).values():
            key = getattr(ref, "idnum", id(ref))
            if key in seen:
                continue
            seen.add(key)
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found += 1
            elif obj.get("/Subtype") == "/Form":
                found += images(obj.get("/Resources"), seen)
        return found

    seen: set[int] = set()
    assert sum(images(page.get("/Resources"), seen) for page in reader.pages) == 0
    assert len(seen) > 100  # the figures are there, as vector forms
    text = seeded.en.text
    # Axis titles, legends and cell labels of the figures are real text.
    for label in (
        "Share of weight draws",
        "Change in weight (percentage points)",
        "Rank (1 = best)",
        "Largest regret",
    ):
        assert label in text, label
    # Figures that differ by colour alone on screen carry numbers in print: bar segments and legend.
    assert "1 · " in text and "11 · " in text
    assert (
        len(re.findall(r"Figure \d+\.", text)) >= 2 * 14
    )  # each figure captioned, and listed in the contents


@on_seeded_report
def test_the_appendix_shows_each_participants_judgments_under_their_alias(seeded: Seeded) -> None:
    annex = " ".join(p for p in seeded.en.pages if "Annex B. Individual judgments" in p)
    for alias in seeded.aliases:  # the seeded exercise names its participants
        assert f"Weights given by {alias}" in annex
        assert f"Baseline scores given by {alias}" in annex


# --------------------------------------------------------------------------- the same report, in French


@on_seeded_report
def test_the_french_report_is_in_french(seeded: Seeded) -> None:
    text = seeded.fr.text
    assert seeded.case_title_fr in text
    for name in seeded.options_fr:
        assert collapse(name) in text, name
    for english, french in zip(seeded.options_en, seeded.options_fr, strict=True):
        if english != french:
            assert collapse(english) not in text, english
    # Section titles and labels from the French catalogue.
    assert "Synthèse" in seeded.fr.pages[1]  # the contents list the summary in French
    assert any(page.startswith("Synthèse") for page in seeded.fr.pages)
    assert not any(page.startswith("Summary") for page in seeded.fr.pages)
    assert "Somme pondérée" in text
    assert re.search(r"\b0,\d{3}\b", text) and not re.search(r"\b0\.\d{3}\b", seeded.fr.pages[3])  # 0,783
    assert seeded.top_fr in " ".join(p for p in seeded.fr.pages if p.startswith("Synthèse"))


# --------------------------------------------------------------------------- other exercises


@pytest.mark.django_db
def test_an_exercise_with_nothing_in_play_still_gets_a_report() -> None:
    exercise = make_exercise(options=0, criteria=0)
    pdf = read(
        render_pdf(exercise, facilitator_view(exercise), no_progress)
    )  # no figure: Chromium is not needed
    assert "This exercise has no options or criteria in play yet" in pdf.text
    assert "No participants have joined this exercise yet." in pdf.text


@needs_chromium
@pytest.mark.django_db
def test_an_anonymous_exercise_never_prints_a_participants_name() -> None:
    exercise = scored(Anonymity.ANONYMOUS)
    pdf = read(render_pdf(exercise, facilitator_view(exercise), no_progress))
    assert "Real Name" not in pdf.text
    assert "Weights given by Participant 1" in pdf.text and "Weights given by Participant 2" in pdf.text
    # A small exercise: the analyses it cannot support say why instead of failing.
    assert "No scenarios are in play in this exercise." in pdf.text
    top = localize(exercise.options.order_by("position").last().name)
    assert f"The option ranked first by the group is {top}" in pdf.text


@needs_chromium
@pytest.mark.django_db
def test_a_cancel_reported_while_the_figures_are_drawn_stops_the_build() -> None:
    class Cancelled(Exception):
        pass

    stages = []

    def progress(percent: int, stage: str) -> None:
        stages.append(stage)
        if stages.count("charts") == 2:  # reported as the first figure's drawing is ready
            raise Cancelled

    with pytest.raises(Cancelled):
        render_pdf(_scored := scored(), facilitator_view(_scored), progress)
    assert stages == ["analysis", "content", "layout", "charts", "charts"]


# --------------------------------------------------------------------------- pieces


def test_page_labels_become_css_content_with_counters() -> None:
    assert css_content(
        "Page %(page)s of %(pages)s", {"page": "counter(page)", "pages": "counter(pages)"}
    ) == ('"Page " counter(page) " of " counter(pages)')
    assert css_string('Mali "north"; \\ 2012') == '"Mali \\22 north\\22 \\3b  \\5c  2012"'


def test_numbers_are_written_the_way_the_reports_language_writes_them() -> None:
    with translation.override("en"):
        assert (number(6.5), number(7.0), fixed(0.78251, 3), share(0.911), count(10_000)) == (
            "6.5",
            "7",
            "0.783",
            "91.1%",
            "10,000",
        )
    with translation.override("fr"):
        assert (number(6.5), fixed(0.78251, 3), share(0.911), count(10_000)) == (
            "6,5",
            "0,783",
            "91,1\xa0%",
            "10\xa0000",
        )
    assert number(float("nan")) == share(None) == "–"


def test_the_contents_follow_the_headings_of_the_body() -> None:
    body = '<h1 id="a">One &amp; <em>two</em></h1><p>x</p><h2 id="b">Sub</h2><h3 id="c">Not listed</h3>'
    assert [(e.id, e.title, e.level) for e in table_of_contents(body)] == [
        ("a", "One & two", 1),
        ("b", "Sub", 2),
    ]


def test_svg_styles_become_attributes_and_bar_gradients_move_to_user_space() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient x1="0" y1="1" x2="0" y2="0" '
        'gradientUnits="objectBoundingBox" id="g1"><stop offset="0%" stop-color="red"/></linearGradient></defs>'
        '<rect x="10" y="20" width="12" height="100" fill="blue" style="fill: url(\'#g1\'); stroke-width: 0px;"/>'
        "<text style=\"font-family: 'DejaVu Sans', Arial; font-size: 12px;\">A</text></svg>"
    )
    out = svg_for_print(svg)
    assert "style=" not in out
    assert '<rect x="10" y="20" width="12" height="100" fill="url(\'#g1\')" stroke-width="0px"/>' in out
    assert "font-family=\"'DejaVu Sans', Arial\"" in out
    assert 'x1="10" y1="120" x2="10" y2="20" gradientUnits="userSpaceOnUse"' in out


def test_heatmaps_are_printed_as_labelled_rectangles() -> None:
    z = np.arange(12, dtype=float).reshape(3, 4).tolist()
    z[1][2] = None
    names = [f"Criterion number {k}" for k in range(8)]
    figure = {
        "data": [
            {
                "type": "heatmap",
                "z": [row + [0.0] * 4 for row in z],
                "x": names,
                "y": ["A", "B", "C"],
                "text": [[f"{v}" for v in row + [0.0] * 4] for row in z],
                "colorscale": "Cividis",
                "colorbar": {"title": {"text": "share"}},
            }
        ],
        "layout": {
            "title": {"text": "Scores"},
            "xaxis": {"tickvals": names, "ticktext": names, "tickangle": -35},
            "yaxis": {"autorange": "reversed"},
        },
    }
    title, printed, key = for_print(figure)
    assert title == "Scores" and printed["layout"]["title"]["text"] == ""
    assert [t["type"] for t in printed["data"]] == ["scatter", "scatter"]  # labels and colour bar, no bitmap
    assert len(printed["layout"]["shapes"]) == 3 * 8 - 1  # one rectangle per scored cell
    assert printed["data"][1]["marker"]["showscale"] is True
    assert printed["layout"]["yaxis"]["range"] == [2.5, -0.5]  # still top to bottom
    assert key == names and printed["layout"]["xaxis"]["ticktext"] == [str(k) for k in range(1, 9)]


def test_a_fragile_recommendation_is_called_fragile_and_every_exception_is_named() -> None:
    from types import SimpleNamespace

    from policies.reporting.summary import executive_summary

    names, criteria = ["Alpha", "Beta", "Gamma"], ["Cost", "Speed"]
    comparison = SimpleNamespace(
        methods=("weighted_sum", "topsis", "promethee_ii"),
        ranks=np.array([[1, 2, 3], [2, 1, 3], [1, 2, 3]]),
        tau=(
            ("weighted_sum", "topsis", 0.33),
            ("weighted_sum", "promethee_ii", 1.0),
            ("topsis", "promethee_ii", 0.33),
        ),
    )
    sensitivity = SimpleNamespace(
        result=SimpleNamespace(weights=np.array([0.6, 0.4]), intervals=np.array([[0.55, 1.0], [0.0, 0.45]]))
    )
    smaa = SimpleNamespace(
        rank_acceptability=np.array([[0.4, 0.5, 0.1], [0.55, 0.4, 0.05], [0.05, 0.1, 0.85]]), n_samples=10_000
    )
    scenarios = SimpleNamespace(
        alpha=0.5,
        scenarios=[1, 2],
        utilities=np.array([[0.9, 0.1], [0.5, 0.6], [0.2, 0.3]]),
        choices={"expected_value": (0,), "maximin": (1,), "hurwicz": (1,), "max_regret": (1,)},
        unchanged=[],
    )
    bundle = SimpleNamespace(
        results=SimpleNamespace(ranking=[1, 2, 3], unscored_cells=2),
        top=(0,),
        method="weighted_sum",
        order=np.array([0, 1, 2]),
        scores=np.array([0.62, 0.6, 0.2]),
        ranks=np.array([1, 2, 3]),
        comparison=comparison,
        sensitivity=sensitivity,
        smaa=smaa,
        scenarios=scenarios,
        disagreement=None,
        notices=[],
    )
    with translation.override("en"):
        summary = executive_summary(bundle, names, criteria, [])  # type: ignore[arg-type]
        lines = " ".join(str(line) for line in summary.sentences)
    assert "The option ranked first by the group is <strong>Alpha</strong>" in summary.lead
    assert "Alpha ranks first under 2 of the 3 methods: TOPSIS puts Beta first." in lines
    assert "It stays first unless the weight of Cost falls below 55% (now 60%)." in lines
    assert "Beta ranks first more often (55%)" in lines
    assert "it is the choice of 1 of the 4 robustness rules and scores best in 1 of them" in lines
    assert "Maximin prefers Beta" in lines
    assert [check.holds for check in summary.checks] == [False, False, False, False]
    assert summary.verdict.startswith("The recommendation is fragile")
    assert summary.notes == ["2 cells had no score and count at the middle of their scale."]
    assert [row.first_share for row in summary.scorecard] == [0.4, 0.55, 0.05]
