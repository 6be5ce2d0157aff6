"""Read a document's title, publisher, date, subject authorities and kind from its text.

Unknown is allowed, wrong is not: every field is read from explicit evidence in the text
(a title line, a "Published:" label, a letter's date line, a meeting date) and left as
``None`` / ``()`` / ``"unknown"`` otherwise. Nothing here depends on file names or on
particular authorities or dates.

Kinds and what identifies them (checked in this order, on the first pages):

- ``"apa letter"``: an "annual performance assessment" heading and a "Dear ..." salutation.
- ``"board paper"``: a "Report to ... Board" / "... Board Meeting" header.
- ``"committee report"``: "Decision Maker:" / "Decision Type:" headers or
  "Report to ... Committee/Cabinet/Scrutiny".
- ``"inspection report"``: an "Inspection of ..." (or "Re-inspection of ...") title and an
  "Inspection date(s)" label, or a "Joint area review" title; published by Ofsted.
- ``"national survey"``: an Ofsted publication with "Reference no" / "Age group" front
  matter and no inspection dates.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from core.documents import DocumentKind, DocumentMeta
from core.vocabulary import MONTHS as MONTHS  # imported from here too, as is
from ingest.authorities import AuthorityIndex
from ingest.metadata_dates import (
    HEAD_CHARS,
    INSPECTION_DATES_RE,
    extract_inspection_dates,
    plain_text,
    published_date,
    squash,
)

_OFSTED_RE = re.compile(
    r"\bOfsted\b|ofsted\.gov\.uk|gov\.uk/ofsted|Office for Standards in Education"
    r"|\b(?:Her|His) Majesty['\u2019]s (?:Chief )?Inspector|\bHMI\b"
)
# The domain of an address: found from its "@" (a scan of the local part from each of
# its characters was quadratic on a long run of letters and dots).
_EMAIL_DOMAIN_RE = re.compile(r"(?<=[\w.+-])@([\w-]+(?:\.[\w-]+)+)")


@lru_cache(maxsize=1)
def _default_index() -> AuthorityIndex:
    return AuthorityIndex.load()


def extract_metadata(
    text: str,
    file_type: str,
    source: str,
    *,
    authorities: AuthorityIndex | None = None,
) -> DocumentMeta:
    """Read what a document says about itself.

    Args:
        text: the document's text (cleaned or raw extraction; HTML tags and Markdown
            emphasis are tolerated).
        file_type: "pdf", "docx", "html", "md" or "txt" (not used to decide anything;
            kept for callers and future format-specific evidence).
        source: the file's name or relative path (never used as evidence, so a
            misleading name cannot produce a wrong value).
        authorities: the authority index; the repository's reference data by default.

    Returns:
        The metadata. ``authorities`` holds the authorities the document is about:
        the inspected authority of an inspection report or APA letter, the council or
        trust a board/committee paper belongs to. National surveys and unknown kinds
        get ``()``: they name many authorities as examples and none is the subject,
        so listing them would mislead searches filtered by authority.
    """
    del file_type, source  # deliberately not evidence
    index = authorities or _default_index()
    plain = plain_text(text)
    head = plain[:HEAD_CHARS]
    lines = [line for line in (ln.strip() for ln in head.split("\n")) if line]
    kind = _kind(head, lines)
    title = _title(kind, head, lines)
    own = _own_authority(plain, index) if kind in ("board paper", "committee report") else None
    subjects = _subjects(kind, title, head, lines, index, own)
    if not subjects and kind == "inspection report" and not title:
        found = _own_authority(plain, index)  # the authority the report keeps naming
        subjects = (found,) if found else ()
    dates = extract_inspection_dates(text) if kind == "inspection report" else None
    return DocumentMeta(
        title=title,
        publisher=_publisher(kind, head, plain, index, own),
        published=published_date(kind, head, plain, lines),
        authorities=subjects,
        kind=kind,
        inspected=dates[1] if dates else None,
        inspected_from=dates[0] if dates else None,
    )


# -- kind ----------------------------------------------------------------------------


def _kind(head: str, lines: list[str]) -> DocumentKind:
    top = "\n".join(lines[:40])
    salutation = re.search(r"^Dear\s+\S", top, re.M)
    if salutation and re.search(r"annual performance assessment", top, re.I):
        return "apa letter"
    if re.search(r"\bReport to\b[^\n]{0,60}\bBoard\b|\bBoard\b[^\n]{0,30}\bMeeting\b", top):
        return "board paper"
    if re.search(r"^Decision (?:Maker|Type)\s*:", top, re.M) or re.search(
        r"\bReport to\b[^\n]{0,80}\b(?:Committee|Cabinet|Scrutiny)\b", top
    ):
        return "committee report"
    first = head[:1000]
    if re.search(r"(?:\bRe-i|\bI)nspection of\b", first) and INSPECTION_DATES_RE.search(head):
        return "inspection report"
    if (  # a report whose title page is an image: its front matter still reads as one
        INSPECTION_DATES_RE.match(first.lstrip())
        and re.search(r"^Lead (?:social care )?inspector\b", first, re.M | re.I)
        and re.search(r"\bOverall effectiveness\b|\bJudgement\b", head, re.I)
    ):
        return "inspection report"
    if re.search(r"\bJoint area review\b", first, re.I) and _OFSTED_RE.search(head):
        return "inspection report"
    if (
        not salutation
        and _OFSTED_RE.search(head)
        and re.search(r"^(?:Reference no|Age group)\b", head, re.M | re.I)
        and not INSPECTION_DATES_RE.search(head)
    ):
        return "national survey"
    return "unknown"


# -- title ---------------------------------------------------------------------------


# what a table cell, a Markdown heading, emphasis, a quote or a bullet leaves at a title's
# ends ("| Ofsted Report - … |", "## Title", "> **Title**", "• Title")
_TITLE_EDGES = " \t|#*_>»›`~=•▪■◦·-–—:;"


def _title(kind: DocumentKind, head: str, lines: list[str]) -> str | None:
    """The document's title, without table or markup characters at its ends."""
    title = _raw_title(kind, head, lines)
    title = title.strip(_TITLE_EDGES) if title else None
    return title if title and any(c.isalnum() for c in title) else None


def _raw_title(kind: DocumentKind, head: str, lines: list[str]) -> str | None:
    if kind == "inspection report":
        return _inspection_title(head)
    if kind == "apa letter":
        for line in lines[:60]:
            if re.match(r"^\W*(?:\d{4}\s+)?annual performance assessment\b", line, re.I):
                return squash(line) if len(line) <= 250 else None
        return None
    if kind in ("board paper", "committee report"):
        return _labelled_title(lines)
    if kind == "national survey":
        for line in lines[:5]:
            if _looks_like_heading(line):
                return squash(line)
        return None
    return None


def _inspection_title(head: str) -> str | None:
    """The lines above "Inspection date(s)" (authority line and report name), joined."""
    label = INSPECTION_DATES_RE.search(head)
    if label is None or label.start() > 600:
        return None
    title = squash(head[: label.start()])
    title = re.sub(r"^\d{1,3}\s+", "", title)  # page number
    title = re.sub(r"(?<=[a-z])\d{1,2}$", "", title)  # footnote marker ("Board1")
    if not re.search(r"\b(?:Re-i|I)nspection of\b|\bJoint area review\b", title, re.I):
        return None
    return title or None


def _labelled_title(lines: list[str]) -> str | None:
    """A council paper's "Title:" / "Title of Report /Agenda Item" header value."""
    label = re.compile(
        r"^(?:Report\s+)?Title(?P<long>\s+of\s+(?:the\s+)?Report(?:\s*/\s*Agenda\s+Item)?)?"
        r"(?P<sep>\s*[:|]\s*|[^\S\t]*\t\s*|\s{2,}|\s+|\s*$)(?P<value>(?:\S.*)?)$",
        re.I,
    )
    for i, line in enumerate(lines[:40]):
        m = label.match(line)
        if m is None:
            continue
        if not m.group("long") and not m.group("sep").strip(" ") and m.group("value"):
            continue  # a bare "Title" needs a colon, a tab or a table cell before its value
        value = squash(m.group("value"))
        if not value and i + 1 < len(lines):
            value = squash(lines[i + 1])
        return value if 3 <= len(value) <= 300 else None
    return None


def _looks_like_heading(line: str) -> bool:
    return (
        8 <= len(line) <= 200
        and sum(c.isalpha() for c in line) >= 6
        and not re.search(r"https?://|www\.|@|\.{4,}|\t", line)
        and not line.rstrip().endswith((".", ",", ";"))
    )


# -- authorities and publisher ---------------------------------------------------


def _subjects(
    kind: DocumentKind,
    title: str | None,
    head: str,
    lines: list[str],
    index: AuthorityIndex,
    own: str | None,
) -> tuple[str, ...]:
    if kind in ("national survey", "unknown"):
        return ()
    if kind == "inspection report" and not re.search(
        r"children|local authority|council|safeguarding|care leavers", title or "", re.I
    ):
        return ()  # e.g. a school's inspection report: not about an authority
    if title:
        named = [m.name for m in index.find(title)]
        if named:
            return tuple(named)
        m = _INSPECTED_NAME.search(title)
        found = index.resolve(m.group(1)) if m else None
        if found is not None:  # "Inspection of Reading local authority …": a name that
            return (found.name,)  # is also a word is read in this title form
    if kind == "inspection report":
        label = INSPECTION_DATES_RE.search(head)
        zone = head[: label.start()] if label and label.start() <= 600 else ""
        return _single(index, zone)
    if kind == "apa letter":
        dear = next((i for i, line in enumerate(lines) if line.startswith("Dear")), 0)
        zone = "\n".join(lines[:dear])
        return _single(index, zone)
    return (own,) if own else ()


_INSPECTED_NAME = re.compile(
    r"\binspection of (?:the )?(?:london borough of |royal borough of |city of )?"
    r"([A-Z][\w'’&-]*(?: [A-Z][\w'’&-]*){0,3}) "
    r"(?:local authority|city council|county council|borough council|council)\b",
    re.I,
)


def _single(index: AuthorityIndex, zone: str) -> tuple[str, ...]:
    found = index.find(zone) if zone else []
    return (found[0].name,) if len(found) == 1 else ()


def _own_authority(plain: str, index: AuthorityIndex) -> str | None:
    """The authority a council paper belongs to.

    Its officers' e-mail domain, else the authority named at least twice and
    twice as often as any other.
    """
    mentions = {m.name: m.count for m in index.find(plain)}
    domains = Counter(
        a.name
        for d in _EMAIL_DOMAIN_RE.findall(plain)
        if (a := index.by_domain(d)) is not None and a.name in mentions
    )
    if domains:
        ranked = domains.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            return ranked[0][0]
        return None
    if not mentions:
        return None
    top = max(mentions, key=lambda n: mentions[n])
    rest = max((c for n, c in mentions.items() if n != top), default=0)
    return top if mentions[top] >= 2 and mentions[top] >= 2 * rest else None


def _publisher(
    kind: DocumentKind,
    head: str,
    plain: str,
    index: AuthorityIndex,
    own: str | None,
) -> str | None:
    """The publisher: Ofsted for its publications.

    For a council paper, the trust or council it names itself by ("Devon
    Children's Trust", "London Borough of Bromley").
    """
    if kind in ("inspection report", "apa letter", "national survey"):
        return "Ofsted" if _OFSTED_RE.search(plain) else None
    if own is None:
        return None
    if kind == "board paper":
        trust = re.search(r"\bChildren['\u2019]s Trust\b", head[:400])
        if trust:
            short = re.sub(r",\s*(?:City|County) of$", "", own)
            return f"{short} {trust.group(0)}"
    formal = Counter(
        squash(plain[s.start : s.end]) for s in index.spans(plain) if s.formal and s.name == own
    )
    if not formal:
        return None
    return max(formal, key=lambda f: (not f.isupper(), len(f), formal[f]))
