"""The tutorial baseline's store, rebuilt on real in-memory Chroma (deterministic embeddings).

Scoring against the evaluation set is tested in ``tests/unit/test_evaluation.py``.
"""

from __future__ import annotations

import pytest

from assistant.baseline import TutorialBaseline, TutorialCorpus, build_baseline, load_corpus
from assistant.evaluation import found_rank
from tests.fakes import HashEmbeddings
from tests.unit.test_evaluation import question

pytestmark = pytest.mark.integration


def test_baseline_store_is_rebuilt_empty_and_searched_by_similarity(tmp_path):
    (tmp_path / "kent").mkdir()
    (tmp_path / "kent" / "x.txt").write_text("Kent needs to improve planning for care leavers.")
    (tmp_path / "y.txt").write_text("Norfolk fostering recruitment figures.")
    corpus = load_corpus(tmp_path)
    embeddings = HashEmbeddings()
    batches = []
    build_baseline(corpus, embeddings)
    pipeline = build_baseline(corpus, embeddings, on_batch=batches.append)
    assert isinstance(pipeline, TutorialBaseline) and isinstance(corpus, TutorialCorpus)
    assert batches == [2]
    hits = pipeline.search("What needs to improve for care leavers in Kent?", 10)
    assert [p.source for p in hits] == ["kent/x.txt", "y.txt"]  # rebuilt: no duplicates
    assert hits[0].score > hits[1].score and hits[0].page is None
    assert found_rank(question(sources=(("kent/x.txt", "needs to improve"),)), hits) == 1
