"""The composition root: ``build_assistant(settings)`` wires every part.

The CLI, the UI and the tests all go through it; tests pass fakes through the
keyword arguments instead of patching modules.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, get_args

from assistant.answering.actions import ActionAnswerer
from assistant.answering.extractive import Drafted, ExtractiveAnswerer
from assistant.answering.judgements import JudgementAnswerer, TableAnswer
from assistant.errors import ConfigError, InputError
from assistant.ingesting import Chunker, IngestService, Loader, ProgressFn
from assistant.models import Answer, IngestReport
from assistant.prompts import load_prompts
from assistant.query import QueryAnalysis
from assistant.retrieval import LibraryRetriever, to_passage
from assistant.settings import Settings
from ingest.authorities import AuthorityIndex
from ingest.models import DocumentKind
from vectorstore.store import ChromaStore, DocumentRecord, Filters, StoredChunk

if TYPE_CHECKING:
    from assistant.answering.llm import FallbackAnswerer, LLMAnswerer
    from assistant.local_server import LocalServer

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
JUDGEMENTS_PROMPT = "judgements-v1"
_WHY = re.compile(r"\b(why|reasons?|because|explain)\b", re.IGNORECASE)
_MARKER = re.compile(r"\[(\d+)\]")


def _combined(first: Drafted, second: Drafted) -> Drafted:
    """Two answers in one, the second's citations renumbered after the first's."""
    if second.refused or not second.citations:
        return first
    offset = len(first.citations)
    text = _MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", second.text)
    citations = tuple(dataclasses.replace(c, n=c.n + offset) for c in second.citations)
    return Drafted(f"{first.text}\n{text}", first.citations + citations, False)


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


class Answerer(Protocol):
    """Writes the answer to a question from the retrieved chunks (best first)."""

    mode: str
    model: str | None
    prompt_name: str

    def answer(self, question: str, chunks: list[StoredChunk]) -> Drafted:
        """The drafted answer: text, citations, refused."""
        ...


@dataclass
class Assistant:
    """The use-case API: ingest, ask, list and remove documents."""

    settings: Settings
    store: ChromaStore
    ingester: IngestService
    retriever: LibraryRetriever
    answerer: Answerer
    authorities: AuthorityIndex | None = None
    judgements: JudgementAnswerer | None = None
    actions: ActionAnswerer | None = None
    local_server: LocalServer | None = None

    def ingest(
        self, files: Sequence[tuple[Path, str]], progress: ProgressFn | None = None
    ) -> IngestReport:
        """Ingest ``(path, source)`` pairs (see ``ingest.loader.iter_files``).

        A copy of each stored file is kept under ``originals/`` in the data directory,
        so that the chat window can open a cited PDF at its page.
        """
        report = self.ingester.ingest(files, progress)
        by_source = {source: path for path, source in files}
        for outcome in report.outcomes:
            if outcome.status != "failed" and outcome.doc_id and outcome.source in by_source:
                self._keep_original(by_source[outcome.source], outcome.doc_id)
        self.tidy()  # versions replaced by this ingest
        return report

    def _keep_original(self, path: Path, doc_id: str) -> None:
        target = self.settings.originals_dir / f"{doc_id}{path.suffix.lower()}"
        if target.exists():
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            shutil.copyfile(path, partial)
            os.replace(partial, target)
        except OSError as exc:  # the index is what matters; the copy is a convenience
            logger.warning("could not keep a copy of %s: %s", path.name, exc)

    def original_file(self, doc_id: str) -> Path | None:
        """The kept copy of a stored document's file, if there is one."""
        folder = self.settings.originals_dir
        if not folder.is_dir():
            return None
        found = sorted(p for p in folder.glob(f"{doc_id}.*") if not p.name.endswith(".part"))
        return found[0] if found else None

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
        history: str | None = None,
    ) -> Answer:
        """Answer one question with cited passages (within ``filters`` if given).

        ``history`` (earlier turns as text) reaches the language-model modes only.
        """
        question, began, table, chunks, retrieved_at = self._prepare(question, k, filters)
        if table is not None and not _WHY.search(question):
            return self._table_answer(id, question, table, chunks, began, retrieved_at)
        if history and getattr(self.answerer, "uses_history", False):
            drafted = self.answerer.answer(question, chunks, history)  # type: ignore[call-arg]
        else:
            drafted = self.answerer.answer(question, chunks)
        if table is not None:  # a "why" question: the grades, then the passages' reasons
            drafted = _combined(table.drafted, drafted)
        done = time.perf_counter()
        return self._answer(id, question, drafted, chunks, began, retrieved_at, done)

    def _prepare(
        self, question: str, k: int | None, filters: Filters | None
    ) -> tuple[str, float, TableAnswer | None, list[StoredChunk], float]:
        """What ``ask`` and ``stream`` share: question, tables' answer, chunks and times.

        The question is analysed once, for the tables and for retrieval.
        """
        question = self._checked_question(question)
        began = time.perf_counter()
        analysis = self.retriever.analyze(question)
        table = self._from_table(question, filters, analysis)
        chunks = self.retriever.search(question, k, filters, analysis)
        return question, began, table, chunks, time.perf_counter()

    def _from_table(
        self, question: str, filters: Filters | None, analysis: QueryAnalysis
    ) -> TableAnswer | None:
        """The judgements table's answer to a grade question about a named authority."""
        if self.judgements is None:
            return None
        from assistant.answering.judgements import NEIGHBOURS

        authorities = (filters.authorities if filters else ()) or analysis.authorities
        neighbours: list[str] = []
        if NEIGHBOURS.search(question) and len(authorities) == 1 and self.authorities:
            neighbours = [a.name for a in self.authorities.neighbours(authorities[0])]
        table = self.judgements.answer(question, authorities, analysis.years, neighbours)
        if table is None and self.actions is not None:
            table = self.actions.answer(question, authorities)
        return table

    def _table_answer(
        self,
        id: str | None,
        question: str,
        table: TableAnswer,
        chunks: list[StoredChunk],
        began: float,
        retrieved_at: float,
    ) -> Answer:
        """An answer from the judgements table; ``retrieved`` still lists what retrieval found."""
        answer = self._answer(
            id, question, table.drafted, chunks, began, retrieved_at, time.perf_counter()
        )
        return dataclasses.replace(answer, prompt=JUDGEMENTS_PROMPT)

    def stream(
        self,
        question: str,
        *,
        id: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
        history: str | None = None,
    ) -> Iterator[str | Answer]:
        """Like :meth:`ask`, yielding the model's tokens first, then the checked ``Answer``.

        The final ``Answer`` is what to show: the checks may have removed parts of
        the streamed text. Answerers that do not stream yield their whole text once.
        """
        question, began, table, chunks, retrieved_at = self._prepare(question, k, filters)
        if table is not None and not _WHY.search(question):
            yield table.drafted.text
            yield self._table_answer(id, question, table, chunks, began, retrieved_at)
            return
        if table is not None:  # a "why" question: the grades first, then the reasons
            yield table.drafted.text + "\n"
        streaming = getattr(self.answerer, "stream", None)
        if streaming is None:
            drafted = self.answerer.answer(question, chunks)
            yield drafted.text
        else:
            drafted = None
            for item in streaming(question, chunks, history):
                if isinstance(item, str):
                    yield item
                else:
                    drafted = item
            if drafted is None:
                raise RuntimeError("the answerer's stream ended without an answer")
        if table is not None:
            drafted = _combined(table.drafted, drafted)
        done = time.perf_counter()
        yield self._answer(id, question, drafted, chunks, began, retrieved_at, done)

    def close(self) -> None:
        """Stop what the assistant started (the local model server)."""
        if self.local_server is not None:
            self.local_server.stop()

    @staticmethod
    def _checked_question(question: str) -> str:
        question = (question or "").strip()
        if not question:
            raise InputError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise InputError(
                f"the question is {len(question):,} characters long; the limit is "
                f"{MAX_QUESTION_CHARS:,}"
            )
        return question

    def _answer(
        self,
        id: str | None,
        question: str,
        drafted: Drafted,
        chunks: list[StoredChunk],
        began: float,
        retrieved_at: float,
        done: float,
    ) -> Answer:
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
        self.tidy()
        return record

    def tidy(self) -> None:
        """Make documents removed by this process unreadable on disk.

        Their kept files, drafts and the window's copies are deleted, their rows in the
        structured tables dropped, and the store compacted (when another process keeps
        it busy, the compaction stays pending for the next write or window start).
        """
        from assistant.housekeeping import forget_documents
        from assistant.structured import structured_data

        removed = [
            (doc_id, source)
            for doc_id, source in self.store.take_removed()
            if self.store.get_document(doc_id) is None  # not stored again since
        ]
        if removed:
            forget_documents(self.settings, removed)
            structured_data(self).drop([doc_id for doc_id, _ in removed])
        if self.store.compaction_pending() and self.store.compact() is False:
            logger.warning(
                "removed text may stay readable in the index until it is compacted: another "
                "program is using it; this is retried at the next change"
            )

    def compact(self) -> bool | None:
        """Compact the store's files now (after an upgrade, say); see :meth:`tidy`.

        None when the store is a Chroma server's (its files are on its machine: see
        :func:`assistant.housekeeping.compact_chroma_directory`); False when another
        program kept it busy.
        """
        self.tidy()
        return self.store.compact(timeout=30.0, force=True)

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
    chat: Any = None,
) -> Assistant:
    """Wire the assistant from settings; keyword arguments replace parts (for tests).

    ``chat`` (a LangChain chat model) replaces the model of the openai/local modes.
    """
    from assistant.answering.text_units import terms
    from assistant.query import Glossary, QueryAnalyzer
    from assistant.structured import StructuredData
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
    extractive = ExtractiveAnswerer(
        load_prompts(ExtractiveAnswerer.prompt_name), min_score=settings.retrieval.min_score
    )
    answerer: Answerer
    local_server = None
    match settings.llm.mode:
        case "extractive":
            answerer = extractive
        case "openai":
            answerer = _with_fallback(_openai_answerer(settings, chat), extractive)
        case "local":
            primary, local_server = _local_answerer(settings, chat)
            answerer = _with_fallback(primary, extractive)
    structured = StructuredData(
        settings.data_dir / "structured" / f"{store.chunks_name}.sqlite", store, authorities
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
        judgements=JudgementAnswerer(structured, load_prompts(JUDGEMENTS_PROMPT)),
        actions=ActionAnswerer(structured, load_prompts(JUDGEMENTS_PROMPT)),
        local_server=local_server,
    )


def _with_fallback(primary: LLMAnswerer, fallback: ExtractiveAnswerer) -> FallbackAnswerer:
    from assistant.answering.llm import FallbackAnswerer

    return FallbackAnswerer(primary, fallback)


def _openai_answerer(settings: Settings, chat: Any) -> LLMAnswerer:
    """The openai mode: ``ChatOpenAI`` built on first use (OpenAI or ``base_url``)."""
    from assistant.answering.llm import (
        PROMPT_NAME,
        LLMAnswerer,
        ensure_model_served,
        openai_chat_model,
    )

    llm = settings.llm
    where = llm.base_url or "the OpenAI API"

    def factory() -> tuple[Any, str]:
        model = openai_chat_model(llm)
        ensure_model_served(llm)
        return model, llm.model

    return LLMAnswerer(
        load_prompts(PROMPT_NAME),
        mode="openai",
        model=llm.model,
        chat=chat,
        factory=None if chat is not None else factory,
        where=where,
        min_score=settings.retrieval.min_score,
    )


def _local_answerer(settings: Settings, chat: Any) -> tuple[LLMAnswerer, LocalServer]:
    """The local mode: a llama.cpp server for ``gguf_path``, started on the first answer."""
    from assistant.answering.llm import PROMPT_NAME, LLMAnswerer, openai_chat_model
    from assistant.local_server import LocalServer

    llm = settings.llm
    if llm.gguf_path is None:
        raise ConfigError(
            "the local mode needs a GGUF model file: set OFSTED_ASSISTANT_LLM__GGUF_PATH"
        )
    server = LocalServer(
        llm.gguf_path,
        host=llm.local_host,
        port=llm.local_port,
        ctx=llm.context_tokens,
        log_path=settings.data_dir / "logs" / "local-server.log",
    )

    def factory() -> tuple[Any, str]:
        return (
            openai_chat_model(
                llm, base_url=server.base_url, model=server.model, api_key="not-needed"
            ),
            server.model,
        )

    answerer = LLMAnswerer(
        load_prompts(PROMPT_NAME),
        mode="local",
        model=Path(llm.gguf_path).stem,
        chat=chat,
        factory=None if chat is not None else factory,
        where="the local model server",
        min_score=settings.retrieval.min_score,
    )
    return answerer, server
