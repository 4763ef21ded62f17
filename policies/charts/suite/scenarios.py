"""The scenarios section: the options across the futures and the robustness rules."""

import numpy as np
from django.utils.translation import gettext as _

from policies import charts
from policies.charts.suite.base import Chart, ChartTable, make_chart, score, score_label
from policies.formatting import display_name, fixed, number, scenario_label
from policies.selectors.analysis_results import RULES, AnalysisResults, ScenarioAnalysis


def rule_labels(alpha: float) -> dict[str, str]:
    return {
        "expected_value": _("Expected value"),
        "maximin": _("Maximin"),
        "hurwicz": _("Hurwicz (α = %(alpha)s)") % {"alpha": number(alpha, 3)},
        "max_regret": _("Minimax regret"),
    }


def unchanged_note(sa: ScenarioAnalysis) -> str:
    """The scenarios under which nobody changed a judgment: the baseline stands in them."""
    if not sa.unchanged:
        return ""
    return " " + _("Nobody changed a judgment under %(names)s: the baseline stands there.") % {
        "names": ", ".join(display_name(s) for s in sa.unchanged)
    }


def scenario_charts(bundle: AnalysisResults, names: list[str]) -> list[Chart]:
    sa = bundle.scenarios
    if sa is None:
        return []
    order = bundle.order
    scenario_names = [scenario_label(s) for s in sa.scenarios]
    probabilities = sa.robustness.probabilities
    heat = charts.scenario_heatmap_figure(
        [names[i] for i in order],
        scenario_names,
        sa.utilities[order].tolist(),
        highlight=sa.column(bundle.scenario),
        score_label=score_label(bundle.method),
    )
    heading = [f"{name} (p = {fixed(p, 2)})" for name, p in zip(scenario_names, probabilities, strict=True)]
    best_by_scenario = [names[int(np.argmax(sa.utilities[:, s]))] for s in range(len(scenario_names))]
    heat_chart = make_chart(
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
        )
        + unchanged_note(sa),
        tables=[
            ChartTable(
                _("Score in each scenario"),
                [_("Option"), *heading],
                [(names[i], [score(v) for v in sa.utilities[i]]) for i in order],
            )
        ],
    )
    regret = sa.robustness.regret
    regret_chart = make_chart(
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
                    (names[i], [score(v) for v in regret[i]] + [score(sa.robustness.max_regret[i])])
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
            cells.append(f"{sa.rule_ranks[k, i]}{mark}{moved} · {score(sa.rule_values[k, i])}")
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
    rules_chart = make_chart(
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
