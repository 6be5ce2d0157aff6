"""The facade's locks: many questions or one write, and work on a lower-priority thread."""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


class ReadWriteLock:
    """Many readers or one writer; a waiting writer stops new readers (no starvation)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting_writers = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the lock shared."""
        with self._cond:
            while self._writing or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the lock alone."""
        with self._cond:
            self._waiting_writers += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


def in_background(work: Callable[[], T]) -> T:
    """Run ``work`` on a new thread of lower CPU priority (Linux nice +10) and wait for it.

    The caller's context variables go with it (Gradio's progress bar reads them).
    """
    done: list[T] = []
    failed: list[BaseException] = []
    context = contextvars.copy_context()

    def run() -> None:
        try:
            me = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + 10))
        except (AttributeError, OSError):  # not Linux: the same priority
            pass
        try:
            done.append(context.run(work))
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller
            failed.append(exc)

    worker = threading.Thread(target=run, name="upload", daemon=True)
    worker.start()
    worker.join()
    if failed:
        raise failed[0]
    return done[0]
