"""One way of writing a report's dates, used by the window, the CLI and the drafts.

A report has up to two dates that matter: when it was inspected (a range of days) and
when it was published. Both are labelled, because the two are weeks apart and either
can be the one a reader means: "inspected 12–16 May 2025 · published 20 June 2025".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from core.documents import DocumentMeta
from core.vocabulary import MONTHS

MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()


def _parts(iso: str) -> tuple[int, int | None, int | None] | None:
    """``"2025-05-16"`` → (2025, 5, 16); ``"2025-05"`` → (2025, 5, None); None if not a date."""
    bits = iso.strip().split("-")
    if not 1 <= len(bits) <= 3 or not all(b.isdigit() for b in bits) or len(bits[0]) != 4:
        return None
    numbers: list[int | None] = [int(b) for b in bits] + [None] * (3 - len(bits))
    year, month, day = numbers
    try:
        date(year or 0, month or 1, day or 1)
    except ValueError:
        return None
    return year or 0, month, day


def readable_date(iso: str | None) -> str:
    """``"2025-06-20"`` → "20 June 2025" ("June 2025", "2025" for a month or a year).

    Anything that is not an ISO date is returned as it is ("" for None).
    """
    if not iso:
        return ""
    parts = _parts(iso)
    if parts is None:
        return iso
    year, month, day = parts
    if month is None:
        return str(year)
    return " ".join(str(p) for p in (day, MONTH_NAMES[month - 1], year) if p is not None)


def date_range(start: str | None, end: str | None) -> str:
    """Two days as people write them: "12–16 May 2025", "27 September – 8 October 2021".

    Without a ``start`` (or one that is not a whole date) only ``end`` is written.
    """
    first, last = _parts(start or ""), _parts(end or "")
    if last is None or last[2] is None:
        return readable_date(end)
    if first is None or first[2] is None or first == last:
        return readable_date(end)
    if first[0] != last[0]:
        return f"{readable_date(start)} – {readable_date(end)}"
    if first[1] != last[1]:
        return f"{readable_date(start).rsplit(' ', 1)[0]} – {readable_date(end)}"
    return f"{first[2]}–{readable_date(end)}"


def dates_label(
    inspected_from: str | None = None,
    inspected: str | None = None,
    published: str | None = None,
) -> str:
    """The labelled dates: "inspected 12–16 May 2025 · published 20 June 2025".

    ``inspected`` is the inspection's last day and ``inspected_from`` its first (when
    read); a document with neither date is "undated".
    """
    parts = []
    if inspected:
        what = "inspected" if inspected_from else "inspection ended"
        parts.append(f"{what} {date_range(inspected_from, inspected)}")
    if published:
        parts.append(f"published {readable_date(published)}")
    return " · ".join(parts) or "undated"


def document_dates(meta: DocumentMeta) -> str:
    """:func:`dates_label` of a document's metadata."""
    return dates_label(meta.inspected_from, meta.inspected, meta.published)


_NAMED_DATE = re.compile(rf"(?<![a-z])(?:{'|'.join(MONTHS)})[\s_-]+((?:19|20)\d\d)(?!\d)", re.I)


def year_in_file_name(source: str) -> int | None:
    """The year of a month-and-year date in a file's name ("… - 29 january 2025.pdf").

    Reports are often saved under the date they were listed on: staff call them by it.
    """
    found = _NAMED_DATE.findall(source.replace("\\", "/").rsplit("/", 1)[-1])
    return int(found[-1]) if found else None


def called_years(dates: Iterable[str | None], named: int | None = None) -> set[int]:
    """The years a document is called by.

    Those of its ISO ``dates`` (inspection, publication) and ``named``, the year of the
    date in its file name (:func:`year_in_file_name`).
    """
    out = {int(d[:4]) for d in dates if d and d[:4].isdigit()}
    return out | {named} if named else out


_SHORT_YEAR = re.compile(
    rf"(?<![\w'’])((?:{'|'.join(MONTHS)})\.?\s+|"
    r"(?:ofsted|ilacs|inspection|report|visit|spring|summer|autumn|winter)\s+|['’])"
    r"(\d\d)(?![\w%'’:./-])(?!\s*,?\s*(?:19|20)\d\d)"
    # "in 17?", "since 23 -": at the end of the question or of a clause
    r"|(?<![\w'’])((?:in|since)\s+)(\d\d)(?=\s*(?:[?!;,)]|\s[-–]\s|\.?\s*$))",
    re.I,
)


# "their 19 inspection", "kent 22 ofsted": before a word naming one inspection or report
# (not "the last 10 inspection reports", nor "12 reports")
_SHORT_YEAR_BEFORE = re.compile(
    r"(?<![\w'’.,:/-])(?<!\blast )(?<!\bfirst )(?<!\bpast )(?<!\bnext )(?<!\ball )"
    r"(?<!\baged )(?<!\bunder )(?<!\bover )"
    r"(\d\d)(?=\s(?:ofsted|ilacs|inspection|report|visit)\b(?!s))",
    re.I,
)


def full_years(text: str) -> str:
    """Two-digit years as staff type them written in full: "july 24", "ofsted 23", "'23".

    Only after a month or season, a word naming the inspection, or an apostrophe, or after
    "in" or "since" at the end of the question or a clause ("checking referrals in 17?"),
    or before a word naming one inspection ("their 19 inspection"), and only 05–29 ("may
    25" is 2025; "june 16 2024" is a day; "aged 16" is no year; "in 17 homes" is a count).
    """

    def in_full(m: re.Match[str], lead: str, digits: str) -> str:
        return f"{lead}20{digits}" if 5 <= int(digits) <= 29 else m.group()

    def full(m: re.Match[str]) -> str:
        lead, digits = (m.group(1), m.group(2)) if m.group(2) else (m.group(3), m.group(4))
        return in_full(m, "" if lead in "'’" else lead, digits)

    def named(m: re.Match[str]) -> str:
        return in_full(m, "", m.group(1))

    return _SHORT_YEAR_BEFORE.sub(named, _SHORT_YEAR.sub(full, text))


# "since 2021", "since the 2019 inspection", "since march 2022": where a change is
# measured from, not the year asked about (not "in post since 2014 report": a report named)
_SINCE_YEAR = re.compile(
    rf"\bsince\s+(?:the\s+)?(?:(?:{'|'.join(MONTHS)})\.?\s+)?((?:19|20)\d\d)\b"
    r"(?!\s*(?:ofsted\s+)?reports?\b)",
    re.IGNORECASE,
)
# "after 2013", "post-2015": a bare year a change is measured from too; not "after the
# 2019 inspection" nor "after 2019 SIF" (what that inspection said is asked)
_AFTER_YEAR = re.compile(
    # not "look after" nor "in post" (children looked after, a director in post)
    r"(?<!look )(?<!looks )(?<!looked )(?<!looking )\bafter[\s-]+((?:19|20)\d\d)\b"
    r"(?!\s*(?:ofsted\s+)?(?:reports?|inspections?|ilacs|sif|visits?|judgements?)\b)"
    r"|(?<!in )\b(?:post|following)[\s-]+((?:19|20)\d\d)\b"
    r"(?!\s*(?:ofsted\s+)?(?:reports?|inspections?|ilacs|sif|visits?|judgements?)\b)",
    re.IGNORECASE,
)


def without_starting_years(question: str) -> str:
    """``question`` without the years a change is measured from ("what changed since 2021").

    Those years are not the time asked about: the reports after them answer.
    """

    def cut(m: re.Match[str]) -> str:
        year = 1 if m.group(1) else 2
        return m.group()[: m.start(year) - m.start()]

    return _AFTER_YEAR.sub(cut, _SINCE_YEAR.sub(cut, question))


# "before 2025", "prior to nov 2025", "pre-2020": the time before that year's report
_BEFORE_YEAR = re.compile(
    r"\b(?:before|prior to|earlier than|pre)[\s-]+(?:the\s+)?(?:[a-z]{3,9}\.?\s+)?"
    r"((?:19|20)\d\d)\b",
    re.IGNORECASE,
)


def year_before(text: str) -> int | None:
    """The year a question asks about the time before ("harrow's grade before 2025")."""
    found = _BEFORE_YEAR.search(text)
    return int(found.group(1)) if found else None
