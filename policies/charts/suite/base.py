"""What every figure of the results suite is: the Plotly figure with its title, screen-reader summary, caption
and data tables, grouped in sections. The web page and the PDF report both draw from these."""

from dataclasses import dataclass, field

import plotly.graph_objects as go
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from policies import charts
from policies.charts._common import figure_text
from policies.formatting import fixed, share
from policies.models.exercises import Method


@dataclass(frozen=True)
class ChartTable:
    caption: str
    columns: list[str]  # the first names the row-header column
    rows: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class Chart:
    """A figure with everything the page shows around it: summary for screen readers, caption, data."""

    id: str
    title: str
    label: str  # aria-label: what the chart says, in one or two sentences
    caption: str
    json: SafeString
    height: int
    tables: list[ChartTable]
    filename: str = ""
    look: str = ""  # one line under the chart: what to look at in it


def what_to_look_at(chart_id: str) -> str:
    """The one line the page prints under a chart: where a reader's eye should go first, and what it means."""
    lines = {
        "contributions": _(
            "Which criteria make the first option’s bar longest: they are the reasons it leads."
        ),
        "method-ranks": _(
            "Whether the lines stay flat: an option that keeps its rank under every method does not depend on "
            "how the criteria are combined."
        ),
        "profiles": _("Where the leading options’ shapes part: those criteria tell them apart."),
        "score-heatmap": _("The lightest and darkest cells of each column: where the options differ most."),
        "weights": _(
            "How far the markers sit from the bars: the further, the less the participants agree on what matters."
        ),
        "elicitation": _(
            "Whether a criterion’s bars have the same length: if not, its weight depends on how it was asked."
        ),
        "sensitivity": _(
            "The crosses nearest the dotted line: how far this weight must move before the ranking changes."
        ),
        "tornado": _("The shortest bars, at the top: the weights the recommendation hinges on."),
        "acceptability": _(
            "The first column: how often each option ranks first when any weights are equally likely."
        ),
        "central-weights": _(
            "The weights that make each option first: the closer to the group’s, the nearer that option is."
        ),
        "scenario-heatmap": _("Whether the same option stays best in every scenario’s column."),
        "regret": _("The option whose longest bar is shortest: it loses least in the worst scenario."),
        "rules": _("The stars: whether the robustness rules choose the same option."),
        "spread": _("The widest boxes: the cells to discuss first."),
        "consensus": _("The darkest cells: where the participants disagree most."),
    }
    return str(lines.get(chart_id, ""))


@dataclass
class Section:
    id: str
    title: str
    charts: list[Chart] = field(default_factory=list)
    empty: str = ""  # why the section has no chart


def make_chart(
    chart_id: str, figure: go.Figure, *, label: str, caption: str, tables: list[ChartTable]
) -> Chart:
    layout = figure.layout
    return Chart(
        id=chart_id,
        title=figure_text(str(layout.title.text or "")),
        label=label,
        caption=caption,
        json=charts.figure_json(figure),
        height=int(layout.height or 400),
        tables=tables,
        filename=chart_id,
        look=what_to_look_at(chart_id),
    )


def score(value: float, digits: int = 3) -> str:
    return fixed(value, digits)


def pct(value: float, digits: int = 1) -> str:
    return share(value, digits)


def score_label(method: str) -> str:
    if method == Method.TOPSIS:
        return _("Closeness to the ideal (0 to 1)")
    if method == Method.PROMETHEE_II:
        return _("Net flow (−1 to 1)")
    return _("Weighted score (0 to 1)")
