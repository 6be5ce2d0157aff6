"""A folder of bad files, generated here: each gets a one-line reason, the rest is ingested.

Through the service API (real parsing and Chroma, hash embeddings) and end to end
through the CLI (real model).
"""

from __future__ import annotations

import io
import json
import random
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from assistant.app import build_assistant
from assistant.cli.app import app
from core.settings import Settings
from ingest.loader import MAX_TEXT_FILE_BYTES, iter_files, load_document
from tests.bombs import pdf_of
from tests.conftest import SAMPLE
from tests.fakes import HashEmbeddings

pytestmark = pytest.mark.e2e
runner = CliRunner()
KENT = SAMPLE / "ilacs" / "kent" / "children's services inspection - 05 july 2022.pdf"
LETTER = SAMPLE / "corpus" / "westminster-2006-apa-letter.txt"

ENCODED_TEXT = (
    "Kent County Council: spending on care leavers\n\n"
    "The council spent \u00a32.5 million on the \u201cstaying close\u201d caf\u00e9 scheme "
    "for care leavers \u2013 young people\u2019s views shaped it.\n"
)
LATIN1_TEXT = (
    "Norfolk County Council: fostering allowances\n\n"
    "Foster carers receive \u00a3300 a week; the r\u00e9sum\u00e9 workshop runs at the "
    "caf\u00e9 \u00bd day a month.\n"
)
ODD_NAME_TEXT = (
    "Isles of Scilly: d\u00e9j\u00e0 vu\n\nThe island council's youth offer is "
    "reviewed each summer by the children in care council.\n"
)


def _kent_pages(n: int) -> bytes:
    writer = PdfWriter()
    for page in PdfReader(KENT).pages[:n]:
        writer.add_page(page)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    for page in PdfReader(KENT).pages[:2]:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def scanned_pdf() -> bytes:
    """A one-page PDF whose only content is a grey image: no text operators at all."""
    width, height = 64, 32
    pixels = zlib.compress(bytes(random.Random(7).randrange(256) for _ in range(width * height)))
    content = b"q 400 0 0 200 100 500 cm /Im0 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (width, height, len(pixels), pixels),
    ]
    return pdf_of(objects, b"1.4")


def make_bad_folder(root: Path) -> Path:
    """The generated corpus: good files, bad files and files with awkward names."""
    folder = root / "downloads"
    odd = folder / "r\u00e9sum\u00e9s d'\u00e9t\u00e9"  # a folder with spaces, ' and accents
    odd.mkdir(parents=True)
    good_pdf = _kent_pages(2)
    (folder / "kent two pages.pdf").write_bytes(good_pdf)
    (folder / "good letter.txt").write_bytes(LETTER.read_bytes())
    (folder / "letter (copy).txt").write_bytes(LETTER.read_bytes())  # same content
    (folder / "cp1252.txt").write_bytes(ENCODED_TEXT.encode("cp1252"))
    (folder / "latin1.txt").write_bytes(LATIN1_TEXT.encode("latin-1"))
    (odd / "children's services \u2013 Scilly \u00e9t\u00e9.txt").write_text(
        ODD_NAME_TEXT, encoding="utf-8"
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(good_pdf[: len(good_pdf) // 2])
    junk = random.Random(3).randbytes(20_000)
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + junk)
    (folder / "protected.pdf").write_bytes(_encrypted_pdf())
    (folder / "scan.pdf").write_bytes(scanned_pdf())
    (folder / "binary.txt").write_bytes(random.Random(5).randbytes(4096))
    with open(folder / "one huge line.txt", "wb") as fh:  # 50 MB, no newline
        block = b"care leavers are supported by the council " * 1000
        for _ in range(50 * 1024 * 1024 // len(block) + 1):
            fh.write(block)
    return folder


EXPECTED_FAILURES = {
    "empty.txt": "empty file (0 bytes)",
    "empty.pdf": "empty file (0 bytes)",
    "truncated.pdf": "corrupt or truncated PDF",
    "corrupt.pdf": "corrupt or truncated PDF",
    "protected.pdf": "password-protected PDF",
    "scan.pdf": "no text layer",
    "binary.txt": "binary content in a text file",
    "one huge line.txt": "too large: 50.0 MB",
}
ODD_SOURCE = "r\u00e9sum\u00e9s d'\u00e9t\u00e9/children's services \u2013 Scilly \u00e9t\u00e9.txt"
STORED = {
    "kent two pages.pdf",
    "good letter.txt",
    "cp1252.txt",
    "latin1.txt",
    ODD_SOURCE,
}


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory) -> Path:
    return make_bad_folder(tmp_path_factory.mktemp("bad-files"))


def _check_stored_text(store) -> None:
    by_source = {d.source: d for d in store.list_documents()}
    assert set(by_source) == STORED
    assert store.document_text(by_source["cp1252.txt"].doc_id).endswith(ENCODED_TEXT.strip())
    assert "\u00a3300 a week; the r\u00e9sum\u00e9" in store.document_text(
        by_source["latin1.txt"].doc_id
    )
    assert "youth offer" in store.document_text(by_source[ODD_SOURCE].doc_id)
    for record in by_source.values():  # each wholly there: its record counts its chunks
        assert record.chunk_count > 0
        assert store.count_chunks(record.doc_id) == record.chunk_count


def test_service_reports_each_bad_file_and_ingests_the_rest(bad_folder, tmp_path):
    assistant = build_assistant(Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings())
    report = assistant.ingest(iter_files([bad_folder]))
    outcomes = {o.source: o for o in report.outcomes}
    failed = {s: o.reason for s, o in outcomes.items() if o.status == "failed"}
    assert set(failed) == set(EXPECTED_FAILURES)
    for source, reason in failed.items():
        assert EXPECTED_FAILURES[source] in reason, (source, reason)
        assert "\n" not in reason
    assert failed["scan.pdf"] == "no text layer (scanned PDF?); OCR is not available"
    assert failed["one huge line.txt"] == (
        f"too large: 50.0 MB (the limit for a text file is {MAX_TEXT_FILE_BYTES >> 20} MB);"
        " split the document"
    )
    copy = outcomes["letter (copy).txt"]
    assert copy.status == "unchanged"
    assert copy.reason == "same content as good letter.txt, stored once"
    assert {s for s, o in outcomes.items() if o.status == "added"} == STORED
    assert report.exit_code == 3
    _check_stored_text(assistant.store)

    again = assistant.ingest(iter_files([bad_folder]))
    assert again.count("unchanged") == len(STORED) + 1 and again.count("added") == 0
    assert again.exit_code == 3
    _check_stored_text(assistant.store)


def test_a_file_deleted_during_ingest_is_reported_and_the_rest_continue(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a first.txt", "b gone.txt", "c last.txt"):
        (folder / name).write_text(f"{name}: the council supports its care leavers well.\n")
    files = iter_files([folder])

    def deleting_loader(path: Path, source: str):
        if source == "a first.txt":  # listed, then deleted before its turn
            (folder / "b gone.txt").unlink()
        return load_document(path, source)

    assistant = build_assistant(
        Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings(), loader=deleting_loader
    )
    report = assistant.ingest(files)
    assert [(o.source, o.status) for o in report.outcomes] == [
        ("a first.txt", "added"),
        ("b gone.txt", "failed"),
        ("c last.txt", "added"),
    ]
    assert report.outcomes[1].reason == (
        "cannot read file: it disappeared during ingest (deleted or moved?)"
    )
    assert report.exit_code == 3
    assert [d.source for d in assistant.documents()] == ["a first.txt", "c last.txt"]


def test_cli_reports_bad_files_and_exit_code_3(bad_folder, tmp_path):
    data_dir = str(tmp_path / "index")
    result = runner.invoke(app, ["ingest", str(bad_folder), "--data-dir", data_dir])
    assert result.exit_code == 3, result.output
    lines = result.stdout.splitlines()
    for name, reason in EXPECTED_FAILURES.items():
        assert f"failed     {name}: " in result.stdout, (name, result.stdout)
        line = next(ln for ln in lines if ln.startswith(f"failed     {name}: "))
        assert reason in line, line
    assert (
        "unchanged  letter (copy).txt: same content as good letter.txt, stored once"
        in result.stdout
    )
    assert "added 5, updated 0, unchanged 1, failed 8" in result.stdout

    listed = json.loads(
        runner.invoke(app, ["docs", "list", "--json", "--data-dir", data_dir]).stdout
    )
    assert {d["source"] for d in listed} == STORED
    ask = runner.invoke(
        app, ["ask", "How much did the staying close café cost?", "--json", "--data-dir", data_dir]
    )
    assert ask.exit_code == 0, ask.output
    quotes = " ".join(c["quote"] for c in json.loads(ask.stdout)["citations"])
    assert "\u00a32.5 million" in quotes and "\u201cstaying close\u201d caf\u00e9" in quotes

    again = runner.invoke(app, ["ingest", str(bad_folder), "--data-dir", data_dir])
    assert again.exit_code == 3
    assert "added 0, updated 0, unchanged 6, failed 8" in again.stdout
