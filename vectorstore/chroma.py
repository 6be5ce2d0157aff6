"""Access to Chroma: the client for the configured mode, a store's collections, its errors.

A store keeps two collections per embedding model: ``<prefix>-chunks-<model>`` holds one
record per chunk (text, metadata, vector) and ``<prefix>-docs-<model>`` one record per
document (cleaned text, metadata, mean vector); a Chroma server (or an in-memory client)
also holds ``<prefix>-library-<model>``, the library's generation
(:mod:`vectorstore.generation`). Vectors of different models never share a collection
because the model id is part of the names. Every call goes through :meth:`ChromaBase._call`,
which turns Chroma's exceptions into :class:`StoreError`.

Every call also passes a :class:`FileGate`, one per Chroma directory in this process:
compaction (:mod:`vectorstore.compaction`) opens ``chroma.sqlite3`` with Python's SQLite
while Chroma has it open with its own copy of SQLite (compiled into its Rust library), and
two copies of SQLite in one process do not see each other's locks (POSIX locks belong to
the process, and closing any descriptor of a file drops them all: sqlite.org,
"How To Corrupt An SQLite Database File", 2.2). A Chroma read running while Python's
``VACUUM`` rewrote the file left it malformed ("database disk image is malformed"), under
20 chat sessions and 3 uploaders (the CLI's and the window's ``remove`` read outside the
writer lock). So compaction holds the gate alone: no Chroma call of this process is in
flight meanwhile. Other processes are no danger: between processes the locks hold.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.errors import StoreError
from core.settings import StoreSettings
from vectorstore.embeddings import MiniLMEmbeddings
from vectorstore.generation import ChromaGeneration, Generation, JournalGeneration
from vectorstore.manifest import Journal

logger = logging.getLogger(__name__)

COSINE = {"hnsw": {"space": "cosine"}}


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


class FileGate:
    """Chroma calls go through together; compaction goes through alone (waiting calls wait).

    Not re-entrant: a call never holds it while calling again, and compaction makes no
    Chroma call.
    """

    def __init__(self) -> None:
        """An open gate."""
        self._cond = threading.Condition()
        self._calls = 0
        self._alone = False
        self._waiting = 0

    @contextmanager
    def call(self) -> Iterator[None]:
        """Hold the gate with other calls (not while compaction holds or awaits it)."""
        with self._cond:
            while self._alone or self._waiting:
                self._cond.wait()
            self._calls += 1
        try:
            yield
        finally:
            with self._cond:
                self._calls -= 1
                if not self._calls:
                    self._cond.notify_all()

    @contextmanager
    def alone(self) -> Iterator[None]:
        """Hold the gate alone, once the calls in flight are done."""
        with self._cond:
            self._waiting += 1
            try:
                while self._alone or self._calls:
                    self._cond.wait()
            finally:
                self._waiting -= 1
            self._alone = True
        try:
            yield
        finally:
            with self._cond:
                self._alone = False
                self._cond.notify_all()


_GATES: dict[Path, FileGate] = {}
_GATES_LOCK = threading.Lock()


def file_gate(journal: Journal | None) -> FileGate:
    """The gate of the Chroma directory beside ``journal`` (shared by this process's stores).

    Without a journal (a server, an in-memory client) no Python code opens Chroma's files:
    the store gets a gate of its own.
    """
    if journal is None:
        return FileGate()
    key = journal.path.parent.resolve()
    with _GATES_LOCK:
        return _GATES.setdefault(key, FileGate())


def model_slug(model_id: str) -> str:
    """A model id as it appears in collection names."""
    return re.sub(r"[^a-z0-9]+", "-", model_id.lower()).strip("-")


# Chroma's reads (by the collection method's name) that are asked again, up to
# READ_ATTEMPTS times in all, when they fail with one of TRANSIENT_READ_ERRORS: embedded
# Chroma fails a paged read whose plan met a record another thread has just deleted
# ("Error executing plan: Internal error: Error finding id"); asked again, it reads the
# records that are there. Writes are never asked again.
RETRIED_READS = frozenset({"get", "count", "query"})
TRANSIENT_READ_ERRORS = ("Error finding id",)
READ_ATTEMPTS = 3


class ChromaBase:
    """A store's Chroma collections, journal and generation, and the one way to call them."""

    lexical: Any  # the lexical index (vectorstore.lexical.LexicalIndex), set by the store

    def __init__(
        self,
        client: Any,
        embeddings: MiniLMEmbeddings,
        *,
        prefix: str,
        batch_size: int,
        journal: Journal | None,
    ) -> None:
        """Open (creating if needed) the collections for ``embeddings``' model."""
        self.client = client
        self.embeddings = embeddings
        slug = model_slug(embeddings.model_id)
        self.chunks_name = f"{prefix}-chunks-{slug}"
        self.docs_name = f"{prefix}-docs-{slug}"
        try:
            max_batch = int(client.get_max_batch_size())
        except Exception:  # older servers do not say
            max_batch = 1000
        self.batch_size = max(1, min(batch_size, max_batch))
        self.journal = journal if journal is not None else default_journal(client, self.chunks_name)
        self.gate = file_gate(self.journal)
        self._chunks = self._collection(self.chunks_name)
        self._docs = self._collection(self.docs_name)
        self.generations: Generation = (
            JournalGeneration(self.journal)
            if self.journal is not None
            else ChromaGeneration(self._collection(f"{prefix}-library-{slug}"))
        )

    def _collection(self, name: str) -> Any:
        try:
            with self.gate.call():
                return self.client.get_or_create_collection(
                    name,
                    embedding_function=None,
                    configuration=COSINE,
                    metadata={"embedding_model": self.embeddings.model_id},
                )
        except Exception as exc:
            raise StoreError(f"cannot open the Chroma collections: {exc}") from exc

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

    def _complete_ids(self) -> set[str]:
        """The ids of every complete document (one with a record)."""
        return {doc_id for doc_id, _ in self._iter_doc_metas()}

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        # a read that met a record deleted under it (another thread's removal) is asked again
        attempts = READ_ATTEMPTS if getattr(fn, "__name__", "") in RETRIED_READS else 1
        for attempt in range(1, attempts + 1):
            try:
                with self.gate.call():
                    return fn(*args, **kwargs)
            except StoreError:
                raise
            except Exception as exc:
                if attempt < attempts and any(t in str(exc) for t in TRANSIENT_READ_ERRORS):
                    continue
                raise self._failure(exc) from exc
        raise AssertionError("unreachable")  # the loop returns or raises

    @staticmethod
    def _failure(exc: Exception) -> StoreError:
        """The store's error for a failed Chroma call."""
        if "Nothing found on disk" in str(exc):
            # embedded Chroma: another process wrote to the index this one has open
            return StoreError(
                "the index on disk was changed by another program while this one had it "
                "open; restart this program, or share one library between programs "
                "through a Chroma server (see the README)"
            )
        return StoreError(f"the vector store failed: {exc}")
