"""Weight sensitivity: option scores as one weight sweeps 0 to 100 %, and how far each weight can move."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from policies.templatetags.report_format import share

from ._common import build, colour, dash, escape_hover, number, short, wrap


@dataclass(frozen=True)
class ReversalPoint:
    """Where two options swap: at ``weight`` of the swept criterion, both scoring ``score``."""

    weight: float
    score: float
    label: str  # e.g. "B overtakes A"
    first_place: bool  # the swap is for first place


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
    """
    last = len(grid) - 1
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "name": name,
            "x": [number(float(t)) for t in grid],
            "y": [number(float(row[i])) for row in scores],
            "mode": "lines+text",
            "text": [short(name) if k == last else "" for k in range(len(grid))],
            "textposition": "middle right",
            "line": {"color": colour(i), "dash": dash(i), "width": 2},
            "hovertemplate": escape_hover(name)
            + "<br>"
            + escape_hover(criterion_name)
            + " %{x:.0%}: %{y:.3f}"
            "<extra></extra>",
        }
        for i, name in enumerate(option_names)
    ]
    if reversals:
        traces.append(
            {
                "type": "scatter",
                "name": _("Rank reversal"),
                "x": [number(r.weight) for r in reversals],
                "y": [number(r.score) for r in reversals],
                "mode": "markers+text",
                "text": [r.label if r.first_place else "" for r in reversals],
                "hovertext": [r.label for r in reversals],
                "textposition": "top center",
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
    now = number(current_weight)
    return build(
        traces,
        title=_("Scores as the weight of “%(criterion)s” goes from 0 to 100%%")
        % {"criterion": criterion_name},
        height=480,
        xaxis={
            "title": {"text": _("Weight of %(criterion)s") % {"criterion": criterion_name}},
            "tickformat": ".0%",
            "range": [0, 1.3],
            "tickvals": [0, 0.2, 0.4, 0.6, 0.8, 1.0],
        },
        yaxis={"title": {"text": score_label}},
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
            }
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
