import io
import zipfile

import pytest

from core.errors import EmptyDocumentError, UnsupportedFileError
from ingest.sniff import decode_text, detect_type


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"%PDF-1.7\n...", "report.pdf", "pdf"),
        (b"%PDF-1.4\n...", "REPORT.PDF", "pdf"),
        (b"\xef\xbb\xbf  \n%PDF-1.4\n", "bom.pdf", "pdf"),
        (b"junk before the header %PDF-1.5\n", "junk.pdf", "pdf"),
        (DOCX, "letter.docx", "docx"),
        (b"<html><body><p>Hi</p></body></html>", "page.html", "html"),
        (b"<p>Hi</p>", "page.htm", "html"),
        (b"# Title\n\nText", "notes.md", "md"),
        (b"# Title\n\nText", "notes.markdown", "md"),
        (b"Plain text with <b>stray</b> tags", "report.txt", "txt"),
        (b"<!DOCTYPE html>\n<html><body>x</body></html>", "saved.txt", "html"),
        ("Caf\u00e9 \u2019quoted\u2019".encode("cp1252"), "cp1252.txt", "txt"),
    ],
    ids=[
        "pdf",
        "pdf-upper-ext",
        "pdf-bom-whitespace",
        "pdf-junk-prefix",
        "docx",
        "html",
        "htm",
        "md",
        "markdown",
        "txt-with-tags",
        "txt-holding-html",
        "txt-cp1252",
    ],
)
def test_detect_type_accepts_matching_content(data: bytes, name: str, expected: str) -> None:
    assert detect_type(data, name) == expected


@pytest.mark.parametrize(
    ("data", "name", "error", "message"),
    [
        (b"", "empty.pdf", EmptyDocumentError, "empty file (0 bytes)"),
        (
            b"data",
            "sheet.xyz",
            UnsupportedFileError,
            "unsupported file type '.xyz' (supported: .pdf, .docx, .html, .htm, .md, .txt)",
        ),
        (
            b"<!DOCTYPE html><html><head><title>404 Not Found</title></head></html>",
            "report.pdf",
            UnsupportedFileError,
            "not a PDF: the content is an HTML page (an error page saved as .pdf?)",
        ),
        (
            b"PK\x03\x04 not really a pdf",
            "report.pdf",
            UnsupportedFileError,
            "not a PDF: the content does not start with %PDF",
        ),
        (
            b"%PDF-1.4 a PDF renamed",
            "letter.docx",
            UnsupportedFileError,
            "not a Word .docx file: the content is a PDF",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "old.docx",
            UnsupportedFileError,
            "not a Word .docx file: it is an old binary Word .doc (save it as .docx)",
        ),
        (
            _zip({"content.xml": b"<office/>"}),
            "odt-renamed.docx",
            UnsupportedFileError,
            "not a Word .docx file: the zip package has no word/document.xml",
        ),
        (
            b"text\x00\x00\x01binary",
            "data.txt",
            UnsupportedFileError,
            "binary content in a text file (.txt)",
        ),
        (
            bytes(range(1, 32)) * 20,
            "notes.md",
            UnsupportedFileError,
            "binary content in a text file (.md)",
        ),
        (
            b"\x81\x8d\x8f\x90\x9d" * 10,
            "page.html",
            UnsupportedFileError,
            "binary content in a text file (.html)",
        ),
    ],
    ids=[
        "empty",
        "unsupported-ext",
        "html-as-pdf",
        "zip-as-pdf",
        "pdf-as-docx",
        "doc-as-docx",
        "zip-without-document",
        "nul-bytes-txt",
        "control-chars-md",
        "undecodable-html",
    ],
)
def test_detect_type_rejects_with_reason(
    data: bytes, name: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        detect_type(data, name)
    assert str(caught.value) == message


def test_file_without_extension_is_named_in_the_message() -> None:
    with pytest.raises(UnsupportedFileError, match=r"unsupported file type '\(no extension\)'"):
        detect_type(b"text", "README")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbfBOM text\r\nnext", "BOM text\nnext"),
        ("children\u2019s".encode(), "children\u2019s"),
        (b"children\x92s \x93care\x94", "children\u2019s \u201ccare\u201d"),
        (b"undefined in cp1252 \x81", "undefined in cp1252 \x81"),
        (b"old mac\rline", "old mac\nline"),
    ],
    ids=["utf8-sig-crlf", "utf8", "cp1252", "latin1-fallback", "cr"],
)
def test_decode_text(data: bytes, expected: str) -> None:
    assert decode_text(data) == expected
