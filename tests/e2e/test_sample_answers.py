"""End to end on the bundled sample: real embeddings, real Chroma, real PDF parsing."""

import re

import pytest

pytestmark = pytest.mark.e2e


def norm(s):
    return " ".join(s.split()).lower()


def test_all_sample_documents_are_listed_with_chunks(sample_assistant):
    docs = sample_assistant.documents()
    sources = {d.source for d in docs}
    assert "corpus/westminster-2006-apa-letter.txt" in sources
    assert "ilacs/kent/children's services inspection - 05 july 2022.pdf" in sources
    assert len(docs) == 9
    assert all(d.chunk_count > 0 for d in docs)
    kent = next(d for d in docs if "kent" in d.source)
    assert kent.page_count == 12
    assert kent.meta.kind == "inspection report"
    assert "Kent" in kent.meta.authorities


def test_westminster_2006_grades_question_cites_the_grade_table(sample_assistant):
    answer = sample_assistant.ask(
        "What grades did Westminster get in its 2006 annual performance assessment?"
    )
    assert not answer.refused
    westminster = [c for c in answer.citations if "westminster" in c.source]
    assert westminster, answer.text
    quotes = " ".join(norm(c.quote) for c in westminster)
    assert "capacity to improve" in quotes
    assert re.search(r"\b[34]\b", quotes)


def test_kent_overall_effectiveness_is_cited_from_page_one(sample_assistant):
    answer = sample_assistant.ask("What was Kent's overall effectiveness judgement in 2022?")
    kent = [c for c in answer.citations if "kent" in c.source]
    assert kent, answer.text
    assert any(
        "overall effectiveness" in norm(c.quote) and "outstanding" in norm(c.quote) for c in kent
    )
    assert any(c.page == 1 for c in kent)


def test_bromley_improvement_plan_row_is_found(sample_assistant):
    answer = sample_assistant.ask(
        "What did Bromley do about the out of hours emergency duty team service?"
    )
    assert any("bromley" in c.source for c in answer.citations), answer.text
    assert any("EDT" in c.quote or "out of hours" in c.quote.lower() for c in answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        "What is the council's budget for road resurfacing and potholes?",
        "Who won the football world cup in 1966?",
    ],
)
def test_questions_the_reports_do_not_cover_are_refused(sample_assistant, question):
    answer = sample_assistant.ask(question)
    assert answer.refused, answer.text
    assert answer.citations == ()
    assert "do not cover" in answer.text


def test_every_quote_is_an_exact_substring_of_its_cleaned_document(sample_assistant):
    questions = [
        "How do outstanding councils support care leavers?",
        "What did the Devon board paper recommend?",
        "What needs to improve in the Isles of Scilly?",
        "How is the virtual school described?",
        "What are the characteristics of excellent children's services?",
    ]
    checked = 0
    for q in questions:
        for c in sample_assistant.ask(q).citations:
            text = sample_assistant.store.document_text(c.doc_id)
            assert c.quote in text, (q, c.quote)
            checked += 1
    assert checked >= 5
