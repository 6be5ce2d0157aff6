"""The offline answerer: picks the answering units, cites them, refuses when nothing fits."""

import pytest

from assistant.answering.extractive import ExtractiveAnswerer
from assistant.answering.text_units import split_units, stem, terms
from assistant.prompts import load_prompts
from vectorstore.store import StoredChunk


def chunk(text, score=0.6, rank=0, section=None, page=1, starts=()):
    return StoredChunk(
        doc_id=f"d{rank}",
        source=f"doc{rank}.txt",
        title=f"Doc {rank}",
        index=rank,
        text=text,
        start=0,
        end=len(text),
        page=page,
        section=section,
        score=score,
        page_starts=starts,
    )


@pytest.fixture
def answerer():
    return ExtractiveAnswerer(load_prompts("extractive-v1"), min_score=0.25)


def test_split_units_keeps_table_rows_whole_and_offsets_exact():
    text = (
        "Areas for judgement | Grade\nCapacity to improve. Really | 4\nIt is good. It got better."
    )
    units = split_units(text)
    assert [u.text for u in units] == [
        "Areas for judgement | Grade",
        "Capacity to improve. Really | 4",
        "It is good.",
        "It got better.",
    ]
    assert all(text[u.start : u.end] == u.text for u in units)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("leavers", "leaver"), ("studies", "study"), ("improving", "improv"), ("class", "class")],
)
def test_stem(word, expected):
    assert stem(word) == expected


def test_terms_drop_stopwords_keep_numbers():
    assert terms("What did Ofsted say about care leavers in 2006?") == ["care", "leaver", "2006"]


def test_answer_quotes_the_matching_sentence_and_cites_it(answerer):
    chunks = [
        chunk("The weather was fine. Care leavers receive good support from personal advisers."),
        chunk("Adoption is timely. Nothing else.", rank=1, score=0.5),
    ]
    drafted = answerer.answer("How are care leavers supported?", chunks)
    assert not drafted.refused
    assert drafted.citations[0].quote == "Care leavers receive good support from personal advisers."
    assert "[1]" in drafted.text
    assert all(
        c.quote in ch.text for c in drafted.citations for ch in chunks if ch.doc_id == c.doc_id
    )


def test_refuses_when_best_passage_scores_low(answerer):
    drafted = answerer.answer(
        "care leavers", [chunk("Care leavers are well supported.", score=0.1)]
    )
    assert drafted.refused and drafted.citations == ()
    assert "do not cover" in drafted.text


def test_refuses_when_no_unit_holds_the_question_terms(answerer):
    chunks = [chunk("Children in care are visited regularly by social workers.", score=0.5)]
    drafted = answerer.answer("What is the budget for highways maintenance?", chunks)
    assert drafted.refused


def test_page_of_quote_follows_page_breaks_inside_chunk(answerer):
    text = "Intro text here. More words.\nThe virtual school tracks attainment closely."
    starts = ((text.index("The virtual"), 5),)
    drafted = answerer.answer("virtual school attainment", [chunk(text, page=4, starts=starts)])
    assert drafted.citations[0].quote.startswith("The virtual school")
    assert drafted.citations[0].page == 5


def test_answer_stays_short_and_deduplicates(answerer):
    sentence = "Care leavers are supported well by the leaving care team. "
    chunks = [chunk(sentence * 3), chunk(sentence, rank=1)]
    drafted = answerer.answer("care leavers leaving care team", chunks)
    assert len(drafted.citations) == 1
    assert len(drafted.text.split()) <= 130
