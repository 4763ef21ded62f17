"""The option profiles: the best options' radar and every option's scores."""

import numpy as np
from django.utils.translation import gettext as _

from policies import charts
from policies.charts.suite.base import Chart, ChartTable, make_chart, pct
from policies.formatting import fixed
from policies.selectors.analysis_results import AnalysisResults


def _goodness(bundle: AnalysisResults) -> np.ndarray:
    width = np.where(bundle.scale_max > bundle.scale_min, bundle.scale_max - bundle.scale_min, 1.0)
    share = np.clip((bundle.matrix - bundle.scale_min) / width, 0.0, 1.0)
    return np.where(bundle.types[np.newaxis, :] < 0, 1.0 - share, share)


def profile_charts(bundle: AnalysisResults, names: list[str], criteria: list[str]) -> list[Chart]:
    order = bundle.order
    goodness = _goodness(bundle)
    ordered = [names[i] for i in order]
    radar = charts.profile_figure(
        ordered, criteria, goodness[order].tolist(), bundle.matrix[order].tolist(), visible=3
    )
    heatmap = charts.score_heatmap_figure(
        ordered, criteria, bundle.matrix[order].tolist(), goodness[order].tolist()
    )
    rows = [(names[i], [fixed(bundle.matrix[i, j], 2) for j in range(len(criteria))]) for i in order]
    radar_rows = [
        (
            names[i],
            [f"{fixed(bundle.matrix[i, j], 2)} ({pct(goodness[i, j], 0)})" for j in range(len(criteria))],
        )
        for i in order
    ]
    best = [names[order[0]]] if len(order) else []
    return [
        make_chart(
            "profiles",
            radar,
            label=_(
                "Radar of option profiles: each spoke is a criterion, the outer edge its best end. "
                "The top three options are drawn (%(options)s); the others can be added from the legend."
            )
            % {"options": ", ".join(ordered[:3])},
            caption=_(
                "Each spoke runs from the worst end of the criterion’s scale (centre) to its best end (edge); "
                "cost criteria are reversed so that outward is always better. Click a legend entry to add an option."
            ),
            tables=[
                ChartTable(
                    _("Group score (share of the way to the best end)"), [_("Option"), *criteria], radar_rows
                )
            ],
        ),
        make_chart(
            "score-heatmap",
            heatmap,
            label=_(
                "Heatmap of the group’s score for each option on each criterion, best-ranked option (%(best)s) "
                "first; lighter cells are nearer the best end of the scale and every cell shows its score."
            )
            % {"best": ", ".join(best)},
            caption=_(
                "Mean of the participants’ scores; cells nobody scored sit at the middle of their scale."
            ),
            tables=[ChartTable(_("Group scores"), [_("Option"), *criteria], rows)],
        ),
    ]
