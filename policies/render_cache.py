"""Files that are a pure function of their inputs, kept by a hash of those inputs: chart drawings and reports.

A chart's SVG depends only on its figure (`policies.chart_export`); a report's PDF only on its HTML and the
drawings it embeds (`policies.reporting.pdf`). Both are costly to make and often asked for again unchanged (a
facilitator rebuilding a report after a small change, several people asking for the same one), so each is kept
under a key hashed from everything it was made from: a changed input is a different key, never a stale file.

Files live in one folder of DATA_DIR (CHART_CACHE_DIR), which the workers of a deployment share as they share the
report files. A file is written whole (a temporary file renamed into place), so a reader sees all of it or
nothing. They may carry participants' names and reasons, so they expire after CHART_CACHE_SECONDS, counted from
when they were made (reading one does not extend it), and at most CHART_CACHE_MAX_FILES are kept. A cache that
cannot be read or written only costs the work it would have saved: failures are logged, never raised.
"""

import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return settings.CHART_CACHE_DIR is not None


def key(*parts: str | bytes) -> str:
    """A hash of the inputs, each part length-prefixed so that no two different lists of parts collide."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(f"{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def _path(name: str, suffix: str) -> Path:
    folder = settings.CHART_CACHE_DIR
    assert folder is not None  # asked only when the cache is on
    return Path(folder) / f"{name}{suffix}"


def get(name: str, suffix: str) -> bytes | None:
    """The kept file, or None when there is none, it has expired or the cache is off."""
    if not enabled():
        return None
    path = _path(name, suffix)
    try:
        if time.time() - path.stat().st_mtime > settings.CHART_CACHE_SECONDS:
            return None
        return path.read_bytes()
    except OSError:  # not made yet, or expired and removed by another worker meanwhile
        return None


def put(name: str, suffix: str, data: bytes) -> None:
    if not enabled():
        return
    path = _path(name, suffix)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=".part-", suffix=".tmp", delete=False
        ) as handle:
            handle.write(data)
        os.replace(handle.name, path)
        _prune(path.parent)
    except OSError as exc:
        logger.warning("A rendering could not be cached: %s", exc)


def _prune(folder: Path) -> None:
    """Remove expired files (and temporary files left by a crash), then the oldest beyond the limit."""
    now, kept = time.time(), []
    with os.scandir(folder) as found:
        for entry in found:
            with contextlib.suppress(OSError):
                modified = entry.stat().st_mtime
                if now - modified > settings.CHART_CACHE_SECONDS or (
                    entry.name.endswith(".tmp") and now - modified > 3600
                ):
                    os.unlink(entry.path)
                elif not entry.name.endswith(".tmp"):
                    kept.append((modified, entry.path))
    for _modified, path in sorted(kept)[: max(0, len(kept) - settings.CHART_CACHE_MAX_FILES)]:
        with contextlib.suppress(OSError):
            os.unlink(path)


def clear() -> None:
    """Remove every kept file."""
    folder = settings.CHART_CACHE_DIR
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
