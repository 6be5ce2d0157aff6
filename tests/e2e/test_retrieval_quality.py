"""Quality guard: the whole sample evaluation set against the real sample index.

The figures are development figures (bench/RESULTS.md); the floors sit a little below
them so that a change that really hurts retrieval or answers fails here.
"""

from pathlib import Path

import pytest

from assistant.evaluation import evaluate, load_eval_set, metrics

pytestmark = pytest.mark.e2e
EVAL = Path(__file__).resolve().parents[2] / "bench" / "eval" / "sample.jsonl"


def test_sample_eval_set_recall_and_citations(sample_assistant):
    questions = load_eval_set(EVAL)
    results = evaluate(sample_assistant, questions, sample_assistant.store.document_text, k=5)
    m = metrics(results)
    assert m.retrieval.recall[5] >= 0.85, m.to_json()
    assert m.retrieval.report[1] >= 0.95, m.to_json()
    assert m.citation_validity == 1.0, m.to_json()
