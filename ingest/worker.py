"""Parse each file in a child process with memory and CPU limits.

A file that passes the cheap checks of :mod:`ingest.limits` can still make a parser
use unbounded memory or time (an encrypted PDF's streams, an LZW filter, a parser's
own worst case). So :class:`ParseWorker` reads every file in a fresh child process
limited by ``RLIMIT_AS`` (its size at start plus ``memory_mb``) and ``RLIMIT_CPU``
(``cpu_seconds``): a bomb costs the child, which the kernel stops, never the caller,
and the file gets a one-line reason naming the limit it reached.

The children are forked by a parse server, a small process (``python -c`` running
:func:`serve`) started on first use with the parsers already imported, so that a
child starts in milliseconds, and at a lower CPU priority (nice +10): in the chat
window, questions come first. The server is started with its file descriptors
closed (it never holds the library's writer lock) and in its own session, so a
parse that overruns its time is stopped by killing the server's process group;
it ends when its caller does (its request pipe closes).
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import resource
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from core.documents import ParsedDocument
from core.errors import AssistantError, IngestError, LimitError
from core.limits import ParseLimits
from ingest.limits import MB

logger = logging.getLogger(__name__)

Target = Callable[[Path, str, ParseLimits], ParsedDocument]

# imported once by the parse server, so that each child starts with them loaded
PRELOAD = (
    "ingest.loader",
    "ingest.parsers",
    "ingest.parse_pdf",
    "ingest.parse_docx",
    "ingest.parse_html",
    "ingest.metadata",
    "pypdfium2",
    "pypdf",
    "docx",
)
_WALL_FACTOR = 4  # a parse may take this many times its CPU limit by the clock
_WALL_MIN_SECONDS = 60
_NICENESS = 10
_START_SECONDS = 300  # for the parse server to import the parsers (a loaded machine)


def parse_limited(path: Path, source: str, limits: ParseLimits) -> ParsedDocument:
    """The default work of a child: :func:`ingest.loader.load_document` within ``limits``."""
    from ingest.loader import load_document

    return load_document(path, source, limits=limits)


class ParseWorker:
    """A loader ``(path, source) -> ParsedDocument`` that parses in a limited child process.

    Safe to call from several threads (their files are parsed one at a time).
    """

    def __init__(
        self,
        limits: ParseLimits,
        *,
        target: Target = parse_limited,
        wall_seconds: float | None = None,
    ) -> None:
        """Parse with ``target`` (a module-level function: the server imports it by name).

        ``wall_seconds`` is how long one parse may take by the clock (CPU is shared, so
        by default four times the CPU limit, at least a minute).
        """
        self.limits = limits
        self.target = target
        self.wall_seconds = wall_seconds or max(
            _WALL_MIN_SECONDS, _WALL_FACTOR * limits.cpu_seconds
        )
        self._lock = threading.Lock()
        self._server: subprocess.Popen[bytes] | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None

    def __call__(self, path: Path, source: str) -> ParsedDocument:
        """Parse one file in a fresh child; its errors are raised here as they were there.

        Raises:
            LimitError: The child reached its memory, CPU or time limit and was stopped.
            IngestError: The file could not be read (as :func:`ingest.loader.load_document`).
        """
        request = pickle.dumps((self.target, Path(path), source, self.limits))
        with self._lock:
            status, value = self._exchange(request)
        if status == "ok":
            return value
        if status == "error":
            raise value
        if status == "memory":
            raise LimitError(
                f"parsing needed more than its memory limit of {self.limits.memory_mb} MB"
                " and was stopped; refused (limit: ingest.parse_memory_mb)"
            )
        if status == "limit":
            raise LimitError(value)
        raise IngestError(f"unexpected error while parsing: {value}")

    def close(self) -> None:
        """Stop the parse server (a new one starts on the next call)."""
        with self._lock:
            self._stop()

    def _exchange(self, request: bytes) -> tuple[str, Any]:
        try:
            requests, replies = self._running()
            requests.send_bytes(request)
            if not replies.poll(self.wall_seconds):
                self._stop()
                return "limit", (
                    f"parsing took more than {self.wall_seconds:.0f} s and was stopped;"
                    " refused (limit: ingest.parse_cpu_seconds)"
                )
            exitcode, data = pickle.loads(replies.recv_bytes())
        except (EOFError, OSError) as exc:  # the server itself died (killed from outside?)
            self._stop()
            return "unexpected", f"the parsing process ended ({type(exc).__name__})"
        if data:
            try:
                return pickle.loads(data)
            except Exception:  # noqa: BLE001 - cut short by a signal: say which below
                pass
        return self._death(exitcode)

    def _death(self, exitcode: int) -> tuple[str, Any]:
        """Why a child ended without an answer, from its exit code."""
        if exitcode >= 0:
            return "unexpected", f"the parsing process ended without an answer ({exitcode})"
        signum = -exitcode
        if signum == signal.SIGXCPU:
            return "limit", (
                f"parsing took more than {self.limits.cpu_seconds} s of CPU and was stopped;"
                " refused (limit: ingest.parse_cpu_seconds)"
            )
        name = signal.Signals(signum).name if signum in signal.valid_signals() else str(signum)
        if signum == signal.SIGKILL:
            return "limit", f"the parsing process was killed ({name}: out of memory?); refused"
        logger.info("parse child ended by signal %s", name)
        return "limit", (
            f"the parser crashed ({name}), most likely at its memory limit of"
            f" {self.limits.memory_mb} MB; refused (limit: ingest.parse_memory_mb)"
        )

    def _running(self) -> tuple[Connection, Connection]:
        if self._server is not None and self._server.poll() is None:
            assert self._requests is not None and self._replies is not None
            return self._requests, self._replies
        self._stop()
        request_r, request_w = os.pipe()
        reply_r, reply_w = os.pipe()
        code = (
            f"import sys; sys.path[:] = {sys.path!r}; from ingest.worker import serve;"
            f" serve({request_r}, {reply_w}, {logging.getLogger().getEffectiveLevel()})"
        )
        try:
            self._server = subprocess.Popen(
                [sys.executable, "-c", code],
                pass_fds=(request_r, reply_w),
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            os.close(request_r)
            os.close(reply_w)
        self._requests = Connection(request_w, readable=False)
        self._replies = Connection(reply_r, writable=False)
        if not self._replies.poll(_START_SECONDS) or self._replies.recv_bytes() != b"ready":
            self._stop()
            raise IngestError("the parsing process did not start")
        return self._requests, self._replies

    def _stop(self) -> None:
        for end in (self._requests, self._replies):
            if end is not None:
                end.close()
        self._requests = self._replies = None
        if self._server is not None:
            if self._server.poll() is None:
                try:
                    os.killpg(self._server.pid, signal.SIGKILL)  # the server and its child
                except ProcessLookupError:
                    pass
            self._server.wait()
            self._server = None


# -- the parse server and its children ------------------------------------------------


def serve(request_fd: int, reply_fd: int, log_level: int = logging.WARNING) -> None:
    """Run the parse server: for each request, fork a limited child and send back its answer.

    A reply is ``(exit code of the child, the pickled (status, value) it wrote)``.
    Ends when the request pipe closes (its caller has ended).
    """
    logging.basicConfig(
        level=log_level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    os.nice(_NICENESS)  # reading files is background work: questions come first
    for name in PRELOAD:
        importlib.import_module(name)
    _warm()
    requests = Connection(request_fd, writable=False)
    replies = Connection(reply_fd, readable=False)
    replies.send_bytes(b"ready")
    while True:
        try:
            request = requests.recv_bytes()
        except (EOFError, OSError):
            return
        result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(result_r)
            requests.close()
            replies.close()
            _child(request, result_w)
        os.close(result_w)
        data = _collect(result_r, request_fd, pid)
        _, status = os.waitpid(pid, 0)
        if data is None:  # the caller is gone
            return
        try:
            replies.send_bytes(pickle.dumps((os.waitstatus_to_exitcode(status), data)))
        except OSError:  # the caller is gone
            return


def _warm() -> None:
    """Fill the parsers' lazy caches (the authority index, compiled patterns) once, here.

    Otherwise every child would build them again: half a second a file.
    """
    from ingest.metadata import extract_metadata
    from ingest.parsers import parse_bytes
    from ingest.structure import segment

    text = (
        b"# Inspection of Kent County Council children's services\n\n"
        b"Overall effectiveness: Good\n\n1. The council supports its care leavers well.\n"
    )
    for kind in ("md", "txt"):
        cleaned = parse_bytes(text, kind)
        segment(cleaned, kind)
        extract_metadata(cleaned.text, kind, f"warm.{kind}")


def _collect(result_fd: int, request_fd: int, pid: int) -> bytes | None:
    """What a child writes, until it ends; None (the child killed) if the caller ends first."""
    pieces = []
    poller = select.poll()  # not select(): a busy server's descriptors pass 1024
    poller.register(result_fd, select.POLLIN)
    poller.register(request_fd, select.POLLIN)
    try:
        while True:
            readable = {fd for fd, _ in poller.poll()}
            if request_fd in readable:  # no request comes during a parse: the pipe closed
                os.kill(pid, signal.SIGKILL)
                return None
            piece = os.read(result_fd, 1 << 20)
            if not piece:
                return b"".join(pieces)
            pieces.append(piece)
    finally:
        os.close(result_fd)


def _child(request: bytes, result_fd: int) -> None:
    """In a forked child: limit this process, parse, write ``(status, value)``, exit."""
    result: tuple[str, Any]
    start = _memory("VmSize")
    try:
        target, path, source, limits = pickle.loads(request)
        _limit_self(limits, start)
        result = ("ok", target(path, source, limits))
    except MemoryError:
        result = ("memory", None)
    except Exception as exc:  # noqa: BLE001 - reported to the caller
        if _memory("VmPeak") - start > limits.memory_mb * MB // 2:
            # near the limit, a library's error is an allocation that failed (libxml2
            # says "unknown error")
            result = ("memory", None)
        elif isinstance(exc, AssistantError):
            result = ("error", exc)
        else:
            result = ("unexpected", f"{type(exc).__name__}: {exc}"[:300])
    try:
        try:
            data = pickle.dumps(result)
        except MemoryError:
            data = pickle.dumps(("memory", None))
        with open(result_fd, "wb") as out:
            out.write(data)
    finally:
        os._exit(0)


def _limit_self(limits: ParseLimits, start: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = max(1, limits.cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU, then SIGKILL
    memory = start + limits.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _memory(field: str) -> int:
    """``VmSize`` (now) or ``VmPeak`` of this process in bytes, from /proc."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise OSError(f"no {field} in /proc/self/status")
