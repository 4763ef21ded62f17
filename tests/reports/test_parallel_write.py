"""A document's PDF written in two processes is the PDF one process writes: the same pages, text, links,
destinations, outline and metadata; and whatever goes wrong in the second process, the PDF is still whole."""

import io
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from policies.reporting import parallel_write
from policies.reporting.parallel_write import MIN_PAGES, write_pages
from tests.reports.building import Seeded
from tests.reports.test_pdf import on_seeded_report

PAGES = 2 * MIN_PAGES + 4


def document(pages: int = PAGES) -> Any:
    """A laid-out document of `pages` pages with chapters and sections (nested bookmarks, one closed), links
    from the first page to the last ones and back, a name held twice, and a link out."""
    chapters = []
    for n in range(1, pages):
        closed = ' style="bookmark-state: closed"' if n == 3 else ""
        chapters.append(
            f'<section style="break-before: page"><h1 id="chapter-{n}"{closed}>Chapter {n}</h1>'
            f'<h2 id="section-{n}">Section {n}.1</h2><p>Text of chapter {n}. '
            f'<a href="#chapter-{pages - n}">To chapter {pages - n}</a> '
            f'<a href="#contents">Back to the contents</a></p>'
            + ('<p id="twice">The second holder of a name.</p>' if n == pages - 2 else "")
            + "</section>"
        )
    contents = "".join(f'<li><a href="#chapter-{n}">Chapter {n}</a></li>' for n in range(1, pages))
    html = (
        '<html lang="fr"><head><title>Two writers</title><meta name="author" content="Tests"></head><body>'
        f'<nav id="contents"><p id="twice">The first holder.</p><ol>{contents}</ol>'
        '<a href="https://example.org/source">A source</a></nav>' + "".join(chapters) + "</body></html>"
    )
    laid_out = HTML(string=html).render()
    assert len(laid_out.pages) == pages
    return laid_out


def facts(pdf: bytes) -> dict[str, Any]:
    """What a reader can tell of a PDF: each page's text, every link, where each name and bookmark leads."""
    reader = PdfReader(io.BytesIO(pdf))

    def place(destination: Any) -> tuple[int, float, float]:
        return (
            reader.get_destination_page_number(destination),
            round(destination.left),
            round(destination.top),
        )

    def outline(items: list[Any]) -> list[Any]:
        return [
            outline(item) if isinstance(item, list) else (item.title, *place(item), item.get("/Count", 0) < 0)
            for item in items
        ]

    def links(page: Any) -> list[tuple[str, str]]:
        found = []
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            target = annotation.get("/Dest") or annotation["/A"]["/URI"]
            found.append((str(target), str([round(v) for v in annotation["/Rect"]])))
        return found

    return {
        "text": [page.extract_text() for page in reader.pages],
        "links": [links(page) for page in reader.pages],
        "names": {name: place(destination) for name, destination in reader.named_destinations.items()},
        "outline": outline(reader.outline),
        "metadata": (reader.metadata.title, reader.metadata.author, str(reader.trailer["/Root"]["/Lang"])),
    }


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the second processes started (0 is never recorded: the child does not come back)."""
    started: list[int] = []
    fork = parallel_write._fork

    def counted() -> int | None:
        pid = fork()
        if pid:
            started.append(pid)
        return pid

    monkeypatch.setattr(parallel_write, "_fork", counted)
    return started


def in_child(action: Callable[[], None]) -> Callable[..., bytes]:
    """`_write`, but running `action` first when called in the second process."""
    parent, write = os.getpid(), parallel_write._write

    def wrapped(*args: Any) -> bytes:
        if os.getpid() != parent:
            action()
        return write(*args)

    return wrapped


def gone(pid: int) -> bool:
    """Whether the process has ended and been reaped (no zombie left)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.fixture(scope="module")
def laid_out() -> Any:
    return document()


@pytest.fixture(scope="module")
def alone(laid_out: Any) -> dict[str, Any]:
    return facts(laid_out.write_pdf())


def test_two_processes_write_the_pdf_one_process_writes(
    laid_out: Any, alone: dict[str, Any], forks: list[int]
) -> None:
    pdf = write_pages(laid_out)
    assert len(forks) == 1 and gone(forks[0])
    assert facts(pdf) == alone
    # What the comparison covers: links across the halves both ways, both halves' names, nested bookmarks.
    assert alone["names"]["chapter-1"][0] == 1
    assert alone["names"][f"chapter-{PAGES - 1}"][0] == PAGES - 1  # in the second half
    assert alone["names"]["twice"][0] == 0  # the first holder of a name is where it leads
    assert f"chapter-{PAGES - 1}" in [target for target, _ in alone["links"][0]]
    assert "contents" in [target for target, _ in alone["links"][PAGES - 1]]
    assert any("example.org" in target for target, _ in alone["links"][0])
    chapter, sections = alone["outline"][0], alone["outline"][1]
    assert chapter[:2] == ("Chapter 1", 1) and sections[0][:2] == ("Section 1.1", 1)
    assert len([item for item in alone["outline"] if not isinstance(item, list)]) == PAGES - 1
    closed = [item[0] for item in alone["outline"] if not isinstance(item, list) and item[-1]]
    assert closed == ["Chapter 3"]
    assert alone["metadata"] == ("Two writers", "Tests", "fr")


def test_where_children_are_reaped_unasked_the_second_half_is_still_taken(
    laid_out: Any, alone: dict[str, Any], forks: list[int], monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    """A process that ignores SIGCHLD gets no exit status from its children: the half is taken when whole."""
    written: list[int] = []
    write = parallel_write._write
    monkeypatch.setattr(parallel_write, "_write", lambda *args: written.append(os.getpid()) or write(*args))
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        with caplog.at_level(logging.WARNING, logger=parallel_write.__name__):
            pdf = write_pages(laid_out)
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert facts(pdf) == alone
    assert len(forks) == 1 and gone(forks[0])
    assert written == [os.getpid()] and caplog.text == ""  # the parent wrote only its own half


def test_a_short_document_is_written_in_one_process(forks: list[int]) -> None:
    short = document(MIN_PAGES - 1)
    assert facts(write_pages(short)) == facts(short.write_pdf())
    assert forks == []


def test_a_failing_second_process_leaves_its_half_to_the_first(
    laid_out: Any, alone: dict[str, Any], forks: list[int], monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def fail() -> None:
        raise RuntimeError("the second process breaks")

    monkeypatch.setattr(parallel_write, "_write", in_child(fail))
    with caplog.at_level(logging.WARNING, logger=parallel_write.__name__):
        pdf = write_pages(laid_out)
    assert facts(pdf) == alone
    assert len(forks) == 1 and gone(forks[0])
    assert "failed in its own process (1)" in caplog.text


def test_a_second_process_that_hangs_is_stopped_and_its_half_written_by_the_first(
    laid_out: Any, alone: dict[str, Any], forks: list[int], monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    monkeypatch.setattr(parallel_write, "_write", in_child(lambda: time.sleep(60)))  # bounded, as below
    monkeypatch.setattr(parallel_write, "CHILD_GRACE_SECONDS", 0.5)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger=parallel_write.__name__):
        pdf = write_pages(laid_out)
    assert time.monotonic() - started < 60
    assert facts(pdf) == alone
    assert len(forks) == 1 and gone(forks[0])
    assert "took too long" in caplog.text


def test_a_job_stopped_while_the_second_process_works_stops_that_process_too(
    laid_out: Any, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when a job's time limit interrupts the worker (the limit arrives as a signal, raising in it)."""

    class TimeLimit(Exception):
        pass

    def interrupt(signum: int, frame: Any) -> None:
        raise TimeLimit

    # Long enough to be stopped well before it ends; bounded, so that a failing test leaves nothing behind.
    monkeypatch.setattr(parallel_write, "_write", in_child(lambda: threading.Event().wait(60)))
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)  # a timer is not inherited: only the parent is interrupted
    try:
        with pytest.raises(TimeLimit):
            write_pages(laid_out)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert len(forks) == 1 and gone(forks[0])


def test_without_a_second_process_one_writes_it_all(
    laid_out: Any, alone: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    def refused() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    with caplog.at_level(logging.WARNING, logger=parallel_write.__name__):
        assert facts(write_pages(laid_out)) == alone
    assert "Resource temporarily unavailable" in caplog.text


def test_a_failed_check_fails_the_write_and_leaves_no_process_behind(laid_out: Any, forks: list[int]) -> None:
    class Unseen(Exception):
        pass

    def check() -> None:
        raise Unseen

    with pytest.raises(Unseen):
        write_pages(laid_out, check)
    assert len(forks) == 1 and gone(forks[0])


@on_seeded_report
def test_every_link_of_the_seeded_report_leads_to_its_page(seeded: Seeded) -> None:
    """The full report is written in two processes: its contents' links into the second half still lead there."""
    reader = seeded.en.reader
    assert len(reader.pages) >= MIN_PAGES
    names = {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()}
    targets = [
        str(annotation.get_object()["/Dest"])
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if "/Dest" in annotation.get_object()
    ]
    assert targets and all(target in names for target in targets)
    # Links from the contents reach the last pages too: to the other half of the written pages.
    assert max(names[target] for target in targets) >= len(reader.pages) // 2
