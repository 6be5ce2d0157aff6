"""A document's dates read from its text: the inspection dates and the publication date.

Also the plain text that every field of :mod:`ingest.metadata` is read from (line breaks
unified, HTML tags and Markdown emphasis removed). As there, a date is read only from
explicit evidence (an "Inspection date(s):" label, a "Published:" label, a letter's date
line, a meeting's "Date" line, "© Crown copyright YYYY"), else it is ``None``.
"""

from __future__ import annotations

import re
from datetime import date

from core.documents import DocumentKind
from core.vocabulary import MONTHS

HEAD_CHARS = 6000
"""How much of the start of a document holds its front matter."""

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)"
)
_DAY = r"\d{1,2}(?:\s*(?:st|nd|rd|th))?"
_DATE_RE = re.compile(rf"(?<!\d)({_DAY})\s+({_MONTH}),?\s+((?:19|20)\d\d)(?!\d)", re.I)
_MONTH_YEAR_RE = re.compile(rf"(?<![\w])({_MONTH}),?\s+((?:19|20)\d\d)(?!\d)", re.I)
_RANGE_RE = re.compile(
    rf"({_DAY})(?:\s+({_MONTH}))?(?:,?\s+((?:19|20)\d\d))?"
    rf"\s*(?:to|until|-|\u2013|\u2014)\s*"
    rf"({_DAY})\s+({_MONTH}),?\s+((?:19|20)\d\d)(?!\d)",
    re.I,
)
INSPECTION_DATES_RE = re.compile(r"Inspection\s+dates?\s*:?\s*", re.I)
_PUBLISHED_RE = re.compile(
    r"(?:^[ \t]*(?:report\s+)?published\b[ \t]*:?"
    r"|\b(?:report\s+published|date\s+(?:of\s+)?published|publication\s+date"
    r"|date\s+of\s+publication)\s*:)[ \t]*",
    re.I | re.M,
)
_COPYRIGHT_RE = re.compile(r"(?:\u00a9|\(c\))\s*Crown\s+copyright\s+((?:19|20)\d\d)\b", re.I)
_TAG_RE = re.compile(r"<[^>\n]{1,200}>")
# A bullet's indent stays on its line (``^\s*`` rescanned every blank line of a run).
_MARKUP_RE = re.compile(r"\*\*|__|^#{1,6}\s+|^[^\S\n]*[-*]\s+(?=\S)", re.M)


def extract_inspection_dates(text: str) -> tuple[str, str] | None:
    """The first and last day of an inspection, from its "Inspection date(s):" label.

    Handles "9 to 20 May 2022", "17 March to 21 March 2025", "27 September to
    8 October 2021", "6 July 2015 – 30 July 2015", "8 – 12 July 2013".

    Returns:
        ``(start, end)`` as ISO dates, or None when there is no such label or the range
        is not a plausible inspection (end before start, or longer than 62 days).
    """
    plain = plain_text(text[: HEAD_CHARS * 2])
    for label in INSPECTION_DATES_RE.finditer(plain):
        m = _RANGE_RE.match(plain, label.end())
        if m is None:
            continue
        d1, m1, y1, d2, m2, y2 = m.groups()
        end = _make_date(y2, m2, d2)
        if end is None:
            continue
        start_year = int(y1) if y1 else end.year
        start = _make_date(str(start_year), m1 or m2, d1)
        if start is not None and start > end and not y1:
            start = _make_date(str(start_year - 1), m1 or m2, d1)
        if start is None or start > end or (end - start).days > 62:
            continue
        return start.isoformat(), end.isoformat()
    return None


def plain_text(text: str) -> str:
    """Text with line breaks unified and HTML tags / Markdown emphasis removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = _TAG_RE.sub(" ", text)
    text = _MARKUP_RE.sub("", text)
    return re.sub(r" {2,}", " ", text)


def squash(text: str) -> str:
    """Runs of whitespace as one space, none at the ends."""
    return re.sub(r"\s+", " ", text).strip()


def _make_date(year: str, month: str, day: str | None = None) -> date | None:
    try:
        return date(int(year), MONTHS[month.lower()], int(re.sub(r"\D", "", day or "1")))
    except (KeyError, ValueError):
        return None


def _iso_date(text: str) -> str | None:
    """The first full date in ``text`` ("14th September 2010" -> "2010-09-14")."""
    m = _DATE_RE.search(text)
    d = _make_date(m.group(3), m.group(2), m.group(1)) if m else None
    return d.isoformat() if d else None


def published_date(kind: DocumentKind, head: str, plain: str, lines: list[str]) -> str | None:
    """When the document was published (or, a council paper, its meeting), as ISO text.

    ``head`` is the start of ``plain`` and ``lines`` its non-empty lines.
    """
    if kind in ("board paper", "committee report"):
        for line in lines[:40]:
            if re.match(r"^(?:[\w'\u2019 ]{0,30}\s)?Date\b", line):
                found = _iso_date(line)
                if found:
                    return found
        return None
    if kind == "apa letter":
        for line in lines[:40]:
            if line.startswith("Dear"):
                break
            m = _DATE_RE.fullmatch(line)
            if m:
                return _iso_date(line)
        return None
    if kind not in ("inspection report", "national survey"):
        return None
    for label in _PUBLISHED_RE.finditer(head):
        m = _DATE_RE.match(head, label.end())
        if m:
            d = _make_date(m.group(3), m.group(2), m.group(1))
            if d:
                return d.isoformat()
        m = _MONTH_YEAR_RE.match(head, label.end())
        if m and (d := _make_date(m.group(2), m.group(1))):
            return f"{d.year:04d}-{d.month:02d}"
    return _copyright_year(plain)


def _copyright_year(plain: str) -> str | None:
    """The year of "© Crown copyright YYYY", the year Crown copyright counts from.

    Kept only when it agrees with the inspection dates (same year or the next).
    """
    years = {m.group(1) for m in _COPYRIGHT_RE.finditer(plain)}
    if len(years) != 1:
        return None
    year = years.pop()
    dates = extract_inspection_dates(plain)
    if dates is not None and not 0 <= int(year) - int(dates[1][:4]) <= 1:
        return None
    return year
