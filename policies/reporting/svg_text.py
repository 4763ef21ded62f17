"""SVG text that WeasyPrint lays out in one piece instead of one letter at a time.

WeasyPrint's SVG `text` handler lays out and draws every character of a text on its own (so that it can honour
per-character ``x``, ``y``, ``dx``, ``dy`` and ``rotate`` lists). A report's figures hold about 1,400 texts and
20,000 characters: a Pango layout and a PDF text operation for each character made about a quarter of a full
PDF's build in a worker (`benchmarks/README.md`). Plotly never gives per-character positions, so for a text with at most one value in each position
list, no rotation, no letter spacing and no forced length, one layout of the whole string gives the same
positions (the first character's, the only ones there are) and the string's own kerning. `install` wraps the
handler so that WeasyPrint iterates such a text as a single piece; every other text goes through it unchanged.

It relies on two facts of WeasyPrint's SVG code, checked by the tests: the handler is ``weasyprint.svg.TAGS``'s
entry for ``text`` (and ``tspan``, ``textPath``, ``a``), compared by identity with ``weasyprint.svg.text``; and
it walks the text by iterating the node's ``text``. If either stops holding, the texts are drawn as before.
"""

from collections.abc import Callable, Iterator
from typing import Any

#: Positions an SVG text may list per character: one value each is the whole string's position.
_POSITION_LISTS = ("x", "y", "dx", "dy")
_NO_SPACING = {"", "0", "normal", "0px"}


class OneRun(str):
    """A string that iterates as one piece: WeasyPrint's per-character loop then runs once, for all of it."""

    __slots__ = ()

    def __iter__(self) -> Iterator[str]:
        yield str(self)


def drawn_whole(attrib: dict[str, str]) -> bool:
    """Whether a text with these attributes looks the same laid out as one piece as letter by letter."""
    if "rotate" in attrib or "textLength" in attrib:
        return False
    if attrib.get("letter-spacing", "").strip() not in _NO_SPACING:
        return False
    return all(len(attrib.get(name, "").replace(",", " ").split()) <= 1 for name in _POSITION_LISTS)


def _whole_text(handler: Callable[..., Any]) -> Callable[..., Any]:
    def text(svg: Any, node: Any, font_size: float) -> Any:
        element: Any = getattr(node, "_etree_node", None)
        plain = getattr(element, "text", None)
        if not plain or len(plain) < 2 or not drawn_whole(node.attrib):
            return handler(svg, node, font_size)
        element.text = OneRun(plain)
        try:
            return handler(svg, node, font_size)
        finally:
            element.text = plain

    text.draws_whole = True  # type: ignore[attr-defined]
    text.letter_by_letter = handler  # type: ignore[attr-defined]  # WeasyPrint's own, for a comparison
    return text


def install() -> None:
    """Make WeasyPrint draw simple SVG texts whole (idempotent; for the whole process)."""
    import weasyprint.svg as svg_module

    handler = svg_module.TAGS.get("text")
    if (
        handler is None
        or getattr(handler, "draws_whole", False)
        or handler is not getattr(svg_module, "text", None)
    ):
        return
    whole = _whole_text(handler)
    for tag, tag_handler in list(svg_module.TAGS.items()):
        if tag_handler is handler:
            svg_module.TAGS[tag] = whole
    svg_module.text = whole
