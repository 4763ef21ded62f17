"""Cross-impact balance analysis: the scenario tableau, a scenario's impact-balance profile, its succession
path, and the matrix as a heatmap (a group's mean, with the cells in dispute marked).

Builders take names and numbers only; `policies.selectors.cross_impact` reads them from the case.
"""

import math
from collections.abc import Sequence

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from ._common import build, category_axis, colour, escape_hover, matrix, short

# A diverging scale for impacts, hindering (orange) through none (white) to promoting (blue): Okabe-Ito's
# orange and blue stay apart under every common colour-vision deficiency.
DIVERGING = [[0.0, "#D55E00"], [0.5, "#ffffff"], [1.0, "#0072B2"]]
# Cells of one driver's block, where no impact is rated.
_SAME = "#eef1f5"


def impact_label(value: float) -> str:
    """An impact as every surface writes it: "+2", "0", a true minus sign for negatives, and up to two decimals
    for a group's mean ("+1.5", or "-0.33" written with U+2212)."""
    if not value:
        return "0"
    text = f"{int(value):+d}" if value == round(value) else f"{value:+.2f}".rstrip("0")
    return text.replace("-", "\u2212")


def scenario_tableau_figure(
    driver_names: Sequence[str],
    scenario_names: Sequence[str],
    chosen: Sequence[Sequence[int]],
    state_names: Sequence[Sequence[str]],
) -> go.Figure:
    """The scenario tableau: drivers as rows, scenarios as columns, each cell naming the driver's state in that
    scenario (``chosen`` scenarios x drivers, 0-based state indices; ``state_names`` per driver). Cells are
    tinted by the state's place in its driver's list, so a row shows at a glance where scenarios differ."""
    z = [[picked[d] / max(len(states) - 1, 1) for picked in chosen] for d, states in enumerate(state_names)]
    return _driver_grid(
        scenario_names,
        driver_names,
        state_names,
        chosen,
        z,
        colours=("#dbe9f6", "#f6e3c8"),
        title=_("Consistent scenarios: the state of each driver"),
        head=160,
        top=100,
    )


def balance_profile_figure(
    driver_names: Sequence[str],
    state_names: Sequence[Sequence[str]],
    balances: Sequence[float],
    chosen: Sequence[int],
    *,
    scenario_name: str,
) -> go.Figure:
    """The impact-balance profile of one scenario: the balance of every state (bars, grouped by driver), the
    scenario's own states solid and the others hatched. A scenario is consistent when, in every driver, its
    own state's bar is the longest."""
    labels: list[str] = []
    values: list[float] = []
    own: list[bool] = []
    drivers: list[str] = []
    k = 0
    for d, states in enumerate(state_names):
        for s, state in enumerate(states):
            labels.append(f"{driver_names[d]}: {state}")
            values.append(float(balances[k]))
            own.append(s == chosen[d])
            drivers.append(driver_names[d])
            k += 1
    traces = []
    for is_own, name in ((True, _("State of the scenario")), (False, _("Other state"))):
        picked = [i for i in range(len(labels)) if own[i] == is_own]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "y": [labels[i] for i in picked],
                "x": [values[i] for i in picked],
                "text": [impact_label(values[i]) for i in picked],
                "textposition": "outside",
                "marker": {
                    "color": colour(0) if is_own else "#aab3bd",
                    "pattern": {"shape": "" if is_own else "/"},
                },
                "hovertemplate": "%{y}: %{x}<extra></extra>",
            }
        )
    return build(
        traces,
        title=_("Impact balances of “%(scenario)s”") % {"scenario": scenario_name},
        height=max(300, 22 * len(labels) + 160),
        barmode="overlay",
        xaxis={"title": {"text": _("Impact balance")}, "zeroline": True},
        yaxis=category_axis(labels, 40, autorange="reversed"),
    )


def succession_figure(
    driver_names: Sequence[str],
    state_names: Sequence[Sequence[str]],
    path: Sequence[Sequence[int]],
) -> go.Figure:
    """The succession path from a scenario: drivers as rows, steps as columns, each cell naming the state; a
    state that changed at that step is shaded. The path ends at the first scenario seen twice: a consistent
    scenario (the last two columns equal) or the start of a cycle."""
    steps = [_("Start")] + [_("Step %(step)d") % {"step": k} for k in range(1, len(path))]
    z = [
        [0.0] + [1.0 if path[k][d] != path[k - 1][d] else 0.0 for k in range(1, len(path))]
        for d in range(len(state_names))
    ]
    return _driver_grid(
        steps,
        driver_names,
        state_names,
        path,
        z,
        colours=("#ffffff", "#f6c89f"),
        title=_("Succession: where the drivers push the scenario, step by step"),
        head=140,
        top=90,
        fixed_range=True,
    )


def _driver_grid(
    columns: Sequence[str],
    driver_names: Sequence[str],
    state_names: Sequence[Sequence[str]],
    picks: Sequence[Sequence[int]],
    z: list[list[float]],
    *,
    colours: tuple[str, str],
    title: str,
    head: int,
    top: int,
    fixed_range: bool = False,
) -> go.Figure:
    """Drivers as rows and `columns` (scenarios, or the steps of a path) along the top, each cell naming the
    driver's state in that column (``picks``: per column, each driver's state index) and tinted between two
    colours by `z`; with `fixed_range`, z is read on 0..1 whatever values occur. Each row is 44 px high, at
    least 120 px in all, under `head` px of title, column names and margins (`top` of them above the plot)."""
    text = [[short(states[pick[d]], 22) for pick in picks] for d, states in enumerate(state_names)]
    trace = {
        "type": "heatmap",
        "z": matrix(z),
        "x": list(columns),
        "y": list(driver_names),
        "text": text,
        "texttemplate": "%{text}",
        "textfont": {"size": 10},
        "colorscale": [[0.0, colours[0]], [1.0, colours[1]]],
        **({"zmin": 0, "zmax": 1} if fixed_range else {}),
        "showscale": False,
        "xgap": 2,
        "ygap": 2,
        "hovertemplate": "%{y}<br>%{x}: %{text}<extra></extra>",
    }
    return build(
        [trace],
        title=title,
        height=head + max(120, 44 * len(driver_names)),
        xaxis={**category_axis(columns, 14), "side": "top"},
        yaxis=category_axis(driver_names, autorange="reversed"),
        margin={"t": top},
    )


def matrix_heatmap_figure(
    state_labels: Sequence[str],
    driver_of_state: Sequence[int],
    impacts: Sequence[Sequence[float]],
    disputed: Sequence[Sequence[bool]] | None = None,
    *,
    title: str | None = None,
) -> go.Figure:
    """The cross-impact matrix as a heatmap, rows the source states, columns the targets; the blocks within one
    driver are greyed (not rated). With ``disputed`` (a group's matrix), a cell in dispute is marked with a
    ring, so disagreement does not rest on colour."""
    n = len(state_labels)
    z: list[list[float]] = []
    text: list[list[str]] = []
    for u in range(n):
        row: list[float] = []
        labels: list[str] = []
        for v in range(n):
            if driver_of_state[u] == driver_of_state[v]:
                row.append(math.nan)  # drawn as a gap: the plot's grey background shows
                labels.append("")
            else:
                row.append(float(impacts[u][v]))
                labels.append(impact_label(float(impacts[u][v])) if impacts[u][v] else "")
        z.append(row)
        text.append(labels)
    top = max([abs(v) for row in z for v in row if not math.isnan(v)] or [1.0]) or 1.0
    traces = [
        {
            "type": "heatmap",
            "z": matrix(z),
            "x": list(state_labels),
            "y": list(state_labels),
            "text": text,
            "texttemplate": "%{text}",
            "textfont": {"size": 10},
            "colorscale": DIVERGING,
            "zmin": -top,
            "zmax": top,
            "xgap": 1,
            "ygap": 1,
            "colorbar": {"title": {"text": _("Impact")}, "thickness": 12},
            "hovertemplate": escape_hover(_("Impact of"))
            + " %{y}<br>"
            + escape_hover(_("on"))
            + " %{x}: %{z}<extra></extra>",
        }
    ]
    if disputed is not None:
        cells = [(u, v) for u in range(n) for v in range(n) if disputed[u][v]]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("In dispute"),
                "x": [state_labels[v] for _u, v in cells],
                "y": [state_labels[u] for u, _v in cells],
                "marker": {"symbol": "circle-open", "size": 18, "color": "#000000", "line": {"width": 2}},
                "hovertemplate": escape_hover(_("In dispute")) + ": %{y} → %{x}<extra></extra>",
            }
        )
    return build(
        traces,
        title=title or _("Cross-impact matrix"),
        height=max(360, 22 * n + 260),
        xaxis={**category_axis(state_labels, 18), "side": "top", "tickangle": -45},
        yaxis=category_axis(state_labels, 30, autorange="reversed"),
        plot_bgcolor=_SAME,
        margin={"t": 160},
        showlegend=disputed is not None,
    )
