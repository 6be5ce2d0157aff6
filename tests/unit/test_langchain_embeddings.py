"""langchain-tests' unit suite for the offline embeddings (construction only, no model run)."""

from __future__ import annotations

from langchain_tests.unit_tests import EmbeddingsUnitTests

from vectorstore.embeddings import MiniLMEmbeddings


class TestMiniLMEmbeddingsUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[MiniLMEmbeddings]:
        return MiniLMEmbeddings

    @property
    def embedding_model_params(self) -> dict:
        return {"batch_size": 8, "threads": 1}


def test_the_model_loads_only_when_first_used():
    model = MiniLMEmbeddings(batch_size=8, threads=1)
    assert model._session is None
    assert (model.batch_size, model.threads) == (8, 1)
