"""What every figure of the suite shares: colours, a small template, label wrapping and number helpers.

The builders take plain numbers and names (analysis results, never the ORM) and return ``go.Figure``
objects, so the web page and the PDF report draw the same figure from the same numbers.
"""

import html
import math
import re
import textwrap
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from policies.control_characters import without_control_characters

# Colour-blind-safe qualitative colours: Okabe and Ito (2008) followed by Paul Tol's "muted" set, so a
# criteria tree of up to fifteen leaves never repeats a colour.
PALETTE = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#882255", "#AA4499",
]  # fmt: skip

# Line styles cycle next to the colours, so two lines never differ by colour alone.
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon", "triangle-down"]

# Cividis was designed to read the same with every colour-vision deficiency (Nuñez et al. 2018).
SEQUENTIAL = "Cividis"

FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 12, "color": "#1b1f24"}
_GRID = "#e5e9ef"

# A small template instead of "plotly_white": the latter adds about 7 KB of defaults to every figure.
TEMPLATE = go.layout.Template(
    layout={
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "colorway": PALETTE,
        "hoverlabel": {"font": {"family": FONT["family"]}},
        "xaxis": {"gridcolor": _GRID, "zerolinecolor": "#aab3bd", "linecolor": "#aab3bd", "automargin": True},
        "yaxis": {"gridcolor": _GRID, "zerolinecolor": "#aab3bd", "linecolor": "#aab3bd", "automargin": True},
        "polar": {
            "bgcolor": "#ffffff",
            "radialaxis": {"gridcolor": _GRID, "linecolor": "#aab3bd"},
            "angularaxis": {"gridcolor": _GRID, "linecolor": "#aab3bd"},
        },
    }
)


TEMPLATE_JSON: dict[str, Any] = TEMPLATE.to_plotly_json()


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def dash(index: int) -> str:
    return DASHES[index % len(DASHES)]


def symbol(index: int) -> str:
    return SYMBOLS[index % len(SYMBOLS)]


def wrap(label: str, width: int = 28) -> str:
    """Break a long name into lines for an axis tick (plotly only breaks on <br>)."""
    return "<br>".join(textwrap.wrap(label, width=width, break_long_words=False)) or label


def escape_hover(label: str) -> str:
    """A literal name inside a hovertemplate: % starts a template field."""
    return label.replace("%", "%%")


def number(value: float | None, digits: int = 4) -> float | None:
    """A JSON-safe float rounded for the page: NaN and infinities become None (null)."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def numbers(values: Sequence[float], digits: int = 4) -> list[float | None]:
    return [number(float(v), digits) for v in values]


def matrix(values: Sequence[Sequence[float]], digits: int = 4) -> list[list[float | None]]:
    return [numbers(row, digits) for row in values]


def separators() -> str:
    """Plotly's decimal and thousands separators for the active language ("." and "," in English, "," and a
    no-break space in French): tick labels, hover values and every d3 format of a figure then write numbers as
    the page and the report around it do."""
    return f"{get_format('DECIMAL_SEPARATOR')}{get_format('THOUSAND_SEPARATOR')}"


def category_axis(names: Sequence[str], width: int = 28, **extra: object) -> dict[str, object]:
    """A category axis keeping the exact names as data and showing them wrapped."""
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": list(names),
        "tickmode": "array",
        "tickvals": list(names),
        "ticktext": [wrap(name, width) for name in names],
        "automargin": True,
        **extra,
    }


# Plotly reads a pseudo-HTML in every string it draws (titles, tick labels, legend entries, hover labels,
# annotations, cell texts): <a href> makes a link and a style attribute can make the browser fetch any address
# (background-image: url(...)). Names come from analysts, participants and unauthenticated guests, so every
# string of a figure is text. The only markup kept is what the builders write themselves, exactly so and without
# attributes: the line break and the hover label's side box. (A name typed with "<br>" breaks its line.)
_OWN_MARKUP = re.compile(r"(<br>|<extra>|</extra>)")
_NUMBERS = frozenset({int, float, bool, type(None)})


def plain_text(text: str) -> str:
    """``text`` as Plotly must show it, character for character: ``&``, ``<`` and ``>`` as entities (Plotly
    turns them back into the characters when it draws), our own markup kept, control characters removed."""
    if not text.isprintable():  # a C-speed test; most names have no control (nor format) character
        text = without_control_characters(text)
    if "<" not in text and ">" not in text and "&" not in text:
        return text
    parts = _OWN_MARKUP.split(text)
    # split() with a group puts the markup at odd positions.
    return "".join(part if k % 2 else html.escape(part, quote=False) for k, part in enumerate(parts))


def figure_text(text: str) -> str:
    """What a figure's string shows, as text for a page or a report (the inverse of :func:`plain_text`)."""
    return html.unescape(text)


def _plain(value: Any) -> Any:
    """Every string in a figure's data or layout made plain text (see :func:`plain_text`). Lists of numbers,
    most of a figure, are passed over whole."""
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        if all(type(item) in _NUMBERS for item in value):
            return value
        return [_plain(item) for item in value]
    if getattr(getattr(value, "dtype", None), "kind", "") in ("U", "S", "O"):  # a numpy array of text
        return _plain(value.tolist())
    return value


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``base`` updated with ``extra``, nested dictionaries merged key by key (extra wins)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def build(traces: list[dict[str, Any]], *, title: str, height: int, **layout: Any) -> go.Figure:
    """One figure from plain trace and layout dictionaries, with the shared look.

    Built in a single pass and without plotly's property validation, which costs three times the rest on the
    results page's fifteen figures per request; tests/charts validate every builder's output instead. Numbers
    follow the active language (`separators`), so build a figure inside the reader's language. Every string is
    made plain text here (:func:`plain_text`), whichever builder wrote it, so the page, the PDF and the chart
    browser never read a name as markup.
    """
    base: dict[str, Any] = {
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "height": height,
        "separators": separators(),
        "margin": {"l": 10, "r": 10, "t": 56, "b": 10},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
    }
    plain_layout = _plain(merge(base, layout))
    plain_layout["template"] = TEMPLATE_JSON  # our own constants, made once
    return go.Figure(data=_plain(traces), layout=plain_layout, _validate=False)


def short(label: str, length: int = 26) -> str:
    return label if len(label) <= length else label[: length - 1].rstrip() + "…"


def rank_lines(
    option_names: Sequence[str],
    stage_names: Sequence[str],
    ranks: Sequence[Sequence[int]],
    values: Sequence[Sequence[float]],
    *,
    value_label: str,
    emphasis: Sequence[int] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A bump chart: one line per option through its rank at each stage (1 at the top).

    ``ranks`` and ``values`` are stages x options. Options in ``emphasis`` (all when None) are drawn bold;
    the others thin and faded. Each line ends with the option's name, and lines differ by marker and dash
    as well as colour. Returns the traces and the axes' layout.
    """
    emphasised = set(range(len(option_names)) if emphasis is None else emphasis)
    last = len(stage_names) - 1
    traces: list[dict[str, Any]] = []
    for i, name in enumerate(option_names):
        bold = i in emphasised
        traces.append(
            {
                "type": "scatter",
                "name": name,
                "x": list(stage_names),
                "y": [int(stage[i]) for stage in ranks],
                "customdata": [number(float(stage[i])) for stage in values],
                "mode": "lines+markers+text",
                "text": [short(name) if k == last else "" for k in range(len(stage_names))],
                "textposition": "middle right",
                "line": {"color": colour(i), "width": 3 if bold else 1.5, "dash": dash(i)},
                "marker": {"symbol": symbol(i), "size": 10 if bold else 7, "color": colour(i)},
                "opacity": 1.0 if bold else 0.45,
                "hovertemplate": escape_hover(name)
                + "<br>%{x}: "
                + _("rank %{y}")
                + "<br>"
                + escape_hover(value_label)
                + " %{customdata:.3f}<extra></extra>",
            }
        )
    layout = {
        "xaxis": {"type": "category", "showgrid": False, "range": [-0.3, last + 1.5]},
        "yaxis": {"autorange": "reversed", "dtick": 1, "tick0": 1, "zeroline": False},
    }
    return traces, layout
