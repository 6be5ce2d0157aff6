"""The scope rule's choice among one authority's documents (no store needed)."""

from __future__ import annotations

import pytest

from assistant.query import Glossary, QueryAnalyzer
from assistant.scope import Held, _pick
from assistant.understanding import QuestionReader
from ingest.authorities import AuthorityIndex

DOCS = [
    Held("ilacs", "Inspection of Westminster", ("Westminster",), "inspection report", "2024-11-15"),
    Held("apa", "2006 Annual performance assessment", ("Westminster",), "apa letter", "2006-11-01"),
]


@pytest.fixture(scope="module")
def reader() -> QuestionReader:
    index = AuthorityIndex.load()
    return QuestionReader(QueryAnalyzer(Glossary.load(), index), index)


@pytest.mark.parametrize(
    "question, chosen",
    [
        ("what did the westminster APA letter want improved", ["apa"]),
        ("westminster annual performance assessment - what needs to improve", ["apa"]),
        ("what needs to improve in westminster", ["ilacs", "apa"]),
        ("latest westminster inspection - what needs to improve", ["ilacs"]),
    ],
)
def test_a_kind_of_document_named_in_the_question_is_the_one_meant(reader, question, chosen):
    und = reader.read(question)
    docs, why = _pick(DOCS, und, "Westminster")
    assert why is None
    assert [d.doc_id for d in docs] == chosen
