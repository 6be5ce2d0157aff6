"""Chroma-backed storage of chunks and documents, embedded on disk or over HTTP.

Two collections per embedding model: ``<prefix>-chunks-<model>`` holds one record
per chunk (text, metadata, vector) and ``<prefix>-docs-<model>`` one record per
document (cleaned text, metadata, mean vector). A document's record is written
after all of its chunks and deleted before them, so it marks a complete
document: chunks without one are leftovers of an interrupted ingest and are
removed by :meth:`ChromaStore.remove_orphans`. Vectors of different models never
share a collection because the model id is part of the names.

On disk (embedded mode) every write is also noted in a journal beside the Chroma
files (:mod:`vectorstore.manifest`): a process killed in the middle of writing or
removing a document leaves a note, and the next process to open the store rolls
that document back (or finishes removing it) before reading, so a document is
always wholly present or wholly absent, in Chroma and in what is derived from it
(the BM25 index and the structured tables follow the stored document records).

Removing text from Chroma does not remove it from Chroma's files: :meth:`ChromaStore.compact`
does (see :mod:`vectorstore.compaction`), after removals, in embedded mode.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.documents import Chunk, DocumentMeta, PageSpan, ParsedDocument
from core.errors import StoreError
from core.settings import StoreSettings
from vectorstore.compaction import compact_chroma, compact_sqlite
from vectorstore.embeddings import DIMENSIONS, MiniLMEmbeddings
from vectorstore.lexical import LexicalFilter, LexicalIndex, LexicalRecord
from vectorstore.manifest import Journal

logger = logging.getLogger(__name__)

_COSINE = {"hnsw": {"space": "cosine"}}
EMBED_STEP = 32  # chunks embedded between two progress reports (the model's own batch)

Visible = Callable[[], AbstractContextManager[Any]]


@dataclass(frozen=True)
class DocumentRecord:
    """A stored document: what ``docs list`` shows and what answers cite."""

    doc_id: str
    source: str
    file_type: str
    meta: DocumentMeta
    chunk_count: int
    page_count: int
    ingested_at: str
    char_count: int = 0
    origin: str = "file"  # "file" (a path under a folder given to ingest) or "upload"
    added_by: str = ""  # the account that uploaded it, or the user who ran `ingest`
    added_from: str = ""  # the file's full path (ingest) or its name as uploaded

    @property
    def title(self) -> str:
        """The document's title, or its file name when none was read."""
        return self.meta.title or Path(self.source).name


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as stored, with its document's title and the retrieval score."""

    doc_id: str
    source: str
    title: str
    index: int
    text: str
    start: int
    end: int
    page: int | None
    section: str | None
    score: float = 0.0
    page_starts: tuple[tuple[int, int], ...] = field(default=())  # (offset in text, page)
    context: str = ""
    authorities: tuple[str, ...] = ()
    kind: str = "unknown"
    published: str | None = None
    inspected: str | None = None

    @property
    def chunk_id(self) -> str:
        """The chunk's id in the store."""
        return chunk_id(self.doc_id, self.index)

    def page_of(self, offset: int) -> int | None:
        """The page holding character ``offset`` of this chunk's text."""
        page = self.page
        for start, number in self.page_starts:
            if start <= offset:
                page = number
        return page


def chunk_id(doc_id: str, index: int) -> str:
    """The store id of chunk ``index`` of document ``doc_id``."""
    return f"{doc_id}:{index:05d}"


def make_client(settings: StoreSettings, chroma_dir: Path) -> Any:
    """A Chroma client for the configured mode, with telemetry off."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    match settings.mode:
        case "embedded":
            chroma_dir.mkdir(parents=True, exist_ok=True)
            try:
                return chromadb.PersistentClient(path=str(chroma_dir), settings=chroma_settings)
            except Exception as exc:
                raise StoreError(f"cannot open the index in {chroma_dir}: {exc}") from exc
        case "http":
            try:
                return chromadb.HttpClient(
                    host=settings.host,
                    port=settings.port,
                    ssl=settings.ssl,
                    settings=chroma_settings,
                )
            except Exception as exc:
                scheme = "https" if settings.ssl else "http"
                raise StoreError(
                    f"cannot reach the Chroma server at {scheme}://{settings.host}:{settings.port}:"
                    f" {exc}"
                ) from exc


def default_journal(client: Any, name: str) -> Journal | None:
    """The write journal beside an embedded Chroma's files (None for a server)."""
    try:
        chroma_settings = client.get_settings()
        if chroma_settings.is_persistent and chroma_settings.persist_directory:
            return Journal(Path(chroma_settings.persist_directory) / f"{name}.journal.sqlite")
    except Exception:  # a client that does not say where it keeps its files
        logger.debug("no journal: the Chroma client does not report a persist directory")
    return None


def _signature(doc_ids: Collection[str]) -> str:
    digest = hashlib.sha1("\n".join(sorted(doc_ids)).encode()).hexdigest()[:16]
    return f"{len(doc_ids)}:{digest}"


def _model_slug(model_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", model_id.lower()).strip("-")


def _meta_to_chroma(values: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata cannot hold None: drop those keys."""
    return {k: v for k, v in values.items() if v is not None}


def _authorities_field(authorities: Sequence[str]) -> str:
    return "|".join(authorities)


def authority_key(name: str) -> str:
    """The chunk metadata key that marks a chunk of a document about authority ``name``."""
    return "auth_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def authority_filter(names: Sequence[str]) -> dict[str, Any] | None:
    """A Chroma ``where`` clause matching chunks of documents about any of ``names``."""
    clauses: list[dict[str, Any]] = [{authority_key(n): True} for n in names]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


def date_number(meta: DocumentMeta) -> int:
    """A document's date as yyyymmdd: inspection end, else publication, else 0."""
    for value in (meta.inspected, meta.published):
        if value:
            digits = value.replace("-", "")
            if digits.isdigit() and len(digits) in (4, 6, 8):
                return int(digits.ljust(8, "0"))
    return 0


@dataclass(frozen=True)
class Filters(LexicalFilter):
    """Restrictions on what retrieval may return (all must hold), for both sides.

    The fields are the lexical index's; this adds the Chroma ``where`` clause.
    """

    def where(self) -> dict[str, Any] | None:
        """The Chroma ``where`` clause for these filters."""
        clauses: list[dict[str, Any]] = []
        auth = authority_filter(self.authorities)
        if auth:
            clauses.append(auth)
        if self.kinds:
            clauses.append({"kind": {"$in": list(self.kinds)}})
        if self.doc_ids:
            clauses.append({"doc_id": {"$in": list(self.doc_ids)}})
        if self.since:
            clauses.append({"date": {"$gte": self.since}})
        if self.until:
            clauses.append({"date": {"$lte": self.until}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def narrowed(self, authorities: Sequence[str]) -> Filters:
        """These filters, further restricted to documents about ``authorities``."""
        return dataclasses.replace(self, authorities=tuple(authorities))


def embedding_text(title: str | None, chunk: Chunk) -> str:
    """What is embedded for a chunk: its document title and context, then its text."""
    return "\n".join(part for part in (title, chunk.context, chunk.text) if part)


def _record_from_meta(doc_id: str, m: dict[str, Any]) -> DocumentRecord:
    authorities = tuple(a for a in str(m.get("authorities", "")).split("|") if a)
    meta = DocumentMeta(
        title=m.get("title"),
        publisher=m.get("publisher"),
        published=m.get("published"),
        authorities=authorities,
        kind=m.get("kind", "unknown"),
        inspected=m.get("inspected"),
        inspected_from=m.get("inspected_from"),
    )
    return DocumentRecord(
        doc_id=doc_id,
        source=m["source"],
        file_type=m.get("file_type", ""),
        meta=meta,
        chunk_count=int(m.get("chunk_count", 0)),
        page_count=int(m.get("page_count", 0)),
        ingested_at=m.get("ingested_at", ""),
        char_count=int(m.get("char_count", 0)),
        origin=m.get("origin", "file"),
        added_by=m.get("added_by") or "",
        added_from=m.get("added_from") or "",
    )


def _chunk_from_meta(text: str, m: dict[str, Any], score: float = 0.0) -> StoredChunk:
    page = m.get("page")
    starts = tuple(tuple(p) for p in json.loads(m.get("page_starts", "[]")))
    return StoredChunk(
        doc_id=m["doc_id"],
        source=m["source"],
        title=m.get("title") or Path(m["source"]).name,
        index=int(m["chunk_index"]),
        text=text,
        start=int(m["start"]),
        end=int(m["end"]),
        page=int(page) if page is not None else None,
        section=m.get("section"),
        score=score,
        page_starts=starts,  # type: ignore[arg-type]
        context=m.get("context") or "",
        authorities=tuple(a for a in str(m.get("authorities", "")).split("|") if a),
        kind=m.get("kind", "unknown"),
        published=m.get("published"),
        inspected=m.get("inspected"),
    )


class ChromaStore:
    """Chunks and documents in Chroma, written a document at a time."""

    def __init__(
        self,
        client: Any,
        embeddings: MiniLMEmbeddings,
        *,
        prefix: str = "ofsted",
        batch_size: int = 256,
        lexical: LexicalIndex | None = None,
        journal: Journal | None = None,
    ) -> None:
        """Open (creating if needed) the collections for ``embeddings``' model.

        ``lexical`` is the BM25 side index kept in step with the chunks.
        ``journal`` notes writes in progress; it defaults to a file beside an
        embedded Chroma's own. Documents a killed writer left half written are
        rolled back here, when no other process is writing.
        """
        self.client = client
        self.embeddings = embeddings
        self.lexical = lexical
        self._checked_at = 0.0
        self.lexical_max_age = 2.0  # seconds between checks for other processes' writes
        slug = _model_slug(embeddings.model_id)
        self.chunks_name = f"{prefix}-chunks-{slug}"
        self.docs_name = f"{prefix}-docs-{slug}"
        try:
            max_batch = int(client.get_max_batch_size())
        except Exception:  # older servers do not say
            max_batch = 1000
        self.batch_size = max(1, min(batch_size, max_batch))
        try:
            self._chunks = client.get_or_create_collection(
                self.chunks_name,
                embedding_function=None,
                configuration=_COSINE,
                metadata={"embedding_model": embeddings.model_id},
            )
            self._docs = client.get_or_create_collection(
                self.docs_name,
                embedding_function=None,
                configuration=_COSINE,
                metadata={"embedding_model": embeddings.model_id},
            )
        except Exception as exc:
            raise StoreError(f"cannot open the Chroma collections: {exc}") from exc
        self._lc: Any = None
        self._removed: list[tuple[str, str]] = []  # (doc_id, source) since take_removed()
        self.journal = journal if journal is not None else default_journal(client, self.chunks_name)
        self.recover()

    # -- reading -----------------------------------------------------------------

    def list_documents(self) -> list[DocumentRecord]:
        """Every complete document, sorted by source."""
        records = []
        for doc_id, meta in self._iter_doc_metas():
            records.append(_record_from_meta(doc_id, meta))
        return sorted(records, key=lambda r: r.source)

    def _iter_doc_metas(self, where: dict[str, Any] | None = None) -> Iterator[tuple[str, dict]]:
        offset = 0
        page = 500
        while True:
            got = self._call(
                self._docs.get, where=where, include=["metadatas"], limit=page, offset=offset
            )
            ids = got["ids"]
            yield from zip(ids, got["metadatas"], strict=True)
            if len(ids) < page:
                return
            offset += page

    def get_document(self, doc_id: str) -> DocumentRecord | None:
        """The stored document with this id, if any."""
        got = self._call(self._docs.get, ids=[doc_id], include=["metadatas"])
        if not got["ids"]:
            return None
        return _record_from_meta(got["ids"][0], got["metadatas"][0])

    def find_all_by_source(self, source: str) -> list[DocumentRecord]:
        """Every stored document ingested from ``source`` (different reports may share one)."""
        return self.find_documents({"source": source})

    def find_documents(self, fields: dict[str, str]) -> list[DocumentRecord]:
        """Every stored document whose metadata has these values, sorted by id."""
        where: dict[str, Any] | None
        if len(fields) > 1:
            where = {"$and": [{k: v} for k, v in fields.items()]}
        else:
            where = dict(fields) or None
        found = [_record_from_meta(d, m) for d, m in self._iter_doc_metas(where=where)]
        return sorted(found, key=lambda r: r.doc_id)

    def parsed_document(self, doc_id: str) -> ParsedDocument | None:
        """A stored document as ingest produced it (text, pages, metadata; no blocks)."""
        got = self._call(self._docs.get, ids=[doc_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        record = _record_from_meta(doc_id, got["metadatas"][0])
        pages = tuple(
            PageSpan(int(n), int(s), int(e))
            for n, s, e in json.loads(got["metadatas"][0].get("pages") or "[]")
        )
        return ParsedDocument(
            doc_id=doc_id,
            source=record.source,
            file_type=record.file_type,  # type: ignore[arg-type]
            text=got["documents"][0],
            pages=pages,
            meta=record.meta,
        )

    def document_text(self, doc_id: str) -> str | None:
        """The cleaned text of a stored document."""
        got = self._call(self._docs.get, ids=[doc_id], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def count_chunks(self, doc_id: str | None = None) -> int:
        """Number of stored chunks, of one document or in all."""
        if doc_id is None:
            return int(self._call(self._chunks.count))
        got = self._call(self._chunks.get, where={"doc_id": doc_id}, include=[])
        return len(got["ids"])

    def chunk_counts(self, page: int = 5000) -> dict[str, int]:
        """How many chunks each document id has in the store (complete or not)."""
        counts: dict[str, int] = {}
        offset = 0
        while True:
            got = self._call(self._chunks.get, include=["metadatas"], limit=page, offset=offset)
            for meta in got["metadatas"]:
                counts[meta["doc_id"]] = counts.get(meta["doc_id"], 0) + 1
            if len(got["ids"]) < page:
                return counts
            offset += page

    def search(
        self, query_vector: Sequence[float], k: int, where: dict[str, Any] | None = None
    ) -> list[StoredChunk]:
        """The ``k`` chunks nearest the query vector, best first, score = cosine similarity."""
        results = self._call(
            self._langchain().similarity_search_by_vector_with_relevance_scores,
            list(query_vector),
            k=k,
            filter=where,
        )
        return [
            _chunk_from_meta(doc.page_content, doc.metadata, score=1.0 - float(distance))
            for doc, distance in results
        ]

    def search_within(
        self, query_vector: Sequence[float], k: int, flt: LexicalFilter | None = None
    ) -> list[StoredChunk]:
        """Like :meth:`search`, restricted by ``flt``: exact, over the allowed chunks.

        The chunks are scored in memory (the lexical index holds their vectors), then
        fetched by id; without a lexical index this is Chroma's own search (with its
        ``where`` filter when there are filters).
        """
        flt = flt or LexicalFilter()
        if self.lexical is not None:
            self.refresh_lexical()
            hits = self.lexical.dense_search(query_vector, k, flt)
            if hits is not None:
                scores = dict(hits)
                found = self.get_chunks([cid for cid, _ in hits])
                return [dataclasses.replace(c, score=scores[c.chunk_id]) for c in found]
        if flt.empty:
            return self.search(query_vector, k)
        if not isinstance(flt, Filters):
            flt = Filters(**dataclasses.asdict(flt))
        return self.search(query_vector, k, where=flt.where())

    def get_chunks(
        self, ids: Sequence[str], query_vector: Sequence[float] | None = None
    ) -> list[StoredChunk]:
        """Chunks by id (in the order given); score = cosine with ``query_vector`` if given."""
        if not ids:
            return []
        include = ["documents", "metadatas"] + (["embeddings"] if query_vector is not None else [])
        got = self._call(self._chunks.get, ids=list(ids), include=include)
        q = np.asarray(query_vector, dtype=np.float32) if query_vector is not None else None
        by_id = {}
        for i, cid in enumerate(got["ids"]):
            score = float(np.dot(np.asarray(got["embeddings"][i]), q)) if q is not None else 0.0
            by_id[cid] = _chunk_from_meta(got["documents"][i], got["metadatas"][i], score)
        return [by_id[cid] for cid in ids if cid in by_id]

    def refresh_lexical(self, *, force: bool = False, max_age: float | None = None) -> None:
        """Bring the BM25 index in step with the stored chunks (load or rebuild).

        Without ``force`` the store is asked at most once every ``max_age`` seconds
        (writes in this process always refresh; another process's writes are seen
        within that delay).
        """
        if self.lexical is None:
            return
        now = time.monotonic()
        max_age = self.lexical_max_age if max_age is None else max_age
        if not force and self.lexical.signature and now - self._checked_at < max_age:
            return
        self._checked_at = now
        current = self.signature()
        if not force and self.lexical.signature == current:
            return
        if not force and self.lexical.load() and self.lexical.signature == current:
            return
        self.lexical.rebuild(self.iter_lexical_items(), current)

    def lexical_search(
        self, terms: Sequence[str], k: int, flt: LexicalFilter | None = None
    ) -> list[tuple[str, float]]:
        """BM25 ``(chunk_id, score)`` hits, best first (empty without a lexical index)."""
        if self.lexical is None:
            return []
        self.refresh_lexical()
        return self.lexical.search(terms, k, flt)

    def signature(self) -> str:
        """Changes whenever a document is added, replaced or removed.

        Only complete documents count: chunks being written (or left by a killed
        writer) change nothing that is searched.
        """
        return _signature(self._call(self._docs.get, include=[])["ids"])

    def iter_lexical_items(
        self, page: int = 2000, *, documents: Collection[str] | None = None
    ) -> Iterator[tuple[LexicalRecord, str, Sequence[float]]]:
        """Every chunk of a complete document: its lexical record, text to index and vector.

        ``documents`` replaces the complete documents (to index a state about to be).
        """
        complete = (
            set(documents)
            if documents is not None
            else {doc_id for doc_id, _ in self._iter_doc_metas()}
        )
        offset = 0
        while True:
            got = self._call(
                self._chunks.get,
                include=["documents", "metadatas", "embeddings"],
                limit=page,
                offset=offset,
            )
            rows = zip(
                got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
            )
            for cid, text, m, vector in rows:
                if m["doc_id"] not in complete:
                    continue
                record = LexicalRecord(
                    chunk_id=cid,
                    doc_id=m["doc_id"],
                    authorities=tuple(a for a in str(m.get("authorities", "")).split("|") if a),
                    kind=m.get("kind", "unknown"),
                    date=int(m.get("date", 0)),
                )
                header = " ".join(
                    str(m[key]) for key in ("title", "section", "context") if m.get(key)
                )
                yield record, f"{header}\n{text}", vector
            if len(got["ids"]) < page:
                return
            offset += page

    def _langchain(self) -> Any:
        if self._lc is None:
            from langchain_chroma import Chroma

            self._lc = Chroma(
                client=self.client,
                collection_name=self.chunks_name,
                embedding_function=self.embeddings,
                collection_configuration=_COSINE,  # type: ignore[arg-type]
            )
        return self._lc

    # -- writing -----------------------------------------------------------------

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
            with self._becoming_visible(record.doc_id, old_ids, visible):
                self._write_record(record, text, pages, len(chunks), mean)
                if self.journal is not None:
                    if replaces:
                        self.journal.mark_removed()
                    self.journal.end(
                        record.doc_id, then_remove=[(old.doc_id, old.source) for old in replaces]
                    )
                if old_ids:
                    self._call(self._docs.delete, ids=old_ids)
            for old in replaces:
                self.delete_chunks(old.doc_id)
                if self.journal is not None:
                    self.journal.end(old.doc_id)
                self._removed.append((old.doc_id, old.source))

    def embed_chunks(self, title: str | None, chunks: Sequence[Chunk]) -> np.ndarray:
        """The unit vectors of a document's chunks, as :meth:`add_document` would embed them."""
        return self.embeddings.embed_array([embedding_text(title, c) for c in chunks])

    @contextmanager
    def _becoming_visible(
        self, add: str | None, remove: Sequence[str], visible: Visible | None
    ) -> Iterator[None]:
        """Hold ``visible`` around the body, with the lexical index of the library after it.

        The index (``add`` complete, ``remove`` gone) is built before ``visible`` is taken
        and swapped in before it is released; it is saved after. Without ``visible`` the
        body runs alone and the caller refreshes the index when its writes are done.
        """
        if visible is None:
            yield
            return
        index = self._index_after(add, remove)
        with visible():
            yield
            if index is not None:
                self._install(*index)
        if index is not None and self.lexical is not None:
            self.lexical.save()

    def _index_after(self, add: str | None, remove: Sequence[str]) -> tuple[Any, str] | None:
        """The lexical index of the library once ``add`` is complete and ``remove`` gone."""
        if self.lexical is None:
            return None
        ids = {doc_id for doc_id, _ in self._iter_doc_metas()} - set(remove)
        if add is not None:
            ids.add(add)
        return self.lexical.build(self.iter_lexical_items(documents=ids)), _signature(ids)

    def _install(self, built: Any, signature: str) -> None:
        """Swap in a prepared index, unless another process changed the library meanwhile."""
        assert self.lexical is not None
        if self.signature() == signature:
            self.lexical.install(built, signature)
            self._checked_at = time.monotonic()
        else:
            self.refresh_lexical(force=True)

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
                metadatas=[self._chunk_meta(record, c) for c in batch],
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
        m = record.meta
        doc_meta = _meta_to_chroma(
            {
                "source": record.source,
                "file_type": record.file_type,
                "title": m.title,
                "publisher": m.publisher,
                "published": m.published,
                "authorities": _authorities_field(m.authorities),
                "kind": m.kind,
                "inspected": m.inspected,
                "inspected_from": m.inspected_from,
                "chunk_count": chunk_count,
                "page_count": record.page_count,
                "char_count": len(text),
                "pages": json.dumps([[p.number, p.start, p.end] for p in pages]) if pages else None,
                "ingested_at": record.ingested_at,
                "origin": record.origin,
                "added_by": record.added_by or None,
                "added_from": record.added_from or None,
            }
        )
        self._call(
            self._docs.upsert,
            ids=[record.doc_id],
            embeddings=[mean.tolist()],
            documents=[text],
            metadatas=[doc_meta],
        )

    @staticmethod
    def _chunk_meta(record: DocumentRecord, c: Chunk) -> dict[str, Any]:
        m = record.meta
        marks = {authority_key(a): True for a in m.authorities}
        return _meta_to_chroma(
            {
                **marks,
                "doc_id": c.doc_id,
                "source": c.source,
                "title": m.title,
                "kind": m.kind,
                "published": m.published,
                "authorities": _authorities_field(m.authorities),
                "inspected": m.inspected,
                "date": date_number(m),
                "chunk_index": c.index,
                "start": c.start,
                "end": c.end,
                "page": c.page,
                "section": c.section,
                "context": c.context or None,
                "page_starts": json.dumps(c.page_starts) if c.page_starts else None,
            }
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
            with self._becoming_visible(None, [doc_id], visible):
                self._call(self._docs.delete, ids=[doc_id])
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
        complete = {doc_id for doc_id, _ in self._iter_doc_metas()}
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

    @staticmethod
    def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StoreError:
            raise
        except Exception as exc:
            if "Nothing found on disk" in str(exc):
                # embedded Chroma: another process wrote to the index this one has open
                raise StoreError(
                    "the index on disk was changed by another program while this one had it "
                    "open; restart this program, or share one library between programs "
                    "through a Chroma server (see the README)"
                ) from exc
            raise StoreError(f"the vector store failed: {exc}") from exc
