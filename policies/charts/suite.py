"""The results screen's chart suite: every figure with its caption, data table and section, built from one
analysis bundle. The web page and the PDF report both draw from it."""

import math
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from policies import charts
from policies.models.exercises import Method
from policies.selectors.analysis_results import (
    RULES,
    SMAA_SAMPLES,
    AnalysisResults,
    display_name,
)
from policies.selectors.results import ExerciseResults
from policies.templatetags.report_format import count, fixed, number, share

ANALYSIS_TARGET = "analysis"


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


@dataclass
class Section:
    id: str
    title: str
    charts: list[Chart] = field(default_factory=list)
    empty: str = ""  # why the section has no chart


def _chart(chart_id: str, figure: go.Figure, *, label: str, caption: str, tables: list[ChartTable]) -> Chart:
    layout = figure.layout
    return Chart(
        id=chart_id,
        title=str(layout.title.text or ""),
        label=label,
        caption=caption,
        json=charts.figure_json(figure),
        height=int(layout.height or 400),
        tables=tables,
        filename=chart_id,
    )


def _score(value: float, digits: int = 3) -> str:
    return fixed(value, digits)


def _pct(value: float, digits: int = 1) -> str:
    return share(value, digits)


def score_label(method: str) -> str:
    if method == Method.TOPSIS:
        return _("Closeness to the ideal (0 to 1)")
    if method == Method.PROMETHEE_II:
        return _("Net flow (−1 to 1)")
    return _("Weighted score (0 to 1)")


# --------------------------------------------------------------------------- ranking


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
            (name, [_score(v) for v in item.contributions] + [_score(item.score)])
            for name, item in zip(option_names, results.ranking, strict=True)
        ],
    )
    return _chart("contributions", figure, label=label, caption=caption, tables=[table])


def _method_ranks_chart(bundle: AnalysisResults, names: list[str]) -> Chart | None:
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
                        f"{comparison.ranks[k, i]} ({_score(comparison.scores[k, i])})"
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
    return _chart(
        "method-ranks",
        figure,
        label=_(
            "Bump chart of each option’s rank under the three methods. %(summary)s Kendall’s τ: %(taus)s."
        )
        % {"summary": summary, "taus": taus},
        caption=summary,
        tables=tables,
    )


# --------------------------------------------------------------------------- profiles


def _goodness(bundle: AnalysisResults) -> np.ndarray:
    width = np.where(bundle.scale_max > bundle.scale_min, bundle.scale_max - bundle.scale_min, 1.0)
    share = np.clip((bundle.matrix - bundle.scale_min) / width, 0.0, 1.0)
    return np.where(bundle.types[np.newaxis, :] < 0, 1.0 - share, share)


def _profile_charts(bundle: AnalysisResults, names: list[str], criteria: list[str]) -> list[Chart]:
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
            [f"{fixed(bundle.matrix[i, j], 2)} ({_pct(goodness[i, j], 0)})" for j in range(len(criteria))],
        )
        for i in order
    ]
    best = [names[order[0]]] if len(order) else []
    return [
        _chart(
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
        _chart(
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


# --------------------------------------------------------------------------- weights


def _weights_charts(bundle: AnalysisResults, criteria: list[str], people: list[str]) -> list[Chart]:
    view = bundle.weights
    figure = charts.weights_figure(criteria, view.group.tolist(), people, view.participants.tolist())
    rows = [(_("Group"), [_pct(w) for w in view.group])]
    rows += [
        (alias, [_pct(w) if not math.isnan(w) else _("not weighted") for w in row])
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
        "weight": _pct(view.group[heaviest]) if heaviest is not None else "–",
    }
    methods = list(view.elicitation)
    values = [view.elicitation[m] for m in methods]
    elicitation = charts.elicitation_figure(criteria, methods, [v.tolist() for v in values])
    return [
        _chart(
            "weights",
            figure,
            label=label,
            caption=_(
                "Group weights are the mean of each participant’s points, normalised; a blank counts as 0 points."
            ),
            tables=[ChartTable(_("Weights (each row sums to 100%)"), [_("Participant"), *criteria], rows)],
        ),
        _chart(
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
                    [(criteria[j], [_pct(v[j]) for v in values]) for j in range(len(criteria))],
                )
            ],
        ),
    ]


# --------------------------------------------------------------------------- disagreement


def _disagreement_charts(
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
            _chart(
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
        _chart(
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


# --------------------------------------------------------------------------- sensitivity


def _sensitivity_charts(bundle: AnalysisResults, names: list[str], criteria: list[str]) -> list[Chart]:
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
            "weights": ", ".join(_pct(p.weight) for p in first_swaps),
            "now": _pct(result.weights[j]),
        }
    else:
        summary = _("No weight of %(criterion)s between 0 and 100%% changes which option ranks first.") % {
            "criterion": criteria[j]
        }
    sweep_chart = _chart(
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
                    (_pct(t, 0 if t * 100 == round(t * 100) else 1), [_score(row[i]) for i in order])
                    for t, row in zip(steps, step_scores, strict=True)
                ],
            ),
            ChartTable(
                _("Rank reversals along this weight"),
                [_("Weight"), pgettext("noun", "Change"), _("Rank at stake")],
                [
                    (_pct(p.weight), [p.label, str(r.position)])
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
                _pct(result.weights[k]),
                _pct(low[k]),
                _pct(high[k]),
                _pct(low[k] - result.weights[k]),
                "+" + _pct(high[k] - result.weights[k]),
            ],
        )
        for k in sorted(range(len(criteria)), key=lambda k: (high[k] - low[k], k))
    ]
    tornado_chart = _chart(
        "tornado",
        tornado,
        label=_(
            "Tornado chart of how far each weight can fall or rise before %(top)s loses first place; the most "
            "sensitive is %(criterion)s, stable between %(low)s and %(high)s (now %(now)s)."
        )
        % {
            "top": top,
            "criterion": criteria[most],
            "low": _pct(low[most]),
            "high": _pct(high[most]),
            "now": _pct(result.weights[most]),
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


# --------------------------------------------------------------------------- uncertainty


def _uncertainty_charts(bundle: AnalysisResults, names: list[str], criteria: list[str]) -> list[Chart]:
    smaa = bundle.smaa
    if smaa is None:
        return []
    order = bundle.order
    accept = smaa.rank_acceptability
    figure = charts.acceptability_figure([names[i] for i in order], accept[order].tolist())
    best = int(np.argmax(accept[:, 0]))
    n = accept.shape[1]
    rank_columns = [_("Rank %(rank)d") % {"rank": r + 1} for r in range(n)]
    acceptability = _chart(
        "acceptability",
        figure,
        label=_(
            "Stacked bars of the share of %(samples)s weight draws in which each option takes each rank; "
            "%(option)s is first most often (%(share)s)."
        )
        % {"samples": count(smaa.n_samples), "option": names[best], "share": _pct(accept[best, 0])},
        caption=_(
            "SMAA-2 with %(samples)s weight vectors drawn uniformly (every set of weights equally likely) on the "
            "group’s scores: how much the ranking depends on the weights at all."
        )
        % {"samples": count(smaa.n_samples)},
        tables=[
            ChartTable(
                _("Rank acceptability and confidence factor"),
                [_("Option"), *rank_columns, _("Confidence factor")],
                [(names[i], [_pct(v) for v in accept[i]] + [_pct(smaa.confidence[i])]) for i in order],
            )
        ],
    )
    central = smaa.central_weights
    first = [i for i in order if not np.all(np.isnan(central[i]))]
    central_figure = charts.central_weights_figure(
        [names[i] for i in order], criteria, central[order].tolist(), bundle.weights.group.tolist()
    )
    central_chart = _chart(
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
                [(_("Group weights (for reference)"), [_pct(w) for w in bundle.weights.group])]
                + [(names[i], [_pct(w) for w in central[i]]) for i in first],
            )
        ],
    )
    return [acceptability, central_chart]


# --------------------------------------------------------------------------- scenarios


def rule_labels(alpha: float) -> dict[str, str]:
    return {
        "expected_value": _("Expected value"),
        "maximin": _("Maximin"),
        "hurwicz": _("Hurwicz (α = %(alpha)s)") % {"alpha": number(alpha, 3)},
        "max_regret": _("Minimax regret"),
    }


def _scenario_charts(bundle: AnalysisResults, names: list[str]) -> list[Chart]:
    sa = bundle.scenarios
    if sa is None:
        return []
    order = bundle.order
    scenario_names = [display_name(s) for s in sa.scenarios]
    probabilities = sa.robustness.probabilities
    heat = charts.scenario_heatmap_figure(
        [names[i] for i in order],
        scenario_names,
        sa.utilities[order].tolist(),
        highlight=bundle.scenario_index,
        score_label=score_label(bundle.method),
    )
    heading = [f"{name} (p = {fixed(p, 2)})" for name, p in zip(scenario_names, probabilities, strict=True)]
    best_by_scenario = [names[int(np.argmax(sa.utilities[:, s]))] for s in range(len(scenario_names))]
    heat_chart = _chart(
        "scenario-heatmap",
        heat,
        label=_("Heatmap of each option’s score in each of %(count)s scenarios; best per scenario: %(best)s.")
        % {
            "count": len(scenario_names),
            "best": "; ".join(f"{s}: {b}" for s, b in zip(scenario_names, best_by_scenario, strict=True)),
        },
        caption=_(
            "The same weights, with the scores participants gave for each scenario (their baseline score where "
            "they gave none). Probabilities come from each scenario’s plausibility."
        ),
        tables=[
            ChartTable(
                _("Score in each scenario"),
                [_("Option"), *heading],
                [(names[i], [_score(v) for v in sa.utilities[i]]) for i in order],
            )
        ],
    )
    regret = sa.robustness.regret
    regret_chart = _chart(
        "regret",
        charts.regret_figure(
            [names[i] for i in order],
            scenario_names,
            regret[order].tolist(),
            sa.robustness.max_regret[order].tolist(),
        ),
        label=_(
            "Regret table as a heatmap: how far each option falls short of the best one in each scenario; "
            "the smallest largest regret belongs to %(option)s."
        )
        % {"option": ", ".join(names[i] for i in sa.robustness.tied_choices["max_regret"])},
        caption=_(
            "Regret is the shortfall from the best option had the scenario been known; minimax regret picks "
            "the option whose largest regret is smallest."
        ),
        tables=[
            ChartTable(
                _("Regret table"),
                [_("Option"), *scenario_names, _("Largest regret")],
                [
                    (names[i], [_score(v) for v in regret[i]] + [_score(sa.robustness.max_regret[i])])
                    for i in order
                ],
            )
        ],
    )
    labels = rule_labels(sa.alpha)
    rule_names = [labels[rule] for rule in RULES]
    chosen = [list(sa.robustness.tied_choices[rule]) for rule in RULES]
    rules = charts.rules_figure(
        [names[i] for i in order],
        rule_names,
        sa.rule_ranks[:, order].tolist(),
        sa.rule_values[:, order].tolist(),
        [[int(np.flatnonzero(order == i)[0]) for i in picks] for picks in chosen],
    )
    reference = sa.rule_ranks[0]
    rows = []
    for i in order:
        cells = []
        for k in range(len(RULES)):
            mark = " ★" if i in chosen[k] else ""
            shift = int(reference[i]) - int(sa.rule_ranks[k, i])
            moved = "" if k == 0 or shift == 0 else (f" (↑{shift})" if shift > 0 else f" (↓{-shift})")
            cells.append(f"{sa.rule_ranks[k, i]}{mark}{moved} · {_score(sa.rule_values[k, i])}")
        rows.append((names[i], cells))
    choices = [
        (
            labels[rule],
            [
                ", ".join(names[i] for i in chosen[k]),
                _("same") if set(chosen[k]) == set(chosen[0]) else _("differs"),
            ],
        )
        for k, rule in enumerate(RULES)
    ]
    summary = (
        _("Every rule picks %(option)s: a robust choice.")
        % {"option": ", ".join(names[i] for i in chosen[0])}
        if sa.rules_agree
        else _("The rules disagree: %(choices)s.")
        % {"choices": "; ".join(f"{label} → {choice[0]}" for label, choice in choices)}
    )
    rules_chart = _chart(
        "rules",
        rules,
        label=_("Bump chart of each option’s rank under four robustness rules. %(summary)s")
        % {"summary": summary},
        caption=summary
        + " "
        + _("Arrows in the table show how far an option moves from its expected-value rank."),
        tables=[
            ChartTable(
                _("Rank (★ = chosen, arrow = move from expected value) · value under each rule"),
                [_("Option"), *rule_names],
                rows,
            ),
            ChartTable(
                _("Each rule’s choice"), [_("Rule"), _("Chooses"), _("Compared with expected value")], choices
            ),
        ],
    )
    return [heat_chart, regret_chart, rules_chart]


# --------------------------------------------------------------------------- page


def headline(bundle: AnalysisResults, names: list[str], criteria: list[str]) -> list[str]:
    """A few sentences that answer, at a glance: what ranks first, why, how sure, what would change it."""
    if not bundle.results.ranking:
        return []
    lines = []
    top = ", ".join(names[i] for i in bundle.top)
    where = display_name(bundle.scenario) if bundle.scenario else _("baseline")
    lines.append(
        _(
            "%(option)s ranks first with %(method)s (%(where)s, round %(round)s, %(count)s of %(total)s participants)."
        )
        % {
            "option": top,
            "method": Method(bundle.method).label,
            "where": where,
            "round": bundle.round,
            "count": len(bundle.selected),
            "total": len(bundle.all_participants),
        }
    )
    if bundle.additive and len(bundle.top) == 1 and len(criteria):
        parts = bundle.contributions[bundle.top[0]]
        strongest = np.argsort(-parts)[:2]
        lines.append(
            _("Its score comes mostly from %(criteria)s.")
            % {"criteria": _(" and ").join(criteria[j] for j in strongest)}
        )
    if bundle.comparison is not None:
        taus = [t for _a, _b, t in bundle.comparison.tau if t is not None]
        lines.append(
            (
                _("The three methods agree on first place")
                if bundle.comparison.agree_on_first
                else _("The methods disagree on first place")
            )
            + (_(" (lowest Kendall’s τ %(tau)s).") % {"tau": fixed(min(taus), 2)} if taus else ".")
        )
    if bundle.smaa is not None and len(bundle.top) == 1:
        lines.append(
            _("With any weights equally likely, %(option)s is first in %(share)s of %(samples)s draws.")
            % {
                "option": top,
                "share": _pct(bundle.smaa.rank_acceptability[bundle.top[0], 0], 0),
                "samples": count(SMAA_SAMPLES),
            }
        )
    if bundle.sensitivity is not None:
        result, k = bundle.sensitivity.result, bundle.sensitivity.most_sensitive
        low, high = result.intervals[k]
        values = {
            "criterion": criteria[k],
            "low": _pct(low),
            "high": _pct(high),
            "now": _pct(result.weights[k]),
        }
        if low <= 1e-9 and high >= 1 - 1e-9:
            lines.append(_("No single weight change can displace %(option)s.") % {"option": top})
        elif low <= 1e-9:
            lines.append(
                _("It stays first unless the weight of %(criterion)s rises above %(high)s (now %(now)s).")
                % values
            )
        elif high >= 1 - 1e-9:
            lines.append(
                _("It stays first unless the weight of %(criterion)s falls below %(low)s (now %(now)s).")
                % values
            )
        else:
            lines.append(
                _(
                    "It stays first while the weight of %(criterion)s stays between %(low)s and %(high)s (now %(now)s)."
                )
                % {
                    "criterion": criteria[k],
                    "low": _pct(low),
                    "high": _pct(high),
                    "now": _pct(result.weights[k]),
                }
            )
    if bundle.scenarios is not None:
        labels = rule_labels(bundle.scenarios.alpha)
        picks = bundle.scenarios.choices
        if bundle.scenarios.rules_agree:
            lines.append(
                _("Across the scenarios every robustness rule picks %(option)s.")
                % {"option": ", ".join(names[i] for i in picks[RULES[0]])}
            )
        else:
            lines.append(
                _("Across the scenarios the rules differ: %(choices)s.")
                % {
                    "choices": "; ".join(
                        f"{labels[r]} → {', '.join(names[i] for i in picks[r])}" for r in RULES
                    )
                }
            )
    return lines


def sections(bundle: AnalysisResults, everyone: list[str]) -> list[Section]:
    names = [display_name(o) for o in bundle.options]
    criteria = [display_name(c) for c in bundle.criteria]
    people = [everyone[i] for i in bundle.selected]
    u = bundle.unavailable
    ranking = Section(
        "ranking-section", _("Ranking"), empty=u.get("comparison", "") if bundle.results.ranking else ""
    )
    method_chart = _method_ranks_chart(bundle, names)
    if method_chart:
        ranking.charts.append(method_chart)
    sections = [ranking]
    if bundle.results.ranking:
        sections.append(
            Section("profiles-section", _("Option profiles"), charts=_profile_charts(bundle, names, criteria))
        )
    sections.append(
        Section("weights-section", _("Weights"), charts=_weights_charts(bundle, criteria, people))
    )
    sections.append(
        Section(
            "disagreement-section",
            _("Disagreement"),
            charts=_disagreement_charts(bundle, names, criteria, people),
            empty=u.get("disagreement", ""),
        )
    )
    sections.append(
        Section(
            "sensitivity-section",
            _("Sensitivity"),
            charts=_sensitivity_charts(bundle, names, criteria),
            empty=u.get("sensitivity", ""),
        )
    )
    sections.append(
        Section(
            "uncertainty-section",
            _("Uncertainty"),
            charts=_uncertainty_charts(bundle, names, criteria),
            empty=u.get("smaa", ""),
        )
    )
    sections.append(
        Section(
            "scenarios-section",
            _("Scenarios"),
            charts=_scenario_charts(bundle, names),
            empty=u.get("scenarios", ""),
        )
    )
    return sections
