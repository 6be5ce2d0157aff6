"""Case studies and examples of practice: "<Authority>: <what they did>" sections.

National reports illustrate findings with headed examples ("Camden: a virtual school
for children in care"). A case study starts at such a heading line and runs to the
next one (or to the end of its part of the report). Lines naming an authority that is
not in the reference list (one that no longer exists, such as Bournemouth before 2019)
count when the same document has at least three headings naming known authorities.
Contents-page entries (headings with almost no text under them) are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.documents import ParsedDocument
from ingest.authorities import AuthorityIndex

THEMES: dict[str, tuple[str, ...]] = {
    "early help": ("early help", "early intervention", "early support", "prevention"),
    "children in care": ("children in care", "looked after", "looked-after", "foster"),
    "care leavers": ("care leaver", "leaving care", "care experienced"),
    "virtual school": ("virtual school", "virtual head"),
    "safeguarding partnerships": ("safeguarding", "lscb", "child protection"),
    "SEND": ("special educational needs", "disabilit", "send"),
    "youth justice": ("youth offending", "youth justice", "offend"),
    "workforce": ("workforce", "social work vacanc", "recruitment", "social workers"),
    "voice of the child": ("views", "voice", "participation", "involving children"),
    "data and performance management": ("performance management", "data", "tracking"),
    "attainment gaps": ("gap", "attainment", "free school meals", "low-income", "low income"),
    "be healthy": ("health", "teenage pregnancy", "camhs"),
    "stay safe": ("stay safe", "staying safe", "safe"),
    "enjoy and achieve": ("enjoy", "achiev", "school"),
    "make a positive contribution": (
        "positive contribution",
        "elected members",
        "young people's views",
    ),
    "achieve economic well-being": ("economic well-being", "neet", "employment", "housing"),
}

_HEADING = re.compile(r"^(?P<name>[A-Z][\w.’'&,\- ]{1,60}?):\s+(?P<title>\S.{3,140})$")
_CONTENTS_ENTRY = re.compile(r"(\s\|\s*|\t|\s)\d{1,3}$")  # a title ending in a page number
_MIN_BODY = 300
_MAX_BODY = 12_000


@dataclass(frozen=True)
class CaseStudy:
    """An example of practice, with where it is in the document."""

    authority: str | None  # canonical name, None when not in the reference list
    authority_text: str  # the name as written
    title: str
    heading: str  # the heading line (an exact substring of the document)
    start: int
    end: int
    page: int | None
    summary: str  # the first sentences of the body
    themes: tuple[str, ...]


def _themes(text: str) -> tuple[str, ...]:
    low = text.lower()
    scored = []
    for theme, words in THEMES.items():
        hits = sum(low.count(w) for w in words)
        if hits >= 2:
            scored.append((hits, theme))
    return tuple(t for _, t in sorted(scored, reverse=True)[:4])


def _summary(body: str, limit: int = 60) -> str:
    words: list[str] = []
    for line in body.split("\n"):
        line = re.sub(r"^\s*(?:[-•]\s*)?\d+\.\s+", "", line).strip()
        if len(line.split()) < 8:  # sub-headings such as "Context and background"
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            words += sentence.split()
            if len(words) >= limit:
                return " ".join(words)
    return " ".join(words)


def _looks_like_place(name: str, title: str) -> bool:
    """A name not in the reference list may still be an authority (a former one)."""
    words = name.split()
    return (
        not any(ch.isdigit() for ch in name)
        and 1 <= len(words) <= 4
        and all(w[:1].isupper() or w in ("and", "upon", "on", "with") for w in words)
        and (title[:1].islower() or title[:1] in "'‘\"“")
        and name.lower() not in {"note", "notes", "source", "figure", "table", "annex", "tel"}
    )


def extract_case_studies(doc: ParsedDocument, authorities: AuthorityIndex) -> list[CaseStudy]:
    """The headed examples of practice in ``doc``, one per case (duplicates dropped)."""
    heads: list[tuple[int, str, str, str | None]] = []  # start, line, name, canonical
    bounds: list[int] = []  # every heading-like line, contents entries included
    pos = 0
    for line in doc.text.split("\n"):
        start = pos
        pos += len(line) + 1
        m = _HEADING.match(line.strip())
        if not m or line.strip().endswith("."):
            continue
        found = authorities.resolve(m.group("name"))
        if found is None and not _looks_like_place(m.group("name"), m.group("title")):
            continue
        at = start + line.index(line.strip())
        bounds.append(at)
        if not _CONTENTS_ENTRY.search(m.group("title")):
            heads.append((at, line.strip(), m.group("name"), found.name if found else None))
    if sum(1 for h in heads if h[3]) < 3:
        return []
    cases: list[CaseStudy] = []
    seen: set[tuple[str, str]] = set()
    for start, line, name, canonical in heads:
        later = [b for b in bounds if b > start]
        end = min(later[0] if later else len(doc.text), start + _MAX_BODY)
        body = doc.text[start + len(line) : end]
        if len(body.strip()) < _MIN_BODY:
            continue  # a contents entry
        title = line.split(":", 1)[1].strip()
        key = (canonical or name.lower(), " ".join(title.lower().split())[:40])
        if key in seen:
            continue
        seen.add(key)
        cases.append(
            CaseStudy(
                authority=canonical,
                authority_text=name,
                title=title,
                heading=line,
                start=start,
                end=end,
                page=doc.page_at(start),
                summary=_summary(body),
                themes=_themes(f"{title}\n{body}"),
            )
        )
    return cases
