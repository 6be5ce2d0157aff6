"""The LangChain tutorial's vector store, for the evaluation baseline only.

An in-memory Chroma collection filled with ``Chroma.from_documents`` the way the
tutorial does it, searched with ``similarity_search_with_score``. Nothing here is
used by the assistant itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from core.errors import AssistantError, StoreError

logger = logging.getLogger(__name__)

COLLECTION = "baseline-tutorial"
MAX_BATCH = 5000  # Chroma's largest add

TutorialSearch = Callable[[str, int], list[tuple[Document, float]]]


def build_tutorial_store(
    documents: Sequence[Document],
    embeddings: Embeddings,
    *,
    batch_size: int = 256,
    on_batch: Callable[[int], None] | None = None,
) -> TutorialSearch:
    """Embed ``documents`` into a fresh ephemeral Chroma collection (cosine space).

    Args:
        documents: the tutorial's chunks.
        embeddings: the embedding model (the project's MiniLM, for a fair comparison).
        batch_size: documents per add (at most 5000, Chroma's maximum).
        on_batch: called with the number of documents added after each batch.

    Returns:
        ``search(question, k)``: the ``k`` nearest chunks, best first, with their
        cosine distance (lower is closer).

    Raises:
        StoreError: Chroma failed.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    batch_size = max(1, min(batch_size, MAX_BATCH))
    docs = list(documents)
    try:
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        # Ephemeral clients in one process share their data: start from an empty collection.
        if any(c.name == COLLECTION for c in client.list_collections()):
            client.delete_collection(COLLECTION)
        store = Chroma.from_documents(
            docs[:batch_size],
            embedding=embeddings,
            client=client,
            collection_name=COLLECTION,
            collection_configuration={"hnsw": {"space": "cosine"}},
        )
        if on_batch:
            on_batch(len(docs[:batch_size]))
        for begin in range(batch_size, len(docs), batch_size):
            batch = docs[begin : begin + batch_size]
            store.add_documents(batch)
            if on_batch:
                on_batch(len(batch))
    except AssistantError:
        raise
    except Exception as exc:
        raise StoreError(f"the baseline vector store failed: {exc}") from exc
    logger.info("baseline store: %d chunks", len(docs))

    def search(question: str, k: int) -> list[tuple[Document, float]]:
        try:
            return store.similarity_search_with_score(question, k=k)
        except Exception as exc:
            raise StoreError(f"the baseline vector store failed: {exc}") from exc

    return search
