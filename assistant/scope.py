"""Scope is a rule of the answer: a question naming authorities or a time stays within them.

A question that names authorities or a time is answered only from documents about them.

:class:`Holdings` is what the library holds (per document: the authorities it is about,
its kind and date), cached until the library changes. :func:`decide_scope` turns a
question's :class:`~assistant.understood.Understood` into a :class:`Scope`: the
documents the answer may use, and, when nothing is in scope, the sentence that says
exactly what is missing and what the library holds instead.

Documents about an authority are those whose metadata names it as their subject (an
inspection report or letter of that authority, a paper of that council). National reports
name many authorities as examples and are the subject of none: they are in scope for an
authority only when the library has no document about it and their text names it (then
the answer says so).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.understood import Understood
from core.dates import called_years, year_in_file_name
from core.vocabulary import COMPARING, FRAMEWORK_LABELS
from vectorstore.store import DocumentRecord, Filters

if TYPE_CHECKING:
    from assistant.answering.extractive import Drafted

REPORT_KINDS = ("inspection report", "apa letter")
PAPER_KINDS = ("board paper", "committee report")  # a council's own papers (its plans)


@dataclass(frozen=True)
class Held:
    """One stored document as the scope rule sees it."""

    doc_id: str
    title: str
    authorities: tuple[str, ...]
    kind: str
    date: str | None  # the inspection's last day, else the publication date (ISO)
    published: str | None = None
    named_year: int | None = None  # the year of a date in its file name
    # the inspection framework its text shows ("ILACS short"; ``framework_of``), if any
    framework: str | None = None

    @property
    def year(self) -> int | None:
        """The year of ``date``."""
        return _year(self.date)

    @property
    def years(self) -> set[int]:
        """The years a document is called by.

        Its inspection's, its publication's and that of a date in its file name (the
        date it was listed under: "… inspection - 29 january 2025.pdf" is "the 2025
        report").
        """
        return called_years((self.date, self.published), self.named_year)


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


def held_from(record: DocumentRecord) -> Held:
    """The scope's view of a stored document."""
    meta = record.meta
    return Held(
        doc_id=record.doc_id,
        title=record.title,
        authorities=tuple(meta.authorities),
        kind=meta.kind,
        date=meta.inspected or meta.published,
        published=meta.published,
        named_year=year_in_file_name(record.source),
    )


class Holdings:
    """What the library holds, re-read when its signature changes."""

    def __init__(
        self,
        documents: Callable[[], Sequence[DocumentRecord]],
        signature: Callable[[], Any] | None = None,
        frameworks: Callable[[], Mapping[str, str]] | None = None,
    ) -> None:
        """Read documents with ``documents()``; ``signature()`` tells when to read again.

        ``frameworks()``: the inspection framework of each report whose text shows one,
        by document id (the structured store's reading).
        """
        self._documents = documents
        self._signature = signature
        self._frameworks = frameworks
        self._lock = threading.Lock()
        self._key: Any = object()
        self._held: list[Held] = []

    def all(self) -> list[Held]:
        """Every stored document, newest first."""
        key = self._signature() if self._signature else object()
        with self._lock:
            if key is None or key != self._key:
                framework = self._frameworks() if self._frameworks is not None else {}
                held = [
                    dataclasses.replace(held_from(r), framework=framework.get(r.doc_id))
                    for r in self._documents()
                ]
                self._held = sorted(held, key=lambda h: h.date or "", reverse=True)
                self._key = key
            return list(self._held)

    def about(self, name: str) -> list[Held]:
        """The documents about ``name``, newest first."""
        return [h for h in self.all() if name in h.authorities]

    def authorities(self) -> set[str]:
        """Every authority some document is about."""
        return {a for h in self.all() for a in h.authorities}


@dataclass(frozen=True)
class Scope:
    """What an answer may draw on, and why."""

    authorities: tuple[str, ...] = ()  # the authorities the question names (confident)
    years: tuple[int, ...] = ()
    recency: str | None = None
    doc_ids: tuple[str, ...] = ()  # the documents in scope; () = the whole library
    by_authority: dict[str, tuple[str, ...]] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # named authorities the library has nothing on
    refusal: str | None = None  # the whole answer, when nothing is in scope
    note: str | None = None  # said before the answer (what is missing, where it comes from)
    mentions_only: tuple[str, ...] = ()  # authorities answered from documents that name them
    # authorities whose year asked is not held, answered from their reports' words on it
    years_mentioned: tuple[str, ...] = ()
    # authorities whose report before the latest is held and is the one asked about
    # ("kent's previous grade"): in scope, that report speaks of itself, not of the one
    # before it
    at_previous: tuple[str, ...] = ()
    # initials typed that several councils share, asked back (``Understood.unsure``)
    unsure: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def limited(self) -> bool:
        """True when the answer is restricted to some documents."""
        return bool(self.doc_ids)

    def filters(self, base: Filters | None) -> Filters:
        """``base`` restricted to the documents in scope."""
        base = base or Filters()
        if not self.doc_ids:
            return base
        ids = self.doc_ids
        if base.doc_ids:
            ids = tuple(d for d in base.doc_ids if d in set(self.doc_ids)) or ("",)
        return Filters(
            authorities=(), kinds=base.kinds, doc_ids=ids, since=base.since, until=base.until
        )

    def to_json(self) -> dict[str, Any]:
        """The ``scope`` object of the ``ask --json`` contract."""
        return {
            "authorities": list(self.authorities),
            "years": list(self.years),
            "recency": self.recency,
            "documents": list(self.doc_ids),
            "missing": list(self.missing),
            "note": self.note,
        } | (
            {"unsure": [{"typed": t, "could_be": list(n)} for t, n in self.unsure]}
            if self.unsure
            else {}
        )


def in_a_sentence(words: Sequence[str], joiner: str = "and") -> str:
    """Words listed in a sentence: "A", "A and B", "A, B and C" (or ``joiner`` "or")."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {joiner} " + words[-1]


def years_text(years: Sequence[int]) -> str:
    """Years in a sentence, in order, each once: "2013, 2015 and 2017"."""
    return in_a_sentence([str(y) for y in sorted(set(years))])


def _kind_word(docs: Sequence[Held]) -> str:
    kinds = {d.kind for d in docs}
    if kinds <= {"inspection report"}:
        return "inspection" if len(docs) == 1 else "inspections"
    return "report" if len(docs) == 1 else "reports"


def fits(doc: Held, years: Sequence[int]) -> bool:
    """Whether a document is of one of the ``years`` (an inspection late in a year: the next)."""
    wanted = set(years)
    if doc.year is None:
        return False
    if doc.years & wanted:
        return True
    if doc.kind == "inspection report" and doc.date and doc.date[5:7] in ("10", "11", "12"):
        # an inspection ending late in a year is published, and called, the next year
        return doc.year + 1 in wanted
    # a publication early in a year reports on the year before ("the 2006 APA letter")
    return doc.kind not in ("inspection report",) and doc.year - 1 in wanted


def _pick(docs: list[Held], und: Understood, name: str) -> tuple[list[Held], str | None, bool]:
    """The documents of one authority the question means, or why there are none.

    And whether they are the report before the latest, picked by "previous". With an
    inspection framework named and none of its inspections held, the documents held and
    the sentence saying so (to go before the answer).
    """
    years = und.years_of(name)
    if years:
        chosen = [d for d in docs if fits(d, years)]
        if not chosen:
            held = sorted({d.year for d in docs if d.year})
            return (
                [],
                (
                    f"The library holds {name}'s {_kind_word(docs)} of {years_text(held)}, "
                    f"not one from "
                    f"{years_text(years)}."
                )
                if held
                else None,
                False,
            )
        docs = chosen
    named = [d for d in docs if d.kind in und.kinds]
    if named:  # "the APA letter", "the board paper": that kind of document
        docs = named
    elif und.frameworks:  # "the SIF report": the inspections under that framework
        under = [d for d in docs if any((d.framework or "").startswith(f) for f in und.frameworks)]
        if not under:
            # staff call an inspection "the ILACS" loosely: what is held answers, saying
            # which inspection it is
            held = sorted({d.year for d in docs if d.year})
            label = " or ".join(FRAMEWORK_LABELS[f] for f in und.frameworks)
            note = (
                f"The library holds {name}'s {_kind_word(docs)} of {years_text(held)}, "
                f"{'not' if len(docs) == 1 else 'none of them'} {label}."
            )
            return _latest_or_all(docs, und), note if held else None, False
        docs = under
    if und.recency == "previous" and not years:
        reports = [d for d in docs if d.kind in REPORT_KINDS] or docs
        if len(reports) > 1:
            # (with a year, "before 2025": that year's report says what came before it)
            return reports[1:2], None, True
    return _latest_or_all(docs, und), None, False


def _latest_or_all(docs: list[Held], und: Understood) -> list[Held]:
    """The newest report when the latest is asked for, else every one of ``docs``."""
    if und.recency == "latest":
        return ([d for d in docs if d.kind in REPORT_KINDS] or docs)[:1]
    return docs


OWN_REPORT_INTENTS = ("improve", "summary")
"""The intents only an authority's own report answers (not a national report naming it)."""

YEAR_MENTION_INTENTS = ("grade", "who_when", "number")
"""The intents a year not held may be answered for from a later report's mention of it.

An earlier grade or inspection ("since the last inspection in 2022, when …"), or a figure
of that year ("In 2010–11 it was 6.5%"); not a finding: what a later report found is of
its own time."""

YearMentions = Callable[[Sequence[str], Sequence[int]], list[str]]
"""``(document ids, years)`` → the ids of those documents whose text states one of the years."""


def _documents_of(
    names: Sequence[str],
    und: Understood,
    holdings: Holdings,
    mentions: Callable[[str], list[str]] | None,
    year_mentions: YearMentions | None = None,
) -> tuple[dict[str, tuple[str, ...]], list[str], list[str], list[str], list[str], list[str]]:
    """The documents in scope for each authority named, and what is missing.

    Returns the documents by authority, the names the library holds nothing on, the
    reasons nothing fits (a year not held), the names answered from documents that
    mention them (national reports: of an authority with no report, or with none of the
    year asked, those of that year), and the names of a year not held whose reports
    state that year ("since the last inspection in 2022, when …"; for a grade or a
    who/when question): those reports are in scope, and the reason is said; and the
    names whose report before the latest is the one asked about ("previous").
    """
    by_authority: dict[str, tuple[str, ...]] = {}
    missing: list[str] = []
    reasons: list[str] = []
    mentioned: list[str] = []
    of_years: list[str] = []
    at_previous: list[str] = []
    for name in names:
        docs = holdings.about(name)
        found = mentions(name) if mentions is not None else []
        if docs:
            chosen, why, earlier = _pick(docs, und, name)
            if earlier:
                at_previous.append(name)
            if chosen:
                # its own documents first, then national reports that discuss it
                general = [] if und.recency or und.years or und.frameworks else found
                by_authority[name] = tuple(dict.fromkeys([d.doc_id for d in chosen] + general))
                if why:  # a framework not held: said before the answer
                    reasons.append(why)
            elif why:
                years = und.years_of(name)
                # a later report states an earlier grade or inspection ("since the last
                # inspection in 2022, when …"), not that report's findings
                stating = (
                    year_mentions([d.doc_id for d in docs], years)
                    if year_mentions is not None and years and und.intent in YEAR_MENTION_INTENTS
                    else []
                )
                if stating:
                    by_authority[name] = tuple(stating)
                    of_years.append(name)
                    reasons.append(why)
                    continue
                # a national report of that year that names it ("what did the 2007
                # narrowing the gap report say about norfolk?"), not for what only its own
                # report holds
                national: list[str] = []
                if found and und.intent not in OWN_REPORT_INTENTS:
                    dated = {h.doc_id for h in holdings.all() if fits(h, years)}
                    national = [f for f in found if f in dated]
                if national:
                    by_authority[name] = tuple(national)
                    mentioned.append(name)
                    why += f" This comes from documents of {years_text(years)} that mention {name}."
                reasons.append(why)
            continue
        if found:
            by_authority[name] = tuple(found)
            mentioned.append(name)
        else:
            missing.append(name)
    return by_authority, missing, reasons, mentioned, of_years, at_previous


def _base_name(name: str) -> str:
    """An authority's name without "City of" and a county's "shire".

    "Nottinghamshire": "nottingham"; "Bristol, City of": "bristol".
    """
    words = name.lower().replace(", city of", " ").replace("city of ", " ").split()
    return " ".join(w.removesuffix("shire") for w in words)


def _not_held(name: str, holdings: Holdings) -> str:
    """That the library has no report on ``name``, and which held authority is named alike.

    "Nottinghamshire" (typed "notts") when Nottingham's reports are held.
    """
    alike = sorted(a for a in holdings.authorities() if _base_name(a) == _base_name(name))
    also = f" (it holds reports on {' and '.join(alike)})" if alike else ""
    return f"The library has no report on {name}{also}."


def decide_scope(
    und: Understood,
    holdings: Holdings,
    mentions: Callable[[str], list[str]] | None = None,
    filters: Filters | None = None,
    year_mentions: YearMentions | None = None,
) -> Scope:
    """The scope of the answer to ``und`` (see the module docstring).

    Args:
        und: the understood question.
        holdings: what the library holds.
        mentions: for an authority the library has no document about, the ids of
            documents whose text names it (national reports); None to skip.
        year_mentions: which of an authority's documents state a year it has no
            document of (see :data:`YearMentions`); None to refuse such a year.
        filters: the user's filters; authority filters chosen by the user rule over
            the question's wording.
    """
    if filters is not None and filters.authorities:
        return Scope(authorities=tuple(filters.authorities), years=und.years)
    names = und.names
    if not names:
        if not und.years:
            return Scope(recency=und.recency)
        docs = [h for h in holdings.all() if fits(h, und.years)]
        if not docs:
            held = sorted({h.year for h in holdings.all() if h.year})
            span = f"{held[0]} to {held[-1]}" if held else "no year"
            return Scope(
                years=und.years,
                refusal=(
                    f"The library holds no document from {years_text(und.years)} "
                    f"(its documents date from {span})."
                ),
            )
        return Scope(years=und.years, recency=und.recency, doc_ids=tuple(d.doc_id for d in docs))
    by_authority, missing, reasons, mentioned, of_years, at_previous = _documents_of(
        names, und, holdings, mentions, year_mentions
    )
    notes = [_not_held(name, holdings) for name in missing] + reasons
    if mentioned and und.intent in OWN_REPORT_INTENTS and set(by_authority) <= set(mentioned):
        # what an inspection told a council to improve, or its summary, is in its own
        # report: a national report that names the council holds neither
        by_authority = {}
        missing += mentioned
        notes = [_not_held(name, holdings) for name in missing] + reasons
    elif unreported := [n for n in mentioned if not holdings.about(n)]:
        notes.append(
            f"The library has no report on {' or '.join(unreported)}; this comes from "
            "documents that mention " + ("it." if len(unreported) == 1 else "them.")
        )
    if not by_authority:
        held = len(holdings.authorities())
        tail = f" It holds reports on {held} authorities." if missing and held else ""
        return Scope(
            authorities=names,
            years=und.years,
            recency=und.recency,
            missing=tuple(missing),
            refusal=" ".join(notes) + tail if notes else "The library has nothing in scope.",
        )
    if und.intent == "compare" and missing and len(by_authority) < 2 and COMPARING.search(und.text):
        # one side of a comparison asked for is not held: no comparison, and no half of one
        held_names = " and ".join(by_authority)
        return Scope(
            authorities=names,
            years=und.years,
            recency=und.recency,
            missing=tuple(missing),
            refusal=" ".join(notes) + f" Without it there is nothing to compare {held_names} with.",
        )
    doc_ids = tuple(dict.fromkeys(d for ids in by_authority.values() for d in ids))
    return Scope(
        authorities=names,
        years=und.years,
        recency=und.recency,
        doc_ids=doc_ids,
        by_authority=by_authority,
        missing=tuple(missing),
        note=" ".join(notes) or None,
        mentions_only=tuple(mentioned),
        years_mentioned=tuple(of_years),
        at_previous=tuple(at_previous),
    )


def say_where_grades_come_from(holdings: Holdings, drafted: Drafted) -> Drafted:
    """A grade quoted from a document that is not an Ofsted report says so."""
    from assistant.answering.intent import is_grade_unit

    if drafted.refused:
        return drafted
    kinds = {h.doc_id: (h.kind, h.title) for h in holdings.all()}
    notes = []
    for c in drafted.citations:
        kind, title = kinds.get(c.doc_id, (None, c.title))
        if kind in REPORT_KINDS or kind == "national survey" or not is_grade_unit(c.quote):
            continue
        notes.append(
            f"[{c.n}] is quoted from {title or c.source} ({kind or 'a document'}), "
            "not from an Ofsted report: check the report itself."
        )
    if not notes:
        return drafted
    return dataclasses.replace(drafted, text=drafted.text + "\n" + "\n".join(notes))
