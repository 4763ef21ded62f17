"""The chart browser kept between figures: the same drawing as on a fresh page, and a fresh browser after a
Chromium crash."""

import os
import re
import signal
import time
from pathlib import Path
from xml.etree.ElementTree import canonicalize

import plotly.graph_objects as go
import pytest

from policies import chart_export
from policies.chart_export import ChartExportError, close_browser, figure_to_svg
from tests.conftest import needs

pytestmark = needs(Path("/usr/bin/chromium").exists(), "Chromium is not installed: charts cannot be exported")


def bars() -> go.Figure:
    return go.Figure(
        go.Bar(x=["Dialogue", "Sanctions", "Mediation"], y=[0.62, 0.31, 0.07]), {"title": "Ranks"}
    )


def lines() -> go.Figure:
    figure = go.Figure(go.Scatter(x=[1, 10, 100], y=[3, 1, 2], mode="lines+text", text=["a", "b", "c"]))
    figure.update_layout(xaxis_type="log", annotations=[{"text": "note", "xref": "paper", "yref": "paper"}])
    return figure


def comparable(svg: str) -> str:
    """The drawing without what legitimately changes between two drawings of one figure: plotly's random id
    for the figure and the order of attributes (canonical XML)."""
    uid = re.search(r'id="defs-(\w+)"', svg)
    assert uid is not None, svg[:200]
    return canonicalize(svg.replace(uid.group(1), "UID"))


def chromium_processes() -> list[int]:
    """Chromium processes started by this test process (kaleido's browser and its helpers)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if parent == os.getpid() and b"chromium" in command:
            found.append(int(pid))
    return found


def test_a_figure_drawn_after_others_is_drawn_as_on_a_fresh_page(monkeypatch) -> None:
    monkeypatch.setattr(chart_export, "RELOAD_EVERY", 4)  # one reload on the way, as in a long-lived worker
    close_browser()
    fresh = comparable(figure_to_svg(bars(), width=500, height=320))
    for _ in range(5):
        assert "<svg" in figure_to_svg(lines(), width=500, height=320)
    assert comparable(figure_to_svg(bars(), width=500, height=320)) == fresh
    assert comparable(figure_to_svg(lines(), width=500, height=320)) != fresh


def test_a_crashed_chromium_fails_one_figure_and_the_next_starts_a_new_one() -> None:
    figure_to_svg(bars(), width=400, height=300)
    victims = chromium_processes()
    assert victims, "the browser runs as a child of this process"
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    with pytest.raises(ChartExportError, match="The chart could not be drawn"):
        figure_to_svg(bars(), width=400, height=300)
    assert "Dialogue" in figure_to_svg(bars(), width=400, height=300)
    assert not set(victims) & set(chromium_processes())
