"""The composition root: ``build_assistant(settings)`` wires every part.

The CLI, the UI and the tests all go through it; tests pass fakes through the
keyword arguments instead of patching modules.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from assistant.answering.extractive import ExtractiveAnswerer
from assistant.errors import InputError
from assistant.ingesting import Chunker, IngestService, Loader, ProgressFn
from assistant.models import Answer, IngestReport
from assistant.prompts import load_prompts
from assistant.retrieval import LibraryRetriever, to_passage
from assistant.settings import Settings
from ingest.authorities import AuthorityIndex
from ingest.models import DocumentKind
from vectorstore.store import ChromaStore, DocumentRecord, Filters

MAX_QUESTION_CHARS = 2000
DOCUMENT_KINDS: tuple[str, ...] = get_args(DocumentKind)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date_bound(value: str | None, *, end: bool) -> int:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as yyyymmdd (0 for None); ``end`` rounds up."""
    if not value:
        return 0
    m = _DATE.match(value.strip())
    if not m:
        raise InputError(f"invalid date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.group(1), m.group(2), m.group(3)
    month = month or ("12" if end else "01")
    day = day or ("31" if end else "01")
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        raise InputError(f"invalid date {value!r}")
    return int(f"{year}{month}{day}")


@dataclass
class Assistant:
    """The use-case API: ingest, ask, list and remove documents."""

    settings: Settings
    store: ChromaStore
    ingester: IngestService
    retriever: LibraryRetriever
    answerer: ExtractiveAnswerer
    authorities: AuthorityIndex | None = None

    def ingest(
        self, files: Sequence[tuple[Path, str]], progress: ProgressFn | None = None
    ) -> IngestReport:
        """Ingest ``(path, source)`` pairs (see ``ingest.loader.iter_files``)."""
        return self.ingester.ingest(files, progress)

    def make_filters(
        self,
        *,
        authorities: Sequence[str] = (),
        kinds: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        docs: Sequence[str] = (),
    ) -> Filters:
        """Validated retrieval filters from user input (names, kinds, dates, document refs)."""
        names = []
        for name in authorities:
            found = self.authorities.resolve(name) if self.authorities else None
            if found is None:
                raise InputError(f"unknown local authority {name!r}")
            names.append(found.name)
        for kind in kinds:
            if kind not in DOCUMENT_KINDS:
                raise InputError(
                    f"unknown report kind {kind!r} (one of: {', '.join(DOCUMENT_KINDS)})"
                )
        return Filters(
            authorities=tuple(names),
            kinds=tuple(kinds),
            doc_ids=tuple(self.resolve_document(ref).doc_id for ref in docs),
            since=parse_date_bound(since, end=False),
            until=parse_date_bound(until, end=True),
        )

    def ask(
        self,
        question: str,
        *,
        id: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        """Answer one question with cited passages (within ``filters`` if given)."""
        question = (question or "").strip()
        if not question:
            raise InputError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise InputError(
                f"the question is {len(question):,} characters long; the limit is "
                f"{MAX_QUESTION_CHARS:,}"
            )
        began = time.perf_counter()
        chunks = self.retriever.search(question, k, filters)
        retrieved_at = time.perf_counter()
        drafted = self.answerer.answer(question, chunks)
        done = time.perf_counter()
        return Answer(
            id=id or uuid.uuid4().hex[:12],
            question=question,
            text=drafted.text,
            citations=drafted.citations,
            retrieved=tuple(to_passage(c) for c in chunks),
            mode=self.answerer.mode,
            model=self.answerer.model,
            prompt=self.answerer.prompt_name,
            timings_ms={
                "retrieve": (retrieved_at - began) * 1000,
                "answer": (done - retrieved_at) * 1000,
            },
            refused=drafted.refused,
        )

    def documents(self) -> list[DocumentRecord]:
        """Every stored document."""
        return self.store.list_documents()

    def remove(self, ref: str) -> DocumentRecord:
        """Remove a document named by its source path, or by its id or an id prefix."""
        record = self.resolve_document(ref)
        self.store.remove_document(record.doc_id)
        self.store.refresh_lexical(force=True)
        return record

    def resolve_document(self, ref: str) -> DocumentRecord:
        """The one stored document that ``ref`` names (source, id, or id prefix ≥ 6)."""
        by_source = self.store.find_by_source(ref)
        if by_source:
            return by_source
        docs = self.store.list_documents()
        matches = [
            d for d in docs if d.doc_id == ref or (len(ref) >= 6 and d.doc_id.startswith(ref))
        ]
        if not matches:
            matches = [d for d in docs if Path(d.source).name == ref]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise InputError(f"no document matches {ref!r}: see `ofsted-assistant docs list`")
        raise InputError(f"{ref!r} matches {len(matches)} documents: give the full source path")


def build_assistant(
    settings: Settings,
    *,
    embeddings: Any = None,
    client: Any = None,
    loader: Loader | None = None,
    chunker: Chunker | None = None,
) -> Assistant:
    """Wire the assistant from settings; keyword arguments replace parts (for tests)."""
    from assistant.answering.text_units import terms
    from assistant.query import Glossary, QueryAnalyzer
    from ingest.tokens import install_offline_cache
    from vectorstore.embeddings import MiniLMEmbeddings
    from vectorstore.lexical import LexicalIndex
    from vectorstore.store import make_client

    install_offline_cache(settings.cache_dir / "tiktoken")
    match settings.embedding.mode:
        case "local":
            embeddings = embeddings or MiniLMEmbeddings(
                batch_size=settings.embedding.batch_size, threads=settings.embedding.threads
            )
    client = client or make_client(settings.store, settings.chroma_dir)
    store = ChromaStore(
        client,
        embeddings,
        prefix=settings.store.collection_prefix,
        batch_size=settings.store.batch_size,
    )
    store.lexical = LexicalIndex(settings.data_dir / "lexical" / store.chunks_name, terms)
    authorities = AuthorityIndex.load()
    lexical = store.lexical
    analyzer = QueryAnalyzer(Glossary.load(), authorities, vocabulary=lexical.vocabulary)
    match settings.llm.mode:
        case "extractive":
            answerer = ExtractiveAnswerer(
                load_prompts(ExtractiveAnswerer.prompt_name),
                min_score=settings.retrieval.min_score,
            )
    return Assistant(
        settings=settings,
        store=store,
        ingester=IngestService(store, settings.ingest, loader=loader, chunker=chunker),
        retriever=LibraryRetriever(
            store=store, analyzer=analyzer, authorities=authorities, k=settings.retrieval.k
        ),
        answerer=answerer,
        authorities=authorities,
    )
