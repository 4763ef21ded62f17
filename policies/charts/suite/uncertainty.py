"""The uncertainty section: SMAA rank acceptabilities and central weights."""

import numpy as np
from django.utils.translation import gettext as _

from policies import charts
from policies.charts.suite.base import Chart, ChartTable, make_chart, pct
from policies.formatting import count
from policies.selectors.analysis_results import AnalysisResults


def uncertainty_charts(bundle: AnalysisResults, names: list[str], criteria: list[str]) -> list[Chart]:
    smaa = bundle.smaa
    if smaa is None:
        return []
    order = bundle.order
    accept = smaa.rank_acceptability
    figure = charts.acceptability_figure([names[i] for i in order], accept[order].tolist())
    best = int(np.argmax(accept[:, 0]))
    n = accept.shape[1]
    rank_columns = [_("Rank %(rank)d") % {"rank": r + 1} for r in range(n)]
    acceptability = make_chart(
        "acceptability",
        figure,
        label=_(
            "Stacked bars of the share of %(samples)s weight draws in which each option takes each rank; "
            "%(option)s is first most often (%(share)s)."
        )
        % {"samples": count(smaa.n_samples), "option": names[best], "share": pct(accept[best, 0])},
        caption=_(
            "SMAA-2 with %(samples)s weight vectors drawn uniformly (every set of weights equally likely) on the "
            "group’s scores: how much the ranking depends on the weights at all."
        )
        % {"samples": count(smaa.n_samples)},
        tables=[
            ChartTable(
                _("Rank acceptability and confidence factor"),
                [_("Option"), *rank_columns, _("Confidence factor")],
                [(names[i], [pct(v) for v in accept[i]] + [pct(smaa.confidence[i])]) for i in order],
            )
        ],
    )
    central = smaa.central_weights
    first = [i for i in order if not np.all(np.isnan(central[i]))]
    central_figure = charts.central_weights_figure(
        [names[i] for i in order], criteria, central[order].tolist(), bundle.weights.group.tolist()
    )
    central_chart = make_chart(
        "central-weights",
        central_figure,
        label=_(
            "Heatmap of the central weights of the %(count)s options that can rank first, under the group’s "
            "own weights for comparison."
        )
        % {"count": len(first)},
        caption=_(
            "The average weights among the draws where the option ranks first: what one would have to "
            "believe for it to win. Options that are never first have none."
        ),
        tables=[
            ChartTable(
                _("Central weights"),
                [_("Option"), *criteria],
                [(_("Group weights (for reference)"), [pct(w) for w in bundle.weights.group])]
                + [(names[i], [pct(w) for w in central[i]]) for i in first],
            )
        ],
    )
    return [acceptability, central_chart]
