"""Restrictions on what retrieval may return, for both sides: the lexical index and Chroma."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vectorstore.lexical import LexicalFilter
from vectorstore.records import authority_key


def authority_filter(names: Sequence[str]) -> dict[str, Any] | None:
    """A Chroma ``where`` clause matching chunks of documents about any of ``names``."""
    clauses: list[dict[str, Any]] = [{authority_key(n): True} for n in names]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


@dataclass(frozen=True)
class Filters(LexicalFilter):
    """Restrictions on what retrieval may return (all must hold), for both sides.

    The fields are the lexical index's; this adds the Chroma ``where`` clause.
    """

    def where(self) -> dict[str, Any] | None:
        """The Chroma ``where`` clause for these filters."""
        clauses: list[dict[str, Any]] = []
        auth = authority_filter(self.authorities)
        if auth:
            clauses.append(auth)
        if self.kinds:
            clauses.append({"kind": {"$in": list(self.kinds)}})
        if self.doc_ids:
            clauses.append({"doc_id": {"$in": list(self.doc_ids)}})
        if self.since:
            clauses.append({"date": {"$gte": self.since}})
        if self.until:
            clauses.append({"date": {"$lte": self.until}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def narrowed(self, authorities: Sequence[str]) -> Filters:
        """These filters, further restricted to documents about ``authorities``."""
        return dataclasses.replace(self, authorities=tuple(authorities))
