"""Retrieval filters from user input: authority names, report kinds and date bounds.

One place validates them for the CLI, the window and LangChain callers of
:class:`~assistant.retrieval.LibraryRetriever` (which may pass a plain ``dict``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, get_args

from core.documents import DocumentKind
from core.errors import InputError
from ingest.authorities import AuthorityIndex
from vectorstore.store import Filters

DOCUMENT_KINDS: tuple[str, ...] = get_args(DocumentKind)
FILTER_KEYS = ("authorities", "kinds", "doc_ids", "since", "until")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_date_bound(value: str | None, *, end: bool) -> int:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as yyyymmdd (0 for None); ``end`` rounds up."""
    if not value:
        return 0
    m = _DATE.match(value.strip())
    if not m:
        raise InputError(f"invalid date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.group(1), m.group(2), m.group(3)
    month = month or ("12" if end else "01")
    day = day or ("31" if end else "01")
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        raise InputError(f"invalid date {value!r}")
    return int(f"{year}{month}{day}")


def make_filters(
    index: AuthorityIndex | None,
    *,
    authorities: Sequence[str] = (),
    kinds: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    doc_ids: Sequence[str] = (),
) -> Filters:
    """Validated filters: authority names resolved by ``index``, kinds checked, dates parsed."""
    names = []
    for name in authorities:
        found = index.resolve(name) if index else None
        if found is None:
            raise InputError(f"unknown local authority {name!r}")
        names.append(found.name)
    for kind in kinds:
        if kind not in DOCUMENT_KINDS:
            raise InputError(f"unknown report kind {kind!r} (one of: {', '.join(DOCUMENT_KINDS)})")
    return Filters(
        authorities=tuple(names),
        kinds=tuple(kinds),
        doc_ids=tuple(doc_ids),
        since=parse_date_bound(since, end=False),
        until=parse_date_bound(until, end=True),
    )


def _names(value: Any, key: str) -> tuple[str, ...]:
    """A string or a list of strings as a tuple."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise InputError(f"filter {key!r} takes a string or a list of strings, not {value!r}")


def _date(value: Any, key: str) -> str | None:
    """A year (int) or a ``YYYY[-MM[-DD]]`` string as a string; None when unset."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value
    raise InputError(f"filter {key!r} takes a year or a YYYY-MM-DD date, not {value!r}")


def filters_from(
    value: Filters | Mapping[str, Any] | None, index: AuthorityIndex | None
) -> Filters:
    """``value`` as :class:`Filters`; a mapping is validated like the CLI's options.

    A mapping may hold ``authorities`` (names, as in ``--authority``), ``kinds``,
    ``doc_ids``, and ``since`` / ``until`` (a year or ``YYYY-MM-DD``); the singular
    ``authority`` and ``kind`` are accepted too.
    """
    if value is None:
        return Filters()
    if isinstance(value, Filters):
        return value
    if not isinstance(value, Mapping):
        raise InputError(f"filters must be a Filters or a dict, not {type(value).__name__}")
    aliases = {"authority": "authorities", "kind": "kinds"}
    given: dict[str, Any] = {}
    for key, item in value.items():
        name = aliases.get(key, key)
        if name not in FILTER_KEYS:
            raise InputError(f"unknown filter {key!r} (one of: {', '.join(FILTER_KEYS)})")
        given[name] = item
    return make_filters(
        index,
        authorities=_names(given.get("authorities", ()), "authorities"),
        kinds=_names(given.get("kinds", ()), "kinds"),
        doc_ids=_names(given.get("doc_ids", ()), "doc_ids"),
        since=_date(given.get("since"), "since"),
        until=_date(given.get("until"), "until"),
    )
