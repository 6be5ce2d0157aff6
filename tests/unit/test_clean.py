import re
from pathlib import Path

import pytest

from ingest.clean import clean_pdf, clean_text
from ingest.markup import clean_inline
from ingest.parse_pdf import PdfLine, read_pdf
from ingest.pdf_layout import remove_furniture
from ingest.sniff import decode_text

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
KENT_2022 = SHARED / "ilacs" / "80476_kent" / "children's services inspection - 05 july 2022.pdf"
CORPUS_TXT = sorted((SHARED / "corpus").glob("*.txt")) if SHARED.is_dir() else []


def _needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared corpus not available: {path}")
    return path


@pytest.fixture(scope="module")
def kent_text() -> str:
    return clean_pdf(read_pdf(_needs(KENT_2022).read_bytes())).text


def _corpus(name: str) -> str:
    return clean_text(decode_text(_needs(SHARED / "corpus" / name).read_bytes())).text


# --- inline markup -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            'Info <input checked="" type="checkbox"/> Decision: <input type="checkbox"/>',
            "Info [x] Decision: [ ]",
        ),
        ("14 <sup>th</sup> September 2010", "14th September 2010"),
        ("during 2005–2006.<sup>1</sup> It provides", "during 2005–2006. It provides"),
        ("Safeguarding &amp; Social Care", "Safeguarding & Social Care"),
        ("<b>Grade 4:</b> <b>A service</b>, <i>innovative</i>", "Grade 4: A service, innovative"),
        ("<p>June 2011</p> <p>July 2011</p>", "June 2011; July 2011"),
        ("<p>Achieved.</p> <p>In progress</p>", "Achieved. In progress"),
        ('<ul style="list-style-type: none"> ■ Review ■ Introduce </ul>', "■ Review ■ Introduce"),
        ("**Block 1:** and *Every Child Matters*", "Block 1: and Every Child Matters"),
        ("[www.ofsted.gov.uk](http://www.ofsted.gov.uk)", "www.ofsted.gov.uk"),
        ("<http://www.ofsted.gov.uk/a-b>", "http://www.ofsted.gov.uk/a-b"),
        ("Grade awarded ¹", "Grade awarded"),
        ("A*-C grades and 5 * 3", "A*-C grades and 5 * 3"),
        (r"a \*literal\* star", "a *literal* star"),
        ("children\u2019s \u2018front door\u2019", "children\u2019s \u2018front door\u2019"),
        ("multi\ufffedisciplinary\u00a0team", "multi-disciplinary team"),
        ("\uf06e bullet", "■ bullet"),
        ("a < b and c > d", "a < b and c > d"),
    ],
    ids=[
        "checkboxes",
        "ordinal-sup",
        "footnote-sup",
        "entity",
        "bold-italic-tags",
        "cell-paragraphs",
        "cell-paragraphs-punctuated",
        "ul-with-bullets",
        "markdown-emphasis",
        "markdown-link",
        "autolink",
        "unicode-footnote",
        "grades-not-italic",
        "md-escapes",
        "curly-quotes-kept",
        "pdfium-hyphen-nbsp",
        "wingdings-bullet",
        "not-a-tag",
    ],
)
def test_clean_inline(raw: str, expected: str) -> None:
    assert clean_inline(raw) == expected


# --- plain text and Markdown -------------------------------------------------------------


def test_tab_table_row_becomes_one_line_and_trailing_empty_cells_go() -> None:
    text = "Intro\n\nA\tB\tC\t\t\n<p>x</p>\t<ul> ■ one ■ two </ul>\t<p>1</p> <p>2</p>\n"
    cleaned = clean_text(text).text
    assert cleaned.splitlines()[-2:] == ["A | B | C", "x | ■ one ■ two | 1; 2"]


def test_markdown_headings_bullets_and_rules() -> None:
    text = "# Title\n\n---\n\n## **Staying safe**\n\n- first point\n- 1.2 numbered\n  - nested\n"
    cleaned = clean_text(text, "md")
    assert cleaned.text == "Title\n\nStaying safe\n\n• first point\n\n1.2 numbered\n\n• nested"
    assert cleaned.hints[0] == "heading"
    assert cleaned.hints[cleaned.text.index("Staying safe")] == "heading"
    assert cleaned.hints[cleaned.text.index("• first")] == "list_item"


def test_markdown_joins_wrapped_lines_but_keeps_hard_breaks() -> None:
    text = "A paragraph wrapped\nover two lines.\n\nAlexandra House  \n33 Kingsway\n"
    assert clean_text(text, "md").text == (
        "A paragraph wrapped over two lines.\n\nAlexandra House\n\n33 Kingsway"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a plan intended to ensure it develops\n\n\n\n\ndetailed care plans for children.",
            "a plan intended to ensure it develops detailed care plans for children.",
        ),
        (
            "- they set targets and, even when these are met, want\n\n\n\n- to achieve more.",
            "• they set targets and, even when these are met, want to achieve more.",
        ),
        (
            "The council met its target.\n\n\n\ndetailed plans follow here.",
            "The council met its target.\n\ndetailed plans follow here.",
        ),
        ("Being healthy\n\n\n\nthe council is good.", "Being healthy\n\nthe council is good."),
    ],
    ids=["page-break-mid-sentence", "page-break-in-bullet", "sentence-ended", "after-heading"],
)
def test_paragraph_broken_by_page_break_is_rejoined(text: str, expected: str) -> None:
    assert clean_text(text).text == expected


def test_devon_board_paper_checkboxes_and_ordinals() -> None:
    text = _corpus("devon-ctsb-2010-board-report-outstanding-services.txt")
    assert "Info [x] Decision: [ ] Endorsement [x] Discussion [ ]" in text
    assert "Date of CTSB Meeting | 14th September 2010" in text
    assert "Section 1 – General" in text.splitlines()


def test_bromley_plan_rows_are_single_pipe_lines() -> None:
    text = _corpus("bromley-2012-apa-2011-improvement-plan.txt")
    lines = text.splitlines()
    header = "AREA FOR IMPROVEMENT | ACTIONS AND TASKS | TIMEFRAME (by) | PROGRESS | LEAD OFFICERS"
    assert lines.count(header) == 4
    row = next(line for line in lines if line.startswith("The service provided by the out-of"))
    assert row == (
        "The service provided by the out-of-hours service is not sufficiently robust | "
        "■ Review current out of hours service ■ All Emergency Duty Team (EDT) social workers "
        "to undertake a specialist child protection course ■ Introduce a new logging system on "
        "One Bromley to monitor referrals made by Care Line to EDT and track they have been "
        "dealt with. ■ Undertake discussions with LB Bexley to consider the viability of working "
        "with Bexley EDT service. | January 2012; August 2011; October 2011; Sept – Jan 2012 | "
        "In progress; Achieved; Achieved; In progress | Assistant Director (Safeguarding & "
        "Social Care); Head of Referral & Assessment"
    )
    assert "| 2008 | 2009 | 2010 | 2011" in lines


def test_westminster_grade_table_and_paragraph_across_page_break() -> None:
    text = _corpus("westminster-2006-apa-letter.txt")
    lines = text.splitlines()
    assert "Areas for judgement | Grade awarded" in lines
    assert (
        "The council's overall capacity to improve its services for children and young people | 4"
        in lines
    )
    assert "ensure it develops detailed care plans for children with complex needs." in text


@pytest.mark.parametrize("path", CORPUS_TXT, ids=[p.name for p in CORPUS_TXT])
def test_corpus_text_has_no_markup_left(path: Path) -> None:
    text = clean_text(decode_text(path.read_bytes())).text
    assert not re.search(r"</?(?:b|i|p|sup|ul|li|input|br)\b[^>]*>", text)
    assert "**" not in text and "&amp;" not in text and "\t" not in text
    assert "\n\n\n" not in text
    assert all(line == line.strip() for line in text.splitlines())


# --- PDF page furniture and paragraphs -------------------------------------------------


def _page(number: int, *texts: str) -> list[PdfLine]:
    return [PdfLine(text, number) for text in texts]


def test_running_headers_and_page_numbers_are_removed_but_a_single_heading_stays() -> None:
    pages = [
        _page(
            n,
            "Inspection of Somewhere children's services",
            f"1 to 5 May 2022 {n}",
            "Summary" if n == 2 else f"Body text of page {n}.",
            f"Words {'x' * n}.",
            str(n),
        )
        for n in range(1, 6)
    ]
    kept = remove_furniture(pages)
    texts = [[line.text for line in page] for page in kept]
    assert texts[1] == ["Summary", "Words xx."]
    assert all("Inspection of Somewhere" not in t for page in texts for t in page)
    assert all(not t.isdigit() for page in texts for t in page)


def test_text_only_lines_are_joined_into_paragraphs() -> None:
    lines = [
        "What needs to improve?",
        "◼ The practice of conducting visits to children during school hours, resulting in them",
        "missing lessons.",
        "◼ Manageable caseloads and workload support.",
        "The experiences and progress of children who need help and",
        "protection: good",
        "1. Children and their families have access to a good range of early help support",
        "services. Early help practitioners base their work on the development of multi-",
        "agency relationships and creative direct work to gain a sound understanding.",
        "2. The response to requests for help from children's social care is effective.",
    ]
    text = clean_pdf([_page(1, *lines)]).text
    assert text.split("\n") == [
        "What needs to improve?",
        "",
        "◼ The practice of conducting visits to children during school hours, resulting in them "
        "missing lessons.",
        "◼ Manageable caseloads and workload support.",
        "",
        "The experiences and progress of children who need help and protection: good",
        "",
        "1. Children and their families have access to a good range of early help support "
        "services. Early help practitioners base their work on the development of "
        "multi-agency relationships and creative direct work to gain a sound understanding.",
        "",
        "2. The response to requests for help from children's social care is effective.",
    ]


def test_kent_running_header_and_page_numbers_are_gone(kent_text: str) -> None:
    assert "9 to 20 May 2022 2" not in kent_text
    assert "9 to 20 May 2022" not in kent_text.replace("Inspection dates: 9 to 20 May 2022", "")
    assert kent_text.count("Inspection of Kent County Council children’s services") == 1
    assert not [line for line in kent_text.splitlines() if line.strip().isdigit()]


def test_kent_judgement_table_and_what_needs_to_improve(kent_text: str) -> None:
    lines = kent_text.splitlines()
    assert "Overall effectiveness Outstanding" in lines
    assert (
        "The impact of leaders on social work practice with children and families Outstanding"
        in lines
    )
    start = lines.index("What needs to improve?")
    assert lines[start + 2].startswith("◼ The practice of conducting visits to children")
    assert lines[start + 4] == (
        "◼ The response and the quality of assessment of need for young people aged 16 and "
        "17 years who present as homeless."
    )


def test_kent_numbered_paragraph_spanning_a_page_is_whole(kent_text: str) -> None:
    paragraph = next(line for line in kent_text.splitlines() if line.startswith("3. "))
    assert paragraph == (
        "3. When there are concerns about risk of harm to children, these are urgently "
        "responded to by the multi-agency network, with thorough exploration of immediate "
        "risk and concerns. This leads to children being promptly and appropriately "
        "safeguarded. Children are seen and spoken to, and appropriate steps are taken to "
        "gain parental consent and to ensure parents are kept updated."
    )


def test_kent_page_spans_locate_text() -> None:
    cleaned = clean_pdf(read_pdf(_needs(KENT_2022).read_bytes()))
    spans = cleaned.pages
    assert [span.number for span in spans] == list(range(1, len(spans) + 1))
    assert spans[0].start == 0 and spans[-1].end == len(cleaned.text)
    assert all(a.end == b.start for a, b in zip(spans, spans[1:], strict=False))
    offset = cleaned.text.index("Since the last inspection, leaders have successfully secured")
    assert next(s.number for s in spans if s.start <= offset < s.end) == 3
