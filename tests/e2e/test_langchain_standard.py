"""LangChain's own standard suites (langchain-tests) for the retriever and the embeddings.

Real parts: the sample library indexed with the real MiniLM model into real Chroma
(``sample_assistant``), queried through ``invoke`` / ``ainvoke`` as a LangChain chain would.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.documents import Document
from langchain_tests.integration_tests import EmbeddingsIntegrationTests, RetrieversIntegrationTests

from assistant.retrieval import LibraryRetriever
from core.errors import InputError
from vectorstore.embeddings import DIMENSIONS, MiniLMEmbeddings
from vectorstore.store import Filters

pytestmark = pytest.mark.e2e

QUESTION = "How are care leavers supported?"
FIELDS = {
    "source", "title", "page", "section", "authority", "authorities", "year", "published",
    "inspected", "kind", "score", "chunk_id", "doc_id", "chunk_index",
}  # fmt: skip


def retriever_params(assistant) -> dict[str, Any]:
    """What ``build_assistant`` gives its retriever, as constructor arguments."""
    built = assistant.retriever
    return {
        "store": built.store,
        "analyzer": built.analyzer,
        "authorities": built.authorities,
        "k": 4,
    }


class TestLibraryRetrieverStandard(RetrieversIntegrationTests):
    """langchain-tests' retriever suite over the real sample library."""

    @pytest.fixture(autouse=True)
    def _library(self, sample_assistant) -> None:
        self._params = retriever_params(sample_assistant)

    @property
    def retriever_constructor(self) -> type[LibraryRetriever]:
        return LibraryRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return self._params

    @property
    def retriever_query_example(self) -> str:
        return QUESTION


class TestMiniLMEmbeddingsStandard(EmbeddingsIntegrationTests):
    """langchain-tests' embeddings suite over the real offline model."""

    @property
    def embeddings_class(self) -> type[MiniLMEmbeddings]:
        return MiniLMEmbeddings


@pytest.fixture
def retriever(sample_assistant) -> LibraryRetriever:
    return LibraryRetriever(**retriever_params(sample_assistant))


class Recorder(BaseCallbackHandler):
    def __init__(self) -> None:
        self.ended: list[list[Document]] = []

    def on_retriever_end(self, documents, **kwargs) -> None:
        self.ended.append(list(documents))


async def test_ainvoke_takes_k_and_filters(retriever):
    recorder = Recorder()
    two = await retriever.ainvoke(QUESTION, {"callbacks": [recorder]}, k=2)
    assert len(two) == 2
    assert recorder.ended == [two]  # callbacks (and so tracing) see the call
    assert [d.id for d in two] == [d.id for d in retriever.invoke(QUESTION, k=2)]
    kent = await retriever.ainvoke(QUESTION, k=3, filters={"authority": "kent"})
    assert kent and all(d.metadata["authorities"] == ["Kent"] for d in kent)


def test_documents_carry_plain_metadata_and_the_chunk_id(retriever, sample_assistant):
    docs = retriever.invoke(QUESTION, k=5)
    chunks = sample_assistant.retriever.search(QUESTION, 5)
    assert [d.id for d in docs] == [c.chunk_id for c in chunks]
    assert json.loads(json.dumps([d.metadata for d in docs])) == [d.metadata for d in docs]
    for doc, chunk in zip(docs, chunks, strict=True):
        assert set(doc.metadata) == FIELDS
        assert doc.page_content == chunk.text
        meta = doc.metadata
        assert (meta["source"], meta["title"], meta["section"]) == (
            chunk.source,
            chunk.title,
            chunk.section,
        )
        assert (meta["doc_id"], meta["chunk_id"], meta["kind"]) == (
            chunk.doc_id,
            chunk.chunk_id,
            chunk.kind,
        )
        assert meta["score"] == pytest.approx(chunk.score)
        assert meta["authorities"] == list(chunk.authorities)
    pdf = next(d for d in retriever.invoke("Kent care leavers", k=5) if d.metadata["page"])
    assert isinstance(pdf.metadata["page"], int)
    assert pdf.metadata["authority"] == "Kent" and pdf.metadata["year"] == 2022


def test_filters_as_a_dict_or_as_filters(retriever, sample_assistant):
    by_dict = retriever.invoke(QUESTION, k=3, filters={"kinds": ["apa letter"], "until": 2008})
    assert by_dict and all(d.metadata["kind"] == "apa letter" for d in by_dict)
    assert all(d.metadata["year"] <= 2008 for d in by_dict)
    flt = sample_assistant.make_filters(kinds=["apa letter"], until="2008")
    by_filters = retriever.invoke(QUESTION, k=3, filters=flt)
    assert [d.id for d in by_filters] == [d.id for d in by_dict]
    assert isinstance(flt, Filters)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"filters": {"county": "Kent"}}, InputError, "unknown filter 'county'"),
        ({"filters": {"authority": "Atlantis"}}, InputError, "unknown local authority"),
        ({"filters": {"since": "last year"}}, InputError, "invalid date"),
        ({"k": 0}, ValueError, "k must be a positive"),
        ({"top_k": 2}, TypeError, "top_k"),
    ],
    ids=["unknown-key", "unknown-authority", "bad-date", "zero-k", "unknown-kwarg"],
)
def test_bad_arguments_say_what_is_wrong(retriever, kwargs, error, message):
    with pytest.raises(error, match=message):
        retriever.invoke(QUESTION, **kwargs)


def test_a_document_is_a_plain_langchain_document(retriever):
    (doc,) = retriever.invoke(QUESTION, k=1)
    assert isinstance(doc, Document)
    again = Document.model_validate_json(doc.model_dump_json())
    assert again == doc


def test_embeddings_are_unit_vectors_of_the_model_size():
    model = MiniLMEmbeddings()
    (vector,) = model.embed_documents(["care leavers"])
    assert len(vector) == DIMENSIONS
    assert sum(x * x for x in vector) == pytest.approx(1.0, abs=1e-4)
