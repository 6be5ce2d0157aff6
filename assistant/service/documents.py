"""The facade's documents: list, upload or ingest, remove, compact, and the chores.

An upload is read, embedded and written while questions go on: it holds the write lock
only for the moment each document becomes visible (its record written, the lexical
index built beforehand swapped in), and so does a removal.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.models import IngestOutcome, IngestProgress, IngestReport
from assistant.service.locks import in_background
from assistant.service.views import FilterChoices, Totals, safe_upload_name
from core.errors import InputError

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.service.locks import ReadWriteLock
    from core.settings import Settings
    from vectorstore.store import DocumentRecord

logger = logging.getLogger(__name__)


def find_files(paths: Sequence[Path]) -> tuple[list[tuple[Path, str]], list[tuple[str, str]]]:
    """The files under ``paths`` as ``(path, source)``, and the links not followed (why)."""
    from ingest.loader import find_files as found

    return found(list(paths))


def compact_chroma_directory(path: Path) -> bool:
    """Compact a Chroma server's directory on this machine (no library is opened)."""
    from assistant.housekeeping import compact_chroma_directory as compact

    return compact(path)


class Documents:
    """The library's documents (a part of :class:`Library`)."""

    assistant: Assistant
    settings: Settings
    lock: ReadWriteLock

    def documents(self) -> list[DocumentRecord]:
        """Every stored document."""
        with self.lock.reading():
            return self.assistant.documents()

    def totals(self, docs: Sequence[DocumentRecord] | None = None) -> Totals:
        """Documents, pages and chunks in the library."""
        docs = self.documents() if docs is None else docs
        return Totals(
            documents=len(docs),
            pages=sum(d.page_count for d in docs),
            chunks=sum(d.chunk_count for d in docs),
        )

    def filter_choices(self, docs: Sequence[DocumentRecord] | None = None) -> FilterChoices:
        """Authorities, report kinds and documents present in the library."""
        docs = self.documents() if docs is None else docs
        authorities = sorted({a for d in docs for a in d.meta.authorities})
        kinds = sorted({d.meta.kind for d in docs if d.meta.kind != "unknown"})
        labels = Counter(f"{d.title} ({d.source})" for d in docs)
        documents = sorted(
            (
                (
                    f"{d.title} ({d.source})"
                    + (f" · {d.doc_id[:8]}" if labels[f"{d.title} ({d.source})"] > 1 else ""),
                    d.doc_id,
                )
                for d in docs
            ),
            key=lambda x: x[0].lower(),
        )
        return FilterChoices(authorities, kinds, documents)

    def upload(
        self,
        files: Sequence[tuple[Path, str]],
        progress: Callable[[IngestProgress], None] | None = None,
        *,
        replace: Collection[str] = (),
        account: str = "",
    ) -> IngestReport:
        """Ingest uploaded files ``(temporary path, name as uploaded)``, one at a time.

        Names are reduced to a safe file name; files over the size limit are refused
        before they are read; the type is checked from the content by ingest. An
        upload replaces a stored document only when it is the same report (see
        :mod:`assistant.identity`) and that document's id is in ``replace`` (the
        user confirmed it); otherwise the file is ``held`` and its outcome says what
        it would replace. Questions wait only while each document becomes visible,
        not while it is read and embedded; that work runs on a thread of lower CPU
        priority than the questions' (and the reading in a child process of lower
        priority still). ``account`` (who is signed in; empty without a login) is
        recorded with each document. ``progress`` is told as each stage of each file
        starts (reading, chunking, embedding n of N chunks, indexing, done).
        """
        report = in_background(lambda: self._upload(files, progress, replace, account))
        if any(o.status in ("added", "updated") for o in report.outcomes):
            from assistant.structured import structured_data

            if progress is not None:
                progress(IngestProgress(len(files), len(files), "the grades table", "indexing"))
            structured_data(self.assistant).refresh()  # here, not in the next grade question
        return report

    def _upload(
        self,
        files: Sequence[tuple[Path, str]],
        progress: Callable[[IngestProgress], None] | None,
        replace: Collection[str],
        account: str,
    ) -> IngestReport:
        limit = self.settings.ui.max_upload_mb * 1024 * 1024
        self.sweep_window_files(keep=[path for path, _ in files])
        outcomes: list[IngestOutcome] = []
        seconds = 0.0
        for i, (path, name) in enumerate(files):
            source = safe_upload_name(name)

            def on_stage(p: IngestProgress, i: int = i) -> None:
                if progress is not None:  # the file's place in the whole upload
                    progress(dataclasses.replace(p, file=i + 1, files=len(files)))

            try:
                size = path.stat().st_size
            except OSError as exc:
                outcomes.append(IngestOutcome(source, "failed", reason=f"cannot read: {exc}"))
                continue
            if size > limit:
                outcomes.append(
                    IngestOutcome(
                        source,
                        "failed",
                        reason=f"{size / 1e6:.1f} MB is over the upload limit of "
                        f"{self.settings.ui.max_upload_mb} MB",
                    )
                )
                continue
            report = self.assistant.ingest(
                [(path, source)],
                origin="upload",
                confirmed=frozenset(replace),
                visible=self.lock.writing,
                added_by=account or "window (no login)",
                on_stage=on_stage,
            )
            outcomes.extend(report.outcomes)
            seconds += report.seconds
        return IngestReport(tuple(outcomes), seconds)

    def ingest(
        self,
        files: Sequence[tuple[Path, str]],
        *,
        on_stage: Callable[[IngestProgress], None] | None = None,
        added_by: str = "",
    ) -> IngestReport:
        """Ingest files from disk ``(path, source)`` (the command line's bulk ingest).

        Questions to this library wait for the whole run: the store's writer lock, then
        the write lock, are held throughout (in the order every write takes them), and the
        lexical index is rebuilt once, at the end. The window's uploads go through
        :meth:`upload`, which holds the write lock only while each document becomes visible.
        ``on_stage`` is told as each stage of each file starts; ``added_by`` is recorded
        with each document.
        """
        with self.assistant.store.writing(), self.lock.writing():
            return self.assistant.ingest(files, on_stage=on_stage, added_by=added_by)

    def empty(self) -> bool:
        """Whether the library holds no passages at all."""
        with self.lock.reading():
            return self.assistant.store.count_chunks() == 0

    def document(self, doc_id: str) -> DocumentRecord:
        """The stored document with this id (``InputError`` when there is none)."""
        if not doc_id:
            raise InputError("choose a document first")
        with self.lock.reading():
            return self.assistant.resolve_document(doc_id)

    def remove(self, ref: str) -> DocumentRecord:
        """Remove a stored document, its kept file, its drafts and the window's copies.

        ``ref`` is its id (or what :meth:`document` takes). The index is compacted so that
        the document's text is not readable on disk. Questions wait only while the removal
        becomes visible.
        """
        if not ref:
            raise InputError("choose a document to delete")
        return self.assistant.remove(ref, visible=self.lock.writing)

    def compact(self) -> bool | None:
        """Make removed documents' text unreadable in the store's files now.

        None when the store is a Chroma server's (its files are on its machine); False
        when another program kept it busy. Questions wait while it runs.
        """
        with self.assistant.store.writing(), self.lock.writing():  # the order every write takes
            return self.assistant.compact()

    def sweep_window_files(self, keep: Sequence[Path] = ()) -> int:
        """Delete the window's temporary files older than the retention time (not ``keep``)."""
        from assistant.housekeeping import sweep_window_files

        minutes = self.settings.ui.upload_retention_minutes
        return sweep_window_files(self.settings.window_files_dir, minutes * 60, keep=keep)

    def housekeeping(self) -> None:
        """The window's chores, at start and every few minutes.

        Old temporary files go, and removals not yet made unreadable on disk (a
        compaction another program kept busy, a removal a crash interrupted) are.
        """
        self.sweep_window_files()
        store = self.assistant.store
        if store.has_removed() or store.compaction_pending():  # else no need to stop questions
            with store.writing(), self.lock.writing():  # in the order every write takes them
                self.assistant.tidy()

    def start_housekeeping(self) -> threading.Event:
        """Do the chores now, then every few minutes in a daemon thread; set the event to stop."""
        self.housekeeping()
        stop = threading.Event()
        every = min(300.0, self.settings.ui.upload_retention_minutes * 60 / 4)

        def loop() -> None:
            while not stop.wait(every):
                try:
                    self.housekeeping()
                except Exception:  # a chore failing must not end the window
                    logger.exception("housekeeping failed")

        threading.Thread(target=loop, name="housekeeping", daemon=True).start()
        return stop

    # -- drafts -----------------------------------------------------------------------
