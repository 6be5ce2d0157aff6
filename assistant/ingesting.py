"""The ingest use case: files → parsed documents → chunks → store, a document at a time."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from assistant.errors import AssistantError, EmptyDocumentError, IngestError
from assistant.models import IngestOutcome, IngestReport
from assistant.settings import IngestSettings
from ingest.models import Chunk, ParsedDocument
from vectorstore.store import ChromaStore, DocumentRecord

logger = logging.getLogger(__name__)


class Loader(Protocol):
    """Reads one file into a parsed document."""

    def __call__(self, path: Path, source: str) -> ParsedDocument: ...  # noqa: D102


class Chunker(Protocol):
    """Splits a parsed document into chunks."""

    def __call__(  # noqa: D102
        self, doc: ParsedDocument, max_tokens: int, overlap_tokens: int
    ) -> list[Chunk]: ...


ProgressFn = Callable[[int, int, IngestOutcome], None]


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
        self, files: Sequence[tuple[Path, str]], progress: ProgressFn | None = None
    ) -> IngestReport:
        """Ingest ``(path, source)`` pairs; a failure on one file never stops the rest.

        The run holds the store's writer lock: a second ingest into the same data
        directory waits for this one.
        """
        began = time.perf_counter()
        self._removed = 0
        with self.store.writing():
            orphans = self.store.remove_orphans()
            outcomes: list[IngestOutcome] = []
            for i, (path, source) in enumerate(files):
                outcome = self._ingest_one(path, source)
                outcomes.append(outcome)
                if outcome.status == "failed":
                    logger.info("ingest failed for %s: %s", source, outcome.reason)
                if progress:
                    progress(i + 1, len(files), outcome)
            if orphans or self._removed or any(o.status in ("added", "updated") for o in outcomes):
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

    def _ingest_one(self, path: Path, source: str) -> IngestOutcome:
        try:
            doc = self._load(path, source)
            versions = self.store.find_all_by_source(source)
            stale = [r for r in versions if r.doc_id != doc.doc_id]
            if len(stale) < len(versions):  # this content is stored under this name
                for old in stale:  # a second version left by an interrupted replacement
                    self.store.remove_document(old.doc_id)
                    self._removed += 1
                return IngestOutcome(source, "unchanged", doc_id=doc.doc_id)
            same_content = self.store.get_document(doc.doc_id)
            if same_content is not None:
                for old in stale:  # the file now holds what another file holds
                    self.store.remove_document(old.doc_id)
                    self._removed += 1
                return IngestOutcome(
                    source,
                    "unchanged",
                    reason=f"same content as {same_content.source}, stored once",
                    doc_id=doc.doc_id,
                )
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
            )
            self.store.add_document(record, doc.text, chunks, pages=doc.pages, replaces=stale)
            status = "updated" if stale else "added"
            return IngestOutcome(
                source, status, doc_id=doc.doc_id, chunks=len(chunks), pages=len(doc.pages)
            )
        except AssistantError as exc:
            return IngestOutcome(source, "failed", reason=str(exc))
        except Exception as exc:  # one bad file must never stop the rest
            logger.exception("unexpected error while ingesting %s", source)
            return IngestOutcome(source, "failed", reason=f"unexpected error: {exc}")
