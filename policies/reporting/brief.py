"""The brief: the few pages a decision-maker reads first, beside the full report.

At most six pages: the recommendation and what the room saw (the summary page), the ranking of every option,
the robustness checks, and the three figures that carry the argument: why the first option leads (its score by
criterion), how sure the group can be of it (how often each option ranks first under random weights) and what
would change it (how far each weight may move). The numbers, sentences and figures are the full report's own
(`reporting.pdf`, `reporting.summary`): the brief chooses, it computes nothing of its own. With three figures
instead of fifteen it is built in a second or two on a worker whose Chromium is running.
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from policies.charts.suite import Chart, contributions_chart
from policies.charts.suite.sensitivity import sensitivity_charts
from policies.charts.suite.uncertainty import uncertainty_charts
from policies.formatting import display_name
from policies.models import Exercise
from policies.models.exercises import Method
from policies.reporting.pdf import Progress, ReportPlan, plan_report, report_context, write_pdf
from policies.selectors.analysis_results import AnalysisResults, analysis_results
from policies.selectors.visibility import Visibility

#: The figures of the brief, by the full report's sections: why, how sure, what would change it.
BRIEF_CHARTS: dict[str, tuple[str, ...]] = {
    "results": ("contributions",),
    "sensitivity": ("acceptability", "tornado"),
}
MAX_PAGES = 6


def brief_charts(bundle: AnalysisResults) -> dict[str, Chart]:
    """Only the results screen's figures the brief prints, built by the screen's own code (building the
    other twelve would cost a third of the brief's time)."""
    names = [display_name(o) for o in bundle.options]
    criteria = [display_name(c) for c in bundle.criteria]
    charts: dict[str, Chart] = {}
    if bundle.results.ranking:
        charts["contributions"] = contributions_chart(
            bundle.results, promethee_parts=bundle.method == Method.PROMETHEE_II and bundle.additive
        )
    for chart in [*sensitivity_charts(bundle, names, criteria), *uncertainty_charts(bundle, names, criteria)]:
        charts[chart.id] = chart
    return charts


def plan_brief(bundle: AnalysisResults) -> ReportPlan:
    """The brief's figures, numbered 1 to 3, without the data tables the full report prints under them."""
    return plan_report(bundle, BRIEF_CHARTS, with_tables=False, charts=brief_charts(bundle))


def brief_html(plan: ReportPlan) -> str:
    """The brief as one HTML document (the full report's summary, ranking and checks, and its few figures)."""
    context = report_context(plan)
    context["brief"] = True
    context["full_report_note"] = _(
        "The full report gives every figure, the evidence, each participant’s judgments and the method notes."
    )
    return render_to_string("policies/report_brief.html", context)


def render_brief(exercise: Exercise, seen: Visibility, progress: Progress) -> bytes:
    """The brief as PDF bytes, holding what `seen` (its reader's view) may see; ``progress`` as for the
    full report (`reporting.pdf.render_pdf`)."""
    progress(10, "analysis")
    return write_pdf(plan_brief(analysis_results(exercise, visibility=seen)), brief_html, progress)
