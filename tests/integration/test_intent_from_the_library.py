"""What the library tells of a question's intent: the real store and lexical index.

A bare question is about a council's own name for something only when some report writes
its words one after another (``assistant.intents.local_name``); a plan's status
is asked of a council's own papers."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app import build_assistant
from assistant.intents import asked_name
from core.documents import DocumentMeta, ParsedDocument
from core.settings import Settings
from tests.fakes import HashEmbeddings, line_chunks
from vectorstore.lexical import LexicalFilter

pytestmark = pytest.mark.integration

TEXTS = {
    "kent": "The Harbour programme works with families on the edge of care.\n"
    "Budgets are pooled. Youth justice staff and social care share a building.\n"
    "Its Staying Close project supports young people leaving children's homes.",
    "norfolk": "The Harbour programme is well regarded.\nStaff value youth justice training.\n"
    "The pre-birth team supports parents before their baby is born.\n"
    "The after-care team stays in touch after young people leave.\n"
    "Its Mockingbird hub links foster carers.",
    "wigan": "Youth justice work is strong.\nSocial workers know children well.\n"
    "Its aftercare is good.",
}


def library(root: Path, documents: dict[str, tuple[str, str]]):
    """An assistant over text files by authority name: ``{name: (kind, text)}``."""
    docs = root / "docs"
    docs.mkdir()
    for name, (_, text) in documents.items():
        (docs / f"{name}.txt").write_text(text)

    def load(path: Path, source: str) -> ParsedDocument:
        kind = documents[path.stem][0]
        meta = DocumentMeta(title=source, kind=kind, authorities=(path.stem.title(),))
        return ParsedDocument(f"id-{path.stem}", source, "txt", path.read_text(), meta=meta)

    assistant = build_assistant(
        Settings(data_dir=root / "data"),
        embeddings=HashEmbeddings(),
        loader=load,
        chunker=line_chunks,
    )
    assistant.ingest([(docs / f"{name}.txt", f"{name}.txt") for name in documents])
    return assistant


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    texts = {name: ("inspection report", text) for name, text in TEXTS.items()}
    return library(tmp_path_factory.mktemp("spread"), texts)


@pytest.fixture(scope="module")
def store(reports):
    return reports.store


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("harbour programme", 2),  # written together by Kent and Norfolk
        ("edge of care", 1),  # stop words between the words are no gap
        ("care edge", 0),  # the words meet, in another order
        ("youth justice budgets", 0),  # in one passage, never together
        ("flourish", 0),  # in no passage
    ],
)
def test_authorities_writing_a_phrase(store, text, expected):
    assert store.authorities_writing(text, 3) == expected


def test_above_the_limit_the_count_is_not_read_for_phrases(store):
    # three authorities' passages hold "youth justice"; with a limit of two, not read
    assert store.authorities_writing("youth justice", 3) == 3
    assert store.authorities_writing("justice youth", 2) == 3
    assert store.authorities_writing("justice youth", 3) == 0


def test_a_phrase_written_together_within_the_filters(store):
    kent, wigan = LexicalFilter(doc_ids=("id-kent",)), LexicalFilter(doc_ids=("id-wigan",))
    assert store.writes_together("harbour programme") is True
    assert store.writes_together("harbour programme", kent) is True
    assert store.writes_together("harbour programme", wigan) is False
    assert store.writes_together("care edge", kent) is False  # the words meet, apart
    assert store.writes_together("youth justice", wigan) is True


# -- a council's own name, written with capitals inside a sentence -----------------------

# "flourish" is in five councils' reports, too many for a council's own term; Kent's alone
# write it as a name. "Staying Put", in four, is a national scheme, capitalised by three;
# "Youth Justice Service" is the field's own phrase (the glossary's YJS).
NAMES = {
    "kent": "Care leavers are mentored through Flourish, a scheme of the council.\n"
    "Young people use Staying Put. The Youth Justice Service is strong.\n"
    "Flourish is mentioned again here, at the start of a sentence.",
    "norfolk": "Children flourish in stable homes and Staying Put works.\n"
    "Youth justice work is strong.",
    "wigan": "Children flourish at school, and Staying Put is offered.\n"
    "Staff value youth justice training.",
    "dorset": "Babies flourish with the pre-birth team and youth justice staff.",
    "sutton": "Care leavers flourish in their own homes or staying put.\n"
    "The youth justice service is good.",
    "bolton": "Social workers know children well.",
}


@pytest.fixture(scope="module")
def named(tmp_path_factory):
    texts = {name: ("inspection report", text) for name, text in NAMES.items()}
    return library(tmp_path_factory.mktemp("names"), texts)


def test_the_authorities_writing_a_name_with_capitals(named):
    assert named.store.authorities_naming("flourish") == {"Kent"}
    assert named.store.authorities_naming("FLOURISH") == {"Kent"}
    assert named.store.authorities_naming("staying put") == {"Kent", "Norfolk", "Wigan"}
    assert named.store.authorities_naming("children") == frozenset()  # starts sentences


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("kent flourish", "other"),  # Kent's own name for its mentoring
        ("kent FLOURISH 2024", "other"),
        ("bolton flourish", "other"),  # Kent's name, asked of another council
        ("kent flourish scheme", "other"),  # with a word saying what kind of thing it is
        ("whats flourish in kent - some mentoring thing?", "other"),  # and a guess at it
        ("kent staying put", "finding"),  # a national scheme: three councils capitalise it
        ("kent youth justice", "finding"),  # the glossary's phrase
        ("What did Ofsted say about Flourish in Kent?", "finding"),  # not asked bare
    ],
)
def test_a_bare_question_about_a_councils_own_name_asks_what_it_is(named, question, intent):
    assert named.understand(question).intent == intent


def test_another_councils_name_asked_bare_is_refused_for_it(named):
    answer = named.ask("bolton flourish")
    assert answer.refused and answer.refusal_detail == NOT_HELD
    assert "Bolton" in answer.text and "flourish" in answer.text
    kent = named.ask("kent flourish")
    assert not kent.refused and {c.doc_id for c in kent.citations} == {"id-kent"}


# -- a "what is X?" question of a name no report in scope writes ------------------------


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("What is Salford's 'Bright Futures' service?", "Bright Futures"),
        ("worcs SHINE team - what is it", "SHINE team"),
        ("shine team worcestershire what is it", "shine team"),
        ("durham CLASP meaning", "CLASP"),
        ("whats the new family hub in bolton", "new family hub"),
        # beside it only the council and what kind of thing it is
        ("solihull next chapter service", "next chapter"),
        # a word asking what it does or is called is no part of the name
        ("worcs shine team role", "shine team"),
        ("worcs SHINE team name", "SHINE team"),
        # "thing" says what kind of thing it is: the name is held without it
        ("what's norfolks flourish thing in the 2026 report", "flourish thing"),
    ],
)
def test_the_name_a_question_asks_about(reports, question, name):
    und = reports.understand(question)
    assert und.intent == "other"
    forms = asked_name(und)
    assert forms[0] == name
    if name == "SHINE team":
        assert "SHINE" in forms  # a kind-of-thing word dropped
    if name == "flourish thing":
        assert "flourish" in forms
    if name == "new family hub":
        assert "family hub" in forms  # a word a user adds beside the name


@pytest.mark.parametrize(
    "question",
    [
        "What is Walsall Right 4 Children and when did it start?",  # the run is no name
        "2009 children's services ratings - the four levels",  # not asked as a name
        "what does LADO mean in kent",  # a short form the glossary spells out
        "What did Ofsted say about the Harbour programme in Wigan?",  # a finding
    ],
)
def test_no_name_is_read_where_none_is_asked(reports, question):
    assert asked_name(reports.understand(question)) == ()


NOT_HELD = "the name asked about is in no report in scope"


@pytest.mark.parametrize(
    "question",
    [
        "What is the Harbour programme in Wigan?",
        "wigan harbour programme - what is it",
        "whats the harbour programme in wigan",
    ],
)
def test_a_name_no_report_in_scope_writes_is_refused(reports, question):
    answer = reports.ask(question)
    assert answer.refused and answer.refusal_reason == "not covered"
    assert answer.refusal_detail == NOT_HELD
    assert "Wigan" in answer.text and "harbour programme" in answer.text.lower()
    assert not answer.citations


@pytest.mark.parametrize(
    "question",
    [
        "What is the Harbour programme in Kent?",
        "whats the harbor programme in kent",  # a slip in the name
        "what is the pre birth team in norfolk",  # the report hyphenates it
        # the report writes it in two, another report whole
        "what is the aftercare team in norfolk",
        "What did inspectors say about the Harbour programme in Wigan?",  # not a name asked
    ],
)
def test_a_name_written_in_scope_is_not_refused_for_it(reports, question):
    answer = reports.ask(question)
    assert answer.refusal_detail != NOT_HELD


@pytest.mark.parametrize(
    ("question", "refused"),
    [
        # a proper name, no everyday word, that the council's reports never write
        ("What did Wigan's inspection say about its Mockingbird hubs?", True),
        ("Does Wigan run the Mockingbird model for foster carers?", True),
        ("What did Norfolk's inspection say about its Mockingbird hub?", False),
        # an everyday word capitalised is no such name ("Harbour")
        ("What did inspectors say about the Harbour programme in Wigan?", False),
        # nor the first word, nor a council's name ("Wigan")
        ("Mockingbird hub in norfolk", False),
        # everyday words capitalised one after another: a scheme's name
        ("What does Wigan's Staying Close scheme offer care leavers?", True),
        ("What does Kent's Staying Close scheme offer care leavers?", False),
        # the field's own vocabulary, which reports word their own ways ("CiCC")
        ("What did Norfolk's inspection say about its Children in Care Council?", False),
    ],
)
def test_a_proper_name_no_report_in_scope_writes_is_refused(reports, question, refused):
    answer = reports.ask(question)
    assert (answer.refusal_detail == NOT_HELD) is refused
    if refused:
        assert "Wigan" in answer.text
        assert "Mockingbird" in answer.text or "Staying Close" in answer.text


def test_a_held_name_is_answered_from_its_report(reports):
    answer = reports.ask("What is the Harbour programme in Kent?")
    assert not answer.refused
    assert {c.doc_id for c in answer.citations} == {"id-kent"}


# -- a plan's status is asked of a council's own papers ---------------------------------

PAPERS = {
    "kent": (
        "inspection report",
        "Kent inspection.\nHealth assessments for children in care are late.",
    ),
    "bromley": (
        "committee report",
        "Bromley improvement plan.\nAction 4: health assessments. Status: on track.",
    ),
}


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    return library(tmp_path_factory.mktemp("papers"), PAPERS)


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # no paper of Kent's is held: what its report found is asked
        ("kent health assessments on track?", "finding"),
        ("bromley health assessments on track?", "plan_status"),
    ],
)
def test_plan_status_needs_a_council_paper_in_scope(papers, question, intent):
    assert papers.understand(question).intent == "plan_status"  # as the words read
    assert papers.ask(question).intent == intent


def test_the_dense_query_carries_the_abbreviations_full_forms(papers, monkeypatch):
    # a question of abbreviations ("kent LADO") is embedded with what they stand for
    asked = []
    kind = type(papers.retriever)
    search = kind.search
    monkeypatch.setattr(
        kind, "search", lambda self, q, *a, **kw: asked.append(q) or search(self, q, *a, **kw)
    )
    papers.ask("kent LADO")
    assert asked and "designated officer" in asked[0]
