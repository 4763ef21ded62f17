"""The results screen's chart suite: every figure with its caption, data table and section, built from one
analysis bundle, one module per section. The web page and the PDF report both draw from it."""

from policies.charts.suite.base import Chart, ChartTable, Section, score_label
from policies.charts.suite.page import headline, sections
from policies.charts.suite.ranking import contributions_chart
from policies.charts.suite.scenarios import rule_labels, unchanged_note

__all__ = [
    "Chart",
    "ChartTable",
    "Section",
    "contributions_chart",
    "headline",
    "rule_labels",
    "score_label",
    "sections",
    "unchanged_note",
]
