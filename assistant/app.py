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
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from assistant.answering.actions import ActionAnswerer
from assistant.answering.extractive import Drafted, ExtractiveAnswerer
from assistant.answering.judgements import JudgementAnswerer, TableAnswer
from assistant.filtering import DOCUMENT_KINDS, make_filters, parse_date_bound  # noqa: F401 (re-exported)
from assistant.identity import Origin
from assistant.ingesting import Chunker, IngestService, Loader, ProgressFn, StageFn
from assistant.models import Answer, IngestReport
from assistant.prompts import load_prompts
from assistant.redact import redact_url
from assistant.retrieval import LibraryRetriever, to_passage
from assistant.scope import Holdings, Scope, decide_scope
from assistant.understanding import QuestionReader, Understood
from core.errors import ConfigError, InputError
from core.settings import Settings
from core.vocabulary import INTENT_QUERY
from ingest.authorities import AuthorityIndex
from vectorstore.store import ChromaStore, DocumentRecord, Filters, StoredChunk, Visible

if TYPE_CHECKING:
    from assistant.answering.llm import FallbackAnswerer, LLMAnswerer
    from assistant.answering.router import IntentRouter
    from assistant.local_server import LocalServer

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000
JUDGEMENTS_PROMPT = "judgements-v1"
_MARKER = re.compile(r"\[(\d+)\]")


EMPTY_LIBRARY_REASON = "empty library"
EMPTY_LIBRARY = (
    "The library is empty: no reports have been added to it yet, so there is nothing to "
    "answer from. Add reports with `ofsted-assistant ingest FOLDER` (or the window's "
    "Documents tab) and ask again."
)


def _combined(first: Drafted, second: Drafted) -> Drafted:
    """Two answers in one, the second's citations renumbered after the first's."""
    if not first.text and not first.citations:
        return second
    if second.refused or not second.citations:
        return first
    offset = len(first.citations)
    text = _MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", second.text)
    citations = tuple(dataclasses.replace(c, n=c.n + offset) for c in second.citations)
    return Drafted(f"{first.text}\n{text}", first.citations + citations, False)


def _noted(note: str, drafted: Drafted) -> Drafted:
    """The drafted answer after the scope's note (what is missing, where it comes from)."""
    if not note:
        return drafted
    return dataclasses.replace(drafted, text=f"{note}{drafted.text}")


@dataclass(frozen=True)
class _Prepared:
    """A question understood, scoped and retrieved for: what every answer route reads."""

    question: str
    und: Understood
    scope: Scope
    filters: Filters
    began: float
    table: TableAnswer | None
    chunks: list[StoredChunk]
    retrieved_at: float


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
    reader: QuestionReader | None = None
    holdings: Holdings | None = None
    router: IntentRouter | None = None
    _mention_cache: dict[tuple[str, Any], list[str]] = dataclasses.field(
        default_factory=dict, repr=False
    )

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
        """Ingest ``(path, source)`` pairs (see ``ingest.loader.iter_files``).

        ``origin`` and ``confirmed`` decide what new content may replace (see
        :meth:`IngestService.ingest`). A copy of each stored file is kept under
        ``originals/`` in the data directory, so that the chat window can open a
        cited PDF at its page. ``visible`` (the window's write lock) is held only while
        each document becomes visible to questions, and while replaced versions are
        made unreadable on disk. ``added_by`` (an account, a user) is recorded with
        each document. ``progress`` is told as each file is done and ``on_stage`` as each
        stage of each file starts (see :meth:`IngestService.ingest`).
        """
        report = self.ingester.ingest(
            files,
            progress,
            origin=origin,
            confirmed=confirmed,
            visible=visible,
            added_by=added_by,
            on_stage=on_stage,
        )
        for (path, _source), outcome in zip(files, report.outcomes, strict=True):
            if outcome.status in ("added", "updated", "unchanged") and outcome.doc_id:
                self._keep_original(path, outcome.doc_id)
        self._tidy_within(visible)  # versions replaced by this ingest
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
        return make_filters(
            self.authorities,
            authorities=authorities,
            kinds=kinds,
            since=since,
            until=until,
            doc_ids=[self.resolve_document(ref).doc_id for ref in docs],
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

        The same path as :meth:`stream`, drained. ``history`` (earlier turns as text)
        reaches the language-model modes only.
        """
        answer = None
        for item in self.stream(question, id=id, k=k, filters=filters, history=history):
            if isinstance(item, Answer):
                answer = item
        if answer is None:
            raise RuntimeError("the answer stream ended without an answer")
        return answer

    def understand(self, question: str) -> Understood:
        """The question's authorities, years, recency, intent and topic."""
        analysis = self.retriever.analyze(question)
        if self.reader is None:
            return Understood(question, question, analysis, years=analysis.years)
        self.retriever.analyze("")  # keeps the lexical vocabulary fresh for the reader
        return self.reader.read(question)

    def _prepare(self, question: str, k: int | None, filters: Filters | None) -> _Prepared:
        """Understand the question once, decide its scope, then read the tables and retrieve."""
        question = self._checked_question(question)
        began = time.perf_counter()
        und = self.understand(question)
        scope = (
            decide_scope(und, self.holdings, self._mentions, filters)
            if self.holdings is not None
            else Scope()
        )
        scoped = scope.filters(filters)
        if scope.refusal:
            return _Prepared(question, und, scope, scoped, began, None, [], time.perf_counter())
        table = self._from_table(question, filters, und, scope)
        query = f"{und.normalised} {INTENT_QUERY.get(und.intent, '')}".strip()
        chunks = self.retriever.search(query, k, scoped, und.analysis)
        return _Prepared(question, und, scope, scoped, began, table, chunks, time.perf_counter())

    def _mentions(self, name: str) -> list[str]:
        """Documents about no authority (national reports) whose text names ``name``.

        Used only for an authority with no document of its own; another council's
        report that mentions it (a neighbour, a comparison) is never in its scope.
        """
        from assistant.answering.text_units import terms

        if self.authorities is None or self.holdings is None:
            return []
        key = (name, self.store.lexical.signature if self.store.lexical else None)
        if key in self._mention_cache:
            return self._mention_cache[key]
        general = {h.doc_id for h in self.holdings.all() if not h.authorities}
        if not general:
            return []
        hits = self.store.lexical_search(terms(name), 40, Filters(doc_ids=tuple(general)))
        found: dict[str, None] = {}
        for chunk in self.store.get_chunks([cid for cid, _ in hits]):
            if any(m.name == name for m in self.authorities.find(chunk.text)):
                found[chunk.doc_id] = None
        if len(self._mention_cache) > 512:
            self._mention_cache.clear()
        self._mention_cache[key] = list(found)
        return list(found)

    def _from_table(
        self, question: str, filters: Filters | None, und: Understood, scope: Scope
    ) -> TableAnswer | None:
        """The judgements (or actions) table's answer to a grade or plan question."""
        if self.judgements is None or und.intent in ("compare", "improve", "summary"):
            return None
        from assistant.answering.judgements import NEIGHBOURS

        authorities = (filters.authorities if filters else ()) or scope.authorities
        authorities = tuple(a for a in authorities if a not in scope.missing)
        question = und.corrected  # "outstandng" asks for a grade too
        table = None
        # the understood intent alone decides ("how effective is the pre-proceedings
        # work?" is a finding: the grades would not answer it)
        if und.intent in ("grade", "why"):
            neighbours: list[str] = []
            if NEIGHBOURS.search(question) and len(authorities) == 1 and self.authorities:
                neighbours = [a.name for a in self.authorities.neighbours(authorities[0])]
            ids = tuple(i for a in authorities for i in scope.by_authority.get(a, ()))
            table = self.judgements.answer(
                question,
                authorities,
                und.years,
                neighbours,
                ids,
                force=und.intent in ("why", "grade") and bool(authorities),
            )
        if table is None and self.actions is not None:
            table = self.actions.answer(question, authorities)
        return table

    def stream(
        self,
        question: str,
        *,
        id: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
        history: str | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the answer's text pieces, then the checked ``Answer``.

        The one answer path (``ask`` drains it): the question is understood and scoped
        once; out-of-scope questions get the sentence saying what is missing; grade and
        plan questions the tables; compare, summary, improve and who/when questions
        their intent's route; the rest quotes (or a model's answer) of the scoped
        passages. The final ``Answer`` is what to show: checks may have removed parts
        of the streamed text.
        """
        p = self._prepare(question, k, filters)
        if self.store.count_chunks() == 0:
            drafted = Drafted(EMPTY_LIBRARY, (), True)
            yield drafted.text
            yield self._answer(id, p, drafted, "scope", refusal_reason=EMPTY_LIBRARY_REASON)
            return
        note = f"{p.scope.note}\n" if p.scope.note else ""
        if p.scope.refusal:
            drafted = Drafted(p.scope.refusal, (), True)
            yield drafted.text
            yield self._answer(id, p, drafted, "scope", refusal_reason="out of scope")
            return
        if note:
            yield note
        why = p.und.intent == "why"
        if p.table is not None and (not why or p.table.drafted.refused):
            yield p.table.drafted.text
            reason = "no such judgement" if p.table.drafted.refused else None
            yield self._answer(
                id, p, _noted(note, p.table.drafted), "judgements table", refusal_reason=reason
            )
            return
        routed = None
        if self.router is not None and not why:
            routed = self.router.route(p.und, p.scope, p.chunks, p.filters)
        if routed is not None:
            yield routed.drafted.text
            yield self._answer(id, p, _noted(note, routed.drafted), routed.source)
            return
        first: Drafted | None = None
        reasons = self.router.reasons(p.und, p.scope, p.chunks) if self.router and why else None
        if p.table is not None or reasons is not None:  # "why": the grades, then the reasons
            first = p.table.drafted if p.table is not None else Drafted("", (), False)
            if first.text:
                yield first.text + "\n"
            if reasons is not None:
                yield reasons.text
                drafted = _combined(first, reasons)
                source = "judgements table" if p.table is not None else "whole report"
                yield self._answer(id, p, _noted(note, drafted), source)
                return
        drafted = yield from self._from_passages(p, history)
        drafted = self._say_where_grades_come_from(p, drafted)
        if first is not None:
            drafted = _combined(first, drafted)
        yield self._answer(id, p, _noted(note, drafted), "passages", model_used=True)

    def _say_where_grades_come_from(self, p: _Prepared, drafted: Drafted) -> Drafted:
        """A grade quoted from a document that is not an Ofsted report says so."""
        from assistant.answering.intent import is_grade_unit
        from assistant.scope import REPORT_KINDS

        if self.holdings is None or drafted.refused:
            return drafted
        kinds = {h.doc_id: (h.kind, h.title) for h in self.holdings.all()}
        notes = []
        for c in drafted.citations:
            kind, title = kinds.get(c.doc_id, (None, c.title))
            if kind in REPORT_KINDS or kind == "national survey" or not is_grade_unit(c.quote):
                continue
            notes.append(
                f"[{c.n}] is quoted from {title or c.source} ({kind or 'a document'}), "
                "not from an Ofsted report: check the report itself."
            )
        if not notes:
            return drafted
        return dataclasses.replace(drafted, text=drafted.text + "\n" + "\n".join(notes))

    def _from_passages(self, p: _Prepared, history: str | None) -> Iterator[str]:
        """The answerer's pieces over the scoped passages; returns the drafted answer."""
        question = p.und.normalised
        streaming = getattr(self.answerer, "stream", None)
        if streaming is None:
            if history and getattr(self.answerer, "uses_history", False):
                drafted = self.answerer.answer(question, p.chunks, history)  # type: ignore[call-arg]
            else:
                drafted = self.answerer.answer(question, p.chunks)
            yield drafted.text
            return drafted
        drafted = None
        for item in streaming(question, p.chunks, history):
            if isinstance(item, str):
                yield item
            else:
                drafted = item
        if drafted is None:
            raise RuntimeError("the answerer's stream ended without an answer")
        return drafted

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
        p: _Prepared,
        drafted: Drafted,
        answered_from: str,
        *,
        model_used: bool = False,
        refusal_reason: str | None = None,
    ) -> Answer:
        """The typed answer; ``mode``/``model`` say what really answered."""
        done = time.perf_counter()
        by_model = model_used and self.answerer.mode != "extractive" and drafted.fallback is None
        if drafted.refused and refusal_reason is None:
            refusal_reason = "not covered" if answered_from == "passages" else "nothing found"
        if answered_from == "judgements table":
            prompt = JUDGEMENTS_PROMPT
        elif by_model:
            prompt = self.answerer.prompt_name
        else:  # offline wording: quotes, whole-report lists, scope sentences
            prompt = ExtractiveAnswerer.prompt_name
        return Answer(
            id=id or uuid.uuid4().hex[:12],
            question=p.question,
            text=drafted.text,
            citations=drafted.citations,
            retrieved=tuple(to_passage(c) for c in p.chunks),
            mode=self.answerer.mode if by_model else "extractive",
            model=self.answerer.model if by_model else None,
            prompt=prompt,
            timings_ms={
                "retrieve": (p.retrieved_at - p.began) * 1000,
                "answer": (done - p.retrieved_at) * 1000,
            },
            refused=drafted.refused,
            intent=p.und.intent,
            scope=p.scope.to_json() | {"recognised": [a.to_json() for a in p.und.authorities]},
            answered_from=answered_from,
            refusal_reason=refusal_reason if drafted.refused else None,
            fallback_reason=drafted.fallback,
        )

    def documents(self) -> list[DocumentRecord]:
        """Every stored document."""
        return self.store.list_documents()

    def remove(self, ref: str, *, visible: Visible | None = None) -> DocumentRecord:
        """Remove a document named by its source path, or by its id or an id prefix.

        ``visible`` is held only while the removal becomes visible to questions.
        """
        record = self.resolve_document(ref)
        self.store.remove_document(record.doc_id, visible=visible)
        if visible is None:
            self.store.refresh_lexical(force=True)
        self._tidy_within(visible)
        return record

    def _tidy_within(self, visible: Visible | None) -> None:
        """:meth:`tidy`, holding ``visible`` too.

        The store's writer lock is taken first, as every write takes them: in the other
        order two uploads could wait for each other for ever.
        """
        if visible is None:
            self.tidy()
            return
        with self.store.writing(), visible():
            self.tidy()

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
        """The one stored document that ``ref`` names (source, its end, id, id prefix ≥ 6).

        Different reports may share a source (a file name): then ``ref`` is ambiguous
        and the error lists them with their ids.
        """
        matches = self.store.find_all_by_source(ref)
        if not matches:
            docs = self.store.list_documents()
            matches = [
                d for d in docs if d.doc_id == ref or (len(ref) >= 6 and d.doc_id.startswith(ref))
            ]
            if not matches:  # the end of a source path: "kent/report.pdf" or "report.pdf"
                tail = ref.strip("/")
                matches = [d for d in docs if tail and f"/{d.source}".endswith(f"/{tail}")]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise InputError(f"no document matches {ref!r}: see `ofsted-assistant docs list`")
        listed = "; ".join(
            f"{d.doc_id[:12]} {d.title} ({', '.join(d.meta.authorities) or '-'})" for d in matches
        )
        raise InputError(f"{ref!r} matches {len(matches)} documents, give an id: {listed}")


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
    from assistant.answering.calibration import RefusalModel
    from assistant.answering.router import IntentRouter
    from assistant.answering.text_units import terms
    from assistant.answering.whole import WholeReportAnswerer
    from assistant.intent_model import IntentModel
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
        load_prompts(ExtractiveAnswerer.prompt_name),
        min_score=settings.retrieval.min_score,
        refusal_model=RefusalModel.load(),
        library_terms=_stems_of(lexical.vocabulary),
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
    retriever = LibraryRetriever(
        store=store, analyzer=analyzer, authorities=authorities, k=settings.retrieval.k
    )
    judgements = JudgementAnswerer(structured, load_prompts(JUDGEMENTS_PROMPT))
    router = IntentRouter(
        WholeReportAnswerer(store.parsed_document, authorities),
        judgements,
        passages=answerer.answer,
        search=lambda question, flt: retriever.search(question, None, flt),
    )
    return Assistant(
        settings=settings,
        store=store,
        ingester=IngestService(store, settings.ingest, loader=loader, chunker=chunker),
        retriever=retriever,
        answerer=answerer,
        authorities=authorities,
        judgements=judgements,
        actions=ActionAnswerer(structured, load_prompts(JUDGEMENTS_PROMPT)),
        local_server=local_server,
        reader=QuestionReader(analyzer, authorities, intent_model=IntentModel.load()),
        holdings=Holdings(store.list_documents, lambda: store.lexical.signature),
        router=router,
    )


def _stems_of(vocabulary: Any) -> Any:
    """``() -> set of the library's terms``, recomputed when its vocabulary changes."""
    from assistant.answering.text_units import stem

    cache: dict[str, Any] = {"key": None, "terms": frozenset()}

    def terms_now() -> frozenset[str]:
        words = vocabulary()
        key = (id(words), len(words))
        if key != cache["key"]:
            cache["terms"] = frozenset(stem(w) for w in words)
            cache["key"] = key
        return cache["terms"]

    return terms_now


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
    where = redact_url(llm.base_url) or "the OpenAI API"

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
