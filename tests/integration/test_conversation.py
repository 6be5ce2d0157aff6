"""Conversations on a library: follow-ups rewritten by the rules, answers streamed.

Real embedded Chroma with deterministic embeddings (the history and streaming on a fake
assistant are tested in ``tests/unit/test_conversation.py``).
"""

from __future__ import annotations

import pytest

from assistant.app import build_assistant
from assistant.conversation import Conversation, FollowUpRewriter, Turn
from assistant.models import Answer
from core.errors import InputError
from core.settings import Settings
from tests.fakes import HashEmbeddings
from tests.integration.test_hybrid_retrieval import LIBRARY, chunker, loader, make
from tests.unit.test_conversation import answer
from tests.watchdog import no_hang

pytestmark = pytest.mark.integration


def turn(standalone: str, titles: tuple[str, ...] = ()) -> Turn:
    return Turn(standalone, standalone, answer(standalone, titles=titles))


@pytest.fixture(scope="module")
def empty_assistant(tmp_path_factory):
    return build_assistant(
        Settings(data_dir=tmp_path_factory.mktemp("conversation")),
        embeddings=HashEmbeddings(),
        loader=loader,
        chunker=chunker,
    )


@pytest.fixture
def library(tmp_path):
    a = build_assistant(
        Settings(data_dir=tmp_path / "data"),
        embeddings=HashEmbeddings(),
        loader=loader,
        chunker=chunker,
    )
    assert a.ingest(make(tmp_path, **LIBRARY)).count("added") == 4
    return a


KENT_TITLE = "Inspection of Kent County Council children’s services"
REWRITES = [
    pytest.param(
        [],
        "And what about their care leavers?",
        "And what about their care leavers?",
        id="first-question-unchanged",
    ),
    pytest.param(
        [turn("What needs to improve in Kent?")],
        "And what about their care leavers?",
        "What about their care leavers in Kent?",
        id="pronoun-carries-authority",
    ),
    pytest.param(
        [turn("What needs to improve in Kent?")],
        "How are they doing with care leavers?",
        "How are they doing with care leavers in Kent?",
        id="pronoun-without-and",
    ),
    pytest.param(
        [turn("How are care leavers supported in Kent in 2022?")],
        "what about 2019?",
        "How are care leavers supported in Kent in 2019?",
        id="year-replaced-topic-and-authority-kept",
    ),
    pytest.param(
        [turn("How are care leavers supported in Kent?")],
        "What about 2019?",
        "How are care leavers supported in Kent in 2019?",
        id="year-added",
    ),
    pytest.param(
        [turn("How are care leavers supported in Kent in 2022?")],
        "and Norfolk?",
        "How are care leavers supported in Norfolk in 2022?",
        id="authority-replaced-topic-and-year-kept",
    ),
    pytest.param(
        [turn("What needs to improve in Kent in 2022?")],
        "And their care leavers?",
        "Their care leavers in Kent in 2022?",
        id="new-topic-carries-authority-and-year",
    ),
    pytest.param(
        [turn("How are care leavers supported?", titles=(KENT_TITLE, KENT_TITLE))],
        "What about their fostering service?",
        "What about their fostering service in Kent?",
        id="authority-from-cited-documents",
    ),
    pytest.param(
        [turn("Between 2017 and 2019, how did Kent and Medway support care leavers?")],
        "And Norfolk?",
        "Between 2017 and 2019, how did Norfolk support care leavers?",
        id="joined-authorities-replaced-as-one",
    ),
    pytest.param(
        [turn("Between 2017 and 2019, how did Kent support care leavers?")],
        "What about 2022?",
        "Between 2022, how did Kent support care leavers?",
        id="year-range-replaced-as-one",
    ),
    pytest.param(
        [turn("How are care leavers supported?", titles=(KENT_TITLE,))],
        "Tell me more about that.",
        "How are care leavers supported in Kent?",
        id="topic-and-cited-authority-carried",
    ),
    pytest.param(
        [turn("How are care leavers supported?", titles=(KENT_TITLE, "Norfolk County Council"))],
        "What about their fostering service?",
        "What about their fostering service?",
        id="several-cited-authorities-not-guessed",
    ),
    pytest.param(
        [turn("What needs to improve in Kent?")],
        "How well is the front door working in Norfolk?",
        "How well is the front door working in Norfolk?",
        id="standalone-with-authority-unchanged",
    ),
    pytest.param(
        [turn("What needs to improve in Kent?")],
        "What does good support for care leavers look like across England?",
        "What does good support for care leavers look like across England?",
        id="standalone-without-authority-unchanged",
    ),
    pytest.param(
        [turn("What did Norfolk say?"), turn("What needs to improve in Kent?")],
        "What about them?",
        "What needs to improve in Kent?",
        id="latest-turn-wins",
    ),
    # a council named as the answer will read it (a short form, lower case, initials, even
    # initials several councils share) is the question's own: nothing carries over
    pytest.param(
        [turn("kent grade")],
        "notts care leavers",
        "notts care leavers",
        id="short-form-is-its-own-authority",
    ),
    pytest.param(
        [turn("kent grade")],
        "KCC care leavers",
        "KCC care leavers",
        id="initials-are-their-own-authority",
    ),
    pytest.param(
        [turn("What needs to improve in Kent?")],
        "wcc what needs to improve",
        "wcc what needs to improve",
        id="shared-initials-are-not-kent",
    ),
    # and the previous question's council, however written, is what a follow-up replaces
    pytest.param(
        [turn("KCC care leavers")],
        "and norfolk?",
        "Norfolk care leavers",
        id="initials-replaced-by-the-follow-up",
    ),
]


@pytest.mark.parametrize(("turns", "question", "expected"), REWRITES)
def test_follow_up_rewriting(empty_assistant, turns, question, expected):
    assert FollowUpRewriter(empty_assistant).rewrite(question, turns) == expected


def test_stream_yields_pieces_then_the_answer(library):
    conversation = Conversation(library)
    items = list(conversation.stream("How are care leavers supported in Kent?"))
    *pieces, final = items
    assert isinstance(final, Answer)
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces)
    assert "".join(pieces) == final.text
    assert final.citations and final.citations[0].source.startswith("kent")
    assert conversation.turns[-1].answer is final


def test_stream_follow_up_is_asked_about_the_new_authority(library):
    conversation = Conversation(library)
    conversation.ask("How are care leavers supported in Kent?")
    *_, final = conversation.stream("And Norfolk?")
    assert conversation.turns[-1].standalone == "How are care leavers supported in Norfolk?"
    assert final.question == "How are care leavers supported in Norfolk?"
    assert final.retrieved[0].source == "norfolk2013.txt"
    assert "norfolk2013.txt" in {c.source for c in final.citations}


# Pathological follow-ups (issue 12): the spans of the previous question are joined
# when only connectors lie between them; a long run of ", , , …" ending in a word
# once backtracked exponentially (17 commas took 34 s). Answered at once now.
COMMAS = " ," * 900  # a 2,000-character question with the words around it


JOINERS = " , &" * 450


@pytest.mark.parametrize(
    ("previous", "question", "expected"),
    [
        pytest.param(
            f"How did Kent{COMMAS} x Medway support care leavers?",
            "And Norfolk?",
            f"How did Norfolk{COMMAS} x Medway support care leavers?",
            id="commas-then-a-word-are-not-a-connector",
        ),
        pytest.param(
            f"How did Kent{JOINERS} Medway support care leavers?",
            "And Norfolk?",
            "How did Norfolk support care leavers?",
            id="a-long-run-of-connectors-joins-two-authorities",
        ),
        pytest.param(
            f"How were care leavers supported in Kent in 2017{COMMAS} x 2019?",
            "What about 2022?",
            f"How were care leavers supported in Kent in 2022{COMMAS} x 2019?",
            id="commas-between-years",
        ),
        pytest.param(
            f"How were care leavers supported in Kent in 2017{' &' * 900} 2019?",
            "What about 2022?",
            "How were care leavers supported in Kent in 2022?",
            id="ampersands-join-years",
        ),
    ],
)
def test_pathological_follow_ups_are_rewritten(empty_assistant, previous, question, expected):
    assert len(previous) <= 2000
    with no_hang():
        assert FollowUpRewriter(empty_assistant).rewrite(question, [turn(previous)]) == expected


def test_a_question_over_the_limit_is_refused_without_being_rewritten(empty_assistant):
    rewritten = []
    conversation = Conversation(empty_assistant, rewriter=lambda q, h: rewritten.append(q) or q)
    conversation.turns.append(turn("How are care leavers supported in Kent?"))
    question = "And what about " + "their care leavers, " * 52_500  # a 1 MB line
    with no_hang(), pytest.raises(InputError, match="the limit is 2,000"):
        conversation.ask(question)
    assert rewritten == []
    assert conversation.rewrite("And Norfolk?") == "And Norfolk?"  # the injected rewriter ran
    assert rewritten == ["And Norfolk?"]


def test_a_long_pathological_follow_up_is_rewritten_by_the_rules(empty_assistant):
    rules = FollowUpRewriter(empty_assistant)
    previous = [turn("How are care leavers supported in Kent?")]
    for filler in (" ", ",", "&", "*", "_", "~", "#", "@", ".", " ,", "that "):
        question = "And their care leavers" + filler * (1900 // len(filler)) + "?"
        with no_hang():
            rewritten = rules.rewrite(question, previous)
        assert rewritten.startswith("Their care leavers"), filler
        assert " in Kent" in rewritten, filler


def test_the_answerer_is_given_the_understood_intent(library):
    # the offline answerer reads the intent ("number": the sentences with figures first)
    real = library.answerer
    seen = []

    class Spy:
        mode, model, prompt_name, reads_intent = real.mode, real.model, real.prompt_name, True

        def answer(self, question, chunks, intent=None):
            seen.append(intent)
            return real.answer(question, chunks, intent=intent)

    library.answerer = Spy()
    answer = library.ask("how many looked after children were there in Norfolk")
    assert seen == ["number"]
    assert "1,088" in answer.text
