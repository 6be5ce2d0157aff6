"""The BM25 side index's filter against Chroma's own, on real embedded Chroma.

The index itself (build, persist, reload, filter) is tested in ``tests/unit/test_lexical.py``.
"""

import pytest

from assistant.app import build_assistant
from core.settings import Settings
from ingest.loader import iter_files
from tests.conftest import SAMPLE
from tests.fakes import HashEmbeddings
from vectorstore.store import Filters

pytestmark = pytest.mark.integration


def test_filtered_store_search_matches_chromas_where_filter(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    assistant = build_assistant(settings, embeddings=HashEmbeddings())
    assistant.ingest(iter_files([SAMPLE / "corpus"]))
    store = assistant.store
    vector = store.embeddings.embed_query("care leavers accommodation")
    flt = Filters(authorities=("Bromley",))
    exact = store.search_within(vector, 8, flt)
    chroma = store.search(vector, 8, where=flt.where())
    assert exact and [c.chunk_id for c in exact] == [c.chunk_id for c in chroma]
    bromley = {d.doc_id for d in store.list_documents() if "Bromley" in d.meta.authorities}
    assert bromley and all(c.doc_id in bromley for c in exact)
    for a, b in zip(exact, chroma, strict=True):
        assert a.score == pytest.approx(b.score, abs=2e-3)
