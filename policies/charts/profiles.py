"""Option profiles: each option's scores across the criteria, as a radar and as an option x criterion heatmap."""

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from policies.formatting import fixed

from ._common import SEQUENTIAL, build, category_axis, colour, dash, escape_hover, matrix, number


def profile_figure(
    option_names: Sequence[str],
    criterion_names: Sequence[str],
    values: Sequence[Sequence[float]],
    raw: Sequence[Sequence[float]],
    *,
    visible: int = 3,
) -> go.Figure:
    """Radar of each option's profile: ``values`` (options x criteria) from 0 = worst end of the criterion's
    scale to 1 = best end (cost criteria already reversed); ``raw``, the group scores, shows on hover.

    The first ``visible`` options (give them best first) are drawn; the others wait in the legend, because a
    dozen overlapping polygons read as none. Lines differ by dash as well as colour.
    """
    closed = [*criterion_names, criterion_names[0]] if criterion_names else []
    traces: list[dict[str, Any]] = []
    for i, name in enumerate(option_names):
        r = [number(float(v)) for v in values[i]]
        shown = [number(float(v), 3) for v in raw[i]]
        traces.append(
            {
                "type": "scatterpolar",
                "name": name,
                "theta": closed,
                "r": [*r, r[0]] if r else [],
                "customdata": [*shown, shown[0]] if shown else [],
                "mode": "lines+markers",
                "line": {"color": colour(i), "dash": dash(i), "width": 2},
                "marker": {"size": 6},
                "fill": "toself" if i == 0 else "none",
                "visible": True if i < visible else "legendonly",
                "hovertemplate": escape_hover(name)
                + "<br>%{theta}: %{customdata} ("
                + _("%{r:.0%} of the way to the best end")
                + ")<extra></extra>",
            }
        )
    return build(
        traces,
        title=_("Option profiles (outer edge = best end of each scale)"),
        height=540,
        polar={
            "radialaxis": {"range": [0, 1], "tickformat": ".0%", "angle": 90, "tickfont": {"size": 10}},
            "angularaxis": {"tickfont": {"size": 11}, "direction": "clockwise"},
        },
        legend={"orientation": "v", "x": 1.02, "y": 1, "yanchor": "top"},
        margin={"l": 60, "b": 40},
    )


def score_heatmap_figure(
    option_names: Sequence[str],
    criterion_names: Sequence[str],
    scores: Sequence[Sequence[float]],
    goodness: Sequence[Sequence[float]],
) -> go.Figure:
    """Option x criterion heatmap of the group scores.

    The colour is ``goodness`` (0 = worst end of the scale, 1 = best end, cost criteria reversed) so that
    "lighter is better" holds in every column; every cell is labelled with its score, so colour is never the
    only signal.
    """
    trace = {
        "type": "heatmap",
        "z": matrix(goodness),
        "x": list(criterion_names),
        "y": list(option_names),
        "text": [[fixed(float(v), 1) for v in row] for row in scores],
        "customdata": matrix(scores, 3),
        "texttemplate": "%{text}",
        "textfont": {"size": 11},
        "colorscale": SEQUENTIAL,
        "zmin": 0,
        "zmax": 1,
        "xgap": 1,
        "ygap": 1,
        "colorbar": {"title": {"text": _("worse → better")}, "tickformat": ".0%", "thickness": 12},
        "hovertemplate": "%{y}<br>%{x}: %{customdata}<extra></extra>",
    }
    return build(
        [trace],
        title=_("Group scores, option by criterion"),
        height=max(320, 34 * len(option_names) + 220),
        xaxis={**category_axis(criterion_names, 16), "tickangle": -35},
        yaxis=category_axis(option_names, autorange="reversed"),
    )
