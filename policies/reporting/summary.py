"""The report's executive summary: the recommended option and how robust it is, in plain words from the numbers.

Everything here reads the analysis bundle (`analysis_results`); nothing is computed again. The four robustness
checks and their thresholds are stated in the report's method notes:

* methods: the option ranks first under every scoring method;
* weights: no single weight has to move by less than WEIGHT_MARGIN (10 percentage points) to displace it;
* SMAA: no other option ranks first in more of the random weightings;
* scenarios: more than half of the robustness rules choose it across the scenarios.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from policies.charts.suite import rule_labels, unchanged_note
from policies.formatting import count, fixed, number, share
from policies.models.exercises import Method
from policies.selectors.analysis_results import RULES, AnalysisResults
from policies.selectors.report_content import RoundSummary

WEIGHT_MARGIN = 0.10  # a weight this close (in share of the total) to displacing the top option is a warning
ACCEPTABILITY_TOLERANCE = 1e-9


def pct(value: float, digits: int = 0) -> str:
    """A share as a percentage; one more decimal where rounding would claim "0%" or "100%" for a share that is
    neither (99.5% of draws is not all of them)."""
    if math.isfinite(value) and 0 < value < 1 and round(100 * value, digits) in (0, 100):
        digits += 1
    return share(value, digits)


def score(value: float, digits: int = 3) -> str:
    return "–" if not math.isfinite(value) else fixed(value, digits)


def sentence(template: str, **values: str | int) -> SafeString:
    """A translated sentence with its placeholders filled: the text is escaped, SafeString values kept."""
    return mark_safe(
        conditional_escape(template) % {k: conditional_escape(str(v)) for k, v in values.items()}
    )


def strong(text: str) -> SafeString:
    return format_html("<strong>{}</strong>", text)


def join(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C' (the conjunction translated)."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Weighted sum" -> "weighted sum", but "TOPSIS" and "PROMETHEE II" unchanged."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def method_label(method: str) -> str:
    return in_sentence(str(Method(method).label))


@dataclass(frozen=True)
class Check:
    """One robustness check of the recommended option: what was asked, what was found, does it hold."""

    name: str
    finding: str
    holds: bool
    # False: the check could not be made (scenarios nobody judged), so it gives no verdict either way.
    assessed: bool = True


@dataclass(frozen=True)
class ScorecardRow:
    rank: int
    option: str
    score: float
    method_ranks: list[int]  # under each method of `methods`, in order
    first_share: float  # SMAA first-rank acceptability (NaN if unavailable)
    rules: int  # robustness rules that choose it (0 when unavailable)
    best_in: int  # scenarios in which it scores best
    top: bool


@dataclass(frozen=True)
class ExecutiveSummary:
    top: list[str]  # the recommended option(s); several when they tie
    lead: SafeString
    sentences: list[SafeString]
    checks: list[Check]
    verdict: str
    methods: list[str]  # method labels, the scorecard's columns
    scorecard: list[ScorecardRow]
    scenario_count: int
    rule_count: int
    notes: list[str] = field(default_factory=list)


def _methods(bundle: AnalysisResults, names: list[str], i: int) -> tuple[list[SafeString], Check | None]:
    comparison = bundle.comparison
    if comparison is None:
        return [], None
    labels = [method_label(m) for m in comparison.methods]
    firsts = [k for k in range(len(labels)) if comparison.ranks[k, i] == 1]
    total = len(labels)
    out: list[SafeString] = []
    if len(firsts) == total:
        text = (
            _("%(option)s ranks first under all three methods (%(methods)s).")
            if total == 3
            else _("%(option)s ranks first under every method (%(methods)s).")
        )
        out.append(sentence(text, option=names[i], methods=join(labels)))
        finding = _("First under all %(total)s methods.") % {"total": total}
    else:
        others = [
            _("%(method)s puts %(winner)s first")
            % {
                "method": labels[k],
                "winner": join([names[j] for j in np.flatnonzero(comparison.ranks[k] == 1)]),
            }
            for k in range(total)
            if k not in firsts
        ]
        out.append(
            sentence(
                _("%(option)s ranks first under %(count)s of the %(total)s methods: %(others)s."),
                option=names[i],
                count=len(firsts),
                total=total,
                others="; ".join(others),
            )
        )
        finding = _("First under %(count)s of %(total)s methods.") % {"count": len(firsts), "total": total}
    taus = [t for _a, _b, t in comparison.tau if t is not None]
    if taus:
        low, high = min(taus), max(taus)
        if low >= 0.8:
            degree = _("The three methods order all the options almost identically")
        elif low >= 0.5:
            degree = _("The three methods order all the options broadly alike")
        else:
            degree = _("The three methods order the other options differently")
        out.append(
            sentence(
                _("%(degree)s (Kendall’s τ between %(low)s and %(high)s; 1 = the same order)."),
                degree=degree,
                low=score(low, 2),
                high=score(high, 2),
            )
        )
    return out, Check(_("Scoring methods"), finding, len(firsts) == total)


def _weights(
    bundle: AnalysisResults, names: list[str], criteria: list[str], i: int
) -> tuple[list[SafeString], Check | None]:
    sweep = bundle.sensitivity
    if sweep is None:
        return [], None
    result = sweep.result
    low, high = result.intervals[:, 0], result.intervals[:, 1]
    now = result.weights
    below = np.where(low > 1e-9, now - low, np.inf)
    above = np.where(high < 1 - 1e-9, high - now, np.inf)
    margins = np.minimum(below, above)
    free = int(np.sum(~np.isfinite(margins)))
    total = len(criteria)
    out: list[SafeString] = []
    if not np.isfinite(margins).any():
        out.append(sentence(_("No change to any single weight can displace %(option)s."), option=names[i]))
        return out, Check(_("Weights"), _("No single weight change displaces it."), True)
    k = int(np.argmin(margins))
    values = {"criterion": criteria[k], "low": pct(low[k]), "high": pct(high[k]), "now": pct(now[k])}
    if low[k] <= 1e-9:
        text = _("It stays first unless the weight of %(criterion)s rises above %(high)s (now %(now)s).")
    elif high[k] >= 1 - 1e-9:
        text = _("It stays first unless the weight of %(criterion)s falls below %(low)s (now %(now)s).")
    else:
        text = _(
            "It stays first while the weight of %(criterion)s stays between %(low)s and %(high)s (now %(now)s)."
        )
    out.append(sentence(text, **values))
    if free:
        out.append(
            sentence(
                ngettext(
                    "%(count)s of the %(total)s weights can take any value from 0 to 100%% without changing "
                    "first place.",
                    "%(count)s of the %(total)s weights can take any value from 0 to 100%% without changing "
                    "first place.",
                    free,
                ),
                count=free,
                total=total,
            )
        )
    margin = float(margins[k])
    moved = round(100 * margin)
    finding = ngettext(
        "The nearest change: %(criterion)s by %(points)s percentage point (now %(now)s).",
        "The nearest change: %(criterion)s by %(points)s percentage points (now %(now)s).",
        moved,
    ) % {"criterion": criteria[k], "points": number(100 * margin, 0), "now": pct(now[k])}
    return out, Check(_("Weights"), finding, margin >= WEIGHT_MARGIN)


def _smaa(bundle: AnalysisResults, names: list[str], i: int) -> tuple[list[SafeString], Check | None]:
    smaa = bundle.smaa
    if smaa is None:
        return [], None
    accept = smaa.rank_acceptability
    first = float(accept[i, 0])
    best = int(np.argmax(accept[:, 0]))
    top_two = float(accept[i, :2].sum())
    samples = count(smaa.n_samples)
    out = [
        sentence(
            _(
                "In %(share)s of %(samples)s random weightings it ranks first, and in %(two)s it is among the "
                "first two (SMAA-2)."
            ),
            share=pct(first),
            samples=samples,
            two=pct(top_two),
        )
    ]
    holds = first + ACCEPTABILITY_TOLERANCE >= float(accept[best, 0])
    if not holds:
        out.append(
            sentence(
                _("%(other)s ranks first more often (%(share)s): the choice depends on the weights."),
                other=names[best],
                share=pct(float(accept[best, 0])),
            )
        )
    finding = _("First in %(share)s of random weightings (the most often: %(best)s).") % {
        "share": pct(first),
        "best": names[best],
    }
    return out, Check(_("Random weights (SMAA)"), finding, holds)


def _scenarios(bundle: AnalysisResults, names: list[str], i: int) -> tuple[list[SafeString], Check | None]:
    analysis = bundle.scenarios
    if analysis is None:
        if bundle.scenarios_assessed is False and len(bundle.options) >= 2:
            not_assessed = _(
                "Not assessed: nobody judged the options under the %(count)s scenarios in play."
            ) % {"count": len(bundle.all_scenarios)}
            return [sentence(not_assessed)], Check(_("Scenarios"), not_assessed, False, assessed=False)
        return [], None
    labels = rule_labels(analysis.alpha)
    choices = analysis.choices
    choosing = [rule for rule in RULES if i in choices[rule]]
    n_scenarios = len(analysis.scenarios)
    best_in = int(sum(i in np.flatnonzero(np.isclose(col, col.max())) for col in analysis.utilities.T))
    out = [
        sentence(
            _(
                "Across the %(scenarios)s scenarios, it is the choice of %(count)s of the %(total)s robustness "
                "rules and scores best in %(best)s of them."
            ),
            scenarios=n_scenarios,
            count=len(choosing),
            total=len(RULES),
            best=best_in,
        )
    ]
    # The counts above include the scenarios nobody judged, which repeat the baseline: the reader is told which,
    # lest "best in 3 scenarios" read as three futures weighed when only one was.
    if analysis.unchanged:
        out.append(sentence(unchanged_note(analysis).strip()))
    others = [
        _("%(rule)s prefers %(option)s")
        % {"rule": labels[rule], "option": join([names[j] for j in choices[rule]])}
        for rule in RULES
        if rule not in choosing
    ]
    if others:
        out.append(sentence(_("Otherwise %(others)s."), others="; ".join(others)))
    finding = _("Chosen by %(count)s of %(total)s rules (%(rules)s).") % {
        "count": len(choosing),
        "total": len(RULES),
        "rules": join([labels[r] for r in choosing]) or "–",
    } + unchanged_note(analysis)
    return out, Check(_("Scenarios"), finding, 2 * len(choosing) > len(RULES))


def _consensus(bundle: AnalysisResults, rounds: list[RoundSummary]) -> list[SafeString]:
    out = []
    d = bundle.disagreement
    if d is not None and d.kendall_w is not None:
        out.append(
            sentence(
                _(
                    "Participants’ own rankings agree with Kendall’s W = %(w)s (%(raters)s participants; "
                    "1 = identical orders, 0 = unrelated)."
                ),
                w=score(d.kendall_w, 2),
                raters=d.raters,
            )
        )
    if rounds and rounds[-1].judged:
        last = rounds[-1]
        out.append(
            sentence(
                ngettext(
                    "After %(rounds)s round, %(agreed)s of %(judged)s cells are in consensus.",
                    "After %(rounds)s rounds, %(agreed)s of %(judged)s cells are in consensus.",
                    last.round,
                ),
                rounds=last.round,
                agreed=last.agreed,
                judged=last.judged,
            )
        )
    return out


def executive_summary(
    bundle: AnalysisResults, names: list[str], criteria: list[str], rounds: list[RoundSummary]
) -> ExecutiveSummary:
    """The summary of one analysis bundle; ``names`` and ``criteria`` are the display names in bundle order."""
    comparison = bundle.comparison
    methods = [str(Method(m).label) for m in comparison.methods] if comparison is not None else []
    scenario_count = len(bundle.scenarios.scenarios) if bundle.scenarios is not None else 0
    if not bundle.results.ranking:
        return ExecutiveSummary(
            top=[],
            lead=sentence(
                _("This exercise has no options or criteria in play yet: there is nothing to rank.")
            ),
            sentences=[],
            checks=[],
            verdict="",
            methods=methods,
            scorecard=[],
            scenario_count=scenario_count,
            rule_count=len(RULES),
        )
    top = list(bundle.top)
    method = method_label(bundle.method)
    order = [int(i) for i in bundle.order]
    if len(top) == 1:
        i = top[0]
        runner = next((j for j in order if j != i), None)
        if runner is None:
            lead = sentence(_("The option ranked first by the group is %(option)s."), option=strong(names[i]))
        else:
            lead = sentence(
                _(
                    "The option ranked first by the group is %(option)s, with a score of %(score)s (%(method)s); "
                    "%(runner)s follows with %(runner_score)s."
                ),
                option=strong(names[i]),
                method=method,
                score=score(float(bundle.scores[i])),
                runner=names[runner],
                runner_score=score(float(bundle.scores[runner])),
            )
    else:
        lead = sentence(
            _("%(options)s tie for first place under %(method)s (score %(score)s)."),
            options=strong(join([names[i] for i in top])),
            method=method,
            score=score(float(bundle.scores[top[0]])),
        )

    sentences: list[SafeString] = []
    checks: list[Check] = []
    if len(top) == 1:
        i = top[0]
        for part in (
            _methods(bundle, names, i),
            _weights(bundle, names, criteria, i),
            _smaa(bundle, names, i),
            _scenarios(bundle, names, i),
        ):
            lines, check = part
            sentences += lines
            if check is not None:
                checks.append(check)
    sentences += _consensus(bundle, rounds)

    not_assessed = [c for c in checks if not c.assessed]
    checks_made = [c for c in checks if c.assessed]
    passed = sum(c.holds for c in checks_made)
    if not checks_made:
        verdict = ""
    elif passed == len(checks_made):
        verdict = _("The recommendation is robust: it holds on all %(total)s checks below.") % {
            "total": len(checks_made)
        }
    elif 2 * passed >= len(checks_made):
        verdict = _(
            "The recommendation is fairly robust: it holds on %(passed)s of the %(total)s checks below; read "
            "the exceptions before deciding."
        ) % {"passed": passed, "total": len(checks_made)}
    else:
        verdict = _(
            "The recommendation is fragile: it holds on only %(passed)s of the %(total)s checks below; treat "
            "it as provisional."
        ) % {"passed": passed, "total": len(checks_made)}
    if not_assessed and verdict:
        verdict += " " + ngettext(
            "%(count)s check was not assessed and counts neither way.",
            "%(count)s checks were not assessed and count neither way.",
            len(not_assessed),
        ) % {"count": len(not_assessed)}

    accept = bundle.smaa.rank_acceptability if bundle.smaa is not None else None
    sa = bundle.scenarios
    scorecard = []
    for i in order:
        best_in = 0
        rules = 0
        if sa is not None:
            rules = sum(i in sa.choices[rule] for rule in RULES)
            best_in = int(sum(i in np.flatnonzero(np.isclose(col, col.max())) for col in sa.utilities.T))
        scorecard.append(
            ScorecardRow(
                rank=int(bundle.ranks[i]),
                option=names[i],
                score=float(bundle.scores[i]),
                method_ranks=[int(r) for r in comparison.ranks[:, i]] if comparison is not None else [],
                first_share=float(accept[i, 0]) if accept is not None else math.nan,
                rules=rules,
                best_in=best_in,
                top=i in top,
            )
        )
    notes = []
    unscored = bundle.results.unscored_cells
    if unscored:
        notes.append(
            ngettext(
                "%(count)s cell had no score and counts at the middle of its scale.",
                "%(count)s cells had no score and count at the middle of their scale.",
                unscored,
            )
            % {"count": unscored}
        )
    notes.extend(str(n) for n in bundle.notices)
    return ExecutiveSummary(
        top=[names[i] for i in top],
        lead=lead,
        sentences=sentences,
        checks=checks,
        verdict=verdict,
        methods=methods,
        scorecard=scorecard,
        scenario_count=scenario_count,
        rule_count=len(RULES),
        notes=notes,
    )
