"""A laid-out document's PDF written by two processes at once, half of the pages each.

In a full report, WeasyPrint's layout and its painting of the laid-out pages into PDF each take about half of
the build, one after the other, on one core. The layout cannot be shared out (each page depends on the one
before it), but once it is done every page paints on its own. So `write_pages` forks: the child writes the
second half of the pages as a PDF of its own while the parent writes the first half, and qpdf (through pikepdf)
joins the two in well under a tenth of a second. On two cores the writing takes about half as long
(`benchmarks/README.md`).

Written apart, each half would drop its links into the other (WeasyPrint removes a link whose anchor is not in
the file) and would hold only its own bookmarks. So each half is written with the other half's anchors added
to its first page, which keeps every link and its named destination; the joined file takes each destination
from the half that really holds the anchor; and the outline is rebuilt from the whole document's bookmarks. The
joined PDF has the same pages, text, links, destinations, outline and metadata as one process's PDF (checked by
the tests). It is larger, as each half embeds its own subset of the fonts. It must not be a tagged PDF (the
report is not one): the structure tree would not survive the join.

The fork is safe where the parent runs other threads (the report's Chromium) because the child needs none of
them. The caller makes sure every resource the pages fetch while painting is ready (`policies.reporting.pdf`
waits for every figure's drawing first), the child only paints in memory and writes its file, and it leaves
with ``os._exit``: no exit handler (one closes the shared Chromium) and no database connection of the parent
is touched. If anything goes wrong in the child (an error, a crash, the time limit), the parent writes that half
itself, so a report is never lost to the split, only slower.
"""

import contextlib
import io
import logging
import os
import signal
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable
from copy import copy
from typing import IO, Any, NoReturn

logger = logging.getLogger(__name__)

#: Fewer pages than this (the brief's five, say) are written in one process: half of their painting is worth
#: little beside the fork and the join (about 0.1 s together).
MIN_PAGES = 12
#: How long the parent waits for the child, beyond the time its own half took, before writing that half itself.
CHILD_GRACE_SECONDS = 20.0
#: PDF points per CSS pixel: what WeasyPrint scales the bookmarks' positions by (at zoom 1).
PDF_SCALE = 0.75


def write_pages(document: Any, check: Callable[[], None] = lambda: None) -> bytes:
    """The PDF of a laid-out WeasyPrint document, its two halves written at once where the platform can fork.

    ``check`` is called after a half is written; it raises if that writing went wrong unseen (WeasyPrint
    swallows a failed image fetch). In the child it sends the half back to the parent, which writes it again
    and so raises there.
    """
    pages = document.pages
    if len(pages) < MIN_PAGES or not hasattr(os, "fork"):
        pdf = bytes(document.write_pdf())
        check()
        return pdf
    middle = len(pages) // 2
    first, second = pages[:middle], pages[middle:]
    first_anchors = _anchors(first)
    # WeasyPrint keeps the first anchor of a name: one the first half also holds stays the first half's.
    second_anchors = {name: at for name, at in _anchors(second).items() if name not in first_anchors}
    with tempfile.TemporaryFile() as handed_back:
        pid = _fork()
        if pid == 0:
            _write_in_child(document, second, first_anchors, check, handed_back)
        started, tail = time.monotonic(), None
        try:
            head = _write(document, first, second_anchors)
            check()
            if pid is not None:
                deadline = time.monotonic() + 2 * (time.monotonic() - started) + CHILD_GRACE_SECONDS
                tail = _collect(pid, handed_back, deadline)
                pid = None  # reaped
        except BaseException:  # a failed check, or the job stopped (a time limit) while the child runs
            if pid is not None:
                _stop(pid)
            raise
        if tail is None:
            tail = _write(document, second, first_anchors)
            check()
    return _join(document, head, tail, second_anchors)


def _anchors(pages: Iterable[Any]) -> dict[str, Any]:
    """Each anchor name of these pages with its position, the first of a name winning (as in WeasyPrint)."""
    found: dict[str, Any] = {}
    for page in pages:
        for name, at in page.anchors.items():
            found.setdefault(name, at)
    return found


def _write(document: Any, pages: list[Any], others: dict[str, Any]) -> bytes:
    """These pages as a PDF of their own, with `others` (the other half's anchors) on the first page, so that
    links to them are kept. The pages are copied: the document's own stay as they were laid out."""
    pages = [copy(page) for page in pages]
    pages[0].anchors = {**others, **pages[0].anchors}
    return bytes(document.copy(pages).write_pdf())


def _fork() -> int | None:
    """The child's pid in the parent, 0 in the child, or None where no process can be started."""
    with warnings.catch_warnings():
        # Python warns of any fork in a process with threads; why this one is safe is in the module docstring.
        warnings.filterwarnings(
            "ignore", message=r".*use of fork\(\) may lead to deadlocks", category=DeprecationWarning
        )
        try:
            return os.fork()
        except OSError as error:
            logger.warning("The report's pages are written in one process: no second one (%s).", error)
            return None


def _write_in_child(
    document: Any, pages: list[Any], others: dict[str, Any], check: Callable[[], None], out: IO[bytes]
) -> NoReturn:
    """The child's whole life: write its half into `out` and leave without any of the parent's clean-up."""
    status = 1
    try:
        # A stop meant for the worker (Celery's handlers) must not run the worker's shutdown in the child.
        for stop in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
            signal.signal(stop, signal.SIG_DFL)
        out.write(_write(document, pages, others))
        check()
        out.flush()
        status = 0
    finally:
        os._exit(status)


def _collect(pid: int, handed_back: IO[bytes], deadline: float) -> bytes | None:
    """The child's half once it has exited well, or None (after stopping it if it outlived `deadline`).

    Where the process ignores SIGCHLD, the kernel reaps the child itself and its exit status is lost; its half
    is then taken only if the file is whole (a PDF ends with its end-of-file marker)."""
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # reaped already: no status to read
            done, status = pid, -1
        if done:
            break
        if time.monotonic() > deadline:
            _stop(pid)
            logger.warning("The second half of the report's pages took too long in its own process.")
            return None
        time.sleep(0.005)
    code = os.waitstatus_to_exitcode(status) if status >= 0 else 0
    handed_back.seek(0)
    half = handed_back.read()
    if code != 0 or not half.rstrip().endswith(b"%%EOF"):
        logger.warning("The second half of the report's pages failed in its own process (%s).", code)
        return None
    return half


def _stop(pid: int) -> None:
    """End the child now, and reap it so that no zombie is left behind."""
    with contextlib.suppress(ProcessLookupError):  # it had already exited
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):  # reaped by the kernel (SIGCHLD ignored)
        os.waitpid(pid, 0)


def _join(document: Any, head: bytes, tail: bytes, second_anchors: dict[str, Any]) -> bytes:
    """One PDF of the two halves: the first half's file (its metadata), then the second's pages, with each
    destination taken from the half that holds it and the outline of the whole document."""
    import pikepdf

    with pikepdf.open(io.BytesIO(head)) as pdf, pikepdf.open(io.BytesIO(tail)) as rest:
        with warnings.catch_warnings():
            # pikepdf warns that extending the pages leaves the destinations behind: they are carried below.
            warnings.filterwarnings("ignore", message="Copying pages from another Pdf")
            pdf.pages.extend(rest.pages)
        if second_anchors:
            ours = pikepdf.NameTree(pdf.Root.Names.Dests)
            theirs = pikepdf.NameTree(rest.Root.Names.Dests)
            for name in second_anchors:
                page, *where = theirs[name]
                # The page was copied over with the rest: copying it again finds that copy.
                ours[name] = pikepdf.Array([pdf.copy_foreign(page), *where])
        with pdf.open_outline() as outline:
            outline.root.clear()
            outline.root.extend(_outline(document.make_bookmark_tree(PDF_SCALE, transform_pages=True)))
        joined = io.BytesIO()
        # Object streams pack the many small objects (links, names, the halves' resources) compressed: the
        # joined file is then about 6 % larger than one process's instead of 20 %.
        pdf.save(joined, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return joined.getvalue()


def _outline(bookmarks: list[Any]) -> list[Any]:
    """pikepdf's outline items for WeasyPrint's bookmark tree ((label, (page, x, y), children, state)...)."""
    import pikepdf

    items = []
    for label, (page, x, y), children, state in bookmarks:
        item = pikepdf.OutlineItem(label, page, "XYZ", left=x, top=y)
        item.children.extend(_outline(children))
        item.is_closed = state == "closed"
        items.append(item)
    return items
