"""Plotly figure builders. They take analysis results, never the ORM, so the page and the PDF draw the same
figure from the same numbers."""

from collections.abc import Sequence

import plotly.graph_objects as go
from django.utils.translation import gettext as _

# Colour-blind-safe qualitative colours: Okabe and Ito (2008) followed by Paul Tol's "muted" set, so a
# criteria tree of up to fifteen leaves never repeats a colour.
PALETTE = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#882255", "#AA4499",
]  # fmt: skip


def contributions_figure(
    option_names: Sequence[str], criterion_names: Sequence[str], contributions: Sequence[Sequence[float]]
) -> go.Figure:
    """Stacked horizontal bars: how much each criterion adds to each option's weighted-sum score.

    Options are drawn best at the top, in the order given.
    """
    figure = go.Figure()
    for j, criterion in enumerate(criterion_names):
        figure.add_trace(
            go.Bar(
                name=criterion,
                y=list(option_names),
                x=[row[j] for row in contributions],
                orientation="h",
                marker={"color": PALETTE[j % len(PALETTE)], "line": {"color": "#ffffff", "width": 0.5}},
                hovertemplate="%{y}<br>" + criterion.replace("%", "%%") + ": %{x:.3f}<extra></extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        title={"text": _("Weighted contributions by criterion")},
        xaxis={"title": {"text": _("Weighted score (0 to 1)")}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15},
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        height=max(320, 48 * len(option_names) + 200),
        template="plotly_white",
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 12},
    )
    return figure
