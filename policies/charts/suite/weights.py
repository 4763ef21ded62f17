"""The weights section: the group's and each participant's weights, and the elicitation comparison."""

import math

import numpy as np
from django.utils.translation import gettext as _

from policies import charts
from policies.charts.suite.base import Chart, ChartTable, make_chart, pct
from policies.selectors.analysis_results import AnalysisResults


def weights_charts(bundle: AnalysisResults, criteria: list[str], people: list[str]) -> list[Chart]:
    view = bundle.weights
    figure = charts.weights_figure(criteria, view.group.tolist(), people, view.participants.tolist())
    rows = [(_("Group"), [pct(w) for w in view.group])]
    rows += [
        (alias, [pct(w) if not math.isnan(w) else _("not weighted") for w in row])
        for alias, row in zip(people, view.participants, strict=True)
    ]
    heaviest = int(np.argmax(view.group)) if len(view.group) else None
    weighted = int((~np.all(np.isnan(view.participants), axis=1)).sum()) if len(people) else 0
    label = _(
        "Bars of the group’s weight per criterion with a marker for each of %(count)s participants who weighted; "
        "the heaviest criterion is %(criterion)s (%(weight)s)."
    ) % {
        "count": weighted,
        "criterion": criteria[heaviest] if heaviest is not None else "–",
        "weight": pct(view.group[heaviest]) if heaviest is not None else "–",
    }
    methods = list(view.elicitation)
    values = [view.elicitation[m] for m in methods]
    elicitation = charts.elicitation_figure(criteria, methods, [v.tolist() for v in values])
    return [
        make_chart(
            "weights",
            figure,
            label=label,
            caption=_(
                "Group weights are the mean of each participant’s points, normalised; a blank counts as 0 points."
            ),
            tables=[ChartTable(_("Weights (each row sums to 100%)"), [_("Participant"), *criteria], rows)],
        ),
        make_chart(
            "elicitation",
            elicitation,
            label=_(
                "Grouped bars comparing the group’s weights elicited as direct points and as rank-order "
                "centroid weights from each participant’s order of importance."
            ),
            caption=_(
                "Rank-order centroid keeps only the order of each participant’s points: where the bars "
                "differ, the ranking depends on the exact numbers, not only on the order."
            ),
            tables=[
                ChartTable(
                    _("Group weights by elicitation method"),
                    [_("Criterion"), *methods],
                    [(criteria[j], [pct(v[j]) for v in values]) for j in range(len(criteria))],
                )
            ],
        ),
    ]
