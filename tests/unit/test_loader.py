import hashlib
import io
import os
from pathlib import Path

import pytest

from core.documents import DocumentMeta
from core.errors import EmptyDocumentError, IngestError, UnsupportedFileError
from ingest.loader import find_files, iter_files, load_document

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
KENT_2022 = SHARED / "ilacs" / "80476_kent" / "children's services inspection - 05 july 2022.pdf"


class RecordingExtractor:
    """Stands in for ingest.metadata.extract_metadata and records its arguments."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def __call__(self, text: str, file_type: str, source: str) -> DocumentMeta:
        self.calls.append((text, file_type, source))
        return DocumentMeta(title="Recorded", kind="inspection report")


def _kent_bytes() -> bytes:
    if not KENT_2022.exists():
        pytest.skip(f"shared corpus not available: {KENT_2022}")
    return KENT_2022.read_bytes()


def _encrypted_pdf() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(_kent_bytes())))
    writer.encrypt("secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blank_pdf() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Inspection of Exampleshire children’s services", 1)
    document.add_paragraph("Children are safe and well supported.")
    document.add_paragraph("Supervision is regular.", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(
        table.rows, [("Judgement", "Grade"), ("Overall effectiveness", "Good")], strict=True
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- loading good files ------------------------------------------------------------------


def test_load_text_file(tmp_path: Path) -> None:
    data = b"# Summary\n\nChildren are <b>safe</b>.\n\nArea\tGrade\nHelp\tGood\nCare\tGood\n"
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    extractor = RecordingExtractor()
    doc = load_document(path, "sub/report.txt", meta_extractor=extractor)
    assert doc.text == "Summary\n\nChildren are safe.\n\nArea | Grade\nHelp | Good\nCare | Good"
    assert doc.doc_id == hashlib.sha256(data).hexdigest()
    assert (doc.source, doc.file_type, doc.pages) == ("sub/report.txt", "txt", ())
    assert [b.kind for b in doc.blocks] == [
        "heading",
        "paragraph",
        "table_header",
        "table_row",
        "table_row",
    ]
    assert extractor.calls == [(doc.text, "txt", "sub/report.txt")]
    assert doc.meta.title == "Recorded"


def test_load_docx(tmp_path: Path) -> None:
    path = tmp_path / "letter.docx"
    path.write_bytes(_docx())
    doc = load_document(path, "letter.docx", meta_extractor=RecordingExtractor())
    assert doc.file_type == "docx"
    assert doc.text == (
        "Inspection of Exampleshire children’s services\n\n"
        "Children are safe and well supported.\n\n"
        "• Supervision is regular.\n\n"
        "Judgement | Grade\nOverall effectiveness | Good"
    )
    kinds = [(b.kind, b.header) for b in doc.blocks]
    assert kinds[0] == ("heading", None)
    assert kinds[-1] == ("table_row", "Judgement | Grade")


def test_load_html_drops_page_chrome(tmp_path: Path) -> None:
    html = (
        "<!doctype html><html><head><title>t</title><style>p{}</style></head><body>"
        "<nav>Home | Reports</nav><header>Site</header><main><h1>Inspection of Foo</h1>"
        "<p>Children are <b>safe</b>, and well.</p><ul><li>One</li><li>Two</li></ul>"
        "<table><tr><th>Judgement</th><th>Grade</th></tr><tr><td>Overall</td><td>Good</td></tr>"
        "</table></main><script>var x = 1;</script><footer>Footer</footer></body></html>"
    )
    path = tmp_path / "page.htm"
    path.write_text(html, encoding="utf-8")
    doc = load_document(path, "page.htm", meta_extractor=RecordingExtractor())
    assert doc.text == (
        "Inspection of Foo\n\nChildren are safe, and well.\n\n• One\n• Two\n\n"
        "Judgement | Grade\nOverall | Good"
    )
    assert doc.blocks[0].kind == "heading"


def test_load_real_pdf_keeps_pages() -> None:
    _kent_bytes()
    doc = load_document(KENT_2022, "kent.pdf", meta_extractor=RecordingExtractor())
    assert doc.file_type == "pdf"
    assert [p.number for p in doc.pages] == list(range(1, 13))
    assert doc.page_at(doc.text.index("What needs to improve?")) == 2


def test_default_extractor_is_the_metadata_module(tmp_path: Path) -> None:
    pytest.importorskip("ingest.metadata")
    path = tmp_path / "a.txt"
    path.write_text("Some report text about children's services.", encoding="utf-8")
    doc = load_document(path, "a.txt")
    assert isinstance(doc.meta, DocumentMeta)


# --- bad inputs ------------------------------------------------------------------------


BAD_INPUTS = [
    ("empty.pdf", lambda: b"", EmptyDocumentError, "empty file (0 bytes)"),
    (
        "truncated.pdf",
        lambda: _kent_bytes()[: len(_kent_bytes()) // 2],
        IngestError,
        "corrupt or truncated PDF: Data format error",
    ),
    (
        "locked.pdf",
        _encrypted_pdf,
        IngestError,
        "password-protected PDF: cannot read without the password",
    ),
    (
        "scan.pdf",
        _blank_pdf,
        EmptyDocumentError,
        "no text layer (scanned PDF?); OCR is not available",
    ),
    (
        "error.pdf",
        lambda: b"<html><body><h1>404 Not Found</h1></body></html>",
        UnsupportedFileError,
        "not a PDF: the content is an HTML page (an error page saved as .pdf?)",
    ),
    (
        "data.txt",
        lambda: b"\x00\x01\x02binary\x00",
        UnsupportedFileError,
        "binary content in a text file (.txt)",
    ),
    (
        "sheet.xlsx",
        lambda: b"PK\x03\x04",
        UnsupportedFileError,
        "unsupported file type '.xlsx' (supported: .pdf, .docx, .html, .htm, .md, .txt)",
    ),
    ("blank.txt", lambda: b"  \n\n \t\n", EmptyDocumentError, "no text found in the file"),
]


@pytest.mark.parametrize(
    ("name", "make", "error", "message"), BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_inputs_fail_with_one_line_reason(
    tmp_path: Path, name: str, make, error: type[Exception], message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(error) as caught:
        load_document(path, name, meta_extractor=RecordingExtractor())
    assert str(caught.value) == message


def test_directory_given_as_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    with pytest.raises(IngestError, match="^cannot read file: it is a directory$"):
        load_document(folder, "folder.pdf", meta_extractor=RecordingExtractor())


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="^cannot read file: no such file$"):
        load_document(tmp_path / "gone.txt", "gone.txt", meta_extractor=RecordingExtractor())


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("text", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reads (see directory test)")
        with pytest.raises(IngestError, match="^cannot read file: permission denied$"):
            load_document(path, "secret.txt", meta_extractor=RecordingExtractor())
    finally:
        path.chmod(0o644)


# --- walking folders ---------------------------------------------------------------------


def test_iter_files_walks_sorted_and_skips_hidden_and_lock_files(tmp_path: Path) -> None:
    root = tmp_path / "reports"
    (root / "b dir").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / ".git" / "config.txt").write_text("x")
    (root / ".hidden.pdf").write_text("x")
    (root / "~$lock.docx").write_text("x")
    (root / "z.pdf").write_text("x")
    (root / "a.txt").write_text("x")
    (root / "notes.xyz").write_text("x")
    (root / "b dir" / "children's report.pdf").write_text("x")
    single = tmp_path / "single.md"
    single.write_text("x")

    found = iter_files([root, single, root / "a.txt"])

    assert [source for _, source in found] == [
        "a.txt",
        "b dir/children's report.pdf",
        "notes.xyz",
        "z.pdf",
        "single.md",
    ]
    assert found[1][0] == root / "b dir" / "children's report.pdf"


def test_links_out_of_a_folder_are_skipped_with_a_reason(tmp_path: Path) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("x")
    root = tmp_path / "reports"
    (root / "sub").mkdir(parents=True)
    (root / "report.txt").write_text("x")
    (root / "secret.txt").symlink_to(outside / "secret.txt")
    (root / "sub" / "all private").symlink_to(outside, target_is_directory=True)
    (root / "sub" / "same report.txt").symlink_to(root / "report.txt")  # inside: fine
    (root / "sub" / "up.txt").symlink_to("../../private/secret.txt")  # relative, still out

    files, skipped = find_files([root])

    assert [source for _, source in files] == ["report.txt"]  # the inside link is a duplicate
    assert skipped == [
        ("secret.txt", "symbolic link to a file outside the folder: not followed"),
        ("sub/all private", "symbolic link to a folder outside the folder: not followed"),
        ("sub/up.txt", "symbolic link to a file outside the folder: not followed"),
    ]
    assert iter_files([root]) == files
    # a file named on its own is read where it is, link or not
    assert find_files([root / "secret.txt"]) == ([(root / "secret.txt", "secret.txt")], [])


def test_iter_files_returns_missing_paths_for_the_caller_to_report(tmp_path: Path) -> None:
    assert iter_files([tmp_path / "nope.pdf"]) == [(tmp_path / "nope.pdf", "nope.pdf")]


def test_markdown_without_a_known_title_takes_its_first_heading(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Northby care leavers\n\nThe hub opens on Fridays.\n", encoding="utf-8")
    assert load_document(path, "notes.md").meta.title == "Northby care leavers"
    plain = tmp_path / "notes.txt"
    plain.write_text("Northby care leavers\n\nThe hub opens on Fridays.\n", encoding="utf-8")
    assert load_document(plain, "notes.txt").meta.title is None
