"""Scenarios: options' scores in each future, the regret table, and which option each robustness rule picks."""

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from policies.formatting import fixed

from ._common import SEQUENTIAL, build, category_axis, matrix, merge, rank_lines


def scenario_heatmap_figure(
    option_names: Sequence[str],
    scenario_names: Sequence[str],
    utilities: Sequence[Sequence[float]],
    *,
    highlight: int | None = None,
    score_label: str,
) -> go.Figure:
    """Option x scenario heatmap of each option's score in each scenario (``utilities`` options x scenarios),
    every cell labelled; the scenario being viewed (``highlight``) is outlined with a dashed frame."""
    trace = {
        "type": "heatmap",
        "z": matrix(utilities),
        "x": list(scenario_names),
        "y": list(option_names),
        "text": [[fixed(float(v), 3) for v in row] for row in utilities],
        "texttemplate": "%{text}",
        "textfont": {"size": 11},
        "colorscale": SEQUENTIAL,
        "xgap": 1,
        "ygap": 1,
        "colorbar": {"title": {"text": score_label}, "thickness": 12},
        "hovertemplate": "%{y}<br>%{x}: %{z:.3f}<extra></extra>",
    }
    shapes = (
        [
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": highlight - 0.5,
                "x1": highlight + 0.5,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#D55E00", "width": 3, "dash": "dash"},
            }
        ]
        if highlight is not None
        else []
    )
    return build(
        [trace],
        title=_("Score of each option in each scenario"),
        height=max(320, 34 * len(option_names) + 220),
        xaxis={**category_axis(scenario_names, 18), "side": "top"},
        yaxis=category_axis(option_names, autorange="reversed"),
        margin={"t": 110},
        shapes=shapes,
    )


def regret_figure(
    option_names: Sequence[str],
    scenario_names: Sequence[str],
    regret: Sequence[Sequence[float]],
    max_regret: Sequence[float],
) -> go.Figure:
    """The regret table as a heatmap: how far each option falls short of the best option in each scenario
    (``regret`` options x scenarios), with a last column for its largest regret, the minimax-regret criterion.
    Zero regret (the best option in that scenario) is labelled "best"."""
    column = _("Largest regret")
    values = [[*[float(v) for v in row], float(worst)] for row, worst in zip(regret, max_regret, strict=True)]
    best = _("best")
    trace = {
        "type": "heatmap",
        "z": matrix(values),
        "x": [*scenario_names, column],
        "y": list(option_names),
        "text": [[best if abs(v) < 1e-12 else fixed(v, 3) for v in row] for row in values],
        "texttemplate": "%{text}",
        "textfont": {"size": 11},
        "colorscale": SEQUENTIAL,
        "reversescale": True,
        "zmin": 0,
        "xgap": 1,
        "ygap": 1,
        "colorbar": {"title": {"text": _("regret")}, "thickness": 12},
        "hovertemplate": "%{y}<br>%{x}: %{z:.3f}<extra></extra>",
    }
    return build(
        [trace],
        title=_("Regret: shortfall from the best option in each scenario"),
        height=max(320, 34 * len(option_names) + 220),
        xaxis={**category_axis([*scenario_names, column], 18), "side": "top"},
        yaxis=category_axis(option_names, autorange="reversed"),
        margin={"t": 110},
    )


def moving_options(ranks: Sequence[Sequence[int]]) -> list[int]:
    """Options whose rank is not the same under every rule: those involved in a rank reversal."""
    count = len(ranks[0]) if len(ranks) else 0
    return [i for i in range(count) if len({int(stage[i]) for stage in ranks}) > 1]


def rules_figure(
    option_names: Sequence[str],
    rule_names: Sequence[str],
    ranks: Sequence[Sequence[int]],
    values: Sequence[Sequence[float]],
    chosen: Sequence[Sequence[int]],
) -> go.Figure:
    """Each robustness rule's ranking side by side (``ranks`` and ``values`` rules x options; ``chosen`` the
    option(s) each rule picks). Options whose rank changes between rules, the rank reversals, are drawn bold
    and the others faded (see :func:`moving_options`); each rule's choice carries a star."""
    traces, axes = rank_lines(
        option_names, rule_names, ranks, values, value_label=_("value"), emphasis=moving_options(ranks)
    )
    star: dict[str, Any] = {
        "type": "scatter",
        "name": _("Chosen by the rule"),
        "x": [rule_names[k] for k, picks in enumerate(chosen) for _i in picks],
        "y": [int(ranks[k][i]) for k, picks in enumerate(chosen) for i in picks],
        "text": [option_names[i] for picks in chosen for i in picks],
        "mode": "markers",
        "marker": {
            "symbol": "star",
            "size": 20,
            "color": "#F0E442",
            "line": {"color": "#1b1f24", "width": 1.5},
        },
        "hovertemplate": "%{x}: " + _("chooses") + " %{text}<extra></extra>",
    }
    return build(
        [*traces, star],
        title=_("Ranking under each robustness rule (★ = the rule’s choice; bold lines change rank)"),
        height=max(320, 34 * len(option_names) + 160),
        showlegend=False,
        **merge(axes, {"yaxis": {"title": {"text": _("Rank (1 = best)")}}}),
    )
