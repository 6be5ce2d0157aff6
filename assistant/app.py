"""The composition root: ``build_assistant(settings)`` wires every part.

The facade (:class:`assistant.service.Library`, which the CLI and the window call) is
built on it; tests pass fakes through the keyword arguments instead of patching
modules. :class:`Assistant` holds the wired parts; what it does is in
:mod:`assistant.asking` (answering) and :mod:`assistant.documents` (the documents).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answering.actions import ActionAnswerer
from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.judgements import JudgementAnswerer
from assistant.asking import JUDGEMENTS_PROMPT, Answerer, Asking
from assistant.documents import Documents
from assistant.ingesting import Chunker, IngestService, Loader
from assistant.prompts import load_prompts
from assistant.redact import redact_url
from assistant.retrieval import LibraryRetriever
from assistant.scope import Holdings
from assistant.understanding import QuestionReader
from core.errors import ConfigError
from core.settings import Settings
from ingest.authorities import AuthorityIndex
from vectorstore.embeddings import known_words
from vectorstore.store import ChromaStore

if TYPE_CHECKING:
    from assistant.answering.llm import FallbackAnswerer, LLMAnswerer
    from assistant.answering.router import IntentRouter
    from assistant.local_server import LocalServer

logger = logging.getLogger(__name__)


@dataclass
class Assistant(Asking, Documents):
    """The wired parts; answering and the documents are its mixins' (see the module)."""

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

    def close(self) -> None:
        """Stop what the assistant started (the local model server)."""
        if self.local_server is not None:
            self.local_server.stop()


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
    from assistant.abbreviations import LibraryAbbreviations
    from assistant.answering.router import IntentRouter
    from assistant.answering.whole import WholeReportAnswerer
    from assistant.query import Glossary, QueryAnalyzer
    from assistant.structured import StructuredData
    from ingest.tokens import install_offline_cache

    install_offline_cache(settings.cache_dir / "tiktoken")
    store = _store(settings, embeddings, client)
    authorities = AuthorityIndex.load()
    lexical = store.lexical
    glossary = Glossary.load()
    analyzer = QueryAnalyzer(
        glossary, authorities, vocabulary=lexical.vocabulary, known=known_words
    )
    answerer, local_server = _answerer(settings, chat, lexical, glossary)
    structured = StructuredData(
        settings.data_dir / "structured" / f"{store.chunks_name}.sqlite", store, authorities
    )
    learnt = LibraryAbbreviations(
        glossary,
        lambda: [d.doc_id for d in store.list_documents()],
        store.document_text,
        lambda: store.lexical.signature,
        settings.cache_dir / "abbreviations.json",
    )
    retriever = LibraryRetriever(
        store=store,
        analyzer=analyzer,
        authorities=authorities,
        k=settings.retrieval.k,
        learn=learnt.refresh,
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
        reader=_reader(
            analyzer, authorities, store.embeddings, _written(store), store.authorities_naming
        ),
        holdings=Holdings(
            store.list_documents, lambda: store.lexical.signature, structured.frameworks
        ),
        router=router,
    )


def _written(store: Any) -> Any:
    """How many authorities write a phrase's words together (``assistant.intents.local_name``)."""
    from assistant.intents import LOCAL_TERM_AUTHORITIES

    return lambda text: store.authorities_writing(text, LOCAL_TERM_AUTHORITIES)


def _reader(
    analyzer: Any,
    authorities: AuthorityIndex,
    embeddings: Any,
    spread: Any = None,
    naming: Any = None,
) -> QuestionReader:
    """The question reader with the shipped intent model.

    A model that reads sentence vectors gets the embedding model it was fitted with: the
    store's when it is that one, else its own copy (loaded on first use).
    """
    from assistant.intent_model import IntentModel
    from vectorstore.embeddings import MiniLMEmbeddings

    model = IntentModel.load()
    embed = None
    if model is not None and model.reads_vectors:
        if getattr(embeddings, "model_id", None) != model.vector_model:
            if model.vector_model != MiniLMEmbeddings.model_id:
                raise ConfigError(
                    f"the intent model reads {model.vector_model!r} vectors, which this "
                    "installation cannot make: reinstall with `make install`"
                )
            embeddings = MiniLMEmbeddings()
        embed = embeddings.embed_query
    return QuestionReader(
        analyzer, authorities, intent_model=model, embed=embed, spread=spread, naming=naming
    )


def _store(settings: Settings, embeddings: Any, client: Any) -> ChromaStore:
    """The store (embedded or a Chroma server's) with its lexical index."""
    from assistant.answering.text_units import terms
    from vectorstore.embeddings import MiniLMEmbeddings
    from vectorstore.lexical import LexicalIndex
    from vectorstore.store import make_client

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
    return store


def _answerer(
    settings: Settings, chat: Any, lexical: Any, glossary: Any = None
) -> tuple[Answerer, LocalServer | None]:
    """The answer mode's answerer (with the extractive one as its fallback) and its server."""
    from assistant.answering.calibration import RefusalModel
    from core.everyday import Phrasing

    extractive = ExtractiveAnswerer(
        load_prompts(ExtractiveAnswerer.prompt_name),
        min_score=settings.retrieval.min_score,
        refusal_model=RefusalModel.load(),
        library_terms=_stems_of(lexical.vocabulary),
        glossary=glossary,
        phrasing=Phrasing(lexical.vocabulary),
    )
    match settings.llm.mode:
        case "extractive":
            return extractive, None
        case "openai":
            return _with_fallback(_openai_answerer(settings, chat), extractive), None
        case "local":
            primary, local_server = _local_answerer(settings, chat)
            return _with_fallback(primary, extractive), local_server
    raise ConfigError(f"unknown answer mode {settings.llm.mode!r}")


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
