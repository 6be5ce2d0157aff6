"""Parsing in a child process with memory and CPU limits (ingest.worker), real parsers."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from core.errors import EmptyDocumentError, IngestError, LimitError, UnsupportedFileError
from core.limits import ParseLimits
from ingest.limits import MB
from ingest.loader import load_document
from ingest.worker import ParseWorker
from tests.bombs import docx_paragraph_bomb, pdf_bomb
from tests.conftest import SAMPLE

pytestmark = pytest.mark.integration

KENT = SAMPLE / "ilacs" / "kent" / "children's services inspection - 05 july 2022.pdf"


# -- targets run in the child (module level: the parse server imports them by name) ------


def hog_memory(path: Path, source: str, limits: ParseLimits):
    held = []
    while True:
        held.append(bytearray(16 * MB))


def spin(path: Path, source: str, limits: ParseLimits):
    while True:
        pass


def crash(path: Path, source: str, limits: ParseLimits):
    os.kill(os.getpid(), signal.SIGSEGV)


def sleep(path: Path, source: str, limits: ParseLimits):
    time.sleep(600)


def tell_niceness(path: Path, source: str, limits: ParseLimits):
    raise IngestError(f"nice {os.nice(0)}")


@pytest.fixture
def worker():
    made: list[ParseWorker] = []

    def make(limits: ParseLimits | None = None, **kwargs) -> ParseWorker:
        made.append(ParseWorker(limits or ParseLimits(), **kwargs))
        return made[-1]

    yield make
    for w in made:
        w.close()


def test_the_worker_reads_a_report_as_load_document_does(worker):
    assert worker()(KENT, "kent.pdf") == load_document(KENT, "kent.pdf")


def test_errors_come_back_with_their_class_and_message(worker, tmp_path):
    parse = worker()
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "page.pdf").write_text("<!doctype html><html><body>Not found</body></html>")
    with pytest.raises(EmptyDocumentError, match=r"^empty file \(0 bytes\)$"):
        parse(tmp_path / "empty.txt", "empty.txt")
    with pytest.raises(UnsupportedFileError, match="^not a PDF: the content is an HTML page"):
        parse(tmp_path / "page.pdf", "page.pdf")


def test_a_bomb_is_refused_and_the_next_file_is_read(worker, tmp_path):
    parse = worker(ParseLimits(max_uncompressed_mb=64))
    bomb = pdf_bomb(tmp_path / "bomb.pdf", 65 * MB)
    with pytest.raises(LimitError, match="^PDF content decompresses to more than 64 MB; refused"):
        parse(bomb, "bomb.pdf")
    assert "Kent" in parse(KENT, "kent.pdf").text


def test_a_child_over_its_memory_limit_is_stopped_and_says_so(worker):
    parse = worker(ParseLimits(memory_mb=128), target=hog_memory)
    with pytest.raises(LimitError) as caught:
        parse(KENT, "kent.pdf")
    assert str(caught.value) == (
        "parsing needed more than its memory limit of 128 MB and was stopped;"
        " refused (limit: ingest.parse_memory_mb)"
    )


def test_the_real_word_parser_is_stopped_at_the_memory_limit(worker, tmp_path):
    # 3 million empty paragraphs pass a raised element limit; python-docx needs ~750 MB
    bomb = docx_paragraph_bomb(tmp_path / "paragraphs.docx", 3_000_000)
    parse = worker(ParseLimits(max_docx_elements=10**9, memory_mb=128))
    with pytest.raises(LimitError, match="memory limit of 128 MB"):
        parse(bomb, "paragraphs.docx")
    assert "Kent" in parse(KENT, "kent.pdf").text  # the next file is read


def test_a_child_over_its_cpu_limit_is_stopped_and_says_so(worker):
    with pytest.raises(LimitError) as caught:
        worker(ParseLimits(cpu_seconds=1), target=spin)(KENT, "kent.pdf")
    assert str(caught.value) == (
        "parsing took more than 1 s of CPU and was stopped; refused"
        " (limit: ingest.parse_cpu_seconds)"
    )


def test_a_crashed_parser_is_reported_with_its_signal(worker):
    with pytest.raises(LimitError, match=r"^the parser crashed \(SIGSEGV\)"):
        worker(target=crash)(KENT, "kent.pdf")


def test_a_parse_past_its_wall_time_is_stopped_and_the_worker_starts_again(worker):
    parse = worker(target=sleep, wall_seconds=1)
    with pytest.raises(LimitError, match="^parsing took more than 1 s and was stopped"):
        parse(KENT, "kent.pdf")
    server = parse._server
    assert server is None  # the server and its child were killed
    parse.target = worker().target
    assert "Kent" in parse(KENT, "kent.pdf").text


def test_the_server_killed_from_outside_is_replaced(worker):
    parse = worker()
    parse(KENT, "kent.pdf")
    assert parse._server is not None
    os.killpg(parse._server.pid, signal.SIGKILL)
    parse._server.wait()
    assert "Kent" in parse(KENT, "kent.pdf").text


def test_files_are_read_at_a_lower_cpu_priority(worker):
    with pytest.raises(IngestError) as caught:
        worker(target=tell_niceness)(KENT, "kent.pdf")
    assert str(caught.value) == f"nice {min(19, os.nice(0) + 10)}"


def test_a_caller_with_over_1024_open_files_is_served(worker):
    """A long-running window holds many descriptors: the worker's pipes get numbers past
    what select() can watch (the full test run hit this)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"the hard limit of open files is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    held = []
    try:
        while not held or held[-1] < 1100:
            held.append(os.open(os.devnull, os.O_RDONLY))
        assert "Kent" in worker()(KENT, "kent.pdf").text
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
