"""Decide a file's type from its bytes, checked against its extension.

A file is read as the type its extension promises only when its content agrees;
otherwise :func:`detect_type` raises an error whose message says what the content
really is, in one line a user can act on.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from core.documents import FileType
from core.errors import EmptyDocumentError, UnsupportedFileError

EXTENSIONS: dict[str, FileType] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
}
SUPPORTED_HINT = ".pdf, .docx, .html, .htm, .md, .txt"

_SNIFF_BYTES = 1024
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# Leading comments, each ending at its first "-->" (a lazy ``.*?-->`` could also run
# on to a later one, so 25 empty comments took seconds and a kilobyte of them forever).
_HTML_START = re.compile(
    rb"^\s*(<!--(?:[^-]|-[^-]|--+[^->])*--+>\s*)*<(!doctype\s+html|html[\s>]|head[\s>])", re.I
)
_HTML_ANYWHERE = re.compile(rb"<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|title>)", re.I)
# Control characters other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def detect_type(data: bytes, filename: str) -> FileType:
    """Return the type of a file, or raise why it cannot be read.

    Args:
        data: The file's bytes.
        filename: Its name (only the extension is used).

    Returns:
        The file type to parse the content as. A ``.txt`` file holding a whole
        HTML document is reported as ``"html"``.

    Raises:
        EmptyDocumentError: The file is empty.
        UnsupportedFileError: The extension is not supported or the content does
            not match it.
    """
    if not data:
        raise EmptyDocumentError("empty file (0 bytes)")
    suffix = PurePath(filename).suffix.lower()
    file_type = EXTENSIONS.get(suffix)
    if file_type is None:
        shown = suffix or "(no extension)"
        raise UnsupportedFileError(f"unsupported file type '{shown}' (supported: {SUPPORTED_HINT})")
    if file_type == "pdf":
        _check_pdf(data)
    elif file_type == "docx":
        _check_docx(data)
    else:
        _check_text(data, suffix)
        if file_type == "txt" and _HTML_START.match(_strip_bom(data[:_SNIFF_BYTES])):
            return "html"
    return file_type


def decode_text(data: bytes) -> str:
    r"""Decode text bytes: UTF-8 (with or without BOM), else line by line.

    A file that is not all UTF-8 is decoded a line at a time: UTF-8 where the line
    is valid UTF-8, else cp1252 (Windows, a superset of latin-1's printable
    characters), else latin-1. So a cp1252 or latin-1 file keeps its "£", "é"
    and smart quotes, and so does a file pasted together from both.
    Line endings are normalised to ``\\n``.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "".join(_decode_line(line) for line in _strip_bom(data).splitlines(keepends=True))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_line(line: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return line.decode(encoding)
        except UnicodeDecodeError:
            continue
    return line.decode("latin-1")


def _strip_bom(head: bytes) -> bytes:
    for bom in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :]
    return head


def _check_pdf(data: bytes) -> None:
    head = _strip_bom(data[:_SNIFF_BYTES]).lstrip()
    if head.startswith(b"%PDF"):
        return
    if b"%PDF-" in data[:_SNIFF_BYTES]:  # junk before the header is tolerated by readers
        return
    if _HTML_ANYWHERE.search(data[: _SNIFF_BYTES * 4]):
        raise UnsupportedFileError(
            "not a PDF: the content is an HTML page (an error page saved as .pdf?)"
        )
    raise UnsupportedFileError("not a PDF: the content does not start with %PDF")


def _check_docx(data: bytes) -> None:
    if data[:2] != b"PK":
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            reason = "it is an old binary Word .doc (save it as .docx)"
        elif data.lstrip()[:4] == b"%PDF":
            reason = "the content is a PDF"
        else:
            reason = "the content is not a zip package"
        raise UnsupportedFileError(f"not a Word .docx file: {reason}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnsupportedFileError(f"not a Word .docx file: damaged zip package ({exc})") from exc
    if "word/document.xml" not in names:
        raise UnsupportedFileError(
            "not a Word .docx file: the zip package has no word/document.xml"
        )


def _check_text(data: bytes, suffix: str) -> None:
    head = data[: 64 * 1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedFileError(
            f"binary content in a text file ({suffix}): UTF-16 text is not supported"
        )
    if b"\x00" in head or len(_CONTROL.findall(head)) > max(8, len(head) // 100):
        raise UnsupportedFileError(f"binary content in a text file ({suffix})")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            data.decode(encoding)
            return
        except UnicodeDecodeError:
            continue
    raise UnsupportedFileError(f"binary content in a text file ({suffix})")
