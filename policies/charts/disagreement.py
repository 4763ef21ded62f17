"""Disagreement: how participants' scores spread on each cell, and a map of consensus over all cells."""

import math
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from policies.formatting import fixed
from policies.formatting import number as number_text

from ._common import SEQUENTIAL, build, category_axis, colour, matrix, number, short


def cell_label(option: str, criterion: str) -> str:
    """How a cell is named on the spread chart's axis: option, then criterion."""
    return f"{option} · {criterion}"


def score_spread_figure(
    cell_labels: Sequence[str],
    participant_names: Sequence[str],
    values: Sequence[Sequence[float]],
) -> go.Figure:
    """One box per cell with every participant's score as a point (a box and strip plot); each box sits at its
    trace's name, the cell label, on the category axis.

    ``values`` is cells x participants, NaN where a participant did not score the cell (left out). The box
    shows the quartiles, the dashed line the mean, and each point is named after its participant in the hover.
    """
    traces: list[dict[str, Any]] = []
    for k, label in enumerate(cell_labels):
        scored = [
            (name, float(v))
            for name, v in zip(participant_names, values[k], strict=True)
            if not math.isnan(float(v))
        ]
        traces.append(
            {
                "type": "box",
                "name": label,
                "x": [number(v) for _name, v in scored],
                "text": [name for name, _v in scored],
                "orientation": "h",
                "boxpoints": "all",
                "jitter": 0.5,
                "pointpos": 0,
                "boxmean": True,
                "marker": {"color": colour(k), "size": 6, "opacity": 0.8},
                "line": {"color": colour(k)},
                "fillcolor": "rgba(0,0,0,0)",
                "hovertemplate": "%{text}: %{x}<extra>%{y}</extra>",
                "showlegend": False,
            }
        )
    return build(
        traces,
        title=_("Participants’ scores on the most disputed cells"),
        height=max(320, 46 * len(cell_labels) + 160),
        xaxis={"title": {"text": _("Score")}, "zeroline": False},
        yaxis=category_axis(cell_labels, 40, autorange="reversed"),
    )


def consensus_figure(
    option_names: Sequence[str],
    criterion_names: Sequence[str],
    iqr: Sequence[Sequence[float]],
    relative: Sequence[Sequence[float]],
    counts: Sequence[Sequence[int]],
    *,
    scale_width: float | None = None,
) -> go.Figure:
    """Option x criterion map of disagreement: the interquartile range of participants' scores per cell.

    The colour is ``relative`` (the IQR as a share of the criterion's scale, so columns compare), the label
    the IQR itself; a cell nobody scored is blank, labelled with a dash. When every criterion has the same
    scale (``scale_width`` points wide) the colour bar reads in points, as the cells do; otherwise it says
    it reads in shares of each criterion's scale.

    Columns are named vertically, so that no two names overlap however many criteria there are.
    """
    shares = matrix(relative)
    highest = max((v for row in shares for v in row if v is not None), default=0.0)
    top = max(0.5, highest)
    colour_bar: dict[str, Any] = {
        "title": {"text": _("IQR (share of the criterion’s scale)")},
        "thickness": 12,
    }
    if scale_width:
        highest_points = top * scale_width
        step = next((t for t in (0.5, 1, 2, 5, 10, 20, 25, 50) if highest_points / t <= 6), 100.0)
        points = [k * step for k in range(int(highest_points / step + 1e-9) + 1)]
        colour_bar["title"] = {"text": _("IQR (points)")}
        colour_bar["tickvals"] = [p / scale_width for p in points]
        colour_bar["ticktext"] = [number_text(p) for p in points]
    else:
        colour_bar["tickformat"] = ".0%"
    trace = {
        "type": "heatmap",
        "z": shares,
        "x": list(criterion_names),
        "y": list(option_names),
        "text": [["–" if math.isnan(float(v)) else fixed(float(v), 1) for v in row] for row in iqr],
        "customdata": [[int(n) for n in row] for row in counts],
        "texttemplate": "%{text}",
        "textfont": {"size": 11},
        "colorscale": SEQUENTIAL,
        "reversescale": True,
        "zmin": 0,
        "zmax": top,
        "xgap": 1,
        "ygap": 1,
        "colorbar": colour_bar,
        "hovertemplate": "%{y}<br>%{x}<br>"
        + _("IQR %{text} from %{customdata} participants")
        + "<extra></extra>",
    }
    return build(
        [trace],
        title=_("Consensus per cell (interquartile range; darker = more disagreement)"),
        height=max(320, 34 * len(option_names) + 220),
        xaxis={
            **category_axis(criterion_names),
            "ticktext": [short(name, 30) for name in criterion_names],
            "tickangle": -90,
        },
        yaxis=category_axis(option_names, autorange="reversed"),
    )
