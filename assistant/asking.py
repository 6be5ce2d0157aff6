"""Answering: a question understood once, scoped, and answered by its route.

:class:`Asking` is the answer path of :class:`assistant.app.Assistant` (``ask`` drains
``stream``): the question is read, its scope decided, the tables read and passages
retrieved; then the scope's refusal, a table, an intent's route or the answerer over the
passages writes the answer, and :meth:`Asking._answer` types it.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from assistant.abbreviations import named_by_initials
from assistant.answering.coverage import close_forms, fits_years, split_forms
from assistant.answering.extractive import NAME_NOT_HELD, Drafted, ExtractiveAnswerer
from assistant.answering.intent import names_a_grade
from assistant.answering.judgements import TableAnswer, asks_about_grades, unfounded
from assistant.answering.text_units import terms
from assistant.answering.whole import front_matter_asked
from assistant.intents import asked_name, rare_names
from assistant.models import Answer
from assistant.retrieval import to_passage
from assistant.scope import (
    PAPER_KINDS,
    Scope,
    decide_scope,
    fits,
    in_a_sentence,
    say_where_grades_come_from,
    years_text,
)
from assistant.understanding import SHORT_FORM
from assistant.understood import AuthorityRef, Understood
from core.errors import InputError
from core.everyday import is_everyday_word
from core.vocabulary import COMPARING, INTENT_PATTERNS, INTENT_QUERY, SHORT_OF_A_GRADE
from vectorstore.store import Filters, StoredChunk

if TYPE_CHECKING:
    from assistant.answering.actions import ActionAnswerer
    from assistant.answering.judgements import JudgementAnswerer
    from assistant.answering.router import IntentRouter
    from assistant.retrieval import LibraryRetriever
    from assistant.scope import Holdings
    from assistant.understanding import QuestionReader
    from ingest.authorities import AuthorityIndex
    from vectorstore.store import ChromaStore

MAX_QUESTION_CHARS = 2000
JUDGEMENTS_PROMPT = "judgements-v1"
_MARKER = re.compile(r"\[(\d+)\]")


EMPTY_LIBRARY_REASON = "empty library"
EMPTY_LIBRARY = (
    "The library is empty: no reports have been added to it yet, so there is nothing to "
    "answer from. Add reports with `ofsted-assistant ingest FOLDER` (or the window's "
    "Documents tab) and ask again."
)


# how many times ``k`` passages are searched for those stating a year not held
YEAR_POOL = 4
# the most documents in scope whose text is read for a name a short form is of
SPELT_OUT_DOCS = 4
# a short form in capitals ("KFT", "LCSOs")
_SHORT_FORM = re.compile(r"\b[A-Z]{3,6}s?\b")


def _combined(first: Drafted, second: Drafted) -> Drafted:
    """Two answers in one, the second's citations renumbered after the first's."""
    if not first.text and not first.citations:
        return second
    if second.refused or not second.citations:
        return first
    offset = len(first.citations)
    text = _MARKER.sub(lambda m: f"[{int(m.group(1)) + offset}]", second.text)
    citations = tuple(dataclasses.replace(c, n=c.n + offset) for c in second.citations)
    return Drafted(f"{first.text}\n{text}", first.citations + citations, False)


def _noted(note: str, drafted: Drafted) -> Drafted:
    """The drafted answer after the scope's note (what is missing, where it comes from)."""
    if not note:
        return drafted
    return dataclasses.replace(drafted, text=f"{note}{drafted.text}")


_CHANGED = re.compile(r"\bchang(?:e|ed|es|ing)\b", re.I)


@dataclass(frozen=True)
class _Prepared:
    """A question understood, scoped and retrieved for: what every answer route reads."""

    question: str
    und: Understood
    scope: Scope
    filters: Filters
    began: float
    table: TableAnswer | None
    chunks: list[StoredChunk]
    retrieved_at: float


class Answerer(Protocol):
    """Writes the answer to a question from the retrieved chunks (best first)."""

    mode: str
    model: str | None
    prompt_name: str

    def answer(self, question: str, chunks: list[StoredChunk]) -> Drafted:
        """The drafted answer: text, citations, refused."""
        ...


class Asking:
    """The answer path of the assistant (a mixin of :class:`assistant.app.Assistant`)."""

    store: ChromaStore
    retriever: LibraryRetriever
    answerer: Answerer
    authorities: AuthorityIndex | None
    judgements: JudgementAnswerer | None
    actions: ActionAnswerer | None
    reader: QuestionReader | None
    holdings: Holdings | None
    router: IntentRouter | None
    _mention_cache: dict[tuple[str, Any], list[str]]

    def ask(
        self,
        question: str,
        *,
        id: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
        history: str | None = None,
    ) -> Answer:
        """Answer one question with cited passages (within ``filters`` if given).

        The same path as :meth:`stream`, drained. ``history`` (earlier turns as text)
        reaches the language-model modes only.
        """
        answer = None
        for item in self.stream(question, id=id, k=k, filters=filters, history=history):
            if isinstance(item, Answer):
                answer = item
        if answer is None:
            raise RuntimeError("the answer stream ended without an answer")
        return answer

    def understand(self, question: str) -> Understood:
        """The question's authorities, years, recency, intent and topic."""
        analysis = self.retriever.analyze(question)
        if self.reader is None:
            return Understood(question, question, analysis, years=analysis.years)
        self.retriever.analyze("")  # keeps the lexical vocabulary fresh for the reader
        return self.reader.read(question)

    def _prepare(self, question: str, k: int | None, filters: Filters | None) -> _Prepared:
        """Understand the question once, decide its scope, then read the tables and retrieve."""
        question = self.checked_question(question)
        began = time.perf_counter()
        und = self.understand(question)
        und, read_as, asked_back = self._initials(und, filters)
        scope = (
            decide_scope(und, self.holdings, self._mentions, filters, self._stating_years)
            if self.holdings is not None
            else Scope()
        )
        if asked_back is not None:
            scope = Scope(refusal=asked_back, unsure=und.unsure)
        elif read_as is not None:
            scope = dataclasses.replace(
                scope, note=read_as + (f"\n{scope.note}" if scope.note else "")
            )
        if und.intent == "plan_status" and not self._papers_in(scope):
            # a plan's progress is asked of a council's own papers: with none in scope,
            # "trafford health checks late??" asks what the reports found
            und = dataclasses.replace(und, intent="finding")
        elif und.intent == "why" and not asks_why_of_a_judgement(und):
            # "why did the DCS leave?", "why r some kids waiting for CP conference": what the
            # reports found of it, not a judgement's reasons
            und = dataclasses.replace(und, intent="finding")
        scoped = scope.filters(filters)
        if scope.refusal:
            return _Prepared(question, und, scope, scoped, began, None, [], time.perf_counter())
        und, spelt = self._spelt_out(und, scope)
        if spelt:
            scope = dataclasses.replace(
                scope, note=spelt + (f"\n{scope.note}" if scope.note else "")
            )
        table = self._from_table(question, filters, und, scope)
        if und.intent == "why" and table is not None and unfounded(und.corrected, table):
            found = self._report_of_the_grade(question, filters, und, scope)
            if found is not None:
                table, scope = found
                scoped = scope.filters(filters)
        query = f"{_with_expansions(und)} {INTENT_QUERY.get(und.intent, '')}".strip()
        if scope.years_mentioned:
            chunks = self._stating_the_year(query, k, scoped, und)
        else:
            chunks = self.retriever.search(query, k, scoped, und.analysis)
        if scope.mentions_only and len(scope.by_authority) == 1:
            chunks = self._naming(scope.mentions_only[0], und, scope.by_authority, chunks, k)
            if not chunks and table is None:
                name = scope.mentions_only[0]
                years = und.years_of(name)
                said = (
                    f"The library holds no report on {name} from {years_text(years)}, and the "
                    f"documents of {years_text(years)} that mention {name} say nothing of what "
                    "is asked."
                    if years and self.holdings is not None and self.holdings.about(name)
                    else f"The library has no report on {name}, and the documents that "
                    "mention it say nothing of what is asked."
                )
                scope = dataclasses.replace(scope, refusal=said)
        return _Prepared(question, und, scope, scoped, began, table, chunks, time.perf_counter())

    def _spelt_out(self, und: Understood, scope: Scope) -> tuple[Understood, str]:
        """Short forms nobody defined, read as the names the reports in scope write.

        "harrow KFT team" is asked of the team Harrow's report calls "the ‘keeping families
        together’ team" and never shortens (:func:`named_by_initials`). Only short forms
        the glossary does not know, not a council's as typed, within a few documents in
        scope (a council's reports, not the library). The name joins the question as the
        glossary's expansions do, and a note says how the short form was read.
        """
        if self.reader is None or not scope.doc_ids or len(scope.doc_ids) > SPELT_OUT_DOCS:
            return und, ""
        typed = " ".join(a.typed for a in und.authorities)
        # not a word typed in capitals ("WHAT DID OFSTED SAY"), nor one the glossary knows
        shorts = [
            m.group()
            for m in _SHORT_FORM.finditer(und.normalised)
            if m.group() not in typed
            and not is_everyday_word(m.group().lower())
            and not self.reader.knows(m.group())
        ]
        if not shorts:
            return und, ""
        texts = [t for t in (self.store.document_text(d) for d in scope.doc_ids) if t]
        normalised, names, notes = und.normalised, [], []
        for short in dict.fromkeys(shorts):
            plural = short.endswith("s") and len(short) > 3
            name = named_by_initials(short[:-1] if plural else short, texts)
            if name is None:
                continue
            written = f"{name}s" if plural and not name.endswith("s") else name
            normalised = re.sub(rf"\b{short}\b", f"{short} ({written})", normalised, count=1)
            names.append(written)
            where = "report in scope writes" if len(texts) == 1 else "reports in scope write"
            notes.append(
                f"“{short}” is read as “{written}”, the name the {where} with its initials."
            )
        if not names:
            return und, ""
        analysis = dataclasses.replace(
            und.analysis,
            expansions=(*und.analysis.expansions, *names),
            expanded=" ".join([und.analysis.expanded, *names]),
        )
        spelt = dataclasses.replace(und, normalised=normalised, analysis=analysis)
        return spelt, " ".join(notes)

    def _stating_the_year(
        self, query: str, k: int | None, scoped: Filters | None, und: Understood
    ) -> list[StoredChunk]:
        """The best ``k`` passages for a year not held, those of later reports stating it first.

        A year the library holds no report of is answered from what the reports say of it
        ("In 2007 the FSM gap was 33%"): the passages stating it are looked for among
        ``YEAR_POOL`` times ``k``, and come before the rest.
        """
        k = k or self.retriever.k
        wider = self.retriever.search(query, k * YEAR_POOL, scoped, und.analysis)
        years = set(und.years)
        return sorted(wider, key=lambda c: not fits_years(c, years))[:k]  # stable: rank kept

    def _initials(
        self, und: Understood, filters: Filters | None
    ) -> tuple[Understood, str | None, str | None]:
        """Initials several councils share ("WCC"), typed in a question naming no authority.

        When the library holds one of those councils, the question is read as about it and
        a note says so; else the answer asks which council is meant (never a guess among
        councils the library holds). A name written short that several councils' names
        fit ("h'shire") is always asked back. Returns the question as read, the note, and the
        question asked back.
        """
        if not und.unsure or und.authorities or self.holdings is None:
            return und, None, None
        if filters is not None and filters.authorities:
            return und, None, None
        typed, names = und.unsure[0]
        docs = {n: self.holdings.about(n) for n in names}
        held = [n for n in names if docs[n]]
        # of those, the ones with a report of the year asked ("wcc 2006 APA")
        dated = [n for n in held if any(fits(h, und.years) for h in docs[n])]
        # initials are read as the one council of them the library holds; a name written
        # short is asked back ("h'shire" may be a council the library does not hold)
        guessed = (
            ()
            if typed in und.written_short
            else ((held, ""), (dated if und.years else [], " from that year"))
        )
        for only, of_what in guessed:
            if len(only) == 1:
                ref = AuthorityRef(only[0], typed, SHORT_FORM, "initials")
                note = (
                    f"“{typed}” is read as {only[0]}, the only council of those initials the "
                    f"library holds a report on{of_what}."
                )
                return dataclasses.replace(und, authorities=(ref,)), note, None
        could = in_a_sentence(names, "or")
        if held:
            asked = (
                f"Which council do you mean by “{typed}”? It could be {could}; the library "
                f"holds reports on {in_a_sentence(held)}. Name the council (or choose it in "
                "the filters)."
            )
        else:
            asked = (
                f"Which council do you mean by “{typed}”? It could be {could}, and the "
                "library holds no report on any of them."
            )
        return und, None, asked

    def _report_of_the_grade(
        self, question: str, filters: Filters | None, und: Understood, scope: Scope
    ) -> tuple[TableAnswer, Scope] | None:
        """The newest earlier report that gave the judgement a "why" question names.

        "Why was X inadequate?", asked with no year of a council whose latest report
        judged otherwise: that report's judgements, and the scope narrowed to it (said in
        the note). None when no report of it gave that judgement.
        """
        if und.years or und.recency or len(scope.by_authority) != 1:
            return None
        ((name, ids),) = scope.by_authority.items()
        for doc in ids[1:]:
            narrowed = dataclasses.replace(
                scope,
                doc_ids=(doc,),
                by_authority={name: (doc,)},
                note=(f"{scope.note}\n" if scope.note else "")
                + f"{name}'s latest report gives no such judgement; its earlier report does.",
            )
            table = self._from_table(question, filters, und, narrowed)
            if table is not None and table.rows and unfounded(und.corrected, table) is None:
                return table, narrowed
        return None

    def _papers_in(self, scope: Scope) -> bool:
        """Whether the scope holds a council's own paper (a board or committee paper)."""
        if self.holdings is None:
            return True
        wanted = set(scope.doc_ids)
        return any(
            h.kind in PAPER_KINDS and (not wanted or h.doc_id in wanted)
            for h in self.holdings.all()
        )

    def _naming(
        self,
        name: str,
        und: Understood,
        by_authority: dict[str, tuple[str, ...]],
        retrieved: list[StoredChunk],
        k: int | None,
    ) -> list[StoredChunk]:
        """The passages of documents that only mention ``name`` that are about it.

        A national report speaks of an authority where a passage names it (or its section
        heading does: a case study runs over several passages) and also holds at least half
        the question's subject words, a short form spelt out counting as one, the words of
        the reports' titles not counted ("in Narrowing the gap"); with no subject, any
        passage naming it: those ``retrieved``, then those a word search for the name and
        subject finds.
        """
        if self.authorities is None:
            return []
        ids = tuple(i for ids in by_authority.values() for i in ids)
        titles = {
            t
            for h in (self.holdings.all() if self.holdings else ())
            if h.doc_id in ids
            for t in terms(h.title)
        }
        subject = set(und.subject) - titles
        wanted = terms(name) + sorted(subject)
        hits = self.store.lexical_search(wanted, 40, Filters(doc_ids=ids))
        found: dict[str, StoredChunk] = {}
        for chunk in [*retrieved, *self.store.get_chunks([cid for cid, _ in hits])]:
            if chunk.chunk_id in found:
                continue
            named = f"{chunk.section or ''}\n{chunk.text}"
            if not any(m.name == name for m in self.authorities.find(named)):
                continue
            held = set(terms(chunk.text))
            # a short form the question uses counts where the passage spells it out
            spelt = any(set(terms(e)) <= held for e in und.analysis.expansions)
            if 2 * (len(subject & held) + spelt) >= len(subject):
                found[chunk.chunk_id] = chunk
        return list(found.values())[: k or self.retriever.k]

    def _mentions(self, name: str) -> list[str]:
        """Documents about no authority (national reports) whose text names ``name``.

        Used only for an authority with no document of its own; another council's
        report that mentions it (a neighbour, a comparison) is never in its scope.
        """
        if self.authorities is None or self.holdings is None:
            return []
        key = (name, self.store.lexical.signature if self.store.lexical else None)
        if key in self._mention_cache:
            return self._mention_cache[key]
        general = {h.doc_id for h in self.holdings.all() if not h.authorities}
        if not general:
            return []
        hits = self.store.lexical_search(terms(name), 40, Filters(doc_ids=tuple(general)))
        found: dict[str, None] = {}
        for chunk in self.store.get_chunks([cid for cid, _ in hits]):
            if any(m.name == name for m in self.authorities.find(chunk.text)):
                found[chunk.doc_id] = None
        if len(self._mention_cache) > 512:
            self._mention_cache.clear()
        self._mention_cache[key] = list(found)
        return list(found)

    def _stating_years(self, doc_ids: Sequence[str], years: Sequence[int]) -> list[str]:
        """Those of ``doc_ids`` whose text states one of ``years`` (for the scope rule)."""
        hits = self.store.lexical_search(
            [str(y) for y in years], 20, Filters(doc_ids=tuple(doc_ids))
        )
        found = {c.doc_id for c in self.store.get_chunks([cid for cid, _ in hits])}
        return [d for d in doc_ids if d in found]

    def _from_table(
        self, question: str, filters: Filters | None, und: Understood, scope: Scope
    ) -> TableAnswer | None:
        """The judgements (or actions) table's answer to a grade or plan question.

        None for a year the library has no report of (the table would give the grades
        of the reports it holds): the passages stating that year answer.
        """
        if self.judgements is None or scope.years_mentioned:
            return None
        # one authority's reports of two or more years set side by side ("kent 2017 vs
        # 2022", "how has harrow changed between 2020 and 2025"): each year's judgements
        named = scope.authorities if len(scope.by_authority) == 1 else ()
        over_years = (
            len(named) == 1
            and len(set(und.years)) >= 2
            and len(scope.by_authority.get(named[0], ())) >= 2
            and bool(COMPARING.search(und.text) or _CHANGED.search(und.text))
            # a summary asked for in so many words is the reports' own
            and not INTENT_PATTERNS["summary"].search(und.text)
        )
        if und.intent in ("compare", "improve", "summary") and not over_years:
            return None
        from assistant.answering.judgements import NEIGHBOURS

        authorities = (filters.authorities if filters else ()) or scope.authorities
        authorities = tuple(a for a in authorities if a not in scope.missing)
        question = und.corrected  # "outstandng" asks for a grade too
        table = None
        # the inspection before the only one held, or before the year's report asked
        # about ("harrow's grade before 2025"): that report's own account answers
        previous_not_held = und.recency == "previous" and (
            bool(und.years) or not self.judgements.holds_previous(authorities)
        )
        # the understood intent alone decides ("how effective is the pre-proceedings
        # work?" is a finding: the grades would not answer it)
        # "what was kent's grade at the previous inspection?", "what did kent get at the
        # inspection before last?", read as who/when: when the library holds the report
        # before the latest, what that inspection found, asked for no date or inspector, is
        # that report's judgements
        graded = (
            und.intent in ("grade", "why")
            or over_years
            or (
                und.intent == "who_when"
                and bool(scope.at_previous)
                and (
                    asks_about_grades(question) or set(front_matter_asked(question)) <= {"previous"}
                )
            )
        )
        if graded and not previous_not_held:
            neighbours: list[str] = []
            if NEIGHBOURS.search(question) and len(authorities) == 1 and self.authorities:
                neighbours = [a.name for a in self.authorities.neighbours(authorities[0])]
            ids = tuple(i for a in authorities for i in scope.by_authority.get(a, ()))
            table = self.judgements.answer(
                question,
                authorities,
                und.years,
                neighbours,
                ids,
                force=bool(authorities),
                # a "why" answer's grade line stands whatever else it asks
                subject=und.table_subject if und.intent == "grade" or over_years else (),
            )
        if table and table.rows and self.router and self.router.graded_elsewhere(und, table):
            table = None  # the passages quote the judgement the table does not hold
        if table is None and self.actions is not None:
            table = self.actions.answer(question, authorities)
        return table

    def stream(
        self,
        question: str,
        *,
        id: str | None = None,
        k: int | None = None,
        filters: Filters | None = None,
        history: str | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the answer's text pieces, then the checked ``Answer``.

        The one answer path (``ask`` drains it): the question is understood and scoped
        once; out-of-scope questions get the sentence saying what is missing; grade and
        plan questions the tables; compare, summary, improve and who/when questions
        their intent's route; the rest quotes (or a model's answer) of the scoped
        passages. The final ``Answer`` is what to show: checks may have removed parts
        of the streamed text.
        """
        p = self._prepare(question, k, filters)
        if self.store.count_chunks() == 0:
            drafted = Drafted(EMPTY_LIBRARY, (), True)
            yield drafted.text
            yield self._answer(id, p, drafted, "scope", refusal_reason=EMPTY_LIBRARY_REASON)
            return
        note = f"{p.scope.note}\n" if p.scope.note else ""
        if p.scope.refusal:
            drafted = Drafted(p.scope.refusal, (), True)
            yield drafted.text
            reason = "no authority named" if p.scope.unsure else "out of scope"
            yield self._answer(id, p, drafted, "scope", refusal_reason=reason)
            return
        unnamed = self._name_not_held(p)
        if unnamed is not None:
            yield unnamed.text
            yield self._answer(id, p, unnamed, "passages", refusal_reason="not covered")
            return
        if note:
            yield note
        why = p.und.intent == "why"
        wrong = unfounded(p.und.corrected, p.table) if why and p.table is not None else None
        if wrong is not None:  # "why inadequate?" of a report that judged it outstanding
            yield wrong.text
            yield self._answer(id, p, wrong, "judgements table", refusal_reason="no such judgement")
            return
        if p.table is not None and p.table.drafted.refused and self.router is not None:
            # an area the report says it did not judge ("Not Judged"): that, not "no
            # judgement of that kind"
            unjudged = self.router.not_judged(p.und, p.scope, p.chunks)
            if unjudged is not None:
                yield unjudged.text
                yield self._answer(id, p, _noted(note, unjudged), "whole report")
                return
        if p.table is not None and (not why or p.table.drafted.refused):
            yield p.table.drafted.text
            reason = "no such judgement" if p.table.drafted.refused else None
            yield self._answer(
                id, p, _noted(note, p.table.drafted), "judgements table", refusal_reason=reason
            )
            return
        routed = None
        # a year not held is answered from the passages that state it, not a report's
        # own front matter, grades or sections
        by_route = self.router is not None and not p.scope.years_mentioned
        if by_route and not why:
            routed = self.router.route(p.und, p.scope, p.chunks, p.filters, filters)
        elif self.router is not None and p.scope.years_mentioned:  # a later report's account
            routed = self.router.of_a_year_not_held(p.und, p.scope)
        if routed is not None:
            yield routed.drafted.text
            reason = "no authority named" if routed.source == "scope" else None
            yield self._answer(
                id, p, _noted(note, routed.drafted), routed.source, refusal_reason=reason
            )
            return
        first: Drafted | None = None
        reasons = self.router.reasons(p.und, p.scope, p.chunks) if by_route and why else None
        if p.table is not None or reasons is not None:  # "why": the grades, then the reasons
            first = p.table.drafted if p.table is not None else Drafted("", (), False)
            if first.text:
                yield first.text + "\n"
            if reasons is not None:
                yield reasons.text
                drafted = _combined(first, reasons)
                source = "judgements table" if p.table is not None else "whole report"
                yield self._answer(id, p, _noted(note, drafted), source)
                return
        drafted = yield from self._from_passages(p, history)
        # nothing said of the year asked; for a grade, no grade said of it ("areas identified
        # at the focused visit in 2019" is no grade of 2019)
        unsaid = drafted.refused or (
            p.und.intent == "grade" and not any(names_a_grade(c.quote) for c in drafted.citations)
        )
        if unsaid and p.scope.years_mentioned:
            refusal = Drafted(p.scope.note or drafted.text, (), True)
            yield self._answer(id, p, refusal, "scope", refusal_reason="out of scope")
            return
        if self.holdings is not None:
            drafted = say_where_grades_come_from(self.holdings, drafted)
        if first is not None:
            drafted = _combined(first, drafted)
        yield self._answer(id, p, _noted(note, drafted), "passages", model_used=True)

    def _name_not_held(self, p: _Prepared) -> Drafted | None:
        """The refusal of a question about a name no report in scope writes.

        The name a "what is X?" question asks about, else a proper name the question
        uses (:func:`rare_names`). Any passage would do to quote about something the
        reports never name ("what is Salford's Bright Futures service?" answered with a
        sentence on bright futures, "what did Bolton's inspection say about its Mockingbird
        programme?" with one on fostering).
        """
        # a "what is X?" name, else a proper name the question uses ("its Mockingbird
        # fostering programme"): the reports in scope never naming it cover nothing of it
        of_the_field = self.reader.of_the_field if self.reader is not None else None
        forms = asked_name(p.und) or rare_names(p.und, of_the_field)
        writes = getattr(self.store, "writes_together", None)
        if not forms or writes is None or self.store.lexical is None:
            return None
        # a word no report uses may be a slip for one they use ("harbor", "familys",
        # "suport"): a slip in the name is no sign the reports never name it
        words = self.store.lexical.vocabulary()
        for form in forms:
            # "aftercare" may be written "after-care" or "after care"
            spellings = [
                (close_forms(w.lower(), words) or [w]) + split_forms(w.lower(), words)
                for w in form.split()
            ]
            for written in itertools.islice(itertools.product(*spellings), 9):
                # the reports' index keeps a hyphenated word whole: "pre birth" is
                # looked for as "pre-birth" too, "edge-of-care" as "edge of care", and
                # two words as one ("make safe": "MAKESAFE")
                spaced = " ".join(written)
                variants = {spaced, "-".join(written), spaced.replace("-", " "), "".join(written)}
                for joined in variants:
                    if writes(joined, p.filters) is not False:
                        return None
        where = " and ".join(p.scope.authorities)
        which = f"the library's reports on {where}" if where else "no report in the library"
        names = "never name" if where else "names"
        text = f"The reports in the library do not cover this: {which} {names} “{forms[0]}”."
        return Drafted(text, (), True, detail=NAME_NOT_HELD)

    def _from_passages(self, p: _Prepared, history: str | None) -> Iterator[str]:
        """The answerer's pieces over the scoped passages; returns the drafted answer."""
        question = p.und.normalised
        streaming = getattr(self.answerer, "stream", None)
        if streaming is None:
            if history and getattr(self.answerer, "uses_history", False):
                drafted = self.answerer.answer(question, p.chunks, history)  # type: ignore[call-arg]
            elif getattr(self.answerer, "reads_intent", False):
                drafted = self.answerer.answer(question, p.chunks, intent=p.und.intent)  # type: ignore[call-arg]
            else:
                drafted = self.answerer.answer(question, p.chunks)
            yield drafted.text
            return drafted
        drafted = None
        for item in streaming(question, p.chunks, history):
            if isinstance(item, str):
                yield item
            else:
                drafted = item
        if drafted is None:
            raise RuntimeError("the answerer's stream ended without an answer")
        return drafted

    @staticmethod
    def checked_question(question: str) -> str:
        """The question stripped; ``InputError`` when it is empty or over the length limit."""
        question = (question or "").strip()
        if not question:
            raise InputError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise InputError(
                f"the question is {len(question):,} characters long; the limit is "
                f"{MAX_QUESTION_CHARS:,}"
            )
        return question

    def _answer(
        self,
        id: str | None,
        p: _Prepared,
        drafted: Drafted,
        answered_from: str,
        *,
        model_used: bool = False,
        refusal_reason: str | None = None,
    ) -> Answer:
        """The typed answer; ``mode``/``model`` say what really answered."""
        done = time.perf_counter()
        by_model = model_used and self.answerer.mode != "extractive" and drafted.fallback is None
        if drafted.refused and refusal_reason is None:
            refusal_reason = "not covered" if answered_from == "passages" else "nothing found"
        if answered_from == "judgements table":
            prompt = JUDGEMENTS_PROMPT
        elif by_model:
            prompt = self.answerer.prompt_name
        else:  # offline wording: quotes, whole-report lists, scope sentences
            prompt = ExtractiveAnswerer.prompt_name
        return Answer(
            id=id or uuid.uuid4().hex[:12],
            question=p.question,
            text=drafted.text,
            citations=drafted.citations,
            retrieved=tuple(to_passage(c) for c in p.chunks),
            mode=self.answerer.mode if by_model else "extractive",
            model=self.answerer.model if by_model else None,
            prompt=prompt,
            timings_ms={
                "retrieve": (p.retrieved_at - p.began) * 1000,
                "answer": (done - p.retrieved_at) * 1000,
            },
            refused=drafted.refused,
            intent=p.und.intent,
            scope=p.scope.to_json() | {"recognised": [a.to_json() for a in p.und.authorities]},
            answered_from=answered_from,
            refusal_reason=refusal_reason if drafted.refused else None,
            fallback_reason=drafted.fallback,
            refusal_detail=drafted.detail if drafted.refused else None,
        )


_VERDICT_ASKED = re.compile(
    r"\b(?:judg\w*|(?:down)?grade\w*|rat(?:ed|ing)|ri|held\b.{0,30}\bback|"
    r"mark(?:ed|s)?\b.{0,30}\bdown|declin\w*|drop\w*|improv\w*|went|gone|outcome|result|"
    r"ofsted verdict)\b",
    re.IGNORECASE,
)


def asks_why_of_a_judgement(und: Understood) -> bool:
    """Whether a "why" question asks the reasons for a judgement (its grade and section).

    So it does when its subject is judgement areas and grades only, or when it names a
    grade, an area or a judgement's rise or fall ("what held barnsley back", "why has
    leicester declined"). Otherwise it asks why something the reports describe happened
    ("why did westminster's DCS leave?", "leicester over 16s unregistered - reason"),
    which the passages explain, if anything does.
    """
    if not und.beyond_judgements:
        return True
    text = und.corrected
    return bool(
        asks_about_grades(text)
        or SHORT_OF_A_GRADE.search(text)
        or _VERDICT_ASKED.search(text)
        or names_a_grade(text)
    )


def _with_expansions(und: Understood) -> str:
    """The question with the glossary's forms of its phrases ("LADO" and "designated officer").

    Embedded so, a question of abbreviations is as close to the passages that spell them
    out as a question in words.
    """
    return " ".join([und.normalised, *und.analysis.expansions])
