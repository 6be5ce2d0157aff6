"""Several drafted answers as one: texts in turn, citations numbered on."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from assistant.answering.extractive import Drafted

_MARKER = re.compile(r"\[(\d+)\]")


def renumber(parts: Sequence[Drafted]) -> Drafted:
    """Several drafted answers as one, citations numbered on."""
    texts: list[str] = []
    citations = []
    for part in parts:
        offset = len(citations)
        texts.append(_MARKER.sub(lambda m, o=offset: f"[{int(m.group(1)) + o}]", part.text))
        citations += [dataclasses.replace(c, n=c.n + offset) for c in part.citations]
    return Drafted("\n".join(t for t in texts if t), tuple(citations), not citations)
