"""Cheap checks against decompression bombs, on bombs written here with zlib and zipfile."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from core.errors import LimitError, UnsupportedFileError
from core.limits import ParseLimits
from ingest.limits import MB, check_content
from ingest.loader import load_document
from tests.bombs import (
    TEXT_LINE,
    deflated_zeros,
    docx_paragraph_bomb,
    docx_size_bomb,
    pdf_bomb,
    pdf_with_content,
)
from tests.conftest import SAMPLE

KENT = SAMPLE / "ilacs" / "kent" / "children's services inspection - 05 july 2022.pdf"
SIXTY_FOUR = ParseLimits(max_uncompressed_mb=64)


@pytest.fixture(scope="module")
def pdf_65mb(tmp_path_factory) -> bytes:
    return pdf_bomb(tmp_path_factory.mktemp("bombs") / "bomb.pdf", 65 * MB).read_bytes()


def test_a_small_pdf_inflating_past_the_limit_is_refused_with_a_reason(pdf_65mb):
    assert len(pdf_65mb) < 100_000
    with pytest.raises(LimitError) as caught:
        check_content(pdf_65mb, "pdf", SIXTY_FOUR)
    assert str(caught.value) == (
        "PDF content decompresses to more than 64 MB; refused (limit: ingest.max_uncompressed_mb)"
    )
    check_content(pdf_65mb, "pdf", ParseLimits(max_uncompressed_mb=66))  # 65 MB and a line


@pytest.mark.slow
@pytest.mark.parametrize(
    "dictionary",
    [
        b"/Length 10 /Filter /FlateDecode",  # a length that lies
        b"/Length 5 0 R /Filter /FlateDecode",  # an indirect length
        b"/Length %d",  # no filter named: zlib data is measured whatever the dictionary says
        b"/Length %d /Filter [/FlateDecode] /Note (endstream endobj 9 0 obj)",
    ],
    ids=["lying-length", "indirect-length", "no-filter", "decoy-keywords"],
)
def test_a_dictionary_cannot_hide_a_bomb(dictionary):
    data = deflated_zeros(65 * MB, TEXT_LINE)
    pdf = pdf_with_content(data, dictionary.replace(b"%d", b"%d" % len(data)))
    with pytest.raises(LimitError, match="more than 64 MB"):
        check_content(pdf, "pdf", SIXTY_FOUR)


@pytest.mark.slow
@pytest.mark.parametrize("wrapper", ["ASCII85Decode", "ASCIIHexDecode"])
def test_a_bomb_wrapped_in_an_ascii_filter_is_refused(wrapper):
    data = deflated_zeros(65 * MB, TEXT_LINE)
    if wrapper == "ASCII85Decode":
        body = base64.a85encode(data, adobe=True)
    else:
        body = data.hex().encode() + b">"
    filters = b"/Filter [/%s /FlateDecode]" % wrapper.encode()
    pdf = pdf_with_content(body, b"/Length %d %s" % (len(body), filters))
    with pytest.raises(LimitError, match="more than 64 MB"):
        check_content(pdf, "pdf", SIXTY_FOUR)
    check_content(pdf, "pdf", ParseLimits(max_uncompressed_mb=66))


def test_the_sample_reports_inflate_to_under_2_mb():
    pdfs = sorted(SAMPLE.rglob("*.pdf"))
    assert len(pdfs) >= 3
    for path in pdfs:
        check_content(path.read_bytes(), "pdf", ParseLimits(max_uncompressed_mb=2))


def test_a_pdf_with_more_pages_than_the_limit_is_refused_before_reading_them():
    import pypdfium2

    pages = len(pypdfium2.PdfDocument(KENT))
    with pytest.raises(LimitError) as caught:
        load_document(KENT, "kent.pdf", limits=ParseLimits(max_pdf_pages=pages - 1))
    assert str(caught.value) == (
        f"PDF has {pages} pages, more than {pages - 1}; refused (limit: ingest.max_pdf_pages)"
    )
    assert load_document(KENT, "kent.pdf", limits=ParseLimits(max_pdf_pages=pages)).pages


@pytest.mark.slow
def test_a_word_file_inflating_past_the_limit_is_refused(tmp_path):
    data = docx_size_bomb(tmp_path / "size.docx", 80 * MB).read_bytes()
    assert len(data) < 200_000
    with pytest.raises(LimitError) as caught:
        check_content(data, "docx", SIXTY_FOUR)
    assert str(caught.value) == (
        "Word file decompresses to 80 MB, more than 64 MB; refused"
        " (limit: ingest.max_uncompressed_mb)"
    )
    check_content(data, "docx", ParseLimits(max_uncompressed_mb=81))


@pytest.mark.slow
def test_a_word_file_of_millions_of_empty_paragraphs_is_refused(tmp_path):
    data = docx_paragraph_bomb(tmp_path / "paragraphs.docx").read_bytes()
    assert len(data) < 400_000
    with pytest.raises(LimitError) as caught:
        check_content(data, "docx", ParseLimits())
    assert str(caught.value) == (
        "Word file has more than 1,000,000 XML elements (paragraphs, runs…) in"
        " word/document.xml; refused (limit: ingest.max_docx_elements)"
    )


def _word_file(paragraphs: int) -> bytes:
    import io

    import docx

    document = docx.Document()
    for i in range(paragraphs):
        document.add_paragraph(f"Paragraph {i} about care leavers.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_normal_word_file_passes_and_its_elements_are_counted():
    data = _word_file(200)
    check_content(data, "docx", ParseLimits())
    with pytest.raises(LimitError, match="more than 600 XML elements"):
        check_content(data, "docx", ParseLimits(max_docx_elements=600))  # 200 × (p, r, t)


def test_a_damaged_word_package_is_reported_as_such(tmp_path: Path):
    data = bytearray(_word_file(3))
    at = data.find(b"word/document.xml") + 40
    data[at : at + 200] = bytes(200)  # a corrupted local file body
    with pytest.raises(UnsupportedFileError, match="not a Word .docx file"):
        check_content(bytes(data), "docx", ParseLimits())
