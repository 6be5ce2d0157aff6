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


def test_two_authorities_with_their_own_years_each_keep_their_own_report(reader):
    kent = [
        Held("k25", "Inspection of Kent", ("Kent",), "inspection report", "2025-11-07"),
        Held("k22", "Inspection of Kent", ("Kent",), "inspection report", "2022-05-20"),
    ]
    surrey = [Held("s25", "Inspection of Surrey", ("Surrey",), "inspection report", "2025-03-28")]
    und = reader.read("kent 2022 vs surrey 2025 overall")
    assert [d.doc_id for d in _pick(kent, und, "Kent")[0]] == ["k22"]
    assert [d.doc_id for d in _pick(surrey, und, "Surrey")[0]] == ["s25"]
