"""What people typed reaches Plotly as plain text: no figure carries markup but the builders' own line breaks
and hover boxes, whichever builder drew it and whatever a name holds."""

import json
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies import charts
from policies.casefile.validation import parse_case_file
from policies.charts._common import figure_text, plain_text
from policies.charts.suite import sections
from policies.control_characters import without_control_characters
from policies.models import Participant
from policies.models.exercises import Anonymity
from policies.selectors.analysis_results import analysis_results, display_name
from policies.services.case_import import import_case
from tests.charts.helpers import assert_valid, every_figure
from tests.factories import TeamFactory
from tests.hostile_text import fetching_labels, hostile_label, hostile_labels
from tests.viewers import facilitator_view

SEED = Path(__file__).resolve().parents[2] / "seeds" / "mali-2012.json"
OWN_MARKUP = re.compile(r"<br>|<extra>|</extra>")
LABELS = list(fetching_labels("http://127.0.0.1:9").values())


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings(item)]
    return []


def assert_plain(figure_json: str) -> list[str]:
    """Every string of the page's figure JSON holds no markup but our own; returns the strings."""
    found = strings(json.loads(figure_json))
    for text in found:
        rest = OWN_MARKUP.sub("", text)
        assert "<" not in rest and ">" not in rest, text
        assert not any((ord(ch) < 32 and ch != "\n") or 127 <= ord(ch) < 160 for ch in text), repr(text)
    return found


def test_every_builder_is_checked() -> None:
    builders = {name for name in charts.__all__ if name.endswith("_figure")}
    assert builders == set(every_figure(["a"], ["b"], ["c"], ["d"]))


def test_markup_in_names_is_escaped_in_every_figure() -> None:
    options, criteria = LABELS[:3], LABELS[3:]
    figures = every_figure(
        options, criteria, ["<b>Sahel</b> & co"], ['<a href="https://example.org">Guest</a>']
    )
    for name, figure in figures.items():
        assert_valid(figure)
        found = " ".join(assert_plain(str(charts.figure_json(figure))))
        assert "&lt;span style=" in found or "&lt;b style=" in found or "&lt;i style=" in found, name
    title = figure_text(figures["sensitivity_figure"].layout.title.text)
    assert LABELS[3] in title  # the report's caption shows the name as typed


def test_the_results_screen_charts_carry_hostile_names_as_text(db) -> None:
    """The whole suite of the results screen (the page and the PDF draw from it), for an exercise whose
    options, criteria, scenarios and participants all have hostile names."""
    exercise = import_case(case_file=parse_case_file(SEED.read_bytes()), team=TeamFactory()).exercises.get()
    exercise.anonymity = Anonymity.NAMED
    exercise.save()
    for kind, items in (
        ("o", exercise.options.all()),
        ("c", exercise.criteria.all()),
        ("s", exercise.scenarios.all()),
    ):
        for k, item in enumerate(items):
            item.name = {"en": f"{LABELS[k % len(LABELS)]} {kind}{k}"}
            item.save()
    for k, participant in enumerate(Participant.objects.filter(exercise=exercise)):
        participant.alias = f"<b style='mask:url(http://127.1:9)'>{k}"
        participant.save()
    bundle = analysis_results(exercise, visibility=facilitator_view(exercise))  # named: aliases as labels
    drawn = {chart.id: chart for section in sections(bundle) for chart in section.charts}
    for chart in drawn.values():
        assert_plain(str(chart.json))
    assert len(drawn) >= 10
    # The chart's title, for the page's caption and the report's, is the text as typed (escaped by the template).
    swept = display_name(bundle.criteria[bundle.sensitivity.criterion])
    assert swept in drawn["sensitivity"].title


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(options=hostile_labels, criteria=hostile_labels, scenarios=hostile_labels, people=hostile_labels)
def test_any_hostile_labels_give_valid_figures_without_markup(options, criteria, scenarios, people) -> None:
    for figure in every_figure(options, criteria, scenarios, people).values():
        assert_valid(figure)
        assert_plain(json.dumps(figure.to_plotly_json()))


@given(text=st.one_of(hostile_label, st.text()))
def test_a_label_reads_back_as_typed_less_its_control_characters(text) -> None:
    escaped = plain_text(text)
    assert "<" not in OWN_MARKUP.sub("", escaped)
    assert figure_text(escaped) == without_control_characters(text)


def test_text_in_numpy_arrays_and_tuples_is_made_plain_too() -> None:
    import numpy as np

    from policies.charts._common import build

    figure = build(
        [{"type": "bar", "x": np.array(["<b>a</b>", "c"]), "y": (1, 2), "text": ("<i>t</i>", None)}],
        title="t",
        height=300,
    )
    trace = figure.to_plotly_json()["data"][0]
    assert list(trace["x"]) == ["&lt;b&gt;a&lt;/b&gt;", "c"] and list(trace["text"]) == [
        "&lt;i&gt;t&lt;/i&gt;",
        None,
    ]
    assert list(trace["y"]) == [1, 2]
