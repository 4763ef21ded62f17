"""The cross-impact charts with what the page and the PDF show around them: the scenario tableau, the matrix
heatmap, and a scenario's impact-balance profile and succession path.

They take `CrossImpactData` (names and numbers), which `policies.selectors.cross_impact` reads from a case or
a workshop's group matrix, so the case page, the workshop screen and the PDF draw the same figures.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.charts.cross_impact import (
    balance_profile_figure,
    impact_label,
    matrix_heatmap_figure,
    scenario_tableau_figure,
    succession_figure,
)
from policies.charts.suite.base import Chart, ChartTable, make_chart

#: Scenarios a tableau shows at most: beyond this the columns are too narrow to read.
TABLEAU_COLUMNS = 12


@dataclass(frozen=True)
class CrossImpactData:
    """Names and numbers for the cross-impact charts.

    ``impacts`` is states x states (the case's matrix, or a group's mean); ``disputed`` marks the cells a
    group disagrees on (None for a case's own matrix). ``scenarios`` are consistent scenarios (0-based state
    index per driver) named by ``scenario_names``; ``selected`` is the scenario whose balances and succession
    are drawn, if any.
    """

    driver_names: list[str]
    state_names: list[list[str]]
    impacts: list[list[float]]
    disputed: list[list[bool]] | None
    scenarios: list[tuple[int, ...]]
    scenario_names: list[str]
    selected: tuple[int, ...] | None = None
    selected_name: str = ""
    balances: list[float] | None = None
    succession: list[tuple[int, ...]] | None = None

    @property
    def state_labels(self) -> list[str]:
        return [
            f"{d}: {s}" for d, states in zip(self.driver_names, self.state_names, strict=True) for s in states
        ]

    @property
    def driver_of_state(self) -> list[int]:
        return [d for d, states in enumerate(self.state_names) for _s in states]


def tableau_chart(data: CrossImpactData) -> Chart | None:
    if not data.scenarios:
        return None
    chosen = data.scenarios[:TABLEAU_COLUMNS]
    names = data.scenario_names[:TABLEAU_COLUMNS]
    figure = scenario_tableau_figure(data.driver_names, names, chosen, data.state_names)
    rows = [
        (driver, [data.state_names[d][picked[d]] for picked in chosen])
        for d, driver in enumerate(data.driver_names)
    ]
    return make_chart(
        "cib-tableau",
        figure,
        label=_("Table of %(count)d consistent scenarios, one column each, naming the state of every driver.")
        % {"count": len(chosen)},
        caption=_(
            "In a consistent scenario every driver sits in the state the other drivers push it towards "
            "(cross-impact balance analysis)."
        ),
        tables=[ChartTable(_("State of each driver"), [_("Driver"), *names], rows)],
    )


def heatmap_chart(data: CrossImpactData, *, title: str | None = None) -> Chart:
    labels = data.state_labels
    figure = matrix_heatmap_figure(labels, data.driver_of_state, data.impacts, data.disputed, title=title)
    owner = data.driver_of_state
    rows = []
    for u, label in enumerate(labels):
        cells = []
        for v in range(len(labels)):
            if owner[u] == owner[v]:
                cells.append("")
                continue
            text = impact_label(data.impacts[u][v])
            if data.disputed is not None and data.disputed[u][v]:
                text += " " + _("(in dispute)")
            cells.append(text)
        rows.append((label, cells))
    disputed = sum(1 for row in data.disputed or [] for cell in row if cell)
    return make_chart(
        "cib-matrix",
        figure,
        label=_("Heatmap of the impact of each driver state (rows) on the states of other drivers (columns).")
        + (" " + _("%(count)d cells in dispute are ringed.") % {"count": disputed} if data.disputed else ""),
        caption=_("Positive impacts promote the target state, negative ones hinder it.")
        + (" " + _("Ringed cells are those the group disagrees on.") if data.disputed is not None else ""),
        tables=[
            ChartTable(_("Impact of the row's state on the column's state"), [_("State"), *labels], rows)
        ],
    )


def profile_chart(data: CrossImpactData) -> Chart | None:
    if data.selected is None or data.balances is None:
        return None
    figure = balance_profile_figure(
        data.driver_names, data.state_names, data.balances, data.selected, scenario_name=data.selected_name
    )
    labels = data.state_labels
    chosen = {sum(len(s) for s in data.state_names[:d]) + i for d, i in enumerate(data.selected)}
    rows = [
        (label, [impact_label(value), _("yes") if k in chosen else ""])
        for k, (label, value) in enumerate(zip(labels, data.balances, strict=True))
    ]
    return make_chart(
        "cib-profile",
        figure,
        label=_("Bar chart of the impact balance of every driver state under the scenario “%(scenario)s”.")
        % {"scenario": data.selected_name},
        caption=_(
            "The impact balance of a state adds up the impacts the scenario's other states exert on it; the "
            "scenario is consistent when each driver's own state has the highest balance of its driver."
        ),
        tables=[ChartTable(_("Impact balances"), [_("State"), _("Balance"), _("In the scenario")], rows)],
    )


def succession_chart(data: CrossImpactData) -> Chart | None:
    if data.succession is None:
        return None
    figure = succession_figure(data.driver_names, data.state_names, data.succession)
    steps = [_("Start")] + [_("Step %(step)d") % {"step": k} for k in range(1, len(data.succession))]
    rows = [
        (driver, [data.state_names[d][step[d]] for step in data.succession])
        for d, driver in enumerate(data.driver_names)
    ]
    settled = len(data.succession) >= 2 and data.succession[-1] == data.succession[-2]
    return make_chart(
        "cib-succession",
        figure,
        label=ngettext(
            "Succession path of %(count)d step from the scenario “%(scenario)s”.",
            "Succession path of %(count)d steps from the scenario “%(scenario)s”.",
            len(data.succession) - 1,
        )
        % {"count": len(data.succession) - 1, "scenario": data.selected_name},
        caption=_("At each step every driver moves to the state of highest impact balance.")
        + " "
        + (_("The path ends at a consistent scenario.") if settled else _("The path ends in a cycle.")),
        tables=[ChartTable(_("State at each step"), [_("Driver"), *steps], rows)],
    )


def cross_impact_charts(data: CrossImpactData, *, heatmap_title: str | None = None) -> list[Chart]:
    """The charts there is something to draw for, in reading order."""
    charts = [
        tableau_chart(data),
        heatmap_chart(data, title=heatmap_title),
        profile_chart(data),
        succession_chart(data),
    ]
    return [chart for chart in charts if chart is not None]
