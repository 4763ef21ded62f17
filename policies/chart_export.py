"""Export Plotly figures as SVG through kaleido and Debian's Chromium.

One browser per worker process: starting Chromium costs seconds, a figure afterwards costs milliseconds.
kaleido is pointed at our local plotly.js and told not to load MathJax, so it never reaches for a CDN.
"""

import os
import threading
from pathlib import Path

import plotly
import plotly.graph_objects as go
from django.conf import settings

_lock = threading.Lock()
_started = False


class ChartExportError(RuntimeError):
    """Chromium or kaleido failed; the message is meant for the person who asked for the report."""


def plotly_js_path() -> Path:
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _ensure_server() -> None:
    global _started
    with _lock:
        if _started:
            return
        import kaleido

        if not Path(settings.CHROMIUM_PATH).exists():
            raise ChartExportError(f"Chromium was not found at {settings.CHROMIUM_PATH}; set BROWSER_PATH.")
        os.environ["BROWSER_PATH"] = settings.CHROMIUM_PATH  # where kaleido's browser launcher looks
        kaleido.start_sync_server(
            plotlyjs=str(plotly_js_path()), mathjax=False, timeout=60, silence_warnings=True
        )
        _started = True


def figure_to_svg(figure: go.Figure, *, width: int = 900, height: int | None = None) -> str:
    import kaleido

    _ensure_server()
    options = {"format": "svg", "width": width, "height": height or figure.layout.height or 500}
    try:
        data = kaleido.calc_fig_sync(figure, opts=options)
    except Exception as exc:  # kaleido raises several unrelated types; all mean the chart could not be drawn
        raise ChartExportError(f"The chart could not be drawn: {exc}") from exc
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)
