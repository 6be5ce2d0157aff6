"""What makes a file the same document as one already stored (so that it may replace it).

A document is stored once per content (its id is the hash of the file's bytes) and is
never identified by its bare file name: Ofsted names every download "children's
services inspection - <date>.pdf", so two councils' reports often share one.

- **What it is.** A report about an authority has a :class:`ReportKey`: its kind, the
  authorities it is about and its date (the inspection's last day, else publication).
  Two documents whose keys differ are two reports whatever their names.
- **Where it came from.** A file ingested from a folder is named by its path relative
  to the folder given (``origin="file"``): new content at the same path replaces the
  stored version, unless its key says it is a different report. An upload's name says
  nothing (``origin="upload"``): an upload replaces a stored document only when it is
  the same report (same kind, authorities and date) of a kind that has one document
  per authority and date (an inspection report, an APA letter).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from core.documents import DocumentMeta
    from vectorstore.store import DocumentRecord

Origin = Literal["file", "upload"]

# kinds of which an authority has one document per date: the same key is the same report
REPLACEABLE_KINDS = ("inspection report", "apa letter")


@dataclass(frozen=True)
class ReportKey:
    """What a report is about: its kind, authorities and date."""

    kind: str
    authorities: tuple[str, ...]
    date: str
    dated_by: str = field(default="inspected", compare=False)

    def describe(self) -> str:
        """E.g. "Sutton, inspection report, inspection ended 10 December 2021"."""
        from core.dates import dates_label

        when = (
            dates_label(inspected=self.date)
            if self.dated_by == "inspected"
            else (dates_label(published=self.date))
        )
        return f"{', '.join(self.authorities)}, {self.kind}, {when}"


def report_key(meta: DocumentMeta) -> ReportKey | None:
    """The key of a report about named authorities with a known date (None otherwise)."""
    if meta.kind == "unknown" or not meta.authorities:
        return None
    if meta.inspected:
        date, dated_by = meta.inspected, "inspected"
    elif meta.published:
        date, dated_by = meta.published, "published"
    else:
        return None
    return ReportKey(meta.kind, tuple(sorted(meta.authorities)), date, dated_by)


def same_document(source: str, meta: DocumentMeta, origin: Origin, old: DocumentRecord) -> bool:
    """Whether new content (``source``, ``meta``, ``origin``) is a version of ``old``."""
    new_key, old_key = report_key(meta), report_key(old.meta)
    if new_key is not None and old_key is not None and new_key != old_key:
        return False  # two different reports, whatever their names
    if origin == "upload":
        return new_key is not None and new_key == old_key and new_key.kind in REPLACEABLE_KINDS
    return old.origin != "upload" and old.source == source


def describe(record: DocumentRecord) -> str:
    """A stored document as messages name it: title, file and short id."""
    return f"{record.title} ({record.source}, id {record.doc_id[:12]})"
