"""Writing a Chroma store a document at a time, journalled, with the generation bumped.

A document's record is written after all of its chunks and deleted before them, so it
marks a complete document: chunks without one are leftovers of an interrupted ingest
and are removed by :meth:`StoreWriter.remove_orphans`. On disk (embedded mode) every
write is also noted in the journal (:mod:`vectorstore.manifest`), so that a process
killed in the middle leaves a note and the next one rolls that document back (or
finishes removing it). Right after a record is written or deleted, while the note is
still there, the library's generation is bumped (:mod:`vectorstore.generation`): a
crash in between leaves the note, and its roll-back bumps it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from core.documents import Chunk, PageSpan
from core.errors import StoreError
from vectorstore.compaction import compact_chroma, compact_sqlite
from vectorstore.derived import DerivedIndexes, Visible
from vectorstore.embeddings import DIMENSIONS
from vectorstore.records import (
    DocumentRecord,
    chunk_id,
    chunk_meta,
    document_meta,
    embedding_text,
)

logger = logging.getLogger(__name__)

EMBED_STEP = 32  # chunks embedded between two progress reports (the model's own batch)


class StoreWriter(DerivedIndexes):
    """Adding and removing documents, rolling back what a killed writer left, compacting."""

    _removed: list[tuple[str, str]]  # (doc_id, source) since take_removed()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writer lock for a series of writes (re-entrant; waits for other writers).

        What a killed writer left half done is rolled back first.
        """
        if self.journal is None:
            yield
            return
        with self.journal.writer():
            self._roll_back()
            yield

    def recover(self) -> int:
        """Roll back documents left half written by a killed process; return how many.

        Does nothing while another process holds the writer lock (it is still writing).
        """
        if self.journal is None:
            return 0
        with self.journal.writer(wait=False) as held:
            return self._roll_back() if held else 0

    def _roll_back(self) -> int:
        assert self.journal is not None
        pending = self.journal.pending()
        for note in pending:
            what = "ingest" if note.state == "writing" else "removal"
            logger.warning(
                "the %s of %s was interrupted: %s",
                what,
                note.source,
                "rolling it back" if note.state == "writing" else "finishing it",
            )
            self.journal.mark_removed()
            self._call(self._docs.delete, ids=[note.doc_id])
            self._call(self.generations.bump)
            self.delete_chunks(note.doc_id)
            self.journal.end(note.doc_id)
            self._removed.append((note.doc_id, note.source))
        return len(pending)

    def add_document(
        self,
        record: DocumentRecord,
        text: str,
        chunks: Sequence[Chunk],
        *,
        vectors: np.ndarray | None = None,
        pages: Sequence[PageSpan] = (),
        on_batch: Callable[[int], None] | None = None,
        replaces: Sequence[DocumentRecord] = (),
        visible: Visible | None = None,
        on_embedded: Callable[[int], None] | None = None,
    ) -> None:
        """Embed and store a document's chunks, then its record (the completion mark).

        The documents in ``replaces`` (older versions of the same file) are removed
        once the new one is complete; a crash in between never leaves both or neither.

        Args:
            record: the document's metadata.
            text: the cleaned document text.
            chunks: the document's chunks, in order.
            vectors: precomputed unit vectors, one row per chunk (else they are embedded).
            pages: the document's page spans (kept so the document can be re-read).
            on_batch: called with the number of chunks written after each batch.
            on_embedded: called with the number of chunks embedded after each step of
                at most :data:`EMBED_STEP` chunks (for a progress bar).
            replaces: stored documents this one replaces.
            visible: held only while the document becomes visible to searches (a
                readers-writer lock's write side): its record is written, the records
                of the versions it replaces deleted and the lexical index, rebuilt
                beforehand, swapped in. The chunks are written before it is taken
                (no search finds a chunk without its record) and the replaced
                versions' chunks deleted after. Without it the caller refreshes the
                lexical index when its writes are done.
        """
        if vectors is not None and vectors.shape != (len(chunks), DIMENSIONS):
            raise StoreError(f"vectors of shape {vectors.shape} for {len(chunks)} chunks")
        old_ids = [old.doc_id for old in replaces]
        with self.writing():
            if self.journal is not None:
                self.journal.begin(record.doc_id, "writing", record.source, len(chunks))
            mean = self._write_chunks(record, chunks, vectors, on_batch, on_embedded)
            with self._becoming_visible(record.doc_id, old_ids, visible) as moves:
                self._write_record(record, text, pages, len(chunks), mean)
                moves.bump()
                if self.journal is not None:
                    if replaces:
                        self.journal.mark_removed()
                    self.journal.end(
                        record.doc_id, then_remove=[(old.doc_id, old.source) for old in replaces]
                    )
                if old_ids:
                    self._call(self._docs.delete, ids=old_ids)
                    moves.bump()
            for old in replaces:
                self.delete_chunks(old.doc_id)
                if self.journal is not None:
                    self.journal.end(old.doc_id)
                self._removed.append((old.doc_id, old.source))

    def embed_chunks(self, title: str | None, chunks: Sequence[Chunk]) -> np.ndarray:
        """The unit vectors of a document's chunks, as :meth:`add_document` would embed them."""
        return self.embeddings.embed_array([embedding_text(title, c) for c in chunks])

    def _write_chunks(
        self,
        record: DocumentRecord,
        chunks: Sequence[Chunk],
        vectors: np.ndarray | None,
        on_batch: Callable[[int], None] | None,
        on_embedded: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Write the chunks (embedding them unless ``vectors``); return their mean vector."""
        self.delete_chunks(record.doc_id)
        vectors_sum = np.zeros(DIMENSIONS, dtype=np.float64)
        for begin in range(0, len(chunks), self.batch_size):
            batch = chunks[begin : begin + self.batch_size]
            batch_vectors = (
                vectors[begin : begin + self.batch_size]
                if vectors is not None
                else self._embed_in_steps(record.meta.title, batch, on_embedded)
            )
            vectors_sum += batch_vectors.sum(axis=0)
            self._call(
                self._chunks.upsert,
                ids=[chunk_id(c.doc_id, c.index) for c in batch],
                embeddings=batch_vectors.tolist(),
                documents=[c.text for c in batch],
                metadatas=[chunk_meta(record, c) for c in batch],
            )
            if on_batch:
                on_batch(len(batch))
        return vectors_sum / (float(np.linalg.norm(vectors_sum)) or 1.0)

    def _embed_in_steps(
        self, title: str | None, chunks: Sequence[Chunk], on_embedded: Callable[[int], None] | None
    ) -> np.ndarray:
        """:meth:`embed_chunks`, a step at a time when someone follows the progress."""
        if on_embedded is None:
            return self.embed_chunks(title, chunks)
        parts = []
        for begin in range(0, len(chunks), EMBED_STEP):
            parts.append(self.embed_chunks(title, chunks[begin : begin + EMBED_STEP]))
            on_embedded(len(parts[-1]))
        return np.concatenate(parts) if parts else np.zeros((0, DIMENSIONS))

    def _write_record(
        self,
        record: DocumentRecord,
        text: str,
        pages: Sequence[PageSpan],
        chunk_count: int,
        mean: np.ndarray,
    ) -> None:
        """Write the document's record: from now on it is complete."""
        self._call(
            self._docs.upsert,
            ids=[record.doc_id],
            embeddings=[mean.tolist()],
            documents=[text],
            metadatas=[document_meta(record, text, pages, chunk_count)],
        )

    def remove_document(self, doc_id: str, *, visible: Visible | None = None) -> bool:
        """Delete a document: its record first, then its chunks. False if absent.

        ``visible`` is held only while the record is deleted and the lexical index,
        rebuilt beforehand without the document, swapped in (see :meth:`add_document`).
        """
        with self.writing():
            existing = self.get_document(doc_id)
            source = existing.source if existing else ""
            if self.journal is not None:
                self.journal.mark_removed()
                self.journal.begin(doc_id, "removing", source)
            with self._becoming_visible(None, [doc_id], visible) as moves:
                self._call(self._docs.delete, ids=[doc_id])
                moves.bump()
            self.delete_chunks(doc_id)
            if self.journal is not None:
                self.journal.end(doc_id)
            self._removed.append((doc_id, source))
        return existing is not None

    def take_removed(self) -> list[tuple[str, str]]:
        """``(doc_id, source)`` of the documents this store removed since the last call.

        Removals, replaced versions and rolled-back writes all count, so that what is
        kept beside the library (copies of files, drafts) can follow it.
        """
        removed, self._removed = self._removed, []
        return removed

    def has_removed(self) -> bool:
        """Whether :meth:`take_removed` has anything to give."""
        return bool(self._removed)

    def compaction_pending(self) -> bool:
        """Whether removed text may still be readable in the store's files."""
        return self.journal is not None and self.journal.removed_since_compaction()

    def compact(self, *, timeout: float = 2.0, force: bool = False) -> bool | None:
        """Make removed text unreadable in the embedded store's files (see ``compaction``).

        Runs under the writer lock, after removals (or always with ``force``); returns
        None when there is nothing this process can compact (a Chroma server keeps its
        own files), False when another process kept the database busy (it stays
        pending, for a later call).
        """
        if self.journal is None:
            return None
        with self.writing():
            if force:
                self.journal.mark_removed()
            if not self.journal.removed_since_compaction():
                return True
            with self.gate.alone():  # no Chroma call of this process meanwhile (see chroma.py)
                done = compact_chroma(self.journal.path.parent, timeout=timeout)
            done = compact_sqlite(self.journal.path, timeout=timeout) and done
            if done:
                self.journal.compacted()
            return done

    def delete_chunks(self, doc_id: str) -> None:
        """Delete every chunk of a document."""
        self._call(self._chunks.delete, where={"doc_id": doc_id})

    def remove_orphans(self) -> int:
        """Delete chunks whose document record is missing; return how many documents.

        This catches leftovers the journal cannot (a store written without one).
        """
        with self.writing():
            return self._remove_orphans()

    def _remove_orphans(self) -> int:
        complete = self._complete_ids()
        orphan_docs: set[str] = set()
        offset, page = 0, 2000
        while True:
            got = self._call(self._chunks.get, include=["metadatas"], limit=page, offset=offset)
            for meta in got["metadatas"]:
                if meta["doc_id"] not in complete:
                    orphan_docs.add(meta["doc_id"])
            if len(got["ids"]) < page:
                break
            offset += page
        if orphan_docs and self.journal is not None:
            self.journal.mark_removed()
        for doc_id in orphan_docs:
            self.delete_chunks(doc_id)
        return len(orphan_docs)
