"""Uncertainty (SMAA-2): how likely each option is to take each rank, and the weights that make it win."""

import math
from collections.abc import Sequence
from typing import Any

import plotly.colors
import plotly.graph_objects as go
from django.utils.translation import gettext as _

from policies.formatting import share

from ._common import SEQUENTIAL, build, category_axis, escape_hover, matrix, number


def rank_colours(count: int) -> list[str]:
    """One colour per rank, dark (rank 1) to light, from a colour-blind-safe sequential scale."""
    if count <= 1:
        return list(plotly.colors.sample_colorscale(SEQUENTIAL, [0.0]))
    return list(plotly.colors.sample_colorscale(SEQUENTIAL, [k / (count - 1) for k in range(count)]))


def acceptability_figure(option_names: Sequence[str], acceptability: Sequence[Sequence[float]]) -> go.Figure:
    """Stacked bars of rank acceptability: for each option, the share of weight draws in which it takes
    rank 1, 2, ... (``acceptability`` is options x ranks, rows summing to 1). Segments of 5 % or more are
    labelled with their rank and share, so the colours are never read alone.
    """
    count = len(acceptability[0]) if len(acceptability) else 0
    colours = rank_colours(count)
    traces: list[dict[str, Any]] = []
    for r in range(count):
        shares = [float(row[r]) for row in acceptability]
        name = _("Rank %(rank)d") % {"rank": r + 1}
        traces.append(
            {
                "type": "bar",
                "name": name,
                "y": list(option_names),
                "x": [number(v) for v in shares],
                "orientation": "h",
                "marker": {"color": colours[r], "line": {"color": "#ffffff", "width": 0.5}},
                "text": [f"#{r + 1}: {share(v, 0)}" if v >= 0.05 else "" for v in shares],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textfont": {"size": 10},
                "hovertemplate": "%{y}<br>" + escape_hover(name) + ": %{x:.1%}<extra></extra>",
            }
        )
    return build(
        traces,
        title=_("Rank acceptability: how often each option takes each rank"),
        height=max(320, 40 * len(option_names) + 200),
        barmode="stack",
        xaxis={"title": {"text": _("Share of weight draws")}, "tickformat": ".0%", "range": [0, 1]},
        yaxis=category_axis(option_names, autorange="reversed"),
        uniformtext={"minsize": 8, "mode": "hide"},
        legend={"y": -0.18, "traceorder": "normal"},
    )


def central_weights_figure(
    option_names: Sequence[str],
    criterion_names: Sequence[str],
    central: Sequence[Sequence[float]],
    group: Sequence[float],
    *,
    group_label: str | None = None,
) -> go.Figure:
    """Heatmap of SMAA central weights: for each option that can rank first, the average weights that make
    it first (``central`` options x criteria; rows of NaN, options never first, are left out), under a
    first row of the group's own weights for reference. Every cell is labelled with its percentage.
    """
    rows = [
        (name, [float(v) for v in row])
        for name, row in zip(option_names, central, strict=True)
        if not all(math.isnan(float(v)) for v in row)
    ]
    reference = group_label or _("Group weights (for reference)")
    names = [reference, *[name for name, _row in rows]]
    values = [[float(v) for v in group], *[row for _name, row in rows]]
    trace = {
        "type": "heatmap",
        "z": matrix(values),
        "x": list(criterion_names),
        "y": names,
        "text": [[share(v, 0) for v in row] for row in values],
        "texttemplate": "%{text}",
        "textfont": {"size": 11},
        "colorscale": SEQUENTIAL,
        "zmin": 0,
        "xgap": 1,
        "ygap": 1,
        "colorbar": {"title": {"text": _("weight")}, "tickformat": ".0%", "thickness": 12},
        "hovertemplate": "%{y}<br>%{x}: %{z:.1%}<extra></extra>",
    }
    return build(
        [trace],
        title=_("Central weights: the typical weights that make each option first"),
        height=max(300, 34 * len(names) + 220),
        xaxis={**category_axis(criterion_names, 16), "tickangle": -35},
        yaxis=category_axis(names, autorange="reversed"),
    )
