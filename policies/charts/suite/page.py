"""The results page's headline and its sections, in the order a reader needs them."""

import numpy as np
from django.utils.translation import gettext as _

from policies.charts.suite.base import Section, pct
from policies.charts.suite.disagreement import disagreement_charts
from policies.charts.suite.profiles import profile_charts
from policies.charts.suite.ranking import method_ranks_chart
from policies.charts.suite.scenarios import rule_labels, scenario_charts, unchanged_note
from policies.charts.suite.sensitivity import sensitivity_charts
from policies.charts.suite.uncertainty import uncertainty_charts
from policies.charts.suite.weights import weights_charts
from policies.formatting import count, display_name, fixed
from policies.models.exercises import Method
from policies.selectors.analysis_results import RULES, SMAA_SAMPLES, AnalysisResults


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
                "share": pct(bundle.smaa.rank_acceptability[bundle.top[0], 0], 0),
                "samples": count(SMAA_SAMPLES),
            }
        )
    if bundle.sensitivity is not None:
        result, k = bundle.sensitivity.result, bundle.sensitivity.most_sensitive
        low, high = result.intervals[k]
        values = {
            "criterion": criteria[k],
            "low": pct(low),
            "high": pct(high),
            "now": pct(result.weights[k]),
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
                    "low": pct(low),
                    "high": pct(high),
                    "now": pct(result.weights[k]),
                }
            )
    if bundle.scenarios_assessed is False:
        lines.append(_("Scenarios: not assessed, nobody has judged the options under them yet."))
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
        if bundle.scenarios.unchanged:
            lines[-1] += unchanged_note(bundle.scenarios)
    return lines


def sections(bundle: AnalysisResults) -> list[Section]:
    """The results page's sections, in the order a reader needs them: the answer and how robust it is
    (the ranking, and whether the methods agree), why (what makes the leader lead: the options' profiles and
    the weights), how sure (random weights, and how far each weight may move), the scenarios, and the group
    (where the participants disagree). Participants are named by the bundle's visibility. The ranking table
    and the contributions chart are the page's own (the `ranking` partial) and open the first two sections."""
    names = [display_name(o) for o in bundle.options]
    criteria = [display_name(c) for c in bundle.criteria]
    people = bundle.selected_labels
    u = bundle.unavailable
    answer = Section(
        "answer-section",
        _("The answer and how robust it is"),
        empty=u.get("comparison", "") if bundle.results.ranking else "",
    )
    method_chart = method_ranks_chart(bundle, names)
    if method_chart:
        answer.charts.append(method_chart)
    why = Section("why-section", _("Why: what makes the difference"))
    if bundle.results.ranking:
        why.charts.extend(profile_charts(bundle, names, criteria))
    why.charts.extend(weights_charts(bundle, criteria, people))
    sure = Section(
        "sure-section",
        _("How sure: random weights and sensitivity"),
        charts=[*uncertainty_charts(bundle, names, criteria), *sensitivity_charts(bundle, names, criteria)],
        empty=" ".join(dict.fromkeys(filter(None, [u.get("smaa", ""), u.get("sensitivity", "")]))),
    )
    return [
        answer,
        why,
        sure,
        Section(
            "scenarios-section",
            _("Scenarios"),
            charts=scenario_charts(bundle, names),
            empty=u.get("scenarios", ""),
        ),
        Section(
            "group-section",
            _("The group: where the participants disagree"),
            charts=disagreement_charts(bundle, names, criteria, people),
            empty=u.get("disagreement", ""),
        ),
    ]
