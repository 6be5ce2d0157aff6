"""What the facade returns besides the library's own records, and helpers to show it.

A passage in its document, the filter choices, the totals, what the window says about
itself, reference lists, upload names, the grades chart's counts and addresses.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.models import Answer, Citation
from assistant.redact import redact_url
from core.errors import InputError

if TYPE_CHECKING:
    from assistant.structured import GradeRow
    from ingest.authorities import AuthorityIndex

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class PassageView:
    """A cited passage in its document: the quote with the text around it."""

    n: int
    title: str
    source: str
    page: int | None
    section: str | None
    before: str
    quote: str
    after: str
    original: Path | None
    file_type: str | None
    dates: str = ""  # the document's labelled dates (see core.dates)


@dataclass(frozen=True)
class FilterChoices:
    """What the filters can offer, from the documents in the library."""

    authorities: list[str]
    kinds: list[str]
    documents: list[tuple[str, str]]  # (label, doc id)


@dataclass(frozen=True)
class Totals:
    """The size of the library."""

    documents: int
    pages: int
    chunks: int


@dataclass(frozen=True)
class About:
    """What the window says about itself: answer mode, data location, what leaves the machine."""

    mode: str
    model: str | None
    endpoint: str | None
    data_dir: str
    store: str
    leaves_machine: str


def safe_upload_name(name: str) -> str:
    """A file name safe to keep: no folders, no control or reserved characters, not hidden."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = _UNSAFE_NAME.sub("_", base).strip(" .")
    if not base:
        base = "upload"
    stem, dot, suffix = base.rpartition(".")
    if dot and len(suffix) <= 10:
        return f"{stem[:150]}.{suffix.lower()}" if stem else f"upload.{suffix.lower()}"
    return base[:160]


def answer_with_references(answer: Answer) -> str:
    """The answer with its references written out, for pasting into a paper."""
    lines = [answer.text.strip()]
    if answer.citations:
        lines += ["", "References"]
        for c in answer.citations:
            lines.append(f"[{c.n}] {citation_place(c)}: “{c.quote}”")
    return "\n".join(lines)


def citation_place(c: Citation) -> str:
    """Title, file, page and section of a citation, as a reference list writes them."""
    from assistant.render import where

    place = c.title + (f" ({c.source})" if c.source and c.source != c.title else "")
    loc = where(c)
    return place + (f", {loc}" if loc else "")


def authority_names(
    index: AuthorityIndex | None, names: Sequence[str] = (), neighbours_of: str | None = None
) -> list[str]:
    """Canonical names of ``names``, then ``neighbours_of`` and its DfE statistical neighbours.

    An unknown (or ambiguous) name raises ``InputError``.
    """
    out: list[str] = []
    for name in [*(names or ()), *([neighbours_of] if neighbours_of else [])]:
        found = index.resolve(name) if index else None
        if found is None:
            raise InputError(f"unknown local authority {name!r}")
        out.append(found.name)
    if neighbours_of and index is not None:
        out += [a.name for a in index.neighbours(out[-1])]
    return out


def describe(s: Any) -> About:
    """Answer mode, model, data location and what leaves the machine, by the settings ``s``."""
    mode = s.llm.mode
    store = (
        f"Chroma server at {s.store.host}:{s.store.port}"
        if s.store.mode == "http"
        else f"embedded Chroma in {s.chroma_dir}"
    )
    if mode == "extractive":
        return About(
            mode="offline extractive (quotes, no language model)",
            model=None,
            endpoint=None,
            data_dir=str(s.data_dir),
            store=store,
            leaves_machine=_leaves(s, "Nothing: answers are quoted from the reports here."),
        )
    if mode == "local":
        name = s.llm.gguf_path.name if s.llm.gguf_path else "local model"
        return About(
            mode="local language model",
            model=name,
            endpoint=f"llama.cpp on {s.llm.local_host}",
            data_dir=str(s.data_dir),
            store=store,
            leaves_machine=_leaves(s, "Nothing: the model runs on this machine."),
        )
    endpoint = redact_url(s.llm.base_url) or "https://api.openai.com/v1"
    local = _is_loopback_url(endpoint)
    return About(
        mode="language model (OpenAI-compatible API)",
        model=s.llm.model,
        endpoint=endpoint,
        data_dir=str(s.data_dir),
        store=store,
        leaves_machine=_leaves(
            s,
            "Nothing: the model server is on this machine."
            if local
            else f"Questions and the retrieved report passages are sent to {endpoint}.",
        ),
    )


def grade_distribution(
    rows: Sequence[GradeRow], names: Mapping[str, str] | None = None
) -> list[tuple[str, str, int]]:
    """Counts of ``(grade, judgement, n)`` for a chart, grades labelled like "1 outstanding".

    Judgements are named by ``names`` (the full names by default).
    """
    from assistant.structured import AREA_NAMES

    names = AREA_NAMES if names is None else names
    counts = Counter((f"{r.level} {r.meaning}", names.get(r.area, r.area)) for r in rows)
    return sorted(((g, a, n) for (g, a), n in counts.items()), key=lambda x: (x[0], x[1]))


def decimal_year(day: str | None) -> float | None:
    """``"2022-05-20"`` → 2022.38 (for a time axis); None when no year is known."""
    if not day or not day[:4].isdigit():
        return None
    year = int(day[:4])
    month = int(day[5:7]) if len(day) >= 7 and day[5:7].isdigit() else 7
    return round(year + (month - 1) / 12, 2)


def _leaves(settings: Any, answers: str) -> str:
    extra = ""
    if settings.store.mode == "http" and not is_loopback(settings.store.host):
        extra = f" Report text is stored on the Chroma server at {settings.store.host}."
    return answers + extra + " No telemetry is sent."


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine ("localhost", 127.x, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_loopback_url(url: str) -> bool:
    from urllib.parse import urlparse

    return is_loopback(urlparse(url).hostname or "")
