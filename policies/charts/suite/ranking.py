"""The ranking section's figures: each criterion's contribution, and the three methods side by side."""

import numpy as np
from django.utils.translation import gettext as _

from policies import charts
from policies.charts.suite.base import Chart, ChartTable, make_chart, score, score_label
from policies.formatting import display_name, fixed
from policies.models.exercises import Method
from policies.selectors.analysis_results import AnalysisResults, ExerciseResults


def contributions_chart(results: ExerciseResults, *, promethee_parts: bool = False) -> Chart:
    """The stacked contributions of the ranking partial, on the results page and the exercise page."""
    option_names = [display_name(item.option) for item in results.ranking]
    criterion_names = [display_name(c) for c in results.criteria]
    method_label = Method(results.method).label
    if promethee_parts:
        title = _("Each criterion’s part of the PROMETHEE II net flow")
        axis = score_label(Method.PROMETHEE_II)
        caption = _(
            "Bars to the right of zero push an option up, bars to the left pull it down; they add up to the net flow."
        )
    elif results.method == Method.WEIGHTED_SUM:
        title, axis = _("Weighted contributions by criterion"), score_label(Method.WEIGHTED_SUM)
        caption = _(
            "Weighted contributions by criterion (weighted sum, min-max normalised); they add up to the score."
        )
    else:
        title = _("Weighted-sum contributions by criterion")
        axis = score_label(Method.WEIGHTED_SUM)
        caption = _(
            "%(method)s is not additive: the bars explain the scores with the weighted sum’s parts."
        ) % {"method": method_label}
    figure = charts.contributions_figure(
        option_names,
        criterion_names,
        [item.contributions for item in results.ranking],
        title=title,
        axis_title=axis,
    )
    top = results.ranking[0] if results.ranking else None
    label = _(
        "Stacked bars of each criterion’s part of each option’s score, best option at the top%(top)s; "
        "the same numbers are in the table below."
    ) % {"top": f" ({option_names[0]})" if top else ""}
    table = ChartTable(
        caption=title,
        columns=[_("Option"), *criterion_names, _("Score")],
        rows=[
            (name, [score(v) for v in item.contributions] + [score(item.score)])
            for name, item in zip(option_names, results.ranking, strict=True)
        ],
    )
    return make_chart("contributions", figure, label=label, caption=caption, tables=[table])


def method_ranks_chart(bundle: AnalysisResults, names: list[str]) -> Chart | None:
    comparison = bundle.comparison
    if comparison is None:
        return None
    order = bundle.order
    labels = [str(Method(m).label) for m in comparison.methods]
    label_of = dict(zip(comparison.methods, labels, strict=True))
    agreement = [(label_of[a], label_of[b], tau) for a, b, tau in comparison.tau]
    figure = charts.method_ranks_figure(
        [names[i] for i in order],
        labels,
        comparison.ranks[:, order].tolist(),
        comparison.scores[:, order].tolist(),
        agreement,
    )
    firsts = [
        f"{label}: {', '.join(names[i] for i in np.flatnonzero(comparison.ranks[k] == 1))}"
        for k, label in enumerate(labels)
    ]
    taus = "; ".join(f"{a}–{b} {'–' if t is None else fixed(t, 2)}" for a, b, t in agreement)
    if comparison.agree_on_first:
        summary = _("All three methods rank the same option first.")
    else:
        summary = _("The methods disagree on first place (%(firsts)s).") % {"firsts": "; ".join(firsts)}
    tables = [
        ChartTable(
            caption=_("Rank (score) of each option under each method"),
            columns=[_("Option"), *labels],
            rows=[
                (
                    names[i],
                    [
                        f"{comparison.ranks[k, i]} ({score(comparison.scores[k, i])})"
                        for k in range(len(labels))
                    ],
                )
                for i in order
            ],
        ),
        ChartTable(
            caption=_("Agreement between methods (Kendall’s τ-b; 1 = same order, −1 = reversed)"),
            columns=[_("Methods"), _("Kendall’s τ")],
            rows=[(f"{a} – {b}", ["–" if t is None else fixed(t, 3)]) for a, b, t in agreement],
        ),
    ]
    return make_chart(
        "method-ranks",
        figure,
        label=_(
            "Bump chart of each option’s rank under the three methods. %(summary)s Kendall’s τ: %(taus)s."
        )
        % {"summary": summary, "taus": taus},
        caption=summary,
        tables=tables,
    )
