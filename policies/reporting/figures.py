"""The results screen's figures, made ready for paper: vector only, legible in greyscale, titled by the report.

The figures are the results screen's own (`policies.charts.suite` builds them from the analysis bundle); the
report takes each figure's JSON and changes only what paper needs:

* the title moves out of the drawing into the report's numbered caption (so it is searchable text and the
  table of contents can list it);
* heatmaps are drawn as rectangles instead of plotly's embedded bitmap, so they stay vector, with the same
  colour scale, the same cell labels (black or white for contrast) and a colour bar;
* stacked bars that differ by colour alone (the contributions chart) get each criterion's number on its
  segments and in the legend, so they can be read in grey;
* options the screen hides until clicked (the radar's lower-ranked options) are left out.

:func:`export_svgs` then draws each figure as SVG through `policies.chart_export` (kaleido and Chromium).
"""

import json
import math
import re
from collections.abc import Sequence
from typing import Any

import plotly.colors

from policies.chart_export import figure_to_svg
from policies.charts._common import figure_text, wrap

WRAP_NOTE = 80  # notes above a plot longer than this are broken into lines in print
NUMBERED_COLUMNS = (
    6  # a heatmap with more columns than this, and slanted names, gets numbered columns in print
)
#: Width of a figure on the page in CSS pixels: the A4 text block (210 mm - 2 x 18 mm) at 96 px per inch.
PAGE_WIDTH_PX = 657
_RGB = re.compile(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)")


def figure_dict(figure_json: str) -> dict[str, Any]:
    """The figure of a results-screen `Chart` (its JSON, escaped for a <script> element) as a dictionary."""
    data: dict[str, Any] = json.loads(figure_json)
    return data


def _luminance(colour: str) -> float:
    """Relative luminance (0 black to 1 white) of an ``rgb(...)`` or ``#rrggbb`` colour (WCAG 2 formula)."""
    match = _RGB.match(colour)
    if match:
        channels = [float(v) / 255 for v in match.groups()]
    else:
        hex_digits = colour.lstrip("#")
        channels = [int(hex_digits[k : k + 2], 16) / 255 for k in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _finite(values: Sequence[Any]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _vector_heatmap(
    trace: dict[str, Any], layout: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A heatmap as rectangles (layout shapes), a text trace for the labels and an invisible trace carrying
    the colour bar. Returns (traces, shapes)."""
    z = trace.get("z") or []
    xs = list(trace.get("x") or range(len(z[0]) if z else 0))
    ys = list(trace.get("y") or range(len(z)))
    flat = _finite([v for row in z for v in row])
    zmin = trace.get("zmin", min(flat) if flat else 0.0)
    zmax = trace.get("zmax", max(flat) if flat else 1.0)
    if zmin is None:
        zmin = min(flat) if flat else 0.0
    if zmax is None:
        zmax = max(flat) if flat else 1.0
    span = (zmax - zmin) or 1.0
    given = trace.get("colorscale") or "Cividis"
    # A named scale, or the [position, colour] pairs a builder wrote itself.
    scale = plotly.colors.get_colorscale(given) if isinstance(given, str) else [list(pair) for pair in given]
    if trace.get("reversescale"):
        scale = [[1 - position, colour] for position, colour in reversed(scale)]
    text = trace.get("text")
    font = dict(trace.get("textfont") or {})
    shapes: list[dict[str, Any]] = []
    label_x: list[Any] = []
    label_y: list[Any] = []
    labels: list[str] = []
    label_colours: list[str] = []
    for i, row in enumerate(z):
        for j, value in enumerate(row):
            fill = None
            if value is not None and math.isfinite(float(value)):
                share = min(max((float(value) - zmin) / span, 0.0), 1.0)
                fill = plotly.colors.sample_colorscale(scale, [share])[0]
                shapes.append(
                    {
                        "type": "rect",
                        "xref": "x",
                        "yref": "y",
                        "x0": j - 0.5,
                        "x1": j + 0.5,
                        "y0": i - 0.5,
                        "y1": i + 0.5,
                        "fillcolor": fill,
                        "line": {"color": "#ffffff", "width": 1},
                        "layer": "below",
                    }
                )
            label = str(text[i][j]) if text is not None and text[i][j] is not None else ""
            label_x.append(xs[j])
            label_y.append(ys[i])
            labels.append(label)
            label_colours.append("#1b1f24" if fill is None or _luminance(fill) > 0.3 else "#ffffff")
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "text",
            "x": label_x,
            "y": label_y,
            "text": labels,
            "textfont": {**font, "color": label_colours},
            "hoverinfo": "skip",
            "showlegend": False,
        },
        {
            "type": "scatter",
            "mode": "markers",
            "x": [xs[0]] if xs else [],
            "y": [ys[0]] if ys else [],
            "marker": {
                "size": 1,
                "opacity": 0,
                "color": [zmin],
                "cmin": zmin,
                "cmax": zmax,
                "colorscale": scale,
                "showscale": True,
                "colorbar": trace.get("colorbar") or {},
            },
            "hoverinfo": "skip",
            "showlegend": False,
        },
    ]
    for axis, count in (("xaxis", len(xs)), ("yaxis", len(ys))):
        settings = dict(layout.get(axis) or {})
        reversed_axis = settings.pop("autorange", None) == "reversed"
        settings["range"] = [count - 0.5, -0.5] if reversed_axis else [-0.5, count - 0.5]
        settings["autorange"] = False
        settings["showgrid"] = False
        settings["zeroline"] = False
        layout[axis] = settings
    return traces, shapes


def _number_segments(traces: list[dict[str, Any]], layout: dict[str, Any]) -> None:
    """Label each segment of colour-only stacked bars with its series number (also put in the legend)."""
    for k, trace in enumerate(traces):
        trace["name"] = f"{k + 1} · {trace.get('name', '')}"
        values = trace.get("x") if trace.get("orientation") == "h" else trace.get("y")
        trace["text"] = [str(k + 1) if v is not None else "" for v in values or []]
        trace["textposition"] = "inside"
        trace["insidetextanchor"] = "middle"
        trace["textangle"] = 0
        trace["textfont"] = {"size": 10}
    layout["uniformtext"] = {"minsize": 8, "mode": "hide"}


def _number_columns(layout: dict[str, Any]) -> list[str]:
    """Number the x categories of a heatmap whose names would collide at print width (many rotated labels);
    returns the names in column order, for the caption's key."""
    axis = dict(layout.get("xaxis") or {})
    names = [figure_text(str(v)) for v in axis.get("tickvals") or axis.get("categoryarray") or []]
    if len(names) <= NUMBERED_COLUMNS or not axis.get("tickangle"):
        return []
    axis["ticktext"] = [str(k + 1) for k in range(len(names))]
    axis["tickangle"] = 0
    layout["xaxis"] = axis
    return names


def for_print(figure: dict[str, Any]) -> tuple[str, dict[str, Any], list[str]]:
    """(title, figure ready for paper, names of numbered columns or []); the dictionary is changed in place.
    The title and the names are text for the report's page; the figure's strings stay Plotly's plain text."""
    layout = figure.setdefault("layout", {})
    title = layout.get("title") or {}
    text = figure_text(str(title.get("text") or "") if isinstance(title, dict) else str(title))
    layout["title"] = {"text": ""}
    margin = dict(layout.get("margin") or {})
    margin["t"] = max(16, int(margin.get("t", 56)) - 44)
    traces = [t for t in figure.get("data", []) if t.get("visible") != "legendonly"]  # hidden until clicked
    if "polar" in layout:  # a radar: the legend below, the spokes' names wrapped and room for them
        layout["legend"] = {"orientation": "h", "x": 0, "y": -0.1, "yanchor": "top"}
        margin.update({"l": 90, "r": 90, "t": 48, "b": 48})
        spokes = next(
            (list(t.get("theta") or [])[:-1] for t in traces if t.get("type") == "scatterpolar"), []
        )
        if spokes:
            polar = dict(layout["polar"])
            polar["angularaxis"] = {
                **dict(polar.get("angularaxis") or {}),
                "tickmode": "array",
                "tickvals": spokes,
                "ticktext": [wrap(str(name), 18) for name in spokes],
            }
            layout["polar"] = polar
    extra_lines = 0
    for annotation in layout.get("annotations") or []:  # long notes above the plot: wrapped, not cut
        note = str(annotation.get("text") or "")
        if annotation.get("xref") == "paper" and len(note) > WRAP_NOTE and " · " in note:
            head, _colon, pairs = note.partition(": ")
            annotation["text"] = (head + ":<br>" if pairs else "") + (pairs or note).replace(" · ", "<br>")
            extra_lines = max(extra_lines, annotation["text"].count("<br>"))
    margin["t"] += 15 * extra_lines
    end_labels = [
        t for t in traces if "text" in str(t.get("mode", "")) and t.get("textposition") == "middle right"
    ]
    for trace in end_labels:  # names at the end of lines may run into the right margin instead of being cut
        trace["cliponaxis"] = False
    if end_labels:
        margin["r"] = max(int(margin.get("r", 10)), 140)
    layout["margin"] = margin
    plain_bars = [
        t
        for t in traces
        if t.get("type") == "bar" and not (t.get("marker") or {}).get("pattern") and not t.get("text")
    ]
    if len(plain_bars) > 1 and layout.get("barmode") in {"stack", "relative"}:
        _number_segments(plain_bars, layout)
    data: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    key: list[str] = []
    for trace in traces:
        if trace.get("type") == "heatmap":
            extra, cells = _vector_heatmap(trace, layout)
            data.extend(extra)
            shapes.extend(cells)
            key = key or _number_columns(layout)
        else:
            data.append(trace)
    if shapes:
        layout["shapes"] = shapes + list(layout.get("shapes") or [])
    figure["data"] = data
    return text, figure, key


_START_TAG = re.compile(r"<([A-Za-z][\w:.-]*)(\s[^<>]*?)?(/?)>")
_STYLE = re.compile(r'\sstyle="([^"]*)"')


def _presentation(match: re.Match[str]) -> str:
    name, attributes, closing = match.group(1), match.group(2) or "", match.group(3)
    style = _STYLE.search(attributes)
    if style is None:
        return match.group(0)
    attributes = attributes[: style.start()] + attributes[style.end() :]
    extra = []
    for declaration in style.group(1).split(";"):
        prop, colon, value = declaration.partition(":")
        prop, value = prop.strip(), value.strip()
        if not colon or not prop or not value:
            continue
        # A style declaration wins over an attribute of the same name.
        attributes = re.sub(rf'\s{re.escape(prop)}="[^"]*"', "", attributes)
        extra.append(f' {prop}="{value.replace(chr(34), "&quot;")}"')
    return f"<{name}{attributes}{''.join(extra)}{closing}>"


_GRADIENT_USE = re.compile(r"<rect\b[^>]*?\sfill=\"url\(['\"]?#([^'\")]+)['\"]?\)\"[^>]*>")
_LINEAR_GRADIENT = re.compile(r"<linearGradient\b[^>]*>")


def _number_attribute(tag: str, name: str, default: float) -> float:
    match = re.search(rf'\s{name}="([-\d.e]+)(%?)"', tag)
    if not match:
        return default
    value = float(match.group(1))
    return value / 100 if match.group(2) else value


def _gradients_in_user_space(svg: str) -> str:
    """Rewrite bounding-box gradients (plotly's colour bars) in the user space of the one rectangle they fill.

    The same drawing; WeasyPrint draws ``gradientUnits="objectBoundingBox"`` on these rectangles as a dot.
    """
    boxes: dict[str, list[tuple[float, float, float, float]]] = {}
    for match in _GRADIENT_USE.finditer(svg):
        tag = match.group(0)
        x, y, width, height = (_number_attribute(tag, a, 0.0) for a in ("x", "y", "width", "height"))
        boxes.setdefault(match.group(1), []).append((x, y, width, height))

    def convert(match: re.Match[str]) -> str:
        tag = match.group(0)
        found = re.search(r'\sid="([^"]+)"', tag)
        if (
            not found
            or len(set(boxes.get(found.group(1), []))) != 1
            or 'gradientUnits="userSpaceOnUse"' in tag
        ):
            return tag
        x, y, width, height = boxes[found.group(1)][0]
        ends = {
            "x1": x + width * _number_attribute(tag, "x1", 0.0),
            "y1": y + height * _number_attribute(tag, "y1", 0.0),
            "x2": x + width * _number_attribute(tag, "x2", 1.0),
            "y2": y + height * _number_attribute(tag, "y2", 0.0),
        }
        tag = re.sub(r'\s(x1|y1|x2|y2|gradientUnits)="[^"]*"', "", tag)
        attributes = "".join(f' {name}="{value:g}"' for name, value in ends.items())
        return (
            tag[:-1].rstrip("/")
            + attributes
            + ' gradientUnits="userSpaceOnUse"'
            + ("/>" if tag.endswith("/>") else ">")
        )

    return _LINEAR_GRADIENT.sub(convert, svg)


def svg_for_print(svg: str) -> str:
    """Plotly's SVG drawn the same way, in the subset of SVG that WeasyPrint draws well and fast.

    Every ``style`` attribute becomes SVG presentation attributes (a style declaration and the attribute of the
    same name mean the same; WeasyPrint then reads attributes instead of running a CSS parser on each of the
    thousands of style strings of a report's figures), and colour-bar gradients move to user space.
    """
    return _gradients_in_user_space(_START_TAG.sub(_presentation, svg))


def export_svg(figure: dict[str, Any], height: int) -> str:
    """One figure drawn as SVG at the page's width (Chromium through `policies.chart_export`)."""
    return svg_for_print(figure_to_svg(figure, width=PAGE_WIDTH_PX, height=height))


def placeholder_svg(height: int) -> str:
    """An empty drawing of a figure's size, laid out where a figure could not be drawn (the job then fails)."""
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_WIDTH_PX}" height="{height}"></svg>'
