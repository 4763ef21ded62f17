"""Weight sensitivity: option scores as one weight sweeps 0 to 100 %, and how far each weight can move."""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from policies.formatting import share

from ._common import build, colour, dash, escape_hover, number, wrap


@dataclass(frozen=True)
class ReversalPoint:
    """Where two options swap: at ``weight`` of the swept criterion, both scoring ``score``."""

    weight: float
    score: float
    label: str  # e.g. "B overtakes A"
    first_place: bool  # the swap is for first place


#: The sweep's plot: its height, and the margins that leave room for the axis title and the line-end names.
SWEEP_HEIGHT = 480
SWEEP_MARGIN = {"l": 80, "r": 170, "t": 56, "b": 10}
END_NAME_WIDTH = 22  # characters per line of a name at the end of a line
END_NAME_LINE_PX = 13  # height of one line of those names (10 px type)
PLOT_PX = SWEEP_HEIGHT - SWEEP_MARGIN["t"] - 70  # about the plot's height: the x axis takes some 70 px


def spread(values: Sequence[float], heights: Sequence[float], low: float, high: float) -> list[float]:
    """Centres as near as may be to ``values`` such that no two labels of the given ``heights`` overlap,
    within [low, high] when they fit (same units throughout). The labels keep the values' order: a first
    pass pushes each one up clear of the one below, a second pushes them back down from the top."""
    order = sorted(range(len(values)), key=lambda k: values[k])
    centres = [float(values[k]) for k in order]
    sizes = [float(heights[k]) for k in order]
    for n in range(len(centres)):
        floor = low + sizes[n] / 2 if n == 0 else centres[n - 1] + (sizes[n - 1] + sizes[n]) / 2
        centres[n] = max(centres[n], floor)
    for n in reversed(range(len(centres))):
        ceiling = (
            high - sizes[n] / 2 if n == len(centres) - 1 else centres[n + 1] - (sizes[n + 1] + sizes[n]) / 2
        )
        centres[n] = min(centres[n], ceiling)
    out = [0.0] * len(values)
    for n, k in enumerate(order):
        out[k] = centres[n]
    return out


def sensitivity_figure(
    option_names: Sequence[str],
    criterion_name: str,
    grid: Sequence[float],
    scores: Sequence[Sequence[float]],
    current_weight: float,
    reversals: Sequence[ReversalPoint],
    *,
    score_label: str,
) -> go.Figure:
    """One line per option: its score as the weight of ``criterion_name`` goes from 0 to 1, the other weights
    keeping their proportions (``scores`` is grid x options). Rank reversals are marked with crosses (those
    for first place labelled), and the current weight with a dotted vertical line.

    Each line ends with the option's whole name, wrapped, in the right margin; names of lines that end close
    together are moved apart so that none covers another (:func:`spread`). Labels of reversals open towards
    the middle of the plot, so they never cover the axes' ticks.
    """
    values = [float(v) for row in scores for v in row if v is not None and math.isfinite(float(v))]
    bottom, top = (min(values), max(values)) if values else (0.0, 1.0)
    pad = 0.06 * ((top - bottom) or 1.0)
    y_range = [bottom - pad, top + pad]
    per_px = (y_range[1] - y_range[0]) / PLOT_PX
    ends = [float(scores[-1][i]) if scores else 0.0 for i in range(len(option_names))]
    names = [wrap(name, END_NAME_WIDTH) for name in option_names]
    heights = [(name.count("<br>") + 1) * END_NAME_LINE_PX * per_px + 2 * per_px for name in names]
    placed = spread(ends, heights, y_range[0], y_range[1])
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "name": name,
            "x": [number(float(t)) for t in grid],
            "y": [number(float(row[i])) for row in scores],
            "mode": "lines",
            "line": {"color": colour(i), "dash": dash(i), "width": 2},
            "hovertemplate": escape_hover(name)
            + "<br>"
            + escape_hover(criterion_name)
            + " %{x:.0%}: %{y:.3f}"
            "<extra></extra>",
        }
        for i, name in enumerate(option_names)
    ]
    end_names = [
        {
            "text": names[i],
            "xref": "paper",
            "x": 1,
            "xanchor": "left",
            "xshift": 6,
            "yref": "y",
            "y": number(placed[i]),
            "yanchor": "middle",
            "align": "left",
            "showarrow": False,
            "font": {"size": 10, "color": "#1b1f24"},
        }
        for i in range(len(option_names))
    ]
    reversal_notes: list[dict[str, Any]] = []
    if reversals:
        traces.append(
            {
                "type": "scatter",
                "name": _("Rank reversal"),
                "x": [number(r.weight) for r in reversals],
                "y": [number(r.score) for r in reversals],
                "mode": "markers",
                "text": [r.label if r.first_place else "" for r in reversals],
                "hovertext": [r.label for r in reversals],
                "marker": {
                    "symbol": "x-thin-open",
                    "size": 14,
                    "color": "#1b1f24",
                    "line": {"width": 3, "color": "#1b1f24"},
                },
                "hovertemplate": "%{hovertext}<br>"
                + escape_hover(criterion_name)
                + " %{x:.1%}<extra></extra>",
            }
        )
        reversal_notes = [
            {
                "text": wrap(r.label, 30),
                "xref": "x",
                "x": number(r.weight),
                "yref": "y",
                "y": number(r.score),
                "xanchor": "left" if r.weight < 0.5 else "right",
                "yanchor": "bottom",
                "xshift": 6 if r.weight < 0.5 else -6,
                "yshift": 8,
                "align": "left" if r.weight < 0.5 else "right",
                "showarrow": False,
                "bgcolor": "rgba(255,255,255,0.85)",
                "font": {"size": 11},
            }
            for r in reversals
            if r.first_place
        ]
    now = number(current_weight)
    return build(
        traces,
        title=_("Scores as the weight of “%(criterion)s” goes from 0 to 100%%")
        % {"criterion": criterion_name},
        height=SWEEP_HEIGHT,
        margin=SWEEP_MARGIN,
        xaxis={
            "title": {"text": _("Weight of %(criterion)s") % {"criterion": criterion_name}},
            "tickformat": ".0%",
            "range": [0, 1],
            "tickvals": [0, 0.2, 0.4, 0.6, 0.8, 1.0],
        },
        yaxis={"title": {"text": score_label, "standoff": 8}, "range": y_range},
        showlegend=False,
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": now,
                "x1": now,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#59636e", "dash": "dot", "width": 2},
            }
        ],
        annotations=[
            {
                "text": _("now %(weight)s") % {"weight": share(current_weight, 0)},
                "xref": "x",
                "yref": "paper",
                "x": now,
                "y": 1,
                "yanchor": "bottom",
                "showarrow": False,
            },
            *reversal_notes,
            *end_names,
        ],
    )


def tornado_order(intervals: Sequence[Sequence[float]]) -> list[int]:
    """Criteria by width of their stability range, narrowest first (ties in criterion order)."""
    return sorted(range(len(intervals)), key=lambda j: (float(intervals[j][1]) - float(intervals[j][0]), j))


def tornado_figure(
    criterion_names: Sequence[str],
    weights: Sequence[float],
    intervals: Sequence[Sequence[float]],
    top_name: str,
) -> go.Figure:
    """Tornado of weight stability: for each criterion, how far its weight can fall (left bar) or rise (right
    bar), in percentage points, before ``top_name`` loses first place; ``intervals`` is criteria x [low, high].

    The narrowest ranges, the weights the decision hinges on, are drawn at the top (see :func:`tornado_order`);
    each bar is labelled with the weight it reaches, and the two directions differ in pattern as well as colour.
    """
    order = tornado_order(intervals)
    names = [criterion_names[j] for j in order]
    now = _("now %(weight)s")
    ticks = [
        wrap(criterion_names[j], 28) + " (" + now % {"weight": share(float(weights[j]), 0)} + ")"
        for j in order
    ]
    falls = [float(intervals[j][0]) - float(weights[j]) for j in order]
    rises = [float(intervals[j][1]) - float(weights[j]) for j in order]
    span = [min([0.0, *falls]) - 0.12, max([0.0, *rises]) + 0.12]
    traces: list[dict[str, Any]] = []
    for name, side, shape, tint in (
        (_("Can fall by"), 0, "/", colour(0)),
        (_("Can rise by"), 1, "", colour(1)),
    ):
        limits = [float(intervals[j][side]) for j in order]
        traces.append(
            {
                "type": "bar",
                "name": name,
                "y": names,
                "x": [number(limit - float(weights[j])) for limit, j in zip(limits, order, strict=True)],
                "orientation": "h",
                "marker": {
                    "color": tint,
                    "pattern": {"shape": shape, "fillmode": "overlay", "solidity": 0.35},
                },
                "text": [share(v, 0) for v in limits],
                "textposition": "outside",
                "customdata": [number(v) for v in limits],
                "hovertemplate": "%{y}<br>"
                + escape_hover(name)
                + " %{x:.1%} → %{customdata:.1%}<extra></extra>",
            }
        )
    return build(
        traces,
        title=_("How far each weight can move before %(option)s loses first place") % {"option": top_name},
        height=max(320, 36 * len(criterion_names) + 180),
        barmode="overlay",
        xaxis={
            "title": {"text": _("Change in weight (percentage points)")},
            "tickformat": "+.0%",
            "range": span,
            "zeroline": True,
            "zerolinewidth": 2,
        },
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": names,
            "tickmode": "array",
            "tickvals": names,
            "ticktext": ticks,
            "autorange": "reversed",
        },
    )
