"""What a question asks, as the understanding step reads it (:mod:`assistant.understanding`).

:class:`Understood` is the one result that retrieval, the scope rule and the answerers read;
:class:`AuthorityRef` is an authority it names, with how it was recognised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answering.text_units import terms
from assistant.intents import JUDGEMENT_STEMS
from assistant.query import QueryAnalysis, Recency, asked_text, corrected_text, extract_years

MIN_CONFIDENCE = 0.7
"""Authorities recognised with less confidence than this do not scope the answer."""


@dataclass(frozen=True)
class AuthorityRef:
    """An authority a question names: its canonical name, as typed, and how sure we are."""

    name: str
    typed: str
    confidence: float
    how: str  # "name", "short form", "lower case", "spelling", "initials", …

    def to_json(self) -> dict[str, object]:
        """For the ``ask --json`` contract's ``scope``."""
        return {
            "name": self.name,
            "typed": self.typed,
            "confidence": round(self.confidence, 2),
            "how": self.how,
        }


@dataclass(frozen=True)
class Understood:
    """What a question asks: see the module docstring."""

    text: str
    normalised: str  # the question with short forms and cases resolved
    analysis: QueryAnalysis
    authorities: tuple[AuthorityRef, ...] = ()
    years: tuple[int, ...] = ()
    recency: Recency | None = None
    intent: str = "other"
    kinds: tuple[str, ...] = ()  # the kinds of document it names ("the APA letter")
    # the inspection frameworks it names ("the SIF report": ``FRAMEWORK_WORDS``)
    frameworks: tuple[str, ...] = ()
    topic: tuple[str, ...] = field(default_factory=tuple)
    # the topic as typed, without the words asking how good it is ("verdict", "effective")
    subject: tuple[str, ...] = field(default_factory=tuple)
    # a council's own name it asks about, as typed ("Dogs for Good"; see
    # ``assistant.intents.local_name``)
    name: tuple[str, ...] = ()
    # initials typed that several councils share ("WCC"), or a name written short that
    # several councils' names fit ("h'shire"), with those councils; read only when the
    # question names no authority
    unsure: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # of those, names written short that several councils' names fit ("h'shire"): asked
    # back even when the library holds only one of them
    written_short: tuple[str, ...] = ()

    @property
    def beyond_judgements(self) -> bool:
        """True when the subject is more than judgement areas and grades.

        "pre-proceedings", "young carers": the passages answer it, not the table.
        """
        return any(t not in JUDGEMENT_STEMS for t in self.subject)

    @property
    def table_subject(self) -> tuple[str, ...]:
        """The subject words beyond judgement areas and grades, as corrected."""
        spelt = set(terms(self.corrected))
        return tuple(t for t in self.subject if t not in JUDGEMENT_STEMS and t in spelt)

    def years_of(self, name: str) -> tuple[int, ...]:
        """The years meant for one of the authorities named.

        With two or more authorities and years of their own ("kent 2022 vs surrey 2025",
        "compare solihull 2026 with staffordshire"): the years written after an
        authority's name and before the next one's, and none (the latest report) for an
        authority written with no year of its own. Years only after the last name or
        before the first ("kent and surrey in 2022") are every authority's.
        """
        if len(self.authorities) < 2 or not self.years:
            return self.years
        low = self.text.lower()
        places = sorted(
            (at, r.name) for r in self.authorities if (at := low.find(r.typed.lower())) >= 0
        )
        own = {
            found: extract_years(low[at : places[i + 1][0] if i + 1 < len(places) else len(low)])
            for i, (at, found) in enumerate(places)
        }
        if name not in own or not any(own[found] for _, found in places[:-1]):
            return self.years
        return own[name]

    @property
    def corrected(self) -> str:
        """The question as typed with its misspelt words corrected ("outstandng")."""
        return corrected_text(self.text, self.analysis)

    @property
    def asked(self) -> str:
        """``corrected`` with the expansions that ask something ("WNTI"; ``asked_text``)."""
        return asked_text(self.text, self.analysis)

    @property
    def names(self) -> tuple[str, ...]:
        """The authorities confident enough to scope the answer, in order of mention."""
        return tuple(a.name for a in self.authorities if a.confidence >= MIN_CONFIDENCE)
