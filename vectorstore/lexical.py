"""BM25 over the stored chunks (bm25s), persisted beside the vector store.

Beside the BM25 index it keeps the chunks' vectors (float16 on disk, float32 in
memory), so that dense search is an exact top-k in memory: with filters (an authority,
a kind, dates, documents) over the allowed rows, rather than Chroma's metadata filter,
which grows slow with the library (hundreds of milliseconds at 100,000 chunks); without,
over all rows (about 10 ms at 100,000 chunks), which also keeps a long-running process
right when another process has written to an embedded Chroma it has open.

The index is derived data: it is rebuilt from the chunks in Chroma after every
ingest or removal (never per query) and saved under the data directory with the
library generation it was built at (:mod:`vectorstore.generation`). A rebuild is built
aside (:meth:`LexicalIndex.build`) and swapped in at once (:meth:`LexicalIndex.install`):
searches use the old index meanwhile. A process that finds the generation moved
(another process wrote to the library, or an ingest was interrupted) loads the saved
index or rebuilds it before answering (:mod:`vectorstore.derived`).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.names import capitalised_names, name_key

logger = logging.getLogger(__name__)

Analyzer = Callable[[str], list[str]]


def _bm25s() -> Any:
    """Import bm25s, which sets its own logger to DEBUG on import: keep it quiet."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


_WORD = re.compile(r"[a-z][a-z'’-]{2,}")
FORMAT = 3  # of the saved index: an index saved in another format is rebuilt on load


@dataclass(frozen=True)
class LexicalRecord:
    """What the lexical index keeps of a chunk besides its tokens (for filtering)."""

    chunk_id: str
    doc_id: str
    authorities: tuple[str, ...]
    kind: str
    date: int  # yyyymmdd of publication (or inspection), 0 when unknown


@dataclass(frozen=True)
class LexicalFilter:
    """Which chunks may be returned: all given conditions must hold."""

    authorities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    since: int = 0  # yyyymmdd
    until: int = 0

    @property
    def empty(self) -> bool:
        """True when nothing is filtered."""
        return not (self.authorities or self.kinds or self.doc_ids or self.since or self.until)


@dataclass(frozen=True)
class BuiltIndex:
    """An index built and not yet in use (see :meth:`LexicalIndex.build`)."""

    bm25: Any
    records: list[LexicalRecord]
    vocab_ids: dict[str, int]
    words: Counter[str]
    vectors: np.ndarray | None
    # the names written with capitals inside a sentence, by the authorities writing them
    names: dict[str, frozenset[str]]


class LexicalIndex:
    """A persisted BM25 index of chunks with per-chunk filter data and a vocabulary."""

    def __init__(self, directory: Path, analyzer: Analyzer) -> None:
        """Use ``directory`` for the saved index; ``analyzer`` turns text into terms."""
        self.directory = directory
        self.analyzer = analyzer
        self._lock = threading.RLock()
        self._save_lock = threading.Lock()
        self._bm25: Any = None
        self._records: list[LexicalRecord] = []
        self._vocab_ids: dict[str, int] = {}
        self._words: Counter[str] = Counter()
        self._names: dict[str, frozenset[str]] = {}
        self._cols: dict[str, Any] | None = None
        self._vectors: np.ndarray | None = None
        self.generation: str | None = None  # of the library the index was built from

    @property
    def signature(self) -> str | None:
        """The generation the index was built at (what callers key their caches by)."""
        return self.generation

    # -- building ----------------------------------------------------------------

    def rebuild(self, items: Iterable[tuple[Any, ...]], generation: str) -> int:
        """Index ``(record, text)`` or ``(record, text, vector)`` items; save; return the count.

        The vectors are kept only when every item has one.
        """
        built = self.build(items)
        self.install(built, generation)
        self.save()
        return len(built.records)

    def build(self, items: Iterable[tuple[Any, ...]]) -> BuiltIndex:
        """The index of ``items``, built aside: searches keep using the current one.

        Swap it in with :meth:`install` (a moment), then :meth:`save` it.
        """
        bm25s = _bm25s()
        records: list[LexicalRecord] = []
        # token ids, not token strings: a 100,000-chunk library would otherwise hold
        # some 15 million strings at once
        vocab: dict[str, int] = {}
        corpus: list[np.ndarray] = []
        words: Counter[str] = Counter()
        names: dict[str, set[str]] = {}
        vectors: list[np.ndarray] | None = []
        for item in items:
            record, text = item[0], item[1]
            records.append(record)
            for name in capitalised_names(text):
                names.setdefault(name, set()).update(record.authorities)
            tokens = self.analyzer(text)
            corpus.append(
                np.fromiter(
                    (vocab.setdefault(t, len(vocab)) for t in tokens),
                    dtype=np.int32,
                    count=len(tokens),
                )
            )
            words.update(w.rstrip("'’-") for w in _WORD.findall(text.lower()))
            if vectors is not None:
                if len(item) > 2 and item[2] is not None:
                    vectors.append(np.asarray(item[2], dtype=np.float16))
                else:
                    vectors = None
        matrix = np.vstack(vectors).astype(np.float32) if vectors else None
        bm25 = bm25s.BM25()
        if corpus:
            bm25.index((corpus, vocab), show_progress=False)
        return BuiltIndex(
            bm25=bm25 if corpus else None,
            records=records,
            vocab_ids=dict(bm25.vocab_dict) if corpus else {},
            words=words,
            vectors=matrix,
            names={name: frozenset(a) for name, a in names.items()},
        )

    def install(self, built: BuiltIndex, generation: str | None) -> None:
        """Search ``built`` from now on (it describes the library at ``generation``).

        None when its generation is not known: the next refresh rebuilds it.
        """
        with self._lock:
            self._bm25 = built.bm25
            self._records = built.records
            self._vocab_ids = built.vocab_ids
            self._words = built.words
            self._names = built.names
            self._cols = None
            self._vectors = built.vectors
            self.generation = generation

    def save(self) -> None:
        """Write the index in use to its directory (replacing the saved one at once)."""
        with self._lock:
            bm25, records, words = self._bm25, self._records, self._words
            vectors, generation, names = self._vectors, self.generation, self._names
        with self._save_lock:  # searches go on meanwhile; two saves do not mix their files
            self._save(bm25, records, words, vectors, generation, names)

    def _save(
        self,
        bm25: Any,
        records: list[LexicalRecord],
        words: Counter[str],
        vectors: np.ndarray | None,
        generation: str | None,
        names: dict[str, frozenset[str]],
    ) -> None:
        tmp = self.directory.with_name(self.directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if bm25 is not None:
            bm25.save(str(tmp / "bm25"), show_progress=False)
        meta = {
            "format": FORMAT,
            "generation": generation,
            "records": [
                [r.chunk_id, r.doc_id, list(r.authorities), r.kind, r.date] for r in records
            ],
            "words": dict(words),
            "names": {name: sorted(a) for name, a in names.items()},
            "vectors": vectors is not None,
        }
        (tmp / "records.json").write_text(json.dumps(meta), encoding="utf-8")
        if vectors is not None:
            np.save(tmp / "vectors.npy", vectors.astype(np.float16))
        old = self.directory.with_name(self.directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.directory.exists():
            os.replace(self.directory, old)
        os.replace(tmp, self.directory)
        shutil.rmtree(old, ignore_errors=True)

    def load(self) -> bool:
        """Load the saved index; False when there is none (or it is unreadable)."""
        bm25s = _bm25s()
        path = self.directory / "records.json"
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            bm25 = (
                bm25s.BM25.load(str(self.directory / "bm25"), show_progress=False)
                if (self.directory / "bm25").exists()
                else None
            )
            vectors_path = self.directory / "vectors.npy"
            vectors = np.load(vectors_path).astype(np.float32) if vectors_path.exists() else None
        except (OSError, ValueError, KeyError) as exc:
            if path.exists():
                logger.warning("lexical index unreadable, it will be rebuilt: %s", exc)
            return False
        if (
            meta.get("format") != FORMAT
            or "vectors" not in meta
            or (meta["vectors"] and vectors is None)
        ):
            return False  # saved by an older version, or its vectors are missing: rebuild
        if vectors is not None and len(vectors) != len(meta["records"]):
            logger.warning("lexical index vectors out of step, it will be rebuilt")
            return False
        with self._lock:
            self._records = [
                LexicalRecord(c, d, tuple(a), k, int(t)) for c, d, a, k, t in meta["records"]
            ]
            self._bm25 = bm25
            self._vocab_ids = dict(bm25.vocab_dict) if bm25 is not None else {}
            self._words = Counter(meta.get("words", {}))
            self._names = {n: frozenset(a) for n, a in meta.get("names", {}).items()}
            self._cols = None
            self._vectors = vectors
            self.generation = meta.get("generation")
        return True

    # -- querying ----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._records)

    def _columns(self) -> dict[str, Any]:
        """Per-record arrays for vectorised filtering (built once per index version)."""
        if self._cols is None:
            records = self._records
            authorities: dict[str, np.ndarray] = {}
            for i, r in enumerate(records):
                for a in r.authorities:
                    authorities.setdefault(a, np.zeros(len(records), dtype=bool))[i] = True
            self._cols = {
                "authorities": authorities,
                "kind": np.array([r.kind for r in records], dtype=object),
                "doc": np.array([r.doc_id for r in records], dtype=object),
                "date": np.array([r.date for r in records], dtype=np.int64),
            }
        return self._cols

    def _mask(self, flt: LexicalFilter) -> np.ndarray:
        cols = self._columns()
        n = len(self._records)
        mask = np.ones(n, dtype=bool)
        if flt.authorities:
            any_of = np.zeros(n, dtype=bool)
            for a in flt.authorities:
                if a in cols["authorities"]:
                    any_of |= cols["authorities"][a]
            mask &= any_of
        if flt.kinds:
            mask &= np.isin(cols["kind"], list(flt.kinds))
        if flt.doc_ids:
            mask &= np.isin(cols["doc"], list(flt.doc_ids))
        if flt.since:
            mask &= (cols["date"] != 0) & (cols["date"] >= flt.since)
        if flt.until:
            mask &= (cols["date"] != 0) & (cols["date"] <= flt.until)
        return mask.astype(np.float32)

    @property
    def has_vectors(self) -> bool:
        """Whether the chunks' vectors are held (for exact filtered search)."""
        return self._vectors is not None

    def dense_search(
        self, vector: Sequence[float], k: int, flt: LexicalFilter
    ) -> list[tuple[str, float]] | None:
        """The ``k`` chunks most similar to ``vector`` within ``flt`` (exact, by dot product).

        ``(chunk_id, similarity)`` best first; None when the vectors are not held.
        """
        with self._lock:
            vectors, records = self._vectors, self._records
            if vectors is None:
                return None
            allowed = None if flt.empty else np.flatnonzero(self._mask(flt))
        if k <= 0 or not len(records) or (allowed is not None and not len(allowed)):
            return []
        query = np.asarray(vector, dtype=np.float32)
        scores = (vectors if allowed is None else vectors[allowed]) @ query
        n = min(k, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        rows = top if allowed is None else allowed[top]
        return [
            (records[int(r)].chunk_id, float(scores[i])) for r, i in zip(rows, top, strict=True)
        ]

    def doc_counts(self) -> Counter[str]:
        """How many chunks of each document are indexed."""
        with self._lock:
            return Counter(r.doc_id for r in self._records)

    def authorities_using(self, text: str) -> int | None:
        """How many authorities have a passage holding every term of ``text``.

        None when the index cannot tell (empty, or its matrix is not BM25's sparse form).
        """
        held = self.holding(text)
        return None if held is None else len(authorities_of(held))

    def holding(self, text: str, flt: LexicalFilter | None = None) -> list[LexicalRecord] | None:
        """The passages (within ``flt``) holding every term of ``text`` (None: cannot tell)."""
        with self._lock:
            bm25, records, vocab = self._bm25, self._records, self._vocab_ids
        if bm25 is None:
            return None
        matrix = getattr(bm25, "scores", None)
        if not isinstance(matrix, dict) or not {"indices", "indptr"} <= set(matrix):
            return None
        indices, indptr = matrix["indices"], matrix["indptr"]
        held: set[int] | None = None
        for term in dict.fromkeys(self.analyzer(text)):
            if term not in vocab:
                return []
            at = vocab[term]
            chunks = set(indices[indptr[at] : indptr[at + 1]].tolist())
            held = chunks if held is None else held & chunks
        if held is None:
            return None
        if flt is not None and not flt.empty:
            with self._lock:
                allowed = self._mask(flt)
            held = {i for i in held if allowed[i]}
        return [records[i] for i in sorted(held)]

    def naming(self, phrase: str) -> frozenset[str]:
        """The authorities whose passages write ``phrase`` with capitals inside a sentence.

        See :mod:`vectorstore.names` (empty when none does).
        """
        with self._lock:
            names = self._names
        return names.get(name_key(phrase), frozenset())

    def vocabulary(self) -> Counter[str]:
        """Surface words of the indexed text with their frequencies (for spelling)."""
        return self._words

    def search(
        self, terms: Sequence[str], k: int, flt: LexicalFilter | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` best ``(chunk_id, score)`` for query ``terms``, best first."""
        with self._lock:
            bm25, records = self._bm25, self._records
            known = [t for t in terms if t in self._vocab_ids]
        if bm25 is None or not known or k <= 0:
            return []
        mask = None
        if flt is not None and not flt.empty:
            mask = self._mask(flt)
            if not mask.any():
                return []
        n = min(k, len(records))
        ids, scores = bm25.retrieve(
            [known], k=n, show_progress=False, weight_mask=mask, n_threads=0
        )
        out = []
        for i, score in zip(ids[0], scores[0], strict=True):
            if score > 0:
                out.append((records[int(i)].chunk_id, float(score)))
        return out


def authorities_of(records: Iterable[LexicalRecord]) -> set[str]:
    """The authorities some of ``records`` are about."""
    return {a for r in records for a in r.authorities}
