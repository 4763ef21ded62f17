"""The drawing cache: a figure drawn lately is not drawn again; any change to it, or its size, draws it anew.

Chromium is replaced by a counter here (the drawing itself is tested in test_chart_export.py); what is tested is
which figures reach the browser.
"""

import os
import time
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from policies import chart_export
from policies.chart_export import clear_chart_cache, figure_to_svg


@pytest.fixture
def drawn(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, float]]:
    """Turn the cache on in a folder of the test's own, and record what would have gone to Chromium."""
    settings.CHART_CACHE_DIR = tmp_path / "chart-cache"
    calls: list[tuple[str, int, float]] = []

    def draw(figure, width, height):  # type: ignore[no-untyped-def]
        title = figure.layout.title.text if isinstance(figure, go.Figure) else figure["layout"]["title"]
        calls.append((str(title), width, height))
        return f'<svg data-drawing="{len(calls)}"><text>{title}</text></svg>'

    monkeypatch.setattr(chart_export, "_draw", draw)
    return calls


def scores(value: float = 0.62, title: str = "Ranks") -> go.Figure:
    return go.Figure(go.Bar(x=["Dialogue", "Sanctions"], y=np.array([value, 0.31])), {"title": title})


def test_the_same_figure_is_drawn_once_and_served_the_same_afterwards(drawn) -> None:
    first = figure_to_svg(scores(), width=900, height=400)
    again = figure_to_svg(scores(), width=900, height=400)
    assert first == again == '<svg data-drawing="1"><text>Ranks</text></svg>'
    assert drawn == [("Ranks", 900, 400)]


def test_a_changed_number_text_or_size_draws_the_figure_again(drawn) -> None:
    figure_to_svg(scores(), width=900, height=400)
    figure_to_svg(scores(0.63), width=900, height=400)  # one score moved
    figure_to_svg(scores(title="Rangs"), width=900, height=400)  # the labels of another language
    figure_to_svg(scores(), width=600, height=400)
    figure_to_svg(scores(), width=900, height=500)
    assert len(drawn) == 5
    # Each of them is now cached: none is drawn again.
    figure_to_svg(scores(0.63), width=900, height=400)
    figure_to_svg(scores(), width=600, height=400)
    assert len(drawn) == 5


def test_a_figure_given_as_a_dict_is_cached_too(drawn) -> None:
    figure = {"data": [{"type": "bar", "y": [1, 2]}], "layout": {"title": "Dict", "height": 300}}
    figure_to_svg(figure, width=900)
    figure_to_svg(dict(figure), width=900)
    assert drawn == [("Dict", 900, 300)]


def test_an_expired_drawing_is_drawn_again_and_pruned(drawn, settings) -> None:
    figure_to_svg(scores(), width=900, height=400)
    (cached,) = Path(settings.CHART_CACHE_DIR).glob("*.svg")
    old = time.time() - settings.CHART_CACHE_SECONDS - 60
    os.utime(cached, (old, old))
    figure_to_svg(scores(), width=900, height=400)
    assert len(drawn) == 2
    assert cached.stat().st_mtime > old  # replaced by the new drawing
    # Another figure's write removes drawings that have expired.
    other = figure_to_svg(scores(title="Other"), width=900, height=400)
    os.utime(cached, (old, old))
    figure_to_svg(scores(title="Third"), width=900, height=400)
    assert not cached.exists() and other


def test_the_cache_keeps_at_most_its_number_of_drawings_the_newest(drawn, settings) -> None:
    settings.CHART_CACHE_MAX_FILES = 3
    for n in range(5):
        figure_to_svg(scores(title=f"Figure {n}"), width=900, height=400)
        time.sleep(0.01)
    assert len(list(Path(settings.CHART_CACHE_DIR).glob("*.svg"))) == 3
    figure_to_svg(scores(title="Figure 4"), width=900, height=400)
    assert len(drawn) == 5  # the newest is still there
    figure_to_svg(scores(title="Figure 0"), width=900, height=400)
    assert len(drawn) == 6  # the oldest was removed


def test_with_the_cache_off_or_cleared_every_figure_is_drawn(drawn, settings) -> None:
    figure_to_svg(scores(), width=900, height=400)
    clear_chart_cache()
    figure_to_svg(scores(), width=900, height=400)
    assert len(drawn) == 2
    settings.CHART_CACHE_DIR = None
    figure_to_svg(scores(), width=900, height=400)
    figure_to_svg(scores(), width=900, height=400)
    assert len(drawn) == 4


def test_a_cache_that_cannot_be_written_only_costs_the_drawing(drawn, settings, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.CHART_CACHE_DIR = blocker / "chart-cache"
    assert figure_to_svg(scores(), width=900, height=400).startswith("<svg")
    assert figure_to_svg(scores(), width=900, height=400).startswith("<svg")
    assert len(drawn) == 2
