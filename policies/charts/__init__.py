"""Plotly figure builders for the results screen and the PDF report, one module per family.

They take analysis results (numbers and names), never the ORM, so the page and the PDF draw the same figure
from the same numbers. :func:`figure_json` serialises a figure for the page.
"""

import json
import math
from typing import Any

import plotly.graph_objects as go
from django.utils.safestring import SafeString, mark_safe

from ._common import PALETTE, TEMPLATE
from .cross_impact import (
    balance_profile_figure,
    matrix_heatmap_figure,
    scenario_tableau_figure,
    succession_figure,
)
from .disagreement import cell_label, consensus_figure, score_spread_figure
from .profiles import profile_figure, score_heatmap_figure
from .ranking import contributions_figure, method_ranks_figure
from .scenarios import regret_figure, rules_figure, scenario_heatmap_figure
from .sensitivity import ReversalPoint, sensitivity_figure, tornado_figure
from .uncertainty import acceptability_figure, central_weights_figure
from .weights import elicitation_figure, weights_figure

try:  # orjson is several times faster; the standard library is the fallback
    import orjson

    _ORJSON = True
except ImportError:  # pragma: no cover - depends on the environment
    _ORJSON = False

__all__ = [
    "PALETTE",
    "TEMPLATE",
    "ReversalPoint",
    "acceptability_figure",
    "balance_profile_figure",
    "cell_label",
    "central_weights_figure",
    "consensus_figure",
    "contributions_figure",
    "elicitation_figure",
    "figure_json",
    "matrix_heatmap_figure",
    "method_ranks_figure",
    "profile_figure",
    "regret_figure",
    "rules_figure",
    "scenario_heatmap_figure",
    "scenario_tableau_figure",
    "score_heatmap_figure",
    "score_spread_figure",
    "sensitivity_figure",
    "succession_figure",
    "tornado_figure",
    "weights_figure",
]

# The same escapes as django.utils.html.json_script: inside <script> the JSON must not be able to close the
# element or open a comment, whatever a participant typed into an option's name. (str.replace, three times,
# is much faster than str.translate on the 30 KB of a large figure.)
_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


def _finite(value: Any) -> Any:
    """Replace NaN and infinities (not JSON) by None, recursively; numpy arrays become lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    if hasattr(value, "tolist"):
        return _finite(value.tolist())
    return value


def _dumps(data: Any) -> str:
    if _ORJSON:
        return orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    try:
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):  # a numpy array or a NaN slipped through: clean, then retry
        return json.dumps(_finite(data), separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def figure_json(figure: go.Figure) -> SafeString:
    """The figure as compact JSON, safe to place inside a <script type="application/json"> element."""
    text = _dumps(figure.to_plotly_json())
    for character, escape in _SCRIPT_ESCAPES:
        text = text.replace(character, escape)
    return mark_safe(text)
