"""How answers read in the chat: lists as lists, headings per authority, sources once."""

from __future__ import annotations

from pathlib import Path

import markdown_it
import pytest

from assistant.models import Answer, Citation
from assistant.service import PassageView
from core.documents import DocumentMeta
from ui import chat_view, views
from vectorstore.store import DocumentRecord

MD = markdown_it.MarkdownIt("commonmark")


def cite(n=1, page=3, section="Summary", doc="abc", quote="Leaders know their services well."):
    title = "Inspection of Kent County Council children’s services"
    return Citation(n, doc, "ilacs/kent/report.pdf", title, page, section, quote, 0.8)


def answer(text: str) -> Answer:
    return Answer("id1", "q", text, (cite(),), (), "extractive", None, None)


def html(text: str) -> str:
    return MD.render(chat_view.text_markdown(text))


def test_pdf_bullets_in_a_quote_become_a_list_under_its_lead_in():
    text = (
        "From the reports:\n"
        "- What needs to improve? ◼ Caseloads and supervision. ◼ The response to risk "
        "▪ when children go missing ▪ at night ◼ The quality of plans. [1]\n"
        "- Leaders know their services well. [2]"
    )
    out = html(text)
    assert "■" not in out and "◼" not in out and "▪" not in out
    assert out.count("<ul>") == 3  # the answer's list, the quote's list, its second level
    assert "<li>What needs to improve? [1]\n<ul>\n<li>Caseloads and supervision.</li>" in out
    assert "<li>when children go missing</li>\n<li>at night</li>" in out
    assert "<li>The quality of plans.</li>" in out  # the marker went to the lead-in
    assert "<li>Leaders know their services well. [2]</li>" in out


def test_a_line_that_is_a_list_and_a_note_after_a_list_stay_apart():
    out = html("Kent — What needs to improve:\n■ Caseloads. ■ Plans. [1]\n(and 2 more items)")
    assert "<ul>\n<li>Caseloads.</li>\n<li>Plans. [1]</li>\n</ul>" in out
    assert "<p>(and 2 more items)</p>" in out  # not run into the last item


def test_comparison_names_each_authority_as_a_heading():
    text = (
        "**Kent**\nFrom the judgements table (Kent):\n- Overall effectiveness: Outstanding [1]\n"
        "**Norfolk**\nFrom the judgements table (Norfolk):\n- Overall effectiveness: Inadequate [2]"
    )
    out = html(text)
    assert "<h4>Kent</h4>" in out and "<h4>Norfolk</h4>" in out
    assert out.index("<h4>Norfolk</h4>") > out.index("Outstanding [1]")
    assert "**" not in out


@pytest.mark.parametrize(
    "hostile",
    [
        "- ![pixel](http://evil.example/p.png) ■ [click](https://evil.example) [1]",
        "<img src=x onerror=alert(1)> ■ <script>alert(1)</script>",
        "**<b>x</b>**",
        "visit www.evil.example now",
    ],
)
def test_report_text_stays_text(hostile):
    out = html(hostile)
    assert "<a " not in out and "<img" not in out and "<script" not in out and "<b>" not in out


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2019. The year the service improved.", "<p>2019. The year"),
        ("+ not a list", "<p>+ not a list"),
        ("# not a heading", "<p># not a heading"),
        ("- - not a nested list", "<li>- not a nested list</li>"),
    ],
)
def test_report_text_is_not_read_as_markdown_structure(line, expected):
    assert expected in html(line)


def test_answer_markdown_has_no_source_list_and_shows_the_rewrite():
    md = chat_view.answer_markdown(answer("Leaders know it. [1]"), asked_as="What about Kent?")
    assert md.startswith("*Asked as:* What about Kent?")
    assert "Sources" not in md and "report.pdf" not in md


def record(doc="abc", authorities=("Kent",), inspected="2022-05-20") -> DocumentRecord:
    meta = DocumentMeta(authorities=tuple(authorities), inspected=inspected)
    return DocumentRecord(doc, "ilacs/kent/report.pdf", "pdf", meta, 3, 9, "2026-01-01T00:00")


def test_one_chip_per_place_with_authority_year_and_page():
    cites = [cite(1), cite(2), cite(3), cite(4, page=5), cite(5, doc="other", page=3)]
    chips = chat_view.source_chips(cites, {"abc": record()})
    assert [c.numbers for c in chips] == [(1, 2, 3), (4,), (5,)]
    assert (
        chips[0].label == "[1–3] Inspection of Kent County Council children’s… · Kent · 2022 · p. 3"
    )
    assert chips[1].label.startswith("[4] ") and chips[1].label.endswith("· p. 5")
    assert chips[2].label == "[5] Inspection of Kent County Council children’s… · p. 3"
    labels = [c.label for c in chips]
    assert len(set(labels)) == len(labels)


def test_numbers_label():
    assert chat_view.numbers_label([1]) == "[1]"
    assert chat_view.numbers_label([2, 1]) == "[1, 2]"
    assert chat_view.numbers_label([3, 1, 2]) == "[1–3]"
    assert chat_view.numbers_label([1, 4, 5]) == "[1, 4, 5]"


def test_passage_highlights_the_other_quotes_of_its_chip(tmp_path: Path):
    view = PassageView(
        1,
        "T",
        "s.pdf",
        2,
        None,
        "Intro.\n",
        "First point.",
        "\nSecond <point>.\nThird.",
        None,
        None,
    )
    out = views.passage_html(view, ["Second <point>.", "Not there."])
    assert "<mark class='quote'>First point.</mark>" in out
    assert "<mark class='also'>Second &lt;point&gt;.</mark>" in out
    assert out.count("<mark") == 2
