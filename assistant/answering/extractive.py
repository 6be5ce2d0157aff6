"""The offline answer mode: quote the sentences, list items and table rows that answer.

No language model. Each retrieved passage is split into units (sentences, list
items, table rows); a unit scores by the share of the question's topic words it
holds (weighted by rarity across the retrieved units, so words found nowhere count
against it), the passage's retrieval score, and what the question asks for: a grade
prefers judgement rows, a number prefers units stating a figure, a list prefers the
heading or lead-in that opens a list. A chosen lead-in brings the list items that
follow it (continuing into the next retrieved passage of the same document), and
chosen units next to each other are quoted as one span. Every quote is an exact
substring of its passage and is cited; the answer stays within a word budget.

The answer is refused when the best passage's retrieval score is low; the question
names a year and no passage is of that time (the year or the next) or states it; half
or more of its key words (two at least; names, years, generic words and abbreviations
aside; slips and inflections allowed) are in no passage; it asks about money, who
someone is or (in so many words) a quantity, and no passage states a sum, no passage a
personal name or no quote a figure; or no unit holds enough of its topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from assistant.answering.calibration import RefusalModel
from assistant.answering.coverage import (
    GENERIC_QUESTION,
    closest,
    fits_years,
    is_furniture,
    missing_terms,
    of_the_time,
    topic_terms,
    with_parts,
)
from assistant.answering.intent import (
    asks_for_grades,
    asks_for_list,
    asks_for_money,
    asks_for_name,
    asks_for_number,
    asks_for_person,
    asks_for_time,
    has_figure,
    has_money,
    has_person,
    is_grade_unit,
    states_quantity,
    states_time,
    years_in,
)
from assistant.answering.phrases import question_phrases, said_otherwise
from assistant.answering.quotes import (
    QUALIFIER,
    Quote,
    cited,
    continue_list,
    fit,
    following,
    is_grade_row,
    is_lead_in,
    merge,
    named,
    opens_list,
)
from assistant.answering.text_units import Unit, idf_weights, split_units, stem, terms
from assistant.glossary import Glossary
from assistant.models import Citation
from assistant.prompts import PromptSet
from core.dates import without_starting_years
from core.everyday import Phrasing
from vectorstore.store import StoredChunk

PROMPT_NAME = "extractive-v1"


@dataclass(frozen=True)
class Drafted:
    """What an answerer produced for one question."""

    text: str
    citations: tuple[Citation, ...]
    refused: bool
    fallback: str | None = None  # why the model did not answer (the quotes did), if it did not
    detail: str | None = None  # when refused, which check refused it (``REFUSAL_DETAILS``)


# Why the offline answerer refused, in the words ``ask --json`` gives (``refusal_detail``).
REFUSAL_DETAILS = (
    "no passage of the year asked",
    "calibrated model",
    "passages not close enough",
    "a sum asked, none stated",
    "no topic words",
    "a name asked, none in the passages",
    "key words missing from the passages",
    "no sentence covers the question",
    "a name asked, none quoted",
    "a figure asked, none quoted",
    "a time asked, none quoted",
)
# why a "what is X?" question is refused before any passage is read (``assistant.asking``)
NAME_NOT_HELD = "the name asked about is in no report in scope"


@dataclass(frozen=True)
class _Candidate:
    chunk: StoredChunk
    rank: int
    index: int  # position of the unit among its chunk's units
    unit: Unit
    coverage: float
    score: float


# intents no judgement-table row answers ("did ofsted say anything about staff leaving":
# not "care leavers Good")
_NOT_GRADED = frozenset({"finding", "number", "other", "who_when", "plan_status"})


def _asked_years(question: str) -> set[int]:
    """The years a question asks about: not one a change is measured from ("since 2021")."""
    return years_in(without_starting_years(question))


@dataclass(frozen=True)
class _Question:
    text: str
    topic: tuple[str, ...]
    grades: bool
    numbers: bool
    lists: bool
    years: frozenset[int] = frozenset()
    # a finding, figure, definition or date is never a judgement-table row
    no_rows: bool = False
    # stems of the words that say how the question is put (core.everyday)
    phrasing: frozenset[str] = frozenset()


class ExtractiveAnswerer:
    """Builds answers from quotes of the retrieved passages."""

    mode = "extractive"
    model: str | None = None
    prompt_name = PROMPT_NAME

    def __init__(
        self,
        prompts: PromptSet,
        *,
        min_score: float = 0.25,
        min_coverage: float = 0.27,
        max_missing: float = 0.5,
        max_quotes: int = 4,
        max_words: int = 160,
        follow_on: bool = True,
        grade_bonus: float = 0.4,
        number_bonus: float = 0.25,
        list_bonus: float = 0.4,
        qualifier_words: int = 40,
        refusal_model: RefusalModel | None = None,
        library_terms: Callable[[], Collection[str]] | None = None,
        glossary: Glossary | None = None,
        phrasing: Phrasing | None = None,
    ) -> None:
        """Set the relevance thresholds, the intent bonuses and the answer's size.

        ``glossary``, when given, makes a phrase of the question ("looked after
        children") match a passage that says it in any of its forms ("children in care",
        "LAC"), and its words alone ("looking") match nothing. ``phrasing``, when given,
        tells the words that say how a question is put ("went", "lot", "kids"): within
        one council's reports, lacking one is not lacking the topic, and a sentence that
        has only such words does not answer.
        """
        self.prompts = prompts
        self.min_score = min_score
        self.min_coverage = min_coverage
        self.max_missing = max_missing
        self.max_quotes = max_quotes
        self.max_words = max_words
        self.follow_on = follow_on
        self.grade_bonus = grade_bonus
        self.number_bonus = number_bonus
        self.list_bonus = list_bonus
        self.qualifier_words = qualifier_words
        self.refusal_model = refusal_model
        self.library_terms = library_terms
        self.glossary = glossary
        self.phrasing = phrasing

    reads_intent = True  # the asker passes the question's understood intent

    def answer(
        self, question: str, chunks: list[StoredChunk], intent: str | None = None
    ) -> Drafted:
        """Answer ``question`` from ``chunks`` (best first), or refuse.

        ``intent``: the question's understood intent, when the asker has it ("number":
        the answer must quote a quantity, whatever the wording).
        """
        years = _asked_years(question)
        if years:
            chunks = [c for c in chunks if fits_years(c, years)]
            if not chunks:
                return self._refuse(question, "no passage of the year asked")
        q, units, candidates, features, missing = self._read(question, chunks, intent)
        if self.refusal_model is not None:
            if not candidates or not self.refusal_model.answers(features):
                return self._refuse(question, "calibrated model")
        else:
            gap = self._gap(q, features, missing, bool(candidates))
            if gap is not None:
                return self._refuse(question, gap)
        lead = self.prompts.render("lead")

        def quoted(picked: list[_Candidate]) -> list[Quote]:
            chosen = self._quotes(picked, chunks, units, q.grades, question=question)
            return fit(chosen, self.max_words, len(lead.split()))

        quotes = quoted(self._choose(candidates))
        if asks_for_name(question):
            quotes = named(quotes, units)
            if not any(has_person(quote.text) for quote in quotes):
                return self._refuse(question, "a name asked, none quoted")
        # a quantity asked for in so many words and none quoted (the understood intent
        # alone, a guess, only brings the sentences with figures forward)
        if asks_for_number(question) and not any(states_quantity(x.text, question) for x in quotes):
            return self._refuse(question, "a figure asked, none quoted")
        if asks_for_time(question) and not any(states_time(x.text) for x in quotes):
            # a sentence almost as close that states one answers instead
            best = candidates[0].coverage
            timed = [c for c in candidates if c.coverage >= 0.5 * best and states_time(c.unit.text)]
            if not timed:
                return self._refuse(question, "a time asked, none quoted")
            quotes = quoted(timed[: self.max_quotes])
        text, citations = cited(quotes, lead)
        return Drafted(text=text, citations=citations, refused=False)

    def features(self, question: str, chunks: list[StoredChunk]) -> dict[str, float]:
        """The signals the answer-or-refuse decision reads (see ``calibration``)."""
        years = _asked_years(question)
        if years:
            chunks = [c for c in chunks if fits_years(c, years)]
        return self._read(question, chunks)[3]

    def _read(
        self, question: str, chunks: list[StoredChunk], intent: str | None = None
    ) -> tuple[_Question, dict[int, list[Unit]], list[_Candidate], dict[str, float], list[str]]:
        """The question's intent and topic, the passages' units and candidates, the signals.

        And the key words no passage holds in any form (``missing``).
        """
        q = _Question(
            question,
            tuple(topic_terms(question, chunks)) if chunks else (),
            asks_for_grades(question),
            asks_for_number(question) or intent == "number",
            asks_for_list(question),
            frozenset(_asked_years(question)),
            intent in _NOT_GRADED and not asks_for_grades(question),
            # forgiven only within one council's reports: a library-wide answer on a few of
            # the question's words would quote whichever councils happen to use them
            self.phrasing.stems(question, stem)
            if self.phrasing is not None and len({c.authorities for c in chunks}) == 1
            else frozenset(),
        )
        units = {id(c): split_units(c.text) for c in chunks}
        candidates = self._candidates(q, chunks, units) if q.topic else []
        key = [t for t in q.topic if t not in GENERIC_QUESTION and not t.isdigit()]
        missing = (
            said_otherwise(
                self.glossary,
                question,
                [t for t in missing_terms(question, q.topic, chunks) if t not in q.phrasing],
                chunks,
            )
            if chunks
            else key
        )
        body = "\n".join(u.text for c in chunks for u in units[id(c)] if not is_furniture(u.text))
        top = [c.doc_id for c in chunks[:5]]
        features = {
            "best_score": max((c.score for c in chunks), default=0.0),
            "missing_share": len(missing) / len(key) if key else 1.0,
            "missing_count": float(min(len(missing), 4)),
            # the sum asked for must be in a sentence about the topic, not anywhere
            # (not of a question read as asking what something is, "whats the next venture
            # fund, some budget care leavers run themselves?", nor what was found of it,
            # "durham care leavers own budget")
            "money_gap": float(
                intent not in ("other", "finding")
                and asks_for_money(question)
                and not any(has_money(c.unit.text) for c in candidates[:5])
            ),
            # a plan's actions are led by posts ("Head of Learning"), not named people
            "person_gap": float(
                intent != "plan_status" and asks_for_person(question) and not has_person(body)
            ),
            "best_coverage": max((c.coverage for c in candidates), default=0.0),
            "concentration": max(top.count(d) for d in top) / len(top) if top else 0.0,
            "key_terms": float(min(len(key), 8)),
            "no_candidate": float(not candidates),
        }
        return q, units, candidates, features, missing

    def _refuse(self, question: str, detail: str) -> Drafted:
        return Drafted(self.prompts.render("refusal", question=question), (), True, detail=detail)

    def _gap(
        self, q: _Question, features: dict[str, float], missing: list[str], candidates: bool
    ) -> str | None:
        """Why the passages plainly cannot answer (from the signals of :meth:`_read`), if so.

        The best passage not close enough, a sum of money asked for and stated nowhere, no
        topic, no personal name for a question asking who, most key words absent, or no
        sentence covering enough of the question (a ``REFUSAL_DETAILS`` entry, else None).
        """
        if features["best_score"] < self.min_score:
            return "passages not close enough"
        if features["money_gap"]:
            return "a sum asked, none stated"
        if not q.topic:
            return "no topic words"
        if features["person_gap"]:
            return "a name asked, none in the passages"
        key = [t for t in q.topic if t not in GENERIC_QUESTION and not t.isdigit()]
        if len(missing) >= 2 and len(missing) >= self.max_missing * len(key):
            return "key words missing from the passages"
        return None if candidates else "no sentence covers the question"

    def _candidates(
        self, q: _Question, chunks: list[StoredChunk], units: dict[int, list[Unit]]
    ) -> list[_Candidate]:
        # a hyphenated word holds its parts: "homeless 16 17 yr olds" covers "16- and
        # 17-year-olds", "pre birth" covers "pre-birth"
        unit_terms = {
            (id(c), u.start): with_parts(set(terms(u.text))) for c in chunks for u in units[id(c)]
        }
        idf = idf_weights([list(t) for t in unit_terms.values()])
        unseen = max(idf.values(), default=1.0) * 1.5 if idf else 1.0
        # A misspelt or differently inflected word counts as its form in the passages;
        # abbreviations (expanded by retrieval) and generic words found nowhere count not at all.
        abbreviations = {stem(w) for w in re.findall(r"\b[A-Z][A-Za-z]*[A-Z]s?\b", q.text)}
        # A word the library uses but these passages do not is how the question is put
        # more often than what it is about: it weighs as an ordinary word, not a missing topic.
        library = self.library_terms() if self.library_terms is not None else ()
        ordinary = sorted(idf.values())[len(idf) // 2] if idf else 1.0
        weights: dict[str, float] = {}
        phrasing: set[str] = set()
        for term in q.topic:
            word = closest(term, set(idf))
            if word is not None:
                weights[word] = idf[word]
            elif term not in abbreviations and term not in GENERIC_QUESTION:
                word = term
                weights[term] = ordinary if term in library else unseen
            if word is not None and term in q.phrasing:
                phrasing.add(word)
        # a phrase of the question weighs as its words did, matched in any of its forms
        texts = [c.text for c in chunks]
        phrases = question_phrases(
            self.glossary, q.text, weights, idf, spelt_out=(q.topic, texts, ordinary)
        )
        # a phrasing word a sentence lacks does not count against it; one it has counts
        # only beside a topic word (unless the question has nothing else)
        if all(t in phrasing for t in weights):
            phrasing.clear()
        total = sum(w for t, w in weights.items() if t not in phrasing)
        total = total + sum(p.weight for p in phrases) or 1.0
        out = []
        for rank, chunk in enumerate(chunks):
            # Words of the title, section and table header describe every unit of the chunk.
            heading = f"{chunk.title}\n{chunk.section or ''}\n{chunk.context}"
            section_terms = set(terms(heading))
            section_forms = self.glossary.forms_in(heading) if phrases else frozenset()
            chunk_units = units[id(chunk)]
            title = " ".join(chunk.title.lower().split())
            # a report of another time than the year asked speaks of that year only in
            # the sentences that state it ("since the last inspection in 2022, …")
            of_time = not q.years or of_the_time(chunk, set(q.years))
            for index, unit in enumerate(chunk_units):
                if is_furniture(unit.text) or " ".join(unit.text.lower().split()) == title:
                    continue
                if q.no_rows and is_grade_row(unit.text):
                    continue
                if not of_time and not any(str(y) in unit.text for y in q.years):
                    continue
                have = unit_terms[(id(chunk), unit.start)]
                forms = self.glossary.forms_in(unit.text) if phrases else frozenset()
                said = sum(p.weight * p.share_said(forms, have) for p in phrases)
                topical = sum(w for t, w in weights.items() if t in have and t not in phrasing)
                topical += said
                if topical:
                    topical += sum(w for t, w in weights.items() if t in have and t in phrasing)
                coverage = topical / total
                in_section = sum(w for t, w in weights.items() if t in section_terms - have)
                in_section += sum(
                    p.weight
                    for p in phrases
                    if p.said(section_forms, section_terms) and not p.said(forms, have)
                )
                coverage_ctx = coverage + 0.5 * in_section / total
                if q.grades and is_grade_unit(unit.text):
                    # A judgement row or heading states the grade; a sentence may only use the word.
                    row = is_grade_row(unit.text)
                    coverage_ctx += self.grade_bonus if row else self.grade_bonus / 2
                if q.numbers and has_figure(unit.text):
                    coverage_ctx += self.number_bonus
                if q.lists and opens_list(chunk, chunk_units, index):
                    coverage_ctx += self.list_bonus
                if coverage_ctx < self.min_coverage:
                    continue
                score = coverage_ctx + 0.5 * chunk.score - 0.01 * rank
                out.append(_Candidate(chunk, rank, index, unit, coverage_ctx, score))
        return sorted(out, key=lambda c: c.score, reverse=True)

    def _choose(self, candidates: list[_Candidate]) -> list[_Candidate]:
        chosen: list[_Candidate] = []
        seen: set[str] = set()
        best = candidates[0].coverage
        for cand in candidates:
            key = " ".join(cand.unit.text.lower().split())
            if key in seen or cand.coverage < 0.6 * best:
                continue
            chosen.append(cand)
            seen.add(key)
            if len(chosen) >= self.max_quotes:
                break
        return chosen

    def _quotes(
        self,
        chosen: list[_Candidate],
        chunks: list[StoredChunk],
        units: dict[int, list[Unit]],
        grades: bool = False,
        question: str = "",
    ) -> list[Quote]:
        """Quotes for the chosen units: lists extended, neighbours merged, within the budget.

        For a question about grades, a chosen judgement row brings the rows after it. For
        a ``question`` asking for a quantity in so many words, a sentence stating none brings the
        sentences after it in its paragraph up to the one that states one (at most
        :data:`FIGURE_REACH`): "The 'Staying Put' arrangements enable … This is a strong
        feature … Currently 52 young people are benefitting from this scheme".
        """
        budget = self.max_words - len(self.prompts.render("lead").split())
        taken: dict[int, set[int]] = {}  # chunk -> unit indexes already quoted
        spans: list[tuple[StoredChunk, list[int]]] = []
        for cand in chosen:
            chunk_units = units[id(cand.chunk)]
            have = taken.setdefault(id(cand.chunk), set())
            if cand.index in have:
                continue
            group = [cand.index]
            if is_lead_in(cand.unit.text, cand.chunk.section) or opens_list(
                cand.chunk, chunk_units, cand.index
            ):
                group += following(chunk_units, cand.index, have)
            elif grades and is_grade_row(cand.unit.text):
                for j in range(cand.index + 1, len(chunk_units)):
                    if j in have or not is_grade_row(chunk_units[j].text):
                        break
                    group.append(j)
            words = sum(len(chunk_units[i].text.split()) for i in group)
            while len(group) > 1 and words > budget:
                words -= len(chunk_units[group.pop()].text.split())
            if spans and words > budget:
                continue
            budget -= words
            have.update(group)
            spans.append((cand.chunk, group))
            at_end = group[-1] == len(chunk_units) - 1
            if at_end and budget > 0 and (len(group) > 1 or is_lead_in(cand.unit.text, None)):
                budget = continue_list(cand.chunk, chunks, units, taken, spans, budget)
        # Words left over go to the sentence after a single quoted sentence, in its paragraph
        # (the "because" or the figure often follows the sentence that matched).
        # A sentence that qualifies the one before ("However, ...") always comes with it.
        figure = asks_for_number(question)
        for chunk, group in spans:
            if not self.follow_on:
                continue
            chunk_units = units[id(chunk)]
            have = taken[id(chunk)]
            nxt = group[-1] + 1
            if nxt >= len(chunk_units) or nxt in have:
                continue
            qualifies = bool(QUALIFIER.match(chunk_units[nxt].text))
            if len(group) != 1 and not qualifies:
                continue
            room = budget + (self.qualifier_words if qualifies else 0)
            # asked for a quantity the matched sentence does not state: on to the figure
            to_figure = figure and not states_quantity(chunk_units[group[0]].text, question)
            after = _in_paragraph(
                chunk, chunk_units, nxt, have, room, FIGURE_REACH if to_figure else 1
            )
            reach = after[:1]
            if to_figure:
                stated = [
                    k for k, j in enumerate(after) if states_quantity(chunk_units[j].text, question)
                ]
                reach = after[: stated[0] + 1] if stated else reach
            for j in reach:
                group.append(j)
                have.add(j)
                budget -= len(chunk_units[j].text.split())
        return merge(spans, units)


FIGURE_REACH = 3
"""How many sentences after one that matched a quantity question may be quoted to reach
the figure (in its paragraph, within the words left)."""


def _in_paragraph(
    chunk: StoredChunk, chunk_units: list[Unit], first: int, have: set[int], room: int, most: int
) -> list[int]:
    """Up to ``most`` sentences from ``first`` on that may follow a quote.

    Each in the quote's paragraph, not quoted yet, not report furniture, and together
    within ``room`` words.
    """
    out: list[int] = []
    words = 0
    for j in range(first, min(first + most, len(chunk_units))):
        unit = chunk_units[j]
        gap = chunk.text[chunk_units[j - 1].end : unit.start]
        words += len(unit.text.split())
        if j in have or "\n" in gap or words > room or is_furniture(unit.text):
            break
        out.append(j)
    return out
