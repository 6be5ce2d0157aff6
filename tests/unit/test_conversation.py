"""Conversations on a fake assistant: history bounded by tokens, rewriter injected, streaming.

Follow-ups rewritten by the rules on a library are tested in
``tests/integration/test_conversation.py``.
"""

from __future__ import annotations

from assistant.conversation import Conversation, word_pieces
from assistant.models import Answer, Citation
from ingest.tokens import count_tokens


def answer(question: str, text: str = "An answer.", titles: tuple[str, ...] = ()) -> Answer:
    citations = tuple(
        Citation(n, f"doc{n}", f"doc{n}.txt", title, 1, None, "quote", 0.5)
        for n, title in enumerate(titles, start=1)
    )
    return Answer("id", question, text, citations, (), "extractive", None, None)


class FakeAssistant:
    """Answers every question with a fixed text; records what it was asked."""

    def __init__(self, text: str):
        self.text = text
        self.asked: list[str] = []

    def ask(self, question, *, history=None, **kw):
        self.asked.append(question)
        self.history = history
        return answer(question, self.text)


def test_history_keeps_the_latest_turns_within_the_token_budget():
    long = " ".join(["The local authority supports its care leavers well."] * 40)  # ~360 tokens
    conversation = Conversation(
        FakeAssistant(long), max_history_tokens=1000, rewriter=lambda q, h: q
    )
    for n in range(5):
        conversation.ask(f"Question {n}?")
    history = conversation.history_text()
    assert count_tokens(history) <= 1000
    assert history.startswith("Q: Question 3?\nA: The local authority")
    assert "Question 4?" in history and "Question 2?" not in history
    assert len(conversation.turns) == 5


def test_history_cuts_a_single_turn_over_the_budget():
    conversation = Conversation(
        FakeAssistant("word " * 3000), max_history_tokens=200, rewriter=lambda q, h: q
    )
    conversation.ask("Only question?")
    history = conversation.history_text()
    assert history.startswith("Q: Only question?\nA: word word")
    assert history.endswith("…")
    assert 150 < count_tokens(history) <= 200


def test_injected_rewriter_sees_the_history_and_reset_forgets():
    seen = []

    def rewriter(question, history):
        seen.append(history)
        return f"{question} (rewritten)"

    fake = FakeAssistant("Kent does well.")
    conversation = Conversation(fake, rewriter=rewriter)
    conversation.ask("How is Kent?")
    conversation.ask("And care leavers?")
    assert seen == ["Q: How is Kent?\nA: Kent does well.\n"]  # not called for a first question
    assert fake.asked == ["How is Kent?", "And care leavers? (rewritten)"]
    assert fake.history == "Q: How is Kent?\nA: Kent does well.\n"  # ask gets the history
    assert conversation.turns[-1].standalone == "And care leavers? (rewritten)"
    assert conversation.turns[-1].rewritten
    conversation.reset()
    assert conversation.turns == [] and conversation.history_text() == ""
    conversation.ask("And care leavers?")
    assert fake.asked[-1] == "And care leavers?" and fake.history is None


def test_word_pieces_rejoin_exactly():
    text = "  From the reports:\n- Care leavers are well supported. [1]\n"
    pieces = word_pieces(text, 2)
    assert "".join(pieces) == text
    assert pieces[0] == "  From the "
    assert word_pieces("") == []


def test_stream_uses_the_assistants_stream_with_history():
    class StreamingAnswerer:
        def stream(self, question, chunks, history=None):
            raise AssertionError("the assistant streams, not the conversation")

    class Streaming(FakeAssistant):
        answerer = StreamingAnswerer()

        def stream(self, question, *, history=None, **kw):
            self.history = history
            yield "Kent "
            yield "does well."
            yield answer(question, "Kent does well.")

    fake = Streaming("Kent does well.")
    conversation = Conversation(fake, rewriter=lambda q, h: q)
    assert list(conversation.stream("How is Kent?"))[:2] == ["Kent ", "does well."]
    assert fake.history is None
    list(conversation.stream("And then?"))
    assert fake.history == "Q: How is Kent?\nA: Kent does well.\n"
