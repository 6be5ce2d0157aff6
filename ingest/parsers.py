"""Parse a file's bytes of a known type into cleaned, canonical text."""

from __future__ import annotations

from core.documents import FileType
from core.limits import ParseLimits
from ingest.clean import assemble, clean_pdf, clean_text
from ingest.raw import CleanedText
from ingest.sniff import decode_text


def parse_bytes(data: bytes, file_type: FileType, limits: ParseLimits | None = None) -> CleanedText:
    """Parse and clean a document's bytes.

    Args:
        data: The file's bytes (already checked by :func:`ingest.sniff.detect_type`).
        file_type: The type to read them as.
        limits: The page limit of a PDF (the defaults of :class:`ParseLimits` if not given).

    Returns:
        The canonical text with its page spans (PDF only) and kind hints.

    Raises:
        IngestError: The content cannot be read (password, corruption, no text layer).
    """
    match file_type:
        case "pdf":
            from ingest.parse_pdf import read_pdf

            return clean_pdf(read_pdf(data, limits or ParseLimits()))
        case "docx":
            from ingest.parse_docx import read_docx

            return assemble(read_docx(data))
        case "html":
            from ingest.parse_html import read_html

            return assemble(read_html(decode_text(data)))
        case "md" | "txt":
            return clean_text(decode_text(data), file_type)
