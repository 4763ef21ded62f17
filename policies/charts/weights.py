"""Weights: the group's and each participant's, and the group's under each way of eliciting them."""

import math
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from policies.formatting import share

from ._common import build, colour, escape_hover, number, symbol, wrap

PATTERNS = ["", "/", ".", "x", "\\", "+"]
#: A legend under the figure, its own margin pushed by plotly: never over the x axis's title.
LEGEND_BELOW = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0}
INDIVIDUAL_TRACES = 8  # up to this many participants get a trace (and a legend entry) each


def _criterion_axis(criterion_names: Sequence[str]) -> dict[str, Any]:
    return {
        "tickmode": "array",
        "tickvals": list(range(len(criterion_names))),
        "ticktext": [wrap(name, 28) for name in criterion_names],
        "range": [len(criterion_names) - 0.5, -0.5],  # first criterion at the top
        "zeroline": False,
        "showgrid": False,
    }


def participant_offsets(count: int) -> list[float]:
    """Vertical offsets that spread ``count`` participants' markers across a bar's height."""
    if count <= 1:
        return [0.0] * count
    return [-0.32 + 0.64 * k / (count - 1) for k in range(count)]


def weights_figure(
    criterion_names: Sequence[str],
    group: Sequence[float],
    participant_names: Sequence[str],
    participant_weights: Sequence[Sequence[float]],
) -> go.Figure:
    """Group weight per criterion (bars, labelled) with each participant's weight as a marker beside it.

    ``participant_weights`` is participants x criteria, normalised to sum to 1; a participant whose row is
    all NaN has not weighted yet and is left out. Markers are spread across the bar's height, one row per
    participant, and named in the hover (and, for up to eight participants, in the legend with a marker
    shape each). Criterion j is drawn at y = j.
    """
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": _("Group"),
            "y": list(range(len(criterion_names))),
            "x": [number(float(w)) for w in group],
            "orientation": "h",
            "width": 0.8,
            "marker": {"color": "#c9d6e3", "line": {"color": "#0b5cad", "width": 1}},
            "text": [share(w, 0) for w in group],
            "textposition": "inside",
            "insidetextanchor": "start",
            "customdata": list(criterion_names),
            "hovertemplate": "%{customdata}<br>" + escape_hover(_("Group")) + ": %{x:.1%}<extra></extra>",
        }
    ]
    rows = [
        (name, row)
        for name, row in zip(participant_names, participant_weights, strict=True)
        if not all(math.isnan(float(v)) for v in row)
    ]
    offsets = participant_offsets(len(rows))
    if len(rows) <= INDIVIDUAL_TRACES:
        for k, (name, row) in enumerate(rows):
            traces.append(
                {
                    "type": "scatter",
                    "name": name,
                    "y": [round(j + offsets[k], 3) for j in range(len(criterion_names))],
                    "x": [number(float(v), 3) for v in row],
                    "mode": "markers",
                    "marker": {"symbol": symbol(k), "size": 9, "color": colour(k + 1), "line": {"width": 1}},
                    "customdata": list(criterion_names),
                    "hovertemplate": "%{customdata}<br>" + escape_hover(name) + ": %{x:.1%}<extra></extra>",
                }
            )
    else:
        traces.append(
            {
                "type": "scatter",
                "name": _("Participants"),
                "y": [
                    round(j + offsets[k], 3) for k in range(len(rows)) for j in range(len(criterion_names))
                ],
                "x": [number(float(v), 3) for _name, row in rows for v in row],
                "text": [name for name, _row in rows for _j in criterion_names],
                "mode": "markers",
                "marker": {"symbol": "circle-open", "size": 7, "color": colour(0)},
                "hovertemplate": "%{text}: %{x:.1%}<extra></extra>",
            }
        )
    return build(
        traces,
        title=_("Weights: the group (bars) and each participant (markers)"),
        height=max(320, 40 * len(criterion_names) + 160),
        xaxis={"title": {"text": _("Weight")}, "tickformat": ".0%", "rangemode": "tozero"},
        yaxis=_criterion_axis(criterion_names),
        bargap=0.15,
        # Below the whole figure rather than at a share of the plot's height, so that the axis title and the
        # legend each keep their own room whatever the number of criteria.
        legend=LEGEND_BELOW,
    )


def elicitation_figure(
    criterion_names: Sequence[str], method_names: Sequence[str], weights: Sequence[Sequence[float]]
) -> go.Figure:
    """The group's weights under each elicitation method, side by side (``weights`` is methods x criteria;
    criterion j at y = j). Each method has its own fill pattern as well as colour, and every bar is labelled
    with its percentage."""
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": method,
            "y": list(range(len(criterion_names))),
            "x": [number(float(w)) for w in weights[k]],
            "orientation": "h",
            "marker": {
                "color": colour(k),
                "pattern": {"shape": PATTERNS[k % len(PATTERNS)], "fillmode": "overlay", "solidity": 0.3},
            },
            "text": [share(w, 0) for w in weights[k]],
            "textposition": "outside",
            "customdata": list(criterion_names),
            "hovertemplate": "%{customdata}<br>" + escape_hover(method) + ": %{x:.1%}<extra></extra>",
        }
        for k, method in enumerate(method_names)
    ]
    return build(
        traces,
        title=_("Group weights by elicitation method"),
        height=max(320, 22 * max(len(method_names), 1) * len(criterion_names) + 160),
        barmode="group",
        xaxis={"title": {"text": _("Weight")}, "tickformat": ".0%", "rangemode": "tozero"},
        yaxis=_criterion_axis(criterion_names),
    )
