"""The sensitivity section: one weight swept, and every weight's stability interval."""

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from policies import charts
from policies.charts.suite.base import Chart, ChartTable, make_chart, pct, score, score_label
from policies.selectors.analysis_results import AnalysisResults


def sensitivity_charts(bundle: AnalysisResults, names: list[str], criteria: list[str]) -> list[Chart]:
    sweep = bundle.sensitivity
    if sweep is None:
        return []
    result = sweep.result
    j = sweep.criterion
    top = ", ".join(names[i] for i in result.top)
    order = bundle.order
    points = [
        charts.ReversalPoint(
            weight=r.weight,
            score=float(score),
            label=_("%(ahead)s overtakes %(behind)s")
            % {
                "ahead": names[r.leader_above],
                "behind": names[r.option_b if r.leader_above == r.option_a else r.option_a],
            },
            first_place=r.position == 1,
        )
        for r, score in zip(sweep.reversals, sweep.reversal_scores, strict=True)
    ]
    figure = charts.sensitivity_figure(
        [names[i] for i in order],
        criteria[j],
        sweep.grid.tolist(),
        sweep.scores[:, order].tolist(),
        float(result.weights[j]),
        points,
        score_label=score_label(bundle.method),
    )
    steps = sorted({round(float(t), 2) for t in np.linspace(0, 1, 11)} | {float(result.weights[j])})
    step_scores = [sweep.scores[int(np.argmin(np.abs(sweep.grid - t)))] for t in steps]  # all on the grid
    first_swaps = [p for p in points if p.first_place]
    if first_swaps:
        summary = _(
            "First place changes when the weight of %(criterion)s reaches %(weights)s (now %(now)s)."
        ) % {
            "criterion": criteria[j],
            "weights": ", ".join(pct(p.weight) for p in first_swaps),
            "now": pct(result.weights[j]),
        }
    else:
        summary = _("No weight of %(criterion)s between 0 and 100%% changes which option ranks first.") % {
            "criterion": criteria[j]
        }
    sweep_chart = make_chart(
        "sensitivity",
        figure,
        label=_(
            "Line chart of each option’s score as the weight of %(criterion)s goes from 0 to 100%%; "
            "%(count)s rank reversals are marked. %(summary)s"
        )
        % {"criterion": criteria[j], "count": len(points), "summary": summary},
        caption=summary + " " + _("The other weights keep their proportions."),
        tables=[
            ChartTable(
                _("Scores as the weight of %(criterion)s changes") % {"criterion": criteria[j]},
                [_("Weight"), *[names[i] for i in order]],
                [
                    (pct(t, 0 if t * 100 == round(t * 100) else 1), [score(row[i]) for i in order])
                    for t, row in zip(steps, step_scores, strict=True)
                ],
            ),
            ChartTable(
                _("Rank reversals along this weight"),
                [_("Weight"), pgettext("noun", "Change"), _("Rank at stake")],
                [
                    (pct(p.weight), [p.label, str(r.position)])
                    for p, r in zip(points, sweep.reversals, strict=True)
                ],
            ),
        ],
    )
    low, high = result.intervals[:, 0], result.intervals[:, 1]
    tornado = charts.tornado_figure(criteria, result.weights.tolist(), result.intervals.tolist(), top)
    most = sweep.most_sensitive
    rows = [
        (
            criteria[k],
            [
                pct(result.weights[k]),
                pct(low[k]),
                pct(high[k]),
                pct(low[k] - result.weights[k]),
                "+" + pct(high[k] - result.weights[k]),
            ],
        )
        for k in sorted(range(len(criteria)), key=lambda k: (high[k] - low[k], k))
    ]
    tornado_chart = make_chart(
        "tornado",
        tornado,
        label=_(
            "Tornado chart of how far each weight can fall or rise before %(top)s loses first place; the most "
            "sensitive is %(criterion)s, stable between %(low)s and %(high)s (now %(now)s)."
        )
        % {
            "top": top,
            "criterion": criteria[most],
            "low": pct(low[most]),
            "high": pct(high[most]),
            "now": pct(result.weights[most]),
        },
        caption=_(
            "Each weight moves alone, the others keeping their proportions; the narrowest ranges, at the "
            "top, are the weights the decision hinges on."
        ),
        tables=[
            ChartTable(
                _("Weight ranges over which %(top)s stays first") % {"top": top},
                [_("Criterion"), _("Now"), _("Lowest"), _("Highest"), _("Can fall by"), _("Can rise by")],
                rows,
            )
        ],
    )
    return [sweep_chart, tornado_chart]
