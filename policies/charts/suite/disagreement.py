"""The disagreement section: the most disputed cells' spread and the consensus heatmap."""

import math

import numpy as np
from django.utils.translation import gettext as _

from policies import charts
from policies.charts.suite.base import Chart, ChartTable, make_chart
from policies.formatting import fixed, number
from policies.selectors.analysis_results import AnalysisResults


def one_scale_width(bundle: AnalysisResults) -> float | None:
    """The width in points of the criteria's scale when they all share one (the usual case), else None."""
    widths = np.unique(np.asarray(bundle.scale_max, dtype=float) - np.asarray(bundle.scale_min, dtype=float))
    return float(widths[0]) if widths.size == 1 and widths[0] > 0 else None


def disagreement_charts(
    bundle: AnalysisResults, names: list[str], criteria: list[str], people: list[str]
) -> list[Chart]:
    d = bundle.disagreement
    if d is None:
        return []
    found: list[Chart] = []
    if d.disputed:
        cells = [charts.cell_label(names[i], criteria[j]) for i, j in d.disputed]
        values = [d.scores[:, i, j].tolist() for i, j in d.disputed]
        figure = charts.score_spread_figure(cells, people, values)
        rows = []
        for (i, j), cell in zip(d.disputed, cells, strict=True):
            given = [
                (alias, v) for alias, v in zip(people, d.scores[:, i, j], strict=True) if not math.isnan(v)
            ]
            rows.append(
                (
                    cell,
                    [
                        fixed(d.consensus.iqr[i, j], 2),
                        fixed(d.consensus.std[i, j], 2),
                        str(int(d.consensus.n_judgments[i, j])),
                        ", ".join(f"{alias}: {number(v, 3)}" for alias, v in given),
                    ],
                )
            )
        i0, j0 = d.disputed[0]
        found.append(
            make_chart(
                "spread",
                figure,
                label=_(
                    "Box and strip plot of every participant’s score on the %(count)s most disputed cells; the "
                    "widest spread is %(cell)s (interquartile range %(iqr)s)."
                )
                % {"count": len(cells), "cell": cells[0], "iqr": fixed(d.consensus.iqr[i0, j0], 2)},
                caption=_(
                    "Each point is one participant; the box spans the middle half of the scores and the "
                    "dashed line marks the mean. Discuss these cells first."
                ),
                tables=[
                    ChartTable(
                        _("Scores on the most disputed cells"),
                        [_("Cell"), _("IQR"), _("Standard deviation"), _("Participants"), _("Scores")],
                        rows,
                    )
                ],
            )
        )
    order = bundle.order
    figure = charts.consensus_figure(
        [names[i] for i in order],
        criteria,
        d.consensus.iqr[order].tolist(),
        d.relative_iqr[order].tolist(),
        d.consensus.n_judgments[order].tolist(),
        scale_width=one_scale_width(bundle),
    )
    rows = [
        (
            names[i],
            [
                "–"
                if math.isnan(d.consensus.iqr[i, j])
                else f"{fixed(d.consensus.iqr[i, j], 2)} ({d.consensus.n_judgments[i, j]})"
                for j in range(len(criteria))
            ],
        )
        for i in order
    ]
    agreement = (
        _("Kendall’s W of the participants’ own rankings: %(w)s (1 = they order the options identically).")
        % {"w": fixed(d.kendall_w, 2)}
        if d.kendall_w is not None
        else _("Kendall’s W needs at least two participants who scored.")
    )
    found.append(
        make_chart(
            "consensus",
            figure,
            label=_(
                "Heatmap of disagreement per cell, the interquartile range of participants’ scores. %(w)s"
            )
            % {"w": agreement},
            caption=agreement,
            tables=[
                ChartTable(
                    _("Interquartile range (number of participants who scored)"),
                    [_("Option"), *criteria],
                    rows,
                )
            ],
        )
    )
    return found
