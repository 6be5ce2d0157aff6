"""Read a PDF's text as lines with their page, position and font size.

pypdfium2 does the work (fast, and it reports where each character sits and its
font size, which :mod:`ingest.pdf_layout` uses to find paragraphs and headings);
pypdf is the fallback when pdfium cannot open a file, giving lines without
geometry. Library errors become one-line :class:`~core.errors.IngestError` s.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from core.errors import EmptyDocumentError, IngestError
from core.limits import ParseLimits
from ingest.limits import check_pdf_pages

if TYPE_CHECKING:
    from pypdfium2 import PdfTextPage

logger = logging.getLogger(__name__)

PASSWORD_MESSAGE = "password-protected PDF: cannot read without the password"
NO_TEXT_MESSAGE = "no text layer (scanned PDF?); OCR is not available"

# A footnote reference: one or two digits right after a word or punctuation.
_FOOTNOTE_REF = re.compile(r"(?<=[A-Za-z)\].,;:’'”])\d{1,2}(?![\d.,]\d)")


@dataclass(frozen=True)
class PdfLine:
    """One line of a PDF page as the text layer gives it.

    ``top`` is the line's vertical position in PDF units (larger is higher on the
    page), ``size`` the font size of its first letter and ``bold`` whether the
    line is bold (its first letter and last character); all are unknown
    (``None``/``False``) when read with pypdf. ``last_top`` is the position of
    the last character: pdfium joins a word hyphenated over two lines into one
    text line, which then ends one line lower than it starts.
    """

    text: str
    page: int
    top: float | None = None
    size: float | None = None
    bold: bool = False
    last_top: float | None = None


def read_pdf(data: bytes, limits: ParseLimits | None = None) -> list[list[PdfLine]]:
    """Return the non-empty lines of every page of a PDF, in reading order.

    Args:
        data: The PDF file's bytes.
        limits: The most pages to read (``max_pdf_pages``), checked before any page is.

    Returns:
        One list of lines per page (an empty list for a page without text).

    Raises:
        IngestError: The PDF is password-protected, corrupt or truncated.
        EmptyDocumentError: No page has any text (a scan without OCR).
        LimitError: It has more pages than the limit.
    """
    limits = limits or ParseLimits()
    try:
        pages = _read_pdfium(data, limits)
    except IngestError:
        raise
    except Exception as exc:  # any pdfium failure: try pypdf before giving up
        message = _short(exc)
        if "password" in message.lower():
            raise IngestError(PASSWORD_MESSAGE) from exc
        logger.debug("pypdfium2 failed (%s); trying pypdf", message)
        try:
            pages = _read_pypdf(data, limits)
        except IngestError:
            raise
        except Exception as fallback_exc:  # both readers failed: report pdfium's reason
            raise IngestError(f"corrupt or truncated PDF: {message}") from fallback_exc
    if not any(pages):
        raise EmptyDocumentError(NO_TEXT_MESSAGE)
    return pages


def _read_pdfium(data: bytes, limits: ParseLimits) -> list[list[PdfLine]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(data)
    try:
        if len(document) == 0:
            raise EmptyDocumentError("the PDF has no pages")
        check_pdf_pages(len(document), limits)
        pages = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            try:
                pages.append(_page_lines(textpage, pdfium_c, index + 1))
            finally:
                textpage.close()
                page.close()
        return pages
    finally:
        document.close()


def _page_lines(textpage: PdfTextPage, pdfium_c: ModuleType, number: int) -> list[PdfLine]:
    text = textpage.get_text_range()
    # Character indices match string positions only when the page has no
    # characters outside the BMP; otherwise read the text without geometry.
    aligned = len(text) == textpage.count_chars()
    lines: list[PdfLine] = []
    start = 0
    for raw in re.split(r"\r\n|\n|\r", text):
        index, start = start, start + len(raw) + 2
        if not raw.strip():
            continue
        if not aligned:
            lines.append(PdfLine(raw, number))
            continue
        raw = _drop_superscript_refs(raw, index, textpage, pdfium_c)
        first = index + _first_letter(raw)
        top = textpage.get_charbox(first, loose=True)[1]
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, first)
        last = index + len(raw.rstrip()) - 1
        bold = all(pdfium_c.FPDFText_GetFontWeight(textpage.raw, i) >= 600 for i in (first, last))
        last_top = textpage.get_charbox(last, loose=True)[1] if "\ufffe" in raw else top
        lines.append(PdfLine(raw, number, round(top, 1), round(size, 1), bold, round(last_top, 1)))
    return lines


def _first_letter(line: str) -> int:
    """Position of the character that stands for the line's font: its first letter."""
    for wanted in (str.isalpha, str.isalnum):
        found = next((i for i, ch in enumerate(line) if wanted(ch)), None)
        if found is not None:
            return found
    return 0


def _drop_superscript_refs(
    line: str, index: int, textpage: PdfTextPage, pdfium_c: ModuleType
) -> str:
    """Remove footnote numbers printed as superscripts (``Board1`` -> ``Board``)."""
    if not any(ch.isdigit() for ch in line):
        return line
    drops = []
    for match in _FOOTNOTE_REF.finditer(line):
        before = pdfium_c.FPDFText_GetFontSize(textpage.raw, index + match.start() - 1)
        digit = pdfium_c.FPDFText_GetFontSize(textpage.raw, index + match.start())
        if 0 < digit < 0.8 * before:
            drops.append(match.span())
    for begin, end in reversed(drops):
        line = line[:begin] + " " * (end - begin) + line[end:]
    return line.rstrip() if drops else line


def _read_pypdf(data: bytes, limits: ParseLimits) -> list[list[PdfLine]]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise IngestError(PASSWORD_MESSAGE)
    check_pdf_pages(len(reader.pages), limits)
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text() or ""
        pages.append([PdfLine(line, number) for line in text.splitlines() if line.strip()])
    return pages


def _short(exc: Exception) -> str:
    message = str(exc).strip() or type(exc).__name__
    found = re.search(r"PDFium: ([^)]*)", message)
    if found:
        message = found.group(1)
    return message.rstrip(".").splitlines()[0][:120]
