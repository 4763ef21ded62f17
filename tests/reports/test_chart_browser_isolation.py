"""The report worker's Chromium reaches nothing through a chart: not a loopback address named in an option, a
criterion, a scenario, a guest's display name or a rationale, in any figure of the PDF.

A real listener on a loopback port stands for the services of the worker's network; the figures are exported
for real (kaleido through Chromium). Two layers are checked: the labels reach Plotly as plain text, and the
browser itself, handed raw markup that bypasses the figure builders, still fetches nothing.
"""

import logging
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from policies import chart_export
from policies.casefile.validation import parse_case_file
from policies.chart_export import NO_NETWORK, WEAKENING_SWITCHES, figure_to_svg
from policies.models import Participant, ScoreJudgment, WeightJudgment
from policies.models.exercises import Anonymity
from policies.reporting.pdf import render_pdf
from policies.services.case_import import import_case
from policies.services.participants import join_as_guest
from tests.charts.helpers import every_figure
from tests.conftest import needs
from tests.factories import TeamFactory
from tests.hostile_text import fetching_labels, hostile_labels
from tests.viewers import facilitator_view

ROOT = Path(__file__).resolve().parents[2]
pytestmark = needs(
    Path(settings.CHROMIUM_PATH).exists(), "Chromium is not installed: charts cannot be exported"
)


class Listener:
    """An HTTP server on a loopback port that records every request it receives."""

    def __init__(self) -> None:
        requests = self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append((self.path, self.headers.get("User-Agent", "")))
                self.send_response(200)
                self.send_header("Content-Type", "image/svg+xml")
                self.end_headers()
                self.wfile.write(b'<svg xmlns="http://www.w3.org/2000/svg"/>')

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self, settle: float = 1.0) -> list[tuple[str, str]]:
        time.sleep(settle)  # a fetch the drawing started may land just after it
        return list(self.requests)


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.server.shutdown()


def no_progress(percent: int, stage: str) -> None:
    pass


@pytest.mark.django_db
def test_building_the_pdf_fetches_nothing_named_in_the_exercise(listener: Listener) -> None:
    labels = list(fetching_labels(listener.base).values())
    exercise = import_case(
        case_file=parse_case_file((ROOT / "seeds" / "mali-2012.json").read_bytes()), team=TeamFactory()
    ).exercises.get()
    exercise.anonymity = Anonymity.NAMED
    exercise.save()
    for kind, items in (
        ("o", exercise.options.all()),
        ("c", exercise.criteria.all()),
        ("s", exercise.scenarios.all()),
    ):
        for k, item in enumerate(items):
            item.name = {"en": f"{labels[k % len(labels)]} {kind}{k}"}
            item.save()
    port = listener.base.rsplit(":", 1)[1]
    guest = join_as_guest(exercise=exercise, display_name=f"<b style='mask:url(http://127.1:{port})'>")
    seeded = Participant.objects.filter(exercise=exercise).exclude(pk=guest.pk).first()
    for weight in WeightJudgment.objects.filter(participant=seeded):
        WeightJudgment.objects.create(
            participant=guest, criterion=weight.criterion, scenario=weight.scenario, round=weight.round,
            value=weight.value,
        )  # fmt: skip
    for score in ScoreJudgment.objects.filter(participant=seeded):
        ScoreJudgment.objects.create(
            participant=guest, option=score.option, criterion=score.criterion, scenario=score.scenario,
            round=score.round, value=score.value, rationale={"en": f'=HYPERLINK("{listener.base}/r") {labels[0]}\x07'},
        )  # fmt: skip
    with translation.override("en"):
        pdf = render_pdf(exercise, facilitator_view(exercise), no_progress)
    assert pdf.startswith(b"%PDF")
    assert listener.received() == []


def test_the_chart_browser_fetches_nothing_even_from_raw_markup(listener: Listener, caplog, tmp_path) -> None:
    """Defence in depth: a figure that never went through the builders (so its markup is live) still makes
    the browser reach neither the listener nor a file; the refusals are logged."""
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    labels = [
        *fetching_labels(listener.base).values(),
        f'<span style="background:url(file://{secret})">F</span>',
    ]
    figure = {
        "data": [{"type": "bar", "x": labels, "y": [1] * len(labels), "name": labels[1]}],
        "layout": {"title": {"text": labels[0]}, "height": 400, "annotations": [{"text": labels[2]}]},
    }
    with caplog.at_level(logging.WARNING, logger="policies.chart_export"):
        svg = figure_to_svg(figure)
        assert listener.received() == []
    assert svg.lstrip().startswith("<svg") and "background-image" in svg  # drawn, markup and all
    refused = [r.getMessage() for r in caplog.records if "refused a request" in r.getMessage()]
    assert any(f"{listener.base}/bg" in message for message in refused), refused


def test_the_chart_browser_runs_without_network_and_without_weakening_switches() -> None:
    figure_to_svg({"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {"height": 300}})
    browser = chart_export._browser
    assert browser is not None
    command = Path(f"/proc/{browser.kaleido.subprocess.pid}/cmdline").read_bytes().split(b"\0")
    switches = {part.decode() for part in command if part}
    assert NO_NETWORK in switches
    assert not switches & WEAKENING_SWITCHES


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="run as root to see the sandbox refused"
)
def test_a_browser_that_cannot_start_in_its_sandbox_starts_without_it_and_says_so(
    monkeypatch, caplog
) -> None:
    """Not root, the browser asks for Chromium's sandbox; where the sandbox cannot work (here: Chromium refuses
    it to root, as a kernel without user namespaces would) the browser starts without it, with a warning."""
    chart_export.close_browser()
    monkeypatch.setattr(chart_export.os, "geteuid", lambda: 1000)
    try:
        with caplog.at_level(logging.WARNING, logger="policies.chart_export"):
            svg = figure_to_svg({"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {"height": 300}})
        assert svg.lstrip().startswith("<svg")
        warnings = [
            r.getMessage() for r in caplog.records if "could not start with its sandbox" in r.getMessage()
        ]
        assert len(warnings) == 1
        browser = chart_export._browser
        assert browser is not None
        command = Path(f"/proc/{browser.kaleido.subprocess.pid}/cmdline").read_bytes().split(b"\0")
        assert b"--no-sandbox" in command
    finally:
        chart_export.close_browser()


@hypothesis_settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(labels=hostile_labels)
def test_any_hostile_labels_are_exported_without_a_request(listener: Listener, labels: list[str]) -> None:
    """Every figure builder, fed hostile labels and the listener's fetching labels, exported by the real chart
    browser: an SVG each, and not one request."""
    named = [*labels, *fetching_labels(listener.base).values()]
    for figure in every_figure(named[:4], named[2:6], named[1:3], named[3:7]).values():
        assert figure_to_svg(figure).lstrip().startswith("<svg")
    assert listener.received(settle=0.2) == []
