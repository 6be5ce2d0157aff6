"""The ingest use case: files → parsed documents → chunks → store, a document at a time."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from assistant.identity import REPLACEABLE_KINDS, Origin, describe, report_key, same_document
from assistant.models import (
    IngestOutcome,
    IngestProgress,
    IngestReport,
    IngestStage,
    IngestStatus,
)
from core.documents import Chunk, ParsedDocument
from core.errors import AssistantError, EmptyDocumentError, IngestError
from core.settings import IngestSettings
from vectorstore.store import ChromaStore, DocumentRecord, Visible

logger = logging.getLogger(__name__)


class Loader(Protocol):
    """Reads one file into a parsed document."""

    def __call__(self, path: Path, source: str) -> ParsedDocument: ...  # noqa: D102


class Chunker(Protocol):
    """Splits a parsed document into chunks."""

    def __call__(  # noqa: D102
        self, doc: ParsedDocument, max_tokens: int, overlap_tokens: int
    ) -> list[Chunk]: ...


ProgressFn = Callable[[int, int, IngestOutcome], None]  # (files done, files, outcome)
StageFn = Callable[[IngestProgress], None]  # each stage of each file, as it starts


def _default_chunker(doc: ParsedDocument, max_tokens: int, overlap_tokens: int) -> list[Chunk]:
    from ingest.chunking import chunk_document

    return chunk_document(doc, max_tokens=max_tokens, overlap_tokens=overlap_tokens)


def with_page_starts(doc: ParsedDocument, chunk: Chunk) -> Chunk:
    """The chunk with the offsets (in its text) where a new page of ``doc`` begins."""
    starts = tuple(
        (page.start - chunk.start, page.number)
        for page in doc.pages
        if chunk.start < page.start < chunk.end
    )
    return dataclasses.replace(chunk, page_starts=starts) if starts else chunk


class IngestService:
    """Adds, replaces and removes documents so that the store matches the files."""

    def __init__(
        self,
        store: ChromaStore,
        settings: IngestSettings,
        *,
        loader: Loader | None = None,
        chunker: Chunker | None = None,
    ) -> None:
        """Wire the service; ``loader`` and ``chunker`` default to the real ``ingest`` stages.

        The default loader parses each file in a child process within the settings'
        limits (:class:`ingest.worker.ParseWorker`).
        """
        from ingest.worker import ParseWorker

        self.store = store
        self.settings = settings
        self.loader = loader or ParseWorker(settings.parse_limits())
        self.chunker = chunker or _default_chunker
        self._removed = 0

    def ingest(
        self,
        files: Sequence[tuple[Path, str]],
        progress: ProgressFn | None = None,
        *,
        origin: Origin = "file",
        confirmed: Collection[str] | None = None,
        visible: Visible | None = None,
        added_by: str = "",
        on_stage: StageFn | None = None,
    ) -> IngestReport:
        """Ingest ``(path, source)`` pairs; a failure on one file never stops the rest.

        ``progress`` is told when each file is done; ``on_stage`` when each stage of each
        file starts (reading, chunking, embedding with the chunks embedded so far,
        indexing, done: see :class:`IngestProgress`).

        ``origin`` says where the files come from, which decides what new content may
        replace (see :mod:`assistant.identity`). With ``confirmed`` given, a file
        replaces stored documents only when all their ids are in it; otherwise nothing
        of it is written and its outcome is ``held``, naming what it would replace.
        The run holds the store's writer lock: a second ingest into the same data
        directory waits for this one (questions do not: no search finds a chunk before
        its document's record is written). ``visible`` (the window's write lock) is
        held only while each document becomes visible: its record written and the
        lexical index, built beforehand, swapped in; reading, embedding and writing the
        chunks happen before it. Without ``visible`` (the CLI) the lexical index is
        refreshed once, at the end. Each document records how it arrived: ``origin``,
        ``added_by`` (the account that uploaded it, or the user who ran the command),
        the file's full path (or its name as uploaded) and when.
        """
        began = time.perf_counter()
        self._removed = 0
        run = _Run(origin, confirmed, visible, added_by)
        with self.store.writing():
            orphans = self.store.remove_orphans()
            outcomes: list[IngestOutcome] = []
            for i, (path, source) in enumerate(files):
                tell = _Tell(on_stage, i + 1, len(files), source)
                tell("reading")
                outcome = self._ingest_one(path, source, run, tell)
                tell("done", outcome=outcome)
                outcomes.append(outcome)
                if outcome.status == "failed":
                    logger.info("ingest failed for %s: %s", source, outcome.reason)
                if progress:
                    progress(i + 1, len(files), outcome)
            changed = self._removed or any(o.status in ("added", "updated") for o in outcomes)
            if visible is None and (orphans or changed):
                self.store.refresh_lexical(force=True)
        return IngestReport(tuple(outcomes), seconds=time.perf_counter() - began)

    def _load(self, path: Path, source: str) -> ParsedDocument:
        try:
            return self.loader(path, source)
        except IngestError as exc:
            if not os.path.lexists(path):  # listed a moment ago, gone now
                raise IngestError(
                    "cannot read file: it disappeared during ingest (deleted or moved?)"
                ) from exc
            raise

    def _ingest_one(
        self,
        path: Path,
        source: str,
        run: _Run,
        tell: _Tell,
    ) -> IngestOutcome:
        origin, confirmed = run.origin, run.confirmed
        try:
            doc = self._load(path, source)
            versions, others = self._stored_versions(doc, source, origin)
            same_content = self.store.get_document(doc.doc_id)
            if same_content is not None:
                return self._unchanged(doc, source, same_content, versions, run)
            replaces = tuple(v.doc_id for v in versions)
            if replaces and confirmed is not None and not set(replaces) <= set(confirmed):
                return _held(doc, source, versions)
            chunks = self._write(doc, path, source, versions, run, tell)
            if versions:
                status: IngestStatus = "updated"
                replaced = "; ".join(map(describe, versions))
                reason = f"replaced {replaced}" if origin == "upload" else ""
            else:
                status = "added"
                reason = "; ".join(
                    f"another document has the same name and is kept: {describe(o)}" for o in others
                )
            return IngestOutcome(
                source,
                status,
                reason=reason,
                doc_id=doc.doc_id,
                chunks=chunks,
                pages=len(doc.pages),
                replaces=replaces,
            )
        except AssistantError as exc:
            return IngestOutcome(source, "failed", reason=str(exc))
        except Exception as exc:  # one bad file must never stop the rest
            logger.exception("unexpected error while ingesting %s", source)
            return IngestOutcome(source, "failed", reason=f"unexpected error: {exc}")

    def _write(
        self,
        doc: ParsedDocument,
        path: Path,
        source: str,
        replaces: list[DocumentRecord],
        run: _Run,
        tell: _Tell,
    ) -> int:
        """Chunk and store ``doc`` in place of ``replaces``; return its number of chunks."""
        tell("chunking")
        chunks = [
            with_page_starts(doc, c)
            for c in self.chunker(doc, self.settings.chunk_tokens, self.settings.chunk_overlap)
        ]
        if not chunks:
            raise EmptyDocumentError("no text to index after cleaning")
        record = DocumentRecord(
            doc_id=doc.doc_id,
            source=source,
            file_type=doc.file_type,
            meta=doc.meta,
            chunk_count=len(chunks),
            page_count=len(doc.pages),
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            origin=run.origin,
            added_by=run.added_by,
            added_from=source if run.origin == "upload" else str(path.absolute()),
        )
        embedded, written = [0], [0]

        def on_embedded(n: int) -> None:
            embedded[0] += n
            tell("embedding", embedded[0], len(chunks))

        def on_batch(n: int) -> None:
            written[0] += n
            if written[0] == len(chunks):
                tell("indexing", len(chunks), len(chunks))

        tell("embedding", 0, len(chunks))
        self.store.add_document(
            record,
            doc.text,
            chunks,
            pages=doc.pages,
            replaces=replaces,
            visible=run.visible,
            on_batch=on_batch,
            on_embedded=on_embedded,
        )
        return len(chunks)

    def _stored_versions(
        self, doc: ParsedDocument, source: str, origin: Origin
    ) -> tuple[list[DocumentRecord], list[DocumentRecord]]:
        """Stored documents that ``doc`` is a new version of, and others of the same name."""
        named = self.store.find_all_by_source(source)
        candidates = {r.doc_id: r for r in named}
        key = report_key(doc.meta)
        if origin == "upload" and key is not None and key.kind in REPLACEABLE_KINDS:
            for record in self.store.find_documents({"kind": key.kind}):
                if report_key(record.meta) == key:
                    candidates.setdefault(record.doc_id, record)
        candidates.pop(doc.doc_id, None)
        versions = [r for r in candidates.values() if same_document(source, doc.meta, origin, r)]
        kept = {v.doc_id for v in versions} | {doc.doc_id}
        return versions, [r for r in named if r.doc_id not in kept]

    def _unchanged(
        self,
        doc: ParsedDocument,
        source: str,
        stored: DocumentRecord,
        versions: Sequence[DocumentRecord],
        run: _Run,
    ) -> IngestOutcome:
        """This content is stored already: nothing to write (it is stored once)."""
        origin = run.origin
        if origin == "file":
            # an old version left by an interrupted replacement, or the file now holds
            # what another file holds: the file's earlier version goes
            for old in versions:
                self.store.remove_document(old.doc_id, visible=run.visible)
                self._removed += 1
        same_place = (stored.source, stored.origin) == (source, origin)
        return IngestOutcome(
            source,
            "unchanged",
            reason="" if same_place else f"same content as {stored.source}, stored once",
            doc_id=doc.doc_id,
        )


@dataclass(frozen=True)
class _Run:
    """How the files of one ingest arrive (see :meth:`IngestService.ingest`)."""

    origin: Origin
    confirmed: Collection[str] | None
    visible: Visible | None
    added_by: str


@dataclass(frozen=True)
class _Tell:
    """Tells ``on_stage`` (if any) where the ingest of one file is."""

    on_stage: StageFn | None
    file: int
    files: int
    source: str

    def __call__(
        self,
        stage: IngestStage,
        done: int = 0,
        total: int = 0,
        outcome: IngestOutcome | None = None,
    ) -> None:
        if self.on_stage is not None:
            self.on_stage(
                IngestProgress(self.file, self.files, self.source, stage, done, total, outcome)
            )


def _held(doc: ParsedDocument, source: str, versions: Sequence[DocumentRecord]) -> IngestOutcome:
    """The outcome of a file that would replace ``versions`` without the user's say-so."""
    key = report_key(doc.meta)
    what = f"the same report ({key.describe()})" if key else "the same file"
    return IngestOutcome(
        source,
        "held",
        reason=f"would replace {'; '.join(map(describe, versions))}: {what}; confirm to replace it",
        doc_id=doc.doc_id,
        replaces=tuple(v.doc_id for v in versions),
    )
