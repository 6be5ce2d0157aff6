"""Cheap checks against decompression bombs, made before a file is parsed.

A PDF's streams and a Word file's zip parts are compressed; a small file can expand
to gigabytes (a 1 MB PDF holding a 1 GiB Flate stream, a 200 KB Word file of tens of
millions of empty paragraphs). These checks read the compressed bytes in bounded
pieces, never holding what they inflate, and refuse a file that would expand past
:class:`~core.limits.ParseLimits` before any parser sees it. The parser then runs in a worker
process with memory and CPU limits (:mod:`ingest.worker`) for what no cheap check
can see (an encrypted PDF's streams, filters other than Flate).
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zipfile
import zlib

from core.documents import FileType
from core.errors import LimitError, UnsupportedFileError
from core.limits import ParseLimits

MB = 1024 * 1024
_PIECE = 64 * 1024  # compressed bytes fed to the inflater at a time
_OUT = 1024 * 1024  # most inflated bytes held at a time
_DICT_WINDOW = 64 * 1024  # how far back from "stream" a stream's dictionary may start
_MAX_ZIP_PARTS = 10_000

# "stream" after a dictionary's ">>"; binary stream data is skipped, not searched
_STREAM = re.compile(rb">>[ \t\r\n\f\x00]{0,64}stream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter\s{0,64}(\[[^\]]{0,2000}\]|/[A-Za-z0-9]{1,40})")
_NAME = re.compile(rb"/([A-Za-z0-9]{1,40})")
_ENDSTREAM = b"endstream"
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)


def check_content(data: bytes, file_type: FileType, limits: ParseLimits) -> None:
    """Refuse a PDF or Word file whose content expands past ``limits``.

    Raises:
        LimitError: It would decompress to more than ``max_uncompressed_mb``, or a
            Word file holds more than ``max_docx_elements`` XML elements.
        UnsupportedFileError: A Word file's zip package cannot be read.
    """
    if file_type == "pdf":
        check_pdf(data, limits)
    elif file_type == "docx":
        check_docx(data, limits)


def check_pdf(data: bytes, limits: ParseLimits) -> None:
    """Refuse a PDF whose compressed streams together inflate to more than the limit.

    Every stream whose data is zlib data (Flate; told by its header, whatever its
    dictionary says) is inflated in bounded pieces and counted, to the end of its
    zlib stream (not to a ``/Length`` or ``endstream`` that could lie). A Flate
    stream wrapped in an ASCII hex or 85 filter is decoded first.
    """
    budget = limits.max_uncompressed_mb * MB
    total = 0
    view = memoryview(data)
    pos = 0
    while found := _STREAM.search(data, pos):
        start = pos = found.end()
        if _is_zlib(data[start : start + 2]):
            total += _inflated_size(view[start:], budget - total)
        else:
            wrapper = _ascii_wrapper(data[max(0, found.start() - _DICT_WINDOW) : found.start()])
            if wrapper:
                decoded = _ascii_decoded(data[start : _end_of_data(data, start)], wrapper)
                if _is_zlib(decoded[:2]):
                    total += _inflated_size(memoryview(decoded), budget - total)
        if total > budget:
            raise LimitError(
                f"PDF content decompresses to more than {limits.max_uncompressed_mb} MB;"
                " refused (limit: ingest.max_uncompressed_mb)"
            )


def check_pdf_pages(pages: int, limits: ParseLimits) -> None:
    """Refuse a PDF with more pages than the limit (called once the page count is known)."""
    if pages > limits.max_pdf_pages:
        raise LimitError(
            f"PDF has {pages:,} pages, more than {limits.max_pdf_pages:,};"
            " refused (limit: ingest.max_pdf_pages)"
        )


def check_docx(data: bytes, limits: ParseLimits) -> None:
    """Refuse a Word file whose parts expand past the size or element limits.

    The sizes are the zip's declared ones, which bound what the zip reader will
    return (it stops at the declared size); the elements are counted by inflating
    each XML part in bounded pieces.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_PARTS:
                raise LimitError(
                    f"Word file has {len(infos):,} parts, more than {_MAX_ZIP_PARTS:,}; refused"
                )
            size = sum(info.file_size for info in infos)
            if size > limits.max_uncompressed_mb * MB:
                raise LimitError(
                    f"Word file decompresses to {size / MB:,.0f} MB, more than"
                    f" {limits.max_uncompressed_mb} MB; refused"
                    " (limit: ingest.max_uncompressed_mb)"
                )
            elements = 0
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    elements += _count_elements(archive, info, limits.max_docx_elements - elements)
                    if elements > limits.max_docx_elements:
                        raise LimitError(
                            f"Word file has more than {limits.max_docx_elements:,} XML elements"
                            f" (paragraphs, runs…) in {info.filename}; refused"
                            " (limit: ingest.max_docx_elements)"
                        )
    except _ZIP_ERRORS as exc:
        raise UnsupportedFileError(f"not a Word .docx file: damaged zip package ({exc})") from exc


def _count_elements(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Start tags in a zip member (``<`` not followed by ``/``, ``?``, ``!``), to past budget."""
    count = 0
    previous = b""
    with archive.open(info) as part:
        while piece := part.read(_OUT):
            joined = previous[-1:] + piece  # a "<" at the end of the last piece
            count += (
                joined.count(b"<")
                - joined.count(b"</")
                - joined.count(b"<?")
                - joined.count(b"<!")
                - (1 if previous[-1:] == b"<" else 0)
            )
            if count > budget:
                return count
            previous = piece
    return count


def _is_zlib(head: bytes) -> bool:
    """Whether two bytes are a zlib header (deflate, a window of at most 32 KB)."""
    return (
        len(head) == 2
        and head[0] & 0x0F == 8
        and head[0] >> 4 <= 7
        and (head[0] * 256 + head[1]) % 31 == 0
    )


def _ascii_wrapper(before: bytes) -> str | None:
    """The ASCII filter named in the dictionary before a stream, when Flate follows it."""
    filters = _FILTER.findall(before)
    if not filters:
        return None
    names = _NAME.findall(filters[-1])
    for first, second in zip(names, names[1:], strict=False):
        if second in (b"FlateDecode", b"Fl") and first in (b"AHx", b"ASCIIHexDecode"):
            return "hex"
        if second in (b"FlateDecode", b"Fl") and first in (b"A85", b"ASCII85Decode"):
            return "85"
    return None


def _end_of_data(data: bytes, start: int) -> int:
    found = data.find(_ENDSTREAM, start)
    return len(data) if found < 0 else found


def _ascii_decoded(raw: bytes, wrapper: str) -> bytes:
    try:
        if wrapper == "hex":
            digits = re.sub(rb"[^0-9A-Fa-f]", b"", raw.split(b">", 1)[0])
            return binascii.unhexlify(digits[: len(digits) // 2 * 2])
        body = raw.strip()
        body = body[2:] if body.startswith(b"<~") else body
        return base64.a85decode(body.split(b"~>", 1)[0], ignorechars=b" \t\r\n\f\x00")
    except ValueError:
        return b""


def _inflated_size(raw: memoryview, budget: int) -> int:
    """Bytes zlib data inflates to, counted in bounded pieces; stops just past ``budget``.

    Damaged data counts what inflated before the damage (the parser decides the rest).
    """
    inflater = zlib.decompressobj()
    total = 0
    try:
        for at in range(0, len(raw), _PIECE):
            pending: bytes | memoryview = raw[at : at + _PIECE]
            while pending and not inflater.eof:  # after the end the tail stays put
                total += len(inflater.decompress(pending, _OUT))
                if total > budget:
                    return total
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error:
        pass
    return total
