"""Ranking figures: what each criterion adds to each option's score, and how the methods' ranks compare."""

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from policies.formatting import fixed

from ._common import build, category_axis, colour, escape_hover, merge, number, rank_lines


def contributions_figure(
    option_names: Sequence[str],
    criterion_names: Sequence[str],
    contributions: Sequence[Sequence[float]],
    *,
    title: str | None = None,
    axis_title: str | None = None,
) -> go.Figure:
    """Stacked horizontal bars: how much each criterion adds to each option's score.

    ``contributions`` is options x criteria, options best first (drawn at the top). Bars stack relative to
    zero, so negative parts (PROMETHEE II flows) extend to the left. Each segment names its criterion in the
    hover and the legend, and the palette is colour-blind safe.
    """
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": criterion,
            "y": list(option_names),
            "x": [number(float(row[j])) for row in contributions],
            "orientation": "h",
            "marker": {"color": colour(j), "line": {"color": "#ffffff", "width": 0.5}},
            "hovertemplate": "%{y}<br>" + escape_hover(criterion) + ": %{x:.3f}<extra></extra>",
        }
        for j, criterion in enumerate(criterion_names)
    ]
    return build(
        traces,
        title=title or _("Weighted contributions by criterion"),
        height=max(320, 48 * len(option_names) + 200),
        barmode="relative",
        xaxis={"title": {"text": axis_title or _("Weighted score (0 to 1)")}, "zeroline": True},
        yaxis=category_axis(option_names, autorange="reversed"),
        legend={"y": -0.18},
    )


def method_ranks_figure(
    option_names: Sequence[str],
    method_names: Sequence[str],
    ranks: Sequence[Sequence[int]],
    scores: Sequence[Sequence[float]],
    agreement: Sequence[tuple[str, str, float | None]],
) -> go.Figure:
    """Side-by-side ranks of the options under each method (a bump chart), with Kendall's tau per pair.

    ``ranks`` and ``scores`` are methods x options; ``agreement`` lists (method, method, tau) pairs, tau None
    when it is undefined (one method ties every option). Lines that cross are rank reversals between methods.
    """
    traces, axes = rank_lines(option_names, method_names, ranks, scores, value_label=_("score"))
    pairs = " · ".join(f"{a} – {b}: {'–' if tau is None else fixed(tau, 2)}" for a, b, tau in agreement)
    layout = merge(
        axes,
        {
            "yaxis": {"title": {"text": _("Rank (1 = best)")}},
            "annotations": [
                {
                    "text": _("Kendall’s τ (1 = same order): %(pairs)s") % {"pairs": pairs},
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0,
                    "y": 1.0,
                    "yanchor": "bottom",
                    "showarrow": False,
                    "align": "left",
                    "font": {"size": 11},
                }
            ],
        },
    )
    return build(
        traces,
        title=_("Rank of each option under each method"),
        height=max(320, 34 * len(option_names) + 160),
        showlegend=False,
        margin={"t": 80},
        **layout,
    )
