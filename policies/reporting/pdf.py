"""The PDF report of an exercise: what a decision-maker who was not in the workshop reads.

`render_pdf` reads the analysis bundle of the results screen once (`analysis_results`), the case texts, the
evidence and the rounds (`report_content`), writes the executive summary from the numbers
(`reporting.summary`), draws the results screen's own figures as vector SVG (`reporting.figures`) and lays the
whole out with WeasyPrint: cover, contents with page numbers, running headers, numbered figures and tables,
annexes. It runs inside ``translation.override(report.language)`` (services.reports), so every label, the
generated sentences and the case texts (``|tr``, `localize`) follow the report's language.

Time: Chromium draws the figures (about 0.2 s each) in a background thread (`ChartDrawer`) while WeasyPrint lays
the whole document out: each figure's <img> loads a frame of the figure's exact size (`frame_svg`), and the
drawing inside the frame is fetched only when WeasyPrint paints the page. Progress is reported as each drawing
is ready; then the pages are painted, half of them in a second process (`reporting.parallel_write`). The
figures are SVG images: WeasyPrint draws them as vector graphics with real, extractable text, each simple text
laid out in one piece (`reporting.svg_text`).
"""

import html
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from policies import render_cache
from policies.chart_export import CHART_TABS, drawing_key
from policies.charts.suite import Chart, ChartTable, contributions_chart, score_label, sections
from policies.formatting import count, display_name, number
from policies.models import Exercise
from policies.models.exercises import Anonymity, Method
from policies.models.fields import localize
from policies.reporting import svg_text
from policies.reporting.figures import PAGE_WIDTH_PX, export_svg, figure_dict, for_print
from policies.reporting.notation import REFERENCES, formulas
from policies.reporting.parallel_write import write_pages
from policies.reporting.summary import WEIGHT_MARGIN, executive_summary, in_sentence
from policies.selectors.analysis_results import SMAA_SAMPLES, AnalysisResults, analysis_results
from policies.selectors.comments import comment_rows
from policies.selectors.cross_impact import cross_impact_view
from policies.selectors.group_impacts import GroupImpacts, group_impacts
from policies.selectors.report_content import report_content
from policies.selectors.visibility import Visibility

Progress = Callable[[int, str], None]
#: The id of the figure of the group's mean cross-impact matrix (the case's own matrix is "cib-matrix").
GROUP_MATRIX = "cib-group-matrix"

#: Which results-screen figures each report section shows, in order.
SECTION_CHARTS: dict[str, tuple[str, ...]] = {
    "criteria": ("weights", "elicitation"),
    "results": ("contributions", "method-ranks", "profiles", "score-heatmap"),
    "sensitivity": ("sensitivity", "tornado", "acceptability", "central-weights"),
    "scenarios": ("scenario-heatmap", "regret", "rules"),
    # The case's cross-impact matrix and the scenarios consistent with it, when the case has one.
    "cross_impacts": ("cib-tableau", "cib-matrix", "cib-profile", "cib-succession"),
    # The group's own matrix from a workshop's cross-impacts phase, as far as the reader may see it.
    "group_cross_impacts": (GROUP_MATRIX,),
    "disagreement": ("spread", "consensus"),
}
#: The screen's data tables the report prints under a figure (by index): those that add exact numbers the
#: drawing does not already print.
CHART_TABLES: dict[str, tuple[int, ...]] = {
    "weights": (0,),
    "method-ranks": (0, 1),
    "tornado": (0,),
    "sensitivity": (1,),
    "acceptability": (0,),
    "rules": (0, 1),
}
CHART_SCHEME = "chart:"  # the <img> of a figure: a frame of the figure's size, served at once
DRAWING_SCHEME = "chart-drawing:"  # the figure itself, inside the frame: fetched only when pages are drawn
#: Headings the table of contents lists: chapters (h1) and their sections (h2) with an id (the annexes give their
#: sections none, so the contents fit on one page; every heading is still a PDF bookmark).
_HEADING = re.compile(r'<h([12]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class TocEntry:
    id: str
    title: str
    level: int


@dataclass
class ReportFigure:
    id: str
    number: int
    title: str
    caption: str
    src: str  # chart:<id>, delivered by ChartFetcher
    label: str  # what the chart says, as the image's text alternative
    tables: list[ChartTable] = field(default_factory=list)


@dataclass
class ReportSection:
    id: str
    figures: list[ReportFigure] = field(default_factory=list)
    empty: str = ""


def points(value: float) -> str:
    """A number of points on a score scale, with the noun agreeing: "1 point", "1.5 points", "0 points"
    (the plural form is chosen from the whole number when there is one, otherwise as for 2)."""
    form = int(value) if float(value).is_integer() else 2
    return ngettext("%(count)s point", "%(count)s points", form) % {"count": number(value)}


def table_of_contents(body: str) -> list[TocEntry]:
    """The chapters and sections of the rendered body, in order (their page numbers come from CSS
    ``target-counter``)."""
    return [
        TocEntry(anchor, html.unescape(" ".join(_TAG.sub("", inner).split())), int(level))
        for level, anchor, inner in _HEADING.findall(body)
    ]


def css_string(text: str) -> str:
    """A CSS string literal for any text: everything but letters, digits and spaces as CSS hex escapes."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def css_content(template: str, counters: dict[str, str]) -> str:
    """A CSS ``content`` value from a translated template whose %(name)s placeholders stand for counters,
    e.g. "Page %(page)s of %(pages)s" -> "Page " counter(page) " of " counter(pages)."""
    parts = re.split(r"%\((\w+)\)s", template)
    out = []
    for k, part in enumerate(parts):
        if k % 2:
            out.append(counters.get(part, css_string(part)))
        elif part:
            out.append(css_string(part))
    return " ".join(out) or '""'


def _print_caption(chart: Chart, key: list[str]) -> str:
    caption = _screen_caption(chart)
    if key:
        caption += " " + _("Columns: %(key)s.") % {
            "key": "; ".join(f"{k + 1} {name}" for k, name in enumerate(key))
        }
    return caption


def _screen_caption(chart: Chart) -> str:
    if chart.id == "profiles":
        return _(
            "The three best-ranked options. Each spoke runs from the worst end of the criterion’s scale (centre) "
            "to its best end (edge); cost criteria are reversed so that outward is always better. The next "
            "figure gives every option’s scores."
        )
    if chart.id == "contributions":
        return chart.caption + " " + _("The numbers on the bars refer to the criteria in the legend.")
    return chart.caption


def screen_charts(bundle: AnalysisResults) -> dict[str, Chart]:
    """The results screen's figures for this bundle, built by the screen's own code, by chart id."""
    charts: dict[str, Chart] = {}
    if bundle.results.ranking:
        charts["contributions"] = contributions_chart(
            bundle.results, promethee_parts=bundle.method == Method.PROMETHEE_II and bundle.additive
        )
    for section in sections(bundle):
        for chart in section.charts:
            charts[chart.id] = chart
    for chart in cross_impact_view(bundle.exercise.case).charts:
        charts[chart.id] = chart
    return charts


class ChartDrawer:
    """Draws figures as SVG in background threads (one per tab of the chart browser), in the order given.

    The thread only talks to Chromium (`policies.chart_export`): no database, no translation (the figures
    arrive fully labelled), so it overlaps safely with the work of the calling thread.
    """

    def __init__(self, figures: dict[str, tuple[dict[str, Any], int]]) -> None:
        self.heights = {chart_id: height for chart_id, (_figure, height) in figures.items()}
        # As many at once as the chart browser has tabs; each figure still comes out whole, in its own tab.
        self._pool = ThreadPoolExecutor(max_workers=CHART_TABS, thread_name_prefix="report-charts")
        self._futures: dict[str, Future[str]] = {
            chart_id: self._pool.submit(export_svg, figure, height)
            for chart_id, (figure, height) in figures.items()
        }

    def __len__(self) -> int:
        return len(self._futures)

    def svg(self, chart_id: str) -> str:
        """The figure's SVG, waiting for it if needed; raises what drawing it raised (ChartExportError)."""
        return self._futures[chart_id].result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def frame_svg(chart_id: str, height: int) -> str:
    """What the <img> of a figure loads: an SVG of the figure's exact size whose only content is the figure,
    as an SVG <image>. WeasyPrint lays the page out from the frame's size and fetches the <image> only when
    it draws the page, so the whole layout runs while Chromium is still drawing the figures."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_WIDTH_PX}" height="{height}" '
        f'viewBox="0 0 {PAGE_WIDTH_PX} {height}"><image href="{DRAWING_SCHEME}{chart_id}" x="0" y="0" '
        f'width="{PAGE_WIDTH_PX}" height="{height}"/></svg>'
    )


def chart_fetcher(drawer: ChartDrawer) -> Any:
    """A WeasyPrint URL fetcher serving the figures' frames and drawings, and refusing every other URL, so a
    report never reaches the network or the disk. It has no other effect: it also serves the process that
    paints half of the pages (`reporting.parallel_write`), which must not report progress.

    WeasyPrint swallows whatever goes wrong while it draws an SVG image (it logs it and leaves the figure
    blank), so the fetcher keeps the first error in ``error``, for `raise_fetch_error` to raise once the
    document is written, and fails every later fetch at once.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ChartFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
        error: BaseException | None = None

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            if self.error is not None:
                raise RuntimeError("The report is being abandoned.")
            try:
                if url.startswith(CHART_SCHEME):
                    chart_id = url.removeprefix(CHART_SCHEME)
                    svg = frame_svg(chart_id, drawer.heights[chart_id])
                elif url.startswith(DRAWING_SCHEME):
                    svg = drawer.svg(url.removeprefix(DRAWING_SCHEME))
                else:
                    raise ValueError(f"A report loads no external resource ({url[:60]}).")
            except BaseException as exc:
                self.error = exc
                raise
            return URLFetcherResponse(
                url, body=svg.encode("utf-8"), headers={"Content-Type": "image/svg+xml"}
            )

    return ChartFetcher(fail_on_errors=True)


@dataclass
class ReportPlan:
    """The figures a report prints, by section, and the figures to draw (chart id -> figure dict, height)."""

    bundle: AnalysisResults
    sections: dict[str, ReportSection]
    figures: list[ReportFigure]
    printable: dict[str, tuple[dict[str, Any], int]]
    # The group's cross-impact matrix of the round the reader may see, when the exercise had that phase.
    group_impacts: GroupImpacts | None = None


def plan_report(
    bundle: AnalysisResults,
    section_charts: dict[str, tuple[str, ...]] = SECTION_CHARTS,
    *,
    with_tables: bool = True,
    charts: dict[str, Chart] | None = None,
) -> ReportPlan:
    """Which of the results screen's figures the report prints, where, with their numbers and captions
    (`section_charts`: the full report's, or the brief's few; the brief prints no data tables under them).
    `charts` are the screen's figures when the caller built only those it prints (by default all of them)."""
    if charts is None:
        charts = screen_charts(bundle)
    group = None
    if GROUP_MATRIX in {chart_id for ids in section_charts.values() for chart_id in ids}:
        # Under the reader's view, as every judgment in the report: blind until revealed, the round they may see.
        group = group_impacts(bundle.exercise, visibility=bundle.visibility)
        if group is not None:
            charts = {**charts, GROUP_MATRIX: replace(group.chart, id=GROUP_MATRIX)}
    sections: dict[str, ReportSection] = {key: ReportSection(key) for key in SECTION_CHARTS}
    figures: list[ReportFigure] = []
    printable: dict[str, tuple[dict[str, Any], int]] = {}
    for section_id, ids in section_charts.items():
        section = sections.setdefault(section_id, ReportSection(section_id))
        for chart_id in ids:
            chart = charts.get(chart_id)
            if chart is None:
                continue
            title, figure, key = for_print(figure_dict(chart.json))
            printable[chart_id] = (figure, chart.height)
            wanted = CHART_TABLES.get(chart_id, ()) if with_tables else ()
            tables = [chart.tables[k] for k in wanted if k < len(chart.tables)]
            report_figure = ReportFigure(
                chart_id,
                len(figures) + 1,
                title or chart.title,
                _print_caption(chart, key),
                CHART_SCHEME + chart_id,
                chart.label,
                [t for t in tables if t.rows],
            )
            section.figures.append(report_figure)
            figures.append(report_figure)
    unavailable = bundle.unavailable
    sections["results"].empty = unavailable.get("comparison", "")
    sections["sensitivity"].empty = " ".join(
        dict.fromkeys(filter(None, [unavailable.get("sensitivity", ""), unavailable.get("smaa", "")]))
    )
    sections["scenarios"].empty = unavailable.get("scenarios", "")
    sections["disagreement"].empty = unavailable.get("disagreement", "")
    return ReportPlan(bundle, sections, figures, printable, group)


def report_context(plan: ReportPlan) -> dict[str, Any]:
    """What the full report's and the brief's templates print: the summary, the names, the figures, the page
    furniture, all in the active language."""
    bundle = plan.bundle
    exercise = bundle.exercise
    names = [display_name(o) for o in bundle.options]
    criteria = [display_name(c) for c in bundle.criteria]
    content = report_content(bundle)
    summary = executive_summary(bundle, names, criteria, content.rounds)
    case = exercise.case
    anonymity = Anonymity(exercise.anonymity) if exercise.anonymity in Anonymity.values else Anonymity.NAMED
    alpha = bundle.scenarios.alpha if bundle.scenarios is not None else 0.5
    context: dict[str, Any] = {
        "exercise": exercise,
        "case": case,
        "bundle": bundle,
        "content": content,
        "summary": summary,
        "sections": plan.sections,
        "group_impacts": plan.group_impacts,
        "group_consistent": (
            int(plan.group_impacts.ensemble.group_consistent.sum()) if plan.group_impacts is not None else 0
        ),
        "figs": {figure.id.replace("-", "_"): figure for figure in plan.figures},
        "figures": plan.figures,
        "names": names,
        "criteria_names": criteria,
        "method_label": Method(bundle.method).label,
        "method_in_sentence": in_sentence(str(Method(bundle.method).label)),
        "score_label": score_label(bundle.method),
        "alpha": number(alpha),
        "smaa_samples": count(SMAA_SAMPLES),
        "threshold_points": points(content.consensus_threshold),
        # The threads, under the reader's view: which comments and how their authors are named.
        "comments": comment_rows(exercise, bundle.visibility),
        "weight_margin": number(100 * WEIGHT_MARGIN, 0),
        "formulas": formulas(),
        "references": REFERENCES,
        "generated": timezone.localtime(),
        "participants": len(bundle.all_participants),
        "anonymity_label": anonymity.label,
        "language": get_language() or "en",
        "page_width_px": PAGE_WIDTH_PX,
        "header_left": mark_safe(css_string(localize(case.title) or case.key)),
        "footer_left": mark_safe(css_string(localize(exercise.title) or exercise.key)),
        "page_content": mark_safe(
            css_content(_("Page %(page)s of %(pages)s"), {"page": "counter(page)", "pages": "counter(pages)"})
        ),
    }
    return context


def report_html(plan: ReportPlan) -> str:
    """The report as one HTML document: every word the PDF prints, the figures as references to draw."""
    context = report_context(plan)
    body = render_to_string("policies/report/body.html", context)
    context["body"] = mark_safe(body)
    context["toc"] = table_of_contents(body)
    return render_to_string("policies/report_pdf.html", context)


#: Bump when the same HTML and figures would now make a different PDF (WeasyPrint's version is in the key too).
REPORT_CACHE_FORMAT = 1
#: The moment of the build, to the second, in the document's metadata: left out of the key, or no report would
#: ever be found again. The cover's date (the day) stays in it.
_CREATED = re.compile(r'<meta name="dcterms\.created" content="[^"]*">')


def report_key(document_html: str, printable: dict[str, tuple[dict[str, Any], int]]) -> str:
    """What a PDF is kept under: its HTML (less the build's timestamp) and the drawing key of every figure."""
    import weasyprint

    figures = [
        f"{chart_id}={drawing_key(figure, PAGE_WIDTH_PX, height)}"
        for chart_id, (figure, height) in sorted(printable.items())
    ]
    return render_cache.key(
        f"report-{REPORT_CACHE_FORMAT}", weasyprint.__version__, _CREATED.sub("", document_html), *figures
    )


def render_pdf(exercise: Exercise, seen: Visibility, progress: Progress) -> bytes:
    """The report as PDF bytes, holding what `seen` (its reader's view) may see; ``progress(percent, stage)``
    is called between stages and as each figure's drawing is ready (it may raise to cancel the job: the
    exception propagates)."""
    progress(10, "analysis")
    plan = plan_report(analysis_results(exercise, visibility=seen))
    return write_pdf(plan, report_html, progress)


def write_pdf(plan: ReportPlan, document: Callable[[ReportPlan], str], progress: Progress) -> bytes:
    """The PDF of a planned report whose HTML `document` writes: the figures drawn by Chromium while the
    words are written and laid out (the full report and the brief alike)."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    svg_text.install()
    drawer = ChartDrawer(plan.printable)  # Chromium starts drawing while the rest is read and laid out
    try:
        progress(20, "content")
        document_html = document(plan)
        # The same words and the same figures make the same PDF: a report rebuilt with nothing changed is the
        # one laid out before (policies.render_cache), however many pages it has.
        kept_as = report_key(document_html, plan.printable) if render_cache.enabled() else None
        if kept_as is not None and (kept := render_cache.get(kept_as, ".pdf")) is not None:
            progress(90, "charts")
            return kept
        progress(30, "layout")
        fetcher = chart_fetcher(drawer)

        def raise_fetch_error() -> None:
            if fetcher.error is not None:
                raise fetcher.error

        try:
            laid_out = HTML(string=document_html, url_fetcher=fetcher).render()
            progress(40, "charts")
            # Every figure drawn before a page is painted: the pages are painted in two processes, and the
            # second has no Chromium thread to wait for (`reporting.parallel_write`).
            total = max(len(drawer), 1)
            for done, chart_id in enumerate(drawer.heights, 1):
                drawer.svg(chart_id)
                progress(40 + 40 * done // total, "charts")
            pdf = write_pages(laid_out, raise_fetch_error)
        except FatalURLFetchingError as error:
            raise (fetcher.error or error.__cause__ or error) from None
        if kept_as is not None:
            render_cache.put(kept_as, ".pdf", pdf)
        return pdf
    finally:
        drawer.close()
