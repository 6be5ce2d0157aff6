"""Conversations: each question read in the light of the turns before it, bounded history.

``Conversation(assistant).ask("And what about their care leavers?")`` rewrites a
follow-up into a standalone question (by the rules of :mod:`assistant.follow_up`, or
with a language model a ``rewriter(question, history_text) -> str`` injected instead),
asks it, and records the turn; the history of the latest turns is given to the
language-model modes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from assistant.asking import MAX_QUESTION_CHARS
from assistant.follow_up import FollowUpRewriter, Turn
from assistant.models import Answer
from ingest.tokens import count_tokens, get_encoding

__all__ = ["Conversation", "FollowUpRewriter", "Rewriter", "Turn", "word_pieces"]

Rewriter = Callable[[str, str], str]
"""``(question, history_text) -> standalone question``, e.g. backed by a language model."""

_PIECE_WORDS = 4


def word_pieces(text: str, size: int = _PIECE_WORDS) -> list[str]:
    """``text`` in pieces of ``size`` words (whitespace kept): ``"".join(pieces) == text``."""
    parts = re.findall(r"\s+|\S+\s*", text)
    if parts and parts[0].isspace() and len(parts) > 1:
        parts[1] = parts[0] + parts[1]
        parts = parts[1:]
    return ["".join(parts[i : i + size]) for i in range(0, len(parts), size)]


class Conversation:
    """A sequence of questions to one assistant, each read in the light of the last.

    Args:
        assistant: the ``Assistant`` (``ask``; ``stream`` when it has one).
        max_history_tokens: the budget of ``history_text()`` in cl100k tokens.
        rewriter: ``(question, history_text) -> standalone``; default the rules above.
        max_turns: turns kept (older ones are forgotten).
    """

    def __init__(
        self,
        assistant: Any,
        *,
        max_history_tokens: int = 1500,
        rewriter: Rewriter | None = None,
        max_turns: int = 50,
    ) -> None:
        """Start an empty conversation."""
        self.assistant = assistant
        self.max_history_tokens = max_history_tokens
        self.rewriter = rewriter
        self.max_turns = max_turns
        self.turns: list[Turn] = []
        self._rules = FollowUpRewriter(assistant)

    def reset(self) -> None:
        """Forget every turn (a new conversation)."""
        self.turns.clear()

    def rewrite(self, question: str) -> str:
        """``question`` as a standalone question (unchanged when it is one already)."""
        question = (question or "").strip()
        if not self.turns or not question or len(question) > MAX_QUESTION_CHARS:
            return question  # one over the limit is refused by the assistant, unread
        if not self._rules.is_follow_up(question):
            return question  # a question that stands on its own is never rewritten
        rewriter = self.rewriter or getattr(self.assistant.answerer, "rewrite_follow_up", None)
        if rewriter is not None:
            rewritten = (rewriter(question, self.history_text()) or "").strip()
            if rewritten:
                return rewritten
        return self._rules.rewrite(question, self.turns)

    def ask(self, question: str, *, standalone: str | None = None, **kw: Any) -> Answer:
        """Answer ``question`` (rewritten if a follow-up) and record the turn.

        Args:
            question: the question as typed.
            standalone: its rewritten form, if already computed by ``rewrite``.
            **kw: passed to ``Assistant.ask`` (``id``, ``k``, ``filters``); the
                history is passed too (the language-model modes use it).
        """
        answer = None
        for item in self.stream(question, standalone=standalone, **kw):
            if isinstance(item, Answer):
                answer = item
        if answer is None:
            raise RuntimeError("the conversation's stream ended without an answer")
        return answer

    def stream(
        self, question: str, *, standalone: str | None = None, **kw: Any
    ) -> Iterator[str | Answer]:
        """Yield the answer's text in pieces, then the ``Answer`` (the turn is recorded).

        When the answerer streams (a language model), this is ``Assistant.stream``
        with the history: the final ``Answer`` is the checked one and its text may
        differ from the pieces. Otherwise the answer is computed whole and its text
        yielded in groups of words, which join to exactly ``Answer.text``.
        """
        standalone = standalone or self.rewrite(question)
        history = self.history_text() or None
        answerer = getattr(self.assistant, "answerer", None)
        answer: Answer | None = None
        if getattr(answerer, "stream", None) is not None:
            for item in self.assistant.stream(standalone, history=history, **kw):
                if isinstance(item, Answer):
                    answer = item
                else:
                    yield item
            if answer is None:
                raise RuntimeError("the assistant's stream ended without an answer")
        else:
            answer = self.assistant.ask(standalone, history=history, **kw)
            yield from word_pieces(answer.text)
        self._record(question, standalone, answer)
        yield answer

    def remember(self, question: str, answer: Answer) -> None:
        """Record an earlier turn a client gives (read by the rules: no model is asked)."""
        question = question.strip()
        standalone = question
        if len(question) <= MAX_QUESTION_CHARS:
            standalone = self._rules.rewrite(question, self.turns)
        self._record(question, standalone, answer)

    def _record(self, question: str, standalone: str, answer: Answer) -> None:
        self.turns.append(Turn(question.strip(), standalone, answer))
        del self.turns[: -self.max_turns]

    def history_text(self) -> str:
        """The latest turns as "Q:/A:" text within ``max_history_tokens`` (oldest dropped).

        When even the latest turn is over the budget its answer is cut to fit.
        """
        blocks: list[str] = []
        used = 0
        for turn in reversed(self.turns):
            block = _turn_text(turn)
            cost = count_tokens(block) + (1 if blocks else 0)
            if used + cost > self.max_history_tokens:
                if not blocks:
                    blocks.append(_cut(block, self.max_history_tokens))
                break
            blocks.append(block)
            used += cost
        return "\n".join(reversed(blocks))


def _turn_text(turn: Turn) -> str:
    return f"Q: {turn.standalone}\nA: {turn.answer.text.strip()}\n"


def _cut(text: str, budget: int) -> str:
    """The first ``budget`` tokens of ``text`` (less a marker), ending in "…"."""
    if budget <= 1:
        return ""
    encoding = get_encoding()
    tokens = encoding.encode(text, disallowed_special=())
    cut = encoding.decode(tokens[: budget - 1])
    while cut and count_tokens(cut + "…") > budget:
        cut = cut[:-1]
    return cut + "…"
