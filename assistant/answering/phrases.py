"""A question's glossary phrases as the offline answerer weighs them.

A phrase of several words ("looked after children", "front door") is one thing asked
about: a passage says it in any of its glossary forms ("children in care", "LAC",
"multi-agency safeguarding hub") or with all its words ("children go missing" for
"children who go missing"); its words alone ("looking … after") say nothing of it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from assistant.answering.coverage import closest
from assistant.answering.text_units import terms
from assistant.glossary import Glossary
from vectorstore.store import StoredChunk


@dataclass(frozen=True)
class Phrase:
    """One phrase of the question: forms, words (as the passages spell them), weight."""

    forms: frozenset
    words: frozenset[str]
    weight: float

    def said(self, forms: frozenset, words: set[str] | frozenset[str]) -> bool:
        """Whether a text with these glossary ``forms`` and ``words`` says the phrase."""
        return bool(self.forms & forms) or self.words <= words

    def share_said(self, forms: frozenset, words: set[str] | frozenset[str]) -> float:
        """How much of the phrase a text says (1: said, 0: not).

        A half when the text holds all but one of its words, for a phrase of three or
        more ("emergency duty service" for "emergency duty team").
        """
        if self.said(forms, words):
            return 1.0
        return 0.5 if len(self.words) >= 3 and len(self.words - words) == 1 else 0.0


def question_phrases(
    glossary: Glossary | None,
    question: str,
    weights: dict[str, float],
    words: Iterable[str],
    spelt_out: tuple[Collection[str], Iterable[str], float] = ((), (), 0.0),
) -> list[Phrase]:
    """The question's phrases, their words taken out of ``weights`` (they count together).

    ``words``: the passages' terms, for inflections. An abbreviation typed ("PLO") is a
    phrase too, said in any of its forms ("public law outline"). ``spelt_out``: the
    question's topic terms, the passages' texts and a weight; a topic abbreviation the
    passages never use but spell out weighs that (the texts are read for glossary forms
    only when such an abbreviation is asked).
    """
    if glossary is None:
        return []
    vocabulary = set(words)
    topic, texts, weight_spelt = spelt_out
    # a short abbreviation typed plural ("CLs", "SWs": stemming leaves short words whole)
    topic = set(topic) | {t[:-1] for t in topic if len(t) <= 4 and t.endswith("s")}
    found: frozenset | None = None
    out = []
    for phrase, forms in glossary.concepts(question, abbreviations=True):
        keys = frozenset(closest(t, vocabulary) or t for t in terms(phrase))
        weight = sum(weights.pop(k) for k in keys if k in weights)
        if not weight and len(keys) == 1 and set(terms(phrase)) <= set(topic):
            if found is None:
                found = frozenset().union(*(glossary.forms_in(t) for t in texts))
            if forms & found:
                weight = weight_spelt  # an abbreviation the passages only spell out
        if weight:
            out.append(Phrase(forms, keys, weight))
    return out


def said_otherwise(
    glossary: Glossary | None, question: str, missing: list[str], chunks: list[StoredChunk]
) -> list[str]:
    """``missing`` less the words of a question's phrase the passages say in another form.

    "front door" is not missing from passages about the "multi-agency safeguarding hub".
    """
    if glossary is None or not missing:
        return missing
    found = frozenset().union(
        *(glossary.forms_in(f"{c.section or ''}\n{c.context}\n{c.text}") for c in chunks)
    )
    said = {
        t for phrase, forms in glossary.concepts(question) if forms & found for t in terms(phrase)
    }
    return [t for t in missing if t not in said]
