"""The composition root: ``build_assistant(settings)`` wires every part.

The CLI, the UI and the tests all go through it; tests pass fakes through the
keyword arguments instead of patching modules.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.answering.extractive import ExtractiveAnswerer
from assistant.errors import InputError
from assistant.ingesting import Chunker, IngestService, Loader, ProgressFn
from assistant.models import Answer, IngestReport
from assistant.prompts import load_prompts
from assistant.retrieval import LibraryRetriever, to_passage
from assistant.settings import Settings
from vectorstore.store import ChromaStore, DocumentRecord

MAX_QUESTION_CHARS = 2000


@dataclass
class Assistant:
    """The use-case API: ingest, ask, list and remove documents."""

    settings: Settings
    store: ChromaStore
    ingester: IngestService
    retriever: LibraryRetriever
    answerer: ExtractiveAnswerer

    def ingest(
        self, files: Sequence[tuple[Path, str]], progress: ProgressFn | None = None
    ) -> IngestReport:
        """Ingest ``(path, source)`` pairs (see ``ingest.loader.iter_files``)."""
        return self.ingester.ingest(files, progress)

    def ask(self, question: str, *, id: str | None = None, k: int | None = None) -> Answer:
        """Answer one question with cited passages."""
        question = (question or "").strip()
        if not question:
            raise InputError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise InputError(
                f"the question is {len(question):,} characters long; the limit is "
                f"{MAX_QUESTION_CHARS:,}"
            )
        began = time.perf_counter()
        chunks = self.retriever.search(question, k)
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
    from ingest.authorities import AuthorityIndex
    from ingest.tokens import install_offline_cache
    from vectorstore.embeddings import MiniLMEmbeddings
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
            store=store, k=settings.retrieval.k, authorities=AuthorityIndex.load()
        ),
        answerer=answerer,
    )
