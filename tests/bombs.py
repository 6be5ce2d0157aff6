"""Decompression bombs, written here by hand with zlib and zipfile: PDFs and Word files.

Used by the bomb tests and by ``bench/bombs.py``. Each is small on disk and expands
hugely when read; nothing here ever holds the expanded bytes.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

MB = 1024 * 1024
GIB = 1024 * MB
_ZEROS = b"\0" * MB
TEXT_LINE = b"BT /F1 12 Tf 72 720 Td (A report that is mostly nothing.) Tj ET\n"


def deflated_zeros(size: int, prefix: bytes = b"") -> bytes:
    """``prefix`` then ``size`` zero bytes, zlib-compressed a megabyte at a time."""
    packer = zlib.compressobj(9)
    out = [packer.compress(prefix)]
    out += [packer.compress(_ZEROS) for _ in range(size // MB)]
    out += [packer.compress(b"\0" * (size % MB)), packer.flush()]
    return b"".join(out)


def pdf_with_content(data: bytes, stream_dictionary: bytes) -> bytes:
    """A one-page PDF (Helvetica as F1) whose content stream is ``data`` as given."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< %s >>\nstream\n%s\nendstream" % (stream_dictionary, data),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_of(objects)


def pdf_of(objects: list[bytes], version: bytes = b"1.7") -> bytes:
    """A PDF file of ``objects`` (numbered from 1, the first the catalog), with its xref."""
    out = bytearray(b"%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n" % version)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_bomb(path: Path, inflated: int = GIB) -> Path:
    """A one-page PDF whose Flate content stream is a line of text and ``inflated`` zeros.

    Zero bytes are white space in a content stream: a reader inflates and scans all
    of it to read the page.
    """
    data = deflated_zeros(inflated, TEXT_LINE)
    path.write_bytes(pdf_with_content(data, b"/Length %d /Filter /FlateDecode" % len(data)))
    return path


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{_MAIN}"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>'
    "<w:p><w:r><w:t>A report that is mostly nothing.</w:t></w:r></w:p>"
)
_TAIL = "</w:body></w:document>"


def _docx(path: Path, repeat: bytes, times: int) -> Path:
    """A Word package whose document.xml holds one paragraph, then ``repeat`` × ``times``."""
    per_block = max(1, MB // len(repeat))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _RELS)
        with package.open("word/document.xml", "w") as document:
            document.write(_HEAD.encode())
            for _ in range(times // per_block):
                document.write(repeat * per_block)
            document.write(repeat * (times % per_block))
            document.write(_TAIL.encode())
    return path


def docx_size_bomb(path: Path, inflated: int = GIB) -> Path:
    """A Word file whose document.xml holds one paragraph, then ``inflated`` spaces."""
    return _docx(path, b" ", inflated)


def docx_paragraph_bomb(path: Path, paragraphs: int = 30_000_000) -> Path:
    """A Word file of one paragraph of text, then ``paragraphs`` empty ones (about 250 KB)."""
    return _docx(path, b"<w:p/>", paragraphs)
