"""Follow-up questions rewritten into standalone ones, by rules (no language model).

A follow-up ("And Norfolk?", "What about 2019?", "How are their care leavers
supported?") is rewritten into a standalone question before retrieval, so the
assistant itself stays stateless:

* the authority carries over from the previous standalone question, or, when it
  named none, from the documents the previous answer cited (if they are about one
  authority); a follow-up naming an authority replaces it;
* the years carry over likewise, and a follow-up naming a year replaces them;
* the topic carries over when the follow-up has none of its own: the previous
  standalone question is reused with the authority or year swapped.

A question is a follow-up when it refers back (their, they, it, that, this
report, the same, ...), starts with "and", "what about" or "how about", or is short
and names no authority, or has no topic of its own. Authorities are read as the
question reader reads them (short forms, lower case, initials), so "notts care leavers"
names its own. Anything else passes through
unchanged. The rewritten question lives on the ``Turn`` (``Answer`` is a public
contract); :mod:`assistant.conversation` keeps the turns.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answering.text_units import STOPWORDS
from assistant.models import Answer
from assistant.query import QueryAnalysis, extract_years
from assistant.understood import Understood
from ingest.authorities import AuthoritySpan

logger = logging.getLogger(__name__)

_REFERS_BACK = re.compile(
    r"\b(?:their|theirs|they|them|it|its|the same|same|(?:this|that|these|those)"
    r"(?=\s+(?:reports?|councils?|authority|authorities|inspections?|letters?|documents?|"
    r"ones?|years?|areas?|times?)\b|\s*(?:[?.!]\s*)?$))\b",
    re.IGNORECASE,
)
_CONTINUES = re.compile(
    r"^\s*(?:and|also|plus|what about|how about|what of|same (?:for|question for)|"
    r"now|then|ok(?:ay)?|so)\b[\s,]*",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_NOT_TOPIC = frozenset(
    """about again also anything before compare compared council councils else
    earlier authority authorities get go happen happened instead last later local look
    more now okay ok one ones previous same so then thing things time year years
    what's how's""".split()
)
"""Words that carry no topic in a follow-up (beyond the stopwords)."""

_SHORT = 5
"""A question of at most this many words that names no authority is a follow-up."""


@dataclass(frozen=True)
class Turn:
    """One exchange: the question as typed, as asked, and the answer."""

    question: str
    standalone: str
    answer: Answer

    @property
    def rewritten(self) -> bool:
        """Whether the question was rewritten before it was asked."""
        return self.standalone != self.question.strip()


@dataclass(frozen=True)
class _Context:
    """What a follow-up may inherit from the previous turn."""

    standalone: str
    authorities: tuple[str, ...]
    years: tuple[int, ...]


@dataclass(frozen=True)
class _Reading:
    """A question as the rules read it: authority spans, topic, authorities, years."""

    spans: Sequence[Any]
    topic: list[str]
    named: tuple[str, ...]
    years: tuple[int, ...]


def topic_words(question: str, authority_spans: Sequence[Any]) -> list[str]:
    """The words of ``question`` that say what it is about (not who, when, or "about what")."""
    text = question
    for span in sorted(authority_spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + " " + text[span.end :]
    words = []
    for m in _WORD.finditer(text):
        word = m.group().lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if word in STOPWORDS or word in _NOT_TOPIC or len(word) < 2:
            continue
        words.append(word)
    return words


class FollowUpRewriter:
    """The rule-based rewriter (no language model); see the module docstring."""

    def __init__(self, assistant: Any):
        """Use the assistant's query analysis, authority index and document list."""
        self._assistant = assistant

    def _analyze(self, question: str) -> QueryAnalysis:
        retriever = getattr(self._assistant, "retriever", None)
        if retriever is None:  # an assistant without retrieval: no authorities known
            return QueryAnalysis(question, question, (), (), extract_years(question), ())
        return retriever.analyze(question)

    def _understood(self, text: str) -> Understood | None:
        """``text`` as the assistant's question reader reads it (None without a reader)."""
        reader = getattr(self._assistant, "reader", None)
        return reader.read(text) if reader is not None else None

    def _spans(self, text: str, und: Understood | None = None) -> list[Any]:
        """Where ``text`` names authorities.

        As the index finds names, and as the question reader reads them ("norfolk",
        "notts", "KCC"), when the assistant has one (``und``: ``text`` already read).
        """
        index = getattr(self._assistant, "authorities", None)
        spans = list(index.spans(text)) if index is not None else []
        und = und if und is not None else self._understood(text)
        if und is None:
            return spans
        typed = [(r.typed, r.name) for r in und.authorities] + [(t, t) for t, _ in und.unsure]
        low = text.lower()
        for form, name in typed:
            at = low.find(form.lower()) if form else -1
            end = at + len(form)
            if at >= 0 and not any(s.start < end and at < s.end for s in spans):
                spans.append(AuthoritySpan(name, at, end, False))
        return sorted(spans, key=lambda s: s.start)

    def _cited_authorities(self, answer: Answer) -> tuple[str, ...]:
        """The one authority the cited documents are about, if there is exactly one."""
        names: dict[str, None] = {}
        records = None
        for c in answer.citations:
            found = [s.name for s in self._spans(c.title)]
            if not found:
                if records is None:
                    try:
                        records = {d.doc_id: d for d in self._assistant.documents()}
                    except Exception:  # noqa: BLE001 - the store is optional context here
                        logger.debug("cannot list documents", exc_info=True)
                        records = {}
                record = records.get(c.doc_id)
                found = list(record.meta.authorities) if record is not None else []
            names.update(dict.fromkeys(found))
        return tuple(names) if len(names) == 1 else ()

    def context(self, turn: Turn) -> _Context:
        """What a follow-up to ``turn`` inherits."""
        analysis = self._analyze(turn.standalone)
        authorities = analysis.authorities or self._cited_authorities(turn.answer)
        return _Context(turn.standalone, authorities, analysis.years)

    def is_follow_up(self, question: str) -> bool:
        """Whether ``question`` leans on the conversation (see the module docstring).

        A question that names an authority or a year and says what it asks in words of
        its own ("What did Ofsted say about Westminster in 2006?") stands on its own and
        is never rewritten; "And Norfolk?", "What about 2019?" and "their care leavers"
        lean on the turn before.
        """
        question = question.strip()
        return bool(question) and self._leans(question, self._read(question))

    def _read(self, question: str) -> _Reading:
        """The authorities, years and topic words of ``question``.

        The authorities as the answer will read them, by the assistant's question reader
        when it has one: a short form ("notts"), a council's initials ("KCC"), even
        initials several councils share ("WCC", kept as typed) name a council of the
        question's own, and no other carries over.
        """
        named = self._analyze(question).authorities  # also keeps the reader's words fresh
        und = self._understood(question)
        if und is not None:
            named = und.names or tuple(typed for typed, _ in und.unsure) or named
        spans = self._spans(question, und)
        return _Reading(spans, topic_words(question, spans), named, extract_years(question))

    def _leans(self, question: str, read: _Reading) -> bool:
        """:meth:`is_follow_up` of a question already read."""
        continues = bool(_CONTINUES.match(question))
        refers_back = bool(_REFERS_BACK.search(question))
        if read.named or read.years:
            if continues:
                return True
            if read.named and read.topic:
                return False
            rest = _WORD.findall(_replace_all(question, [(s.start, s.end) for s in read.spans]))
            rest = [w for w in rest if not w.isdigit()]
            if read.topic:  # a year and a topic, no authority: "care leavers in 2019"
                return refers_back or len(rest) <= _SHORT
            return len(rest) <= 2 or (refers_back and len(rest) <= _SHORT)
        short = len(_WORD.findall(question)) <= _SHORT
        return continues or refers_back or short or not read.topic

    def rewrite(self, question: str, turns: Sequence[Turn]) -> str:
        """``question`` as a standalone question, given the earlier ``turns``."""
        question = question.strip()
        if not turns or not question:
            return question
        read = self._read(question)
        if not self._leans(question, read):
            return question
        ctx = self.context(turns[-1])
        if not read.topic:
            return self._swap(ctx, read.named, read.years)
        return self._complete(question, ctx, read.named, read.years)

    def _swap(self, ctx: _Context, named: tuple[str, ...], years: tuple[int, ...]) -> str:
        """The previous question with the authority and years replaced by the new ones."""
        text = ctx.standalone
        spans = [(s.start, s.end) for s in self._spans(text)]
        if named:
            text = _replace(text, spans, " and ".join(named))
        elif ctx.authorities and not spans:
            text = _append(text, "in " + " and ".join(ctx.authorities))
        if years:
            matches = [(m.start(), m.end()) for m in _YEARS.finditer(text)]
            text = _replace(text, matches, " and ".join(str(y) for y in years))
        return text

    def _complete(
        self, question: str, ctx: _Context, named: tuple[str, ...], years: tuple[int, ...]
    ) -> str:
        """The follow-up with its leading "and" dropped and the missing context appended."""
        text = question
        m = re.match(r"^\s*(?:and|also|plus|so|then|now|ok(?:ay)?)\b[\s,]*", text, re.IGNORECASE)
        if m and m.end() < len(text):
            text = text[m.end() :]
            text = text[:1].upper() + text[1:]
        if not named and ctx.authorities:
            text = _append(text, "in " + " and ".join(ctx.authorities))
        if not years and ctx.years:
            text = _append(text, "in " + " and ".join(str(y) for y in ctx.years))
        return text


_YEARS = re.compile(
    r"(?<![\w£$€])(?:199|20[0-3])\d(?:\s?[/\-\u2013]\s?(?:\d{4}|\d{2})(?![\w%]))?(?![\w%])"
)


# Whitespace then connectors each followed by whitespace: one way to match any text
# (a ``\s*`` on both sides of the connector let the spaces between two connectors
# be matched two ways, so a run of ", , , … x" backtracked exponentially).
_CONNECTOR = re.compile(r"^\s*(?:(?:,|&|and|or|to|-|\u2013)\s*)+$", re.IGNORECASE)


def _replace(text: str, spans: Sequence[tuple[int, int]], new: str) -> str:
    """``text`` with its first span (and the spans listed with it) replaced by ``new``.

    Spans joined only by connectors ("Kent and Medway", "2017 to 2019") are one
    mention; with no span, ``new`` is appended ("... in Norfolk?").
    """
    if not spans:
        return _append(text, f"in {new}")
    start, end = spans[0]
    for a, b in spans[1:]:
        if not _CONNECTOR.match(text[end:a]):
            break
        end = b
    return text[:start] + new + text[end:]


def _replace_all(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with every span blanked out."""
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


def _append(text: str, words: str) -> str:
    """``text`` with ``words`` added before its closing punctuation."""
    body = text.rstrip()
    end = ""
    while body and body[-1] in "?.!":
        end = body[-1] + end
        body = body[:-1]
    return f"{body.rstrip()} {words}{end or ''}"
