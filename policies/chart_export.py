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

The figures carry text that participants and guests typed. The figure builders make it plain text (see
`policies.charts._common.plain_text`); should markup ever slip through, the browser still reaches nothing:

* it resolves no host name and no address (``--host-resolver-rules``), so it has no network at all;
* every request its page makes is intercepted (the DevTools ``Fetch`` domain) and refused unless it is one of
  the page's own files (the page and the scripts it names), so it reads no other file either;
* it runs without the switches choreographer adds that weaken isolation (``--disable-web-security``,
  ``--allow-file-access-from-files``, ``--enable-unsafe-swiftshader``), and with Chromium's sandbox whenever it
  can: Chromium refuses a sandbox to root, and a kernel may forbid the user namespaces it needs (then the
  browser starts without it and says so in the log).
"""

import asyncio
import atexit
import contextlib
import functools
import json
import logging
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import plotly
import plotly.graph_objects as go
import plotly.utils
from choreographer.browsers import Chromium
from django.conf import settings

from policies import render_cache

logger = logging.getLogger(__name__)

#: Figures drawn between two reloads of the browser page (see the module docstring).
RELOAD_EVERY = 100
#: Seconds allowed for Chromium to start, and for one figure (kaleido's limit; ours waits a little longer).
START_TIMEOUT = 120
FIGURE_TIMEOUT = 60
#: Tabs of the browser, each drawing one figure at a time: a report's charts are drawn this many at once
#: (`policies.reporting.pdf.ChartDrawer`), on as many cores as Chromium finds free.
CHART_TABS = 2


class ChartExportError(RuntimeError):
    """Chromium or kaleido failed; the message is meant for the person who asked for the report."""


#: Switches choreographer passes to Chromium that lower its isolation; the chart browser needs none of them.
WEAKENING_SWITCHES = frozenset(
    {"--disable-web-security", "--allow-file-access-from-files", "--enable-unsafe-swiftshader"}
)
#: Every host name and every address fails to resolve: the browser has no network.
NO_NETWORK = "--host-resolver-rules=MAP * ~NOTFOUND"


class IsolatedChromium(Chromium):
    """Chromium as choreographer launches it, less the switches that weaken isolation, and with no network."""

    def get_cli(self) -> list[str]:
        return [switch for switch in super().get_cli() if switch not in WEAKENING_SWITCHES] + [NO_NETWORK]


def _page_files(index: Path, page: str) -> frozenset[Path]:
    """The page and every script it names: all the files the chart browser may read."""
    files = {index.resolve()}
    for source in re.findall(r'<script src="([^"]+)"', page):
        path = Path(url2pathname(urlsplit(source).path)) if source.startswith("file:") else Path(source)
        files.add(path.resolve())
    return frozenset(files)


def _requested_file(url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    return Path(url2pathname(unquote(parts.path))).resolve()


class _ChartBrowser:
    """A kaleido browser running on an event loop in a thread of its own, called from any thread."""

    def __init__(self) -> None:
        import kaleido

        class Browser(kaleido.Kaleido):  # type: ignore[misc]  # kaleido ships no types
            renders = 0

            async def _return_kaleido_tab(self, tab: Any) -> None:
                # kaleido's version reloads the page on every return; see the module docstring.
                self.renders += 1
                if self.renders % RELOAD_EVERY == 0:
                    await tab.reload()
                await self.tabs_ready.put(tab)

        # The page is written here rather than by kaleido, so that the files it loads are known and nothing else
        # is let through (see `_refuse_all_but`).
        page = kaleido.PageGenerator(plotly=str(plotly_js_path()), mathjax=False).generate_index()
        self.folder = Path(tempfile.mkdtemp(prefix="chart-export-"))
        index = self.folder / "index.html"
        index.write_text(page, encoding="utf-8")
        allowed = _page_files(index, page)

        async def open_browser(sandbox: bool) -> Any:
            browser = Browser(
                n=CHART_TABS,
                page_generator=str(index),
                timeout=FIGURE_TIMEOUT,
                browser_cls=IsolatedChromium,
                enable_sandbox=sandbox,
            )
            try:
                await browser.open()
                for tab in list(browser.tabs.values()):
                    await _refuse_all_but(tab, allowed)
            except BaseException:
                with contextlib.suppress(Exception):
                    await browser.close()
                raise
            return browser

        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="chart-export", daemon=True).start()
        try:
            sandbox = hasattr(os, "geteuid") and os.geteuid() != 0  # Chromium refuses a sandbox to root
            try:
                self.kaleido = self.run(open_browser(sandbox), START_TIMEOUT)
            except Exception as exc:
                if not sandbox:
                    raise
                logger.warning(
                    "Chromium could not start with its sandbox (%s); the chart browser runs without it.",
                    _describe(exc),
                )
                self.kaleido = self.run(open_browser(False), START_TIMEOUT)
        except BaseException:
            self.loop.call_soon_threadsafe(self.loop.stop)
            shutil.rmtree(self.folder, ignore_errors=True)
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
            shutil.rmtree(self.folder, ignore_errors=True)


async def _refuse_all_but(tab: Any, allowed: frozenset[Path]) -> None:
    """Pause every request of ``tab`` and let through only the files in ``allowed``; refuse the rest.

    A refused request is logged: with the figures' text made plain, one means that something tried to reach
    out through a chart (an address or a file in a label that was not escaped).
    """

    async def decide(event: dict[str, Any]) -> None:
        params = event.get("params") or {}
        url = str((params.get("request") or {}).get("url", ""))
        if _requested_file(url) in allowed:
            await tab.send_command("Fetch.continueRequest", params={"requestId": params["requestId"]})
            return
        logger.warning("The chart browser refused a request for %s", url[:200])
        await tab.send_command(
            "Fetch.failRequest", params={"requestId": params["requestId"], "errorReason": "BlockedByClient"}
        )

    tab.subscribe("Fetch.requestPaused", decide, repeating=True)
    response = await tab.send_command("Fetch.enable", params={"patterns": [{"urlPattern": "*"}]})
    if "error" in response:
        raise RuntimeError(f"Request interception could not be turned on: {response['error']}")


_lock = threading.Lock()
_browser: _ChartBrowser | None = None


#: The page's plotly.js (`make static` builds it with only the trace types our figures use), so that the PDF's
#: charts are drawn by the very code that draws them on screen, and Chromium parses a quarter of the full bundle.
PAGE_PLOTLY_JS = Path(__file__).resolve().parent / "static" / "vendor" / "plotly.min.js"


def plotly_js_path() -> Path:
    """The page's plotly.js, or the plotly package's full one (the same version) where it has not been built."""
    if PAGE_PLOTLY_JS.is_file():
        return PAGE_PLOTLY_JS
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


def figure_to_svg(
    figure: go.Figure | dict[str, Any], *, width: int = 900, height: float | None = None
) -> str:
    """The figure drawn as SVG: from the drawing cache when this very figure was drawn lately, else by Chromium."""
    if height is None:
        height = (
            (figure.get("layout") or {}).get("height") if isinstance(figure, dict) else figure.layout.height
        )
    key = drawing_key(figure, width, height or 500) if render_cache.enabled() else None
    if key is not None:
        cached = _cached_svg(key)
        if cached is not None:
            return cached
    svg = _draw(figure, width, height or 500)
    if key is not None:
        _keep_svg(key, svg)
    return svg


def _draw(figure: go.Figure | dict[str, Any], width: int, height: float) -> str:
    options = {"format": "svg", "width": width, "height": height}
    browser = _get_browser()
    try:
        data = browser.run(browser.kaleido.calc_fig(figure, opts=options), FIGURE_TIMEOUT + 15)
    except Exception as exc:  # kaleido raises several unrelated types; all mean the chart could not be drawn
        close_browser()  # it may be Chromium itself that failed: the next figure gets a fresh one
        raise ChartExportError(f"The chart could not be drawn: {_describe(exc)}") from exc
    return data.decode("utf-8") if isinstance(data, bytes) else str(data)


# The drawing cache (policies.render_cache). A figure's SVG depends on nothing but the figure, its size and the
# plotly.js that draws it, so the key is a hash of those: an exercise whose state has not changed gives the same
# figures and finds their drawings; a changed score changes only the figures that show it, and only those are
# drawn again.

#: Bump when the same figure would now be drawn differently (kaleido's options, the page's plotly.js set-up).
CACHE_FORMAT = 1


@functools.cache
def _plotly_js_identity() -> str:
    path = plotly_js_path()
    stat = path.stat()
    return f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}:{getattr(plotly, '__version__', '')}"


def drawing_key(figure: go.Figure | dict[str, Any], width: int, height: float) -> str:
    """What a drawing is kept under: a hash of the figure, its size and the plotly.js that draws it."""
    data = figure.to_plotly_json() if isinstance(figure, go.Figure) else figure
    text = json.dumps(
        [CACHE_FORMAT, _plotly_js_identity(), width, height, data],
        cls=plotly.utils.PlotlyJSONEncoder,
        sort_keys=True,
        separators=(",", ":"),
    )
    return render_cache.key(text)


def _cached_svg(key: str) -> str | None:
    data = render_cache.get(key, ".svg")
    return None if data is None else data.decode("utf-8")


def _keep_svg(key: str, svg: str) -> None:
    render_cache.put(key, ".svg", svg.encode("utf-8"))


def clear_chart_cache() -> None:
    """Remove every cached drawing and report (benchmarks measure drawing from nothing with it)."""
    render_cache.clear()
