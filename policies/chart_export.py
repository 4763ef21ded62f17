"""Export Plotly figures as SVG through kaleido and Debian's Chromium.

One browser per worker process, kept for the life of the process: starting Chromium costs seconds, a figure
afterwards costs milliseconds. kaleido is pointed at our local plotly.js and told not to load MathJax, so it
never reaches for a CDN.

kaleido reloads its page after every figure, so Chromium parses and compiles plotly.js (4.6 MB) again for each
one: about 0.3 s of CPU per figure, four fifths of what the browser spends on a report. Our browser reloads
only every RELOAD_EVERY figures instead. Nothing of one figure survives into the next without the reload:
kaleido draws each with ``Plotly.toImage`` on a figure object, which lays it out in a detached element of its
own and purges it afterwards (tests/reports/test_chart_export.py checks that a figure drawn after others is
drawn the same as on a fresh page). The occasional reload bounds whatever the page might still accumulate.

kaleido's own sync server (``start_sync_server``) cannot take a different browser class, and hangs for good if
Chromium fails to start; hence a small loop thread of our own. After any failure the browser is closed and the
next figure starts a new one, so a crashed Chromium costs one report, not every report until a restart.
"""

import asyncio
import atexit
import os
import threading
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
from django.conf import settings

#: Figures drawn between two reloads of the browser page (see the module docstring).
RELOAD_EVERY = 100
#: Seconds allowed for Chromium to start, and for one figure (kaleido's limit; ours waits a little longer).
START_TIMEOUT = 120
FIGURE_TIMEOUT = 60


class ChartExportError(RuntimeError):
    """Chromium or kaleido failed; the message is meant for the person who asked for the report."""


class _ChartBrowser:
    """A kaleido browser running on an event loop in a thread of its own, called from any thread."""

    def __init__(self) -> None:
        import kaleido

        class Browser(kaleido.Kaleido):  # type: ignore[misc]
            renders = 0

            async def _return_kaleido_tab(self, tab: Any) -> None:
                # kaleido's version reloads the page on every return; see the module docstring.
                self.renders += 1
                if self.renders % RELOAD_EVERY == 0:
                    await tab.reload()
                await self.tabs_ready.put(tab)

        async def open_browser() -> Any:
            browser = Browser(plotlyjs=str(plotly_js_path()), mathjax=False, timeout=FIGURE_TIMEOUT)
            await browser.open()
            return browser

        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="chart-export", daemon=True).start()
        try:
            self.kaleido = self.run(open_browser(), START_TIMEOUT)
        except BaseException:
            self.loop.call_soon_threadsafe(self.loop.stop)
            raise

    def run(self, coroutine: Any, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        try:
            self.run(self.kaleido.close(), 15)
        except Exception:  # the browser may already be gone; the process is ending or starting another
            pass
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)


_lock = threading.Lock()
_browser: _ChartBrowser | None = None


def plotly_js_path() -> Path:
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _get_browser() -> _ChartBrowser:
    global _browser
    with _lock:
        if _browser is None:
            if not Path(settings.CHROMIUM_PATH).exists():
                raise ChartExportError(
                    f"Chromium was not found at {settings.CHROMIUM_PATH}; set BROWSER_PATH."
                )
            os.environ["BROWSER_PATH"] = settings.CHROMIUM_PATH  # where kaleido's browser launcher looks
            try:
                _browser = _ChartBrowser()
            except Exception as exc:
                raise ChartExportError(f"Chromium could not be started: {_describe(exc)}") from exc
        return _browser


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def close_browser() -> None:
    """Stop this process's Chromium, if it runs; the next figure starts a new one."""
    global _browser
    with _lock:
        browser, _browser = _browser, None
    if browser is not None:
        browser.close()


atexit.register(close_browser)


def figure_to_svg(figure: go.Figure | dict[str, Any], *, width: int = 900, height: int | None = None) -> str:
    if height is None:
        height = (
            (figure.get("layout") or {}).get("height") if isinstance(figure, dict) else figure.layout.height
        )
    options = {"format": "svg", "width": width, "height": height or 500}
    browser = _get_browser()
    try:
        data = browser.run(browser.kaleido.calc_fig(figure, opts=options), FIGURE_TIMEOUT + 15)
    except Exception as exc:  # kaleido raises several unrelated types; all mean the chart could not be drawn
        close_browser()  # it may be Chromium itself that failed: the next figure gets a fresh one
        raise ChartExportError(f"The chart could not be drawn: {_describe(exc)}") from exc
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)
