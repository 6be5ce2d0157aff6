"""How far parsing one file may go: a plain value that the settings fill and ``ingest`` reads.

Kept apart from :mod:`core.settings` so that the parse server (:mod:`ingest.worker`)
imports no pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParseLimits:
    """How far parsing one file may go (the defaults of the ``ingest`` settings)."""

    max_uncompressed_mb: int = 512
    max_docx_elements: int = 1_000_000
    max_pdf_pages: int = 3000
    memory_mb: int = 1024
    cpu_seconds: int = 300
