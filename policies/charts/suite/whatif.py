"""The what-if of the results page: the data a reader's browser needs to rank the options again while they drag
a weight, and nothing else.

The scores of an additive method are weighted sums of weight-free parts (`analysis.method_parts`): the browser
multiplies and adds (`static/policies/whatif.js`), the analysis is not run again and no number leaves the
bundle that the page does not already show. TOPSIS is not additive, so it has no what-if (the page says so).
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from policies.charts._common import number
from policies.formatting import share
from policies.models.exercises import Method
from policies.selectors.analysis_results import AnalysisResults


@dataclass(frozen=True)
class WhatIfCriterion:
    index: int
    name: str
    percent: int  # the group's weight, rounded, where the slider starts
    label: str  # the same, written for the page ("12%")


@dataclass(frozen=True)
class WhatIf:
    criteria: list[WhatIfCriterion]
    data: dict[str, Any]  # what whatif.js reads, through json_script
    unavailable: str  # why there is no what-if ("" when there is one)


def what_if(bundle: AnalysisResults, names: list[str], criteria: list[str]) -> WhatIf:
    """The sliders and the data of the what-if for this bundle (names and criteria in bundle order)."""
    parts, additive = bundle.parts
    if not bundle.results.ranking or len(criteria) < 2:
        return WhatIf([], {}, _("The what-if needs options and at least two criteria in play."))
    if not additive:
        return WhatIf(
            [],
            {},
            _(
                "%(method)s is not a weighted sum of the criteria, so its ranking cannot be redone in the browser: "
                "choose the weighted sum or PROMETHEE II above to try other weights."
            )
            % {"method": Method(bundle.method).label},
        )
    weights = [float(w) for w in bundle.weights.group]
    data = {
        "options": [
            {"key": option.key, "name": name, "rank": int(bundle.ranks[i])}
            for i, (option, name) in enumerate(zip(bundle.options, names, strict=True))
        ],
        "criteria": criteria,
        "weights": [number(w, 6) for w in weights],
        "parts": [[number(float(v), 6) for v in row] for row in parts],
        "first": _("%(option)s now ranks first."),
        "unchanged": _("The ranking is the group’s."),
    }
    sliders = [
        WhatIfCriterion(j, name, round(100 * w), share(w, 0))
        for j, (name, w) in enumerate(zip(criteria, weights, strict=True))
    ]
    return WhatIf(sliders, data, "")
