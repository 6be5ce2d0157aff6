"""The window's pure parts: escaping, labels, the passage panel, names, locks, binding."""

from __future__ import annotations

import threading
import time

import pytest

from assistant.cli.serve import check_bind
from assistant.models import Answer, Citation
from assistant.service import (
    PassageView,
    ReadWriteLock,
    answer_with_references,
    is_loopback,
    safe_upload_name,
)
from core.errors import ConfigError
from ui import views


def cite(n=1, page=3, quote="Leaders know their services well.") -> Citation:
    return Citation(n, "abc", "kent/report.pdf", "Inspection of Kent", page, "Summary", quote, 0.8)


def answer(text="Leaders know their services well [1].", citations=None) -> Answer:
    citations = (cite(),) if citations is None else citations
    return Answer("id1", "q", text, tuple(citations), (), "extractive", None, None)


@pytest.mark.parametrize(
    "hostile",
    [
        "![pixel](http://evil.example/p.png)",
        "[click](https://evil.example)",
        "<img src=x onerror=alert(1)>",
        "visit www.evil.example now",
        "<script>alert(1)</script>",
    ],
)
def test_markdown_escape_leaves_no_link_image_or_html(hostile):
    import markdown_it

    rendered = markdown_it.MarkdownIt("commonmark").render(views.md_escape(hostile))
    assert "<a " not in rendered and "<img" not in rendered and "<script" not in rendered


def test_answer_with_references_is_plain_text():
    text = answer_with_references(answer())
    assert text.splitlines()[0] == "Leaders know their services well [1]."
    assert (
        "[1] Inspection of Kent (kent/report.pdf), p. 3, section “Summary”: "
        "“Leaders know their services well.”" in text
    )


def test_passage_html_highlights_quote_escapes_text_and_links_pdf_page(tmp_path):
    view = PassageView(
        1,
        "Title <b>",
        "kent/report.pdf",
        5,
        "Help & protection",
        "Before <i>text</i>\n",
        "the quote",
        "\nafter",
        tmp_path / "abc.pdf",
        "pdf",
        "inspected 9–20 May 2022 · published 5 July 2022",
    )
    html = views.passage_html(view)
    assert "<mark class='quote'>the quote</mark>" in html
    assert "kent/report.pdf · inspected 9–20 May 2022 · published 5 July 2022 · page 5" in html
    assert "Title &lt;b&gt;" in html and "Before &lt;i&gt;text&lt;/i&gt;<br>" in html
    assert "page 5" in html and "section “Help &amp; protection”" in html
    assert "href='/original/abc#page=5'" in html and str(tmp_path) not in html
    other = PassageView(1, "T", "s.html", None, None, "", "q", "", tmp_path / "d0.html", "html")
    assert "href='/original/d0' target='_blank' rel='noopener' download>" in views.passage_html(
        other
    )
    missing = views.passage_html(PassageView(1, "T", "s", None, None, "", "q", "", None, None))
    assert "was not kept" in missing


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\Kent Report.PDF", "Kent Report.pdf"),
        (".hidden.txt", "hidden.txt"),
        ("a\x00b.txt", "a_b.txt"),
        ("", "upload"),
        ("Bristol’s report é.docx", "Bristol’s report é.docx"),
    ],
)
def test_safe_upload_name(given, expected):
    assert safe_upload_name(given) == expected
    assert "/" not in safe_upload_name(given) and "\\" not in safe_upload_name(given)


def test_read_write_lock_excludes_writers_from_readers():
    lock = ReadWriteLock()
    events: list[str] = []

    def reader():
        with lock.reading():
            events.append("read-start")
            time.sleep(0.2)
            events.append("read-end")

    def writer():
        time.sleep(0.05)
        with lock.writing():
            events.append("write")

    threads = [threading.Thread(target=reader), threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert events == ["read-start", "read-end", "write"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_no_login(host):
    assert is_loopback(host)
    assert check_bind(host, login=False, force=False) is None


def test_other_addresses_need_a_login_or_force():
    with pytest.raises(ConfigError, match="refusing to listen on 0.0.0.0 without a login"):
        check_bind("0.0.0.0", login=False, force=False)
    assert check_bind("0.0.0.0", login=True, force=False) is None
    warning = check_bind("192.168.1.5", login=False, force=True)
    assert warning and "without a login" in warning


def test_confirmations_name_the_document_and_escape_its_title():
    from assistant.models import IngestOutcome, IngestReport
    from core.documents import DocumentMeta
    from vectorstore.store import DocumentRecord

    meta = DocumentMeta(
        title="[click](https://evil.example) Inspection of Sutton",
        authorities=("Sutton",),
        kind="inspection report",
        inspected="2021-12-10",
        inspected_from="2021-12-06",
        published="2022-02-01",
    )
    record = DocumentRecord("f2006a0cebd1aaaa", "inspection.pdf", "pdf", meta, 29, 9, "")
    asked = views.delete_question(record)
    assert asked.startswith("**Delete this document?**")
    assert "inspected 6–10 December 2021 · published 1 February 2022" in asked
    assert "id f2006a0cebd1" in asked and "9 pages" in asked
    assert "](https" not in asked and "\\[click\\]" in asked
    held = IngestOutcome("new.pdf", "held", replaces=(record.doc_id, "gone"))
    replace = views.replace_question([held], {record.doc_id: record})
    assert "new.pdf would replace **\\[click\\]" in replace and "Sutton" in replace
    summary = views.ingest_summary(IngestReport((held,), 0.1))
    assert summary == "Upload: 1 waiting for you to confirm a replacement."


def test_documents_without_pages_show_a_dash_not_zero():
    from core.documents import DocumentMeta
    from vectorstore.store import DocumentRecord

    meta = DocumentMeta(title="Board paper", authorities=("Devon",), kind="board paper")
    text = DocumentRecord("7d85d1f466fd0000", "devon-board.txt", "txt", meta, 11, 0, "")
    pdf = DocumentRecord("f2006a0cebd1aaaa", "inspection.pdf", "pdf", meta, 29, 9, "")
    pages = views.DOCUMENT_COLUMNS.index("Pages")
    assert [row[pages] for row in views.document_rows([text, pdf])] == ["-", 9]
    assert "0 pages" not in views.document_line(text) and "9 pages" in views.document_line(pdf)
    assert " ·  · " not in views.document_line(text)
