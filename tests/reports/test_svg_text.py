"""Simple SVG texts are laid out by WeasyPrint in one piece, where they land and read exactly as letter by letter."""

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from policies.reporting import svg_text
from tests.conftest import needs

needs_pdftotext = needs(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")

TEXTS = [
    ('x="20" y="40"', "Negotiated settlement"),
    ('x="300" y="80" text-anchor="middle"', "Kendall’s τ (1 = same order)"),
    ('x="580" y="120" text-anchor="end"', "Regional military cooperation"),
    ('x="20" y="160" dy="1.3em" font-weight="bold"', "AQIM and MNLA: 2012"),
    # A multi-line title as Plotly writes it: each line a tspan with its own x and dy, centred as a whole.
    (
        'x="300" y="190" text-anchor="middle"',
        '<tspan x="300" dy="0">Scores under</tspan><tspan x="300" dy="1.3em">each scenario</tspan>',
    ),
]


def drawing(*texts: tuple[str, str]) -> str:
    body = "".join(
        f'<text {attrs} font-family="DejaVu Sans" font-size="14">{words}</text>' for attrs, words in texts
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="240">{body}</svg>'


def pdf_of(svg: str) -> bytes:
    from weasyprint import HTML

    page = f'<img style="width: 600px" src="data:image/svg+xml;charset=utf-8,{quote(svg)}">'
    return bytes(HTML(string=page).write_pdf())


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The strings WeasyPrint lays out while the test runs (each call of its line breaker)."""
    import weasyprint.text.line_break as line_break

    seen: list[str] = []
    original = line_break.split_first_line

    def recorded(text: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(text))
        return original(text, *args, **kwargs)

    monkeypatch.setattr(line_break, "split_first_line", recorded)
    yield seen


@pytest.fixture
def letter_by_letter(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint's own SVG text handler, as it is without `svg_text.install`."""
    import weasyprint.svg as svg_module

    svg_text.install()
    whole = svg_module.TAGS["text"]
    for tag, handler in list(svg_module.TAGS.items()):
        if handler is whole:
            monkeypatch.setitem(svg_module.TAGS, tag, whole.letter_by_letter)
    monkeypatch.setattr(svg_module, "text", whole.letter_by_letter)


@pytest.mark.parametrize(
    ("attributes", "whole"),
    [
        ({"x": "10", "y": "20"}, True),
        ({"x": "10", "y": "20", "dy": "1.3em", "text-anchor": "end"}, True),
        ({}, True),
        ({"letter-spacing": "normal"}, True),
        ({"x": "10 20 30", "y": "20"}, False),
        ({"x": "10,20", "y": "20"}, False),
        ({"dx": "1 2"}, False),
        ({"rotate": "30"}, False),
        ({"letter-spacing": "2px"}, False),
        ({"textLength": "200"}, False),
    ],
)
def test_only_texts_without_per_letter_positions_are_drawn_whole(
    attributes: dict[str, str], whole: bool
) -> None:
    assert svg_text.drawn_whole(attributes) is whole


def test_a_simple_text_is_laid_out_once_not_once_per_letter(laid_out: list[str]) -> None:
    import weasyprint.svg as svg_module

    svg_text.install()
    svg_text.install()  # twice is once: WeasyPrint's handler wrapped a single time
    assert not hasattr(svg_module.TAGS["text"].letter_by_letter, "draws_whole")
    assert svg_module.TAGS["tspan"] is svg_module.TAGS["text"] is svg_module.text
    pdf_of(drawing(*TEXTS))
    for words in ("Negotiated settlement", "Regional military cooperation", "Scores under", "each scenario"):
        assert laid_out.count(words) == 2  # measured whole, then drawn whole
    letters = [text for text in laid_out if len(text) == 1]
    assert letters == [], "a simple text was still laid out letter by letter"


def test_per_letter_positions_still_place_each_letter(laid_out: list[str]) -> None:
    svg_text.install()
    pdf_of(drawing(('x="20 40 60 80" y="40"', "ABCD")))
    assert laid_out.count("ABCD") == 1  # measured whole, then each letter at its own x
    assert [text for text in laid_out if len(text) == 1] == list("ABCD")


def words_on_page(pdf: bytes, tmp_path: Path) -> list[tuple[str, float, float, float]]:
    """Each word pdftotext reads from the page, with its left and right edges and its baseline box's top."""
    path = tmp_path / "drawing.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(word, float(x0), float(x1), float(y0)) for x0, y0, x1, word in re.findall(pattern, out)]


@needs_pdftotext
def test_texts_drawn_whole_land_where_letter_by_letter_put_them(
    tmp_path: Path, letter_by_letter: None
) -> None:
    svg = drawing(*TEXTS)
    before = words_on_page(pdf_of(svg), tmp_path)
    import weasyprint.svg as svg_module

    whole = svg_text._whole_text(svg_module.TAGS["text"])
    for tag in ("a", "text", "textPath", "tspan"):
        svg_module.TAGS[tag] = whole
    svg_module.text = whole
    after = words_on_page(pdf_of(svg), tmp_path)

    expected = re.sub("<[^>]+>", " ", " ".join(words for _attributes, words in TEXTS)).split()
    assert [
        word for word, *_ in before
    ] == expected  # the reference reads right, so the comparison means something
    assert [word for word, *_ in after] == expected
    for (word, left, right, top), (_, left_after, right_after, top_after) in zip(before, after, strict=True):
        assert left_after == pytest.approx(left, abs=0.75), word
        assert right_after == pytest.approx(right, abs=0.75), word
        assert top_after == pytest.approx(top, abs=0.5), word
