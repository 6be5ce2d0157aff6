"""Retrieval: the question's nearest passages, as a LangChain retriever."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.models import Passage
from vectorstore.store import ChromaStore, StoredChunk


def to_passage(chunk: StoredChunk) -> Passage:
    """A stored chunk as the answerer sees it."""
    return Passage(
        doc_id=chunk.doc_id,
        source=chunk.source,
        title=chunk.title,
        page=chunk.page,
        section=chunk.section,
        text=chunk.text,
        score=chunk.score,
    )


class LibraryRetriever(BaseRetriever):
    """Dense retrieval over the stored chunks (``k`` best by cosine similarity).

    Each returned ``Document`` carries the ``StoredChunk`` in ``metadata["chunk"]``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: ChromaStore
    k: int = 6

    def search(self, question: str, k: int | None = None) -> list[StoredChunk]:
        """The best chunks for ``question``, best first."""
        vector = self.store.embeddings.embed_query(question)
        return self.store.search(vector, k or self.k)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return [
            Document(page_content=c.text, metadata={"chunk": c, "score": c.score})
            for c in self.search(query, kwargs.get("k"))
        ]
