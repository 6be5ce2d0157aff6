"""Drafts of real reports: every judgement and improvement item, the national report, the CLI."""

import dataclasses
import re
from functools import cache

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from assistant.drafting import draft_documents, draft_report
from assistant.drafting.models import MARKER
from assistant.structured import AREA_NAMES
from ingest.actions import extract_plan_rows
from ingest.authorities import AuthorityIndex
from ingest.loader import load_document
from tests.conftest import SAMPLE, SHARED
from tests.unit.test_judgements import ABSENT, COLUMNS, NOT_A_GRADE, ROWS

pytestmark = pytest.mark.e2e
runner = CliRunner()
ILACS = SHARED / "ilacs"
KENT = "ilacs/kent/children's services inspection - 05 july 2022.pdf"
NATIONAL = "ofsted-2010-outstanding-la-childrens-services-2009.txt"
_ITEM = re.compile(r"^\s*[◼■•▪●]\s+(?P<text>\S.*)$")


@cache
def authorities():
    return AuthorityIndex.load()


@cache
def stored_like(folder: str, name: str):
    """The document as the store gives it back: text, pages and metadata, no blocks."""
    doc = load_document(ILACS / folder / name, f"{folder}/{name}")
    return dataclasses.replace(doc, blocks=())


def _same(csv_grade: str, written: str) -> bool:
    a, b = csv_grade.lower().strip(), written.lower().strip()
    return a == b or (a == "requires improvement" and b.startswith("requires improvement"))


def _flat(text: str) -> str:
    return " ".join(text.split())


def listed_improvements(text: str) -> list[str]:
    """The bullet items of the "What needs to improve?" section, read independently."""
    lines = text.split("\n")
    items: list[str] = []
    for i, line in enumerate(lines):
        if not re.match(r"^\s*What needs to improve\??\s*$", line):
            continue
        for following in lines[i + 1 :]:
            if not following.strip() or following.strip().startswith("–"):
                continue
            m = _ITEM.match(following)
            if not m:
                break
            items.append(m.group("text").strip())
    return items


@pytest.mark.skipif(not ROWS, reason="shared/ilacs not available")
@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{r['local_authority']}-{r['publication_date']}" for r in ROWS]
)
def test_ilacs_draft_states_every_judgement_and_every_improvement(row):
    doc = stored_like(f"{row['urn']}_{row['local_authority']}", row["pdf_filename"])
    draft = draft_documents([doc], "board-paper", authorities())
    md = draft.to_markdown()
    table = {j.area: j for j in draft.judgements}
    for column, areas in COLUMNS.items():
        expected = row[column]
        if expected in NOT_A_GRADE:
            continue
        names = [AREA_NAMES[a] for a in areas]
        if expected in ABSENT:
            assert not any(n in table for n in names), (column, expected)
            continue
        got = [table[n] for n in names if n in table]
        assert len(got) == 1, (column, expected, list(table))
        line = got[0]
        assert _same(expected, line.grade), (column, expected, line.grade)
        assert line.meaning == (expected if expected != "requires improvement" else line.meaning)
        assert f"| {line.area} | {line.grade} | {line.meaning} | [{line.cite}] |" in md
        ref = draft.references[line.cite - 1]
        assert ref.quote.endswith(line.grade) and ref.page is not None
    improve = _flat(" ".join(draft.improve))
    section = listed_improvements(doc.text)
    for item in section:
        assert _flat(item) in improve, item
    for plan_row in extract_plan_rows(doc):
        if plan_row.origin == "report" and "should take the following" not in plan_row.area:
            assert _flat(plan_row.area) in improve, plan_row.area
    if section:
        assert len(draft.improve) == len(section)
    # every statement cites, every citation resolves to a quote of this document with a page
    assert 3 <= len(draft.summary) <= 5
    assert all(MARKER.search(t) for t in draft.summary + draft.findings + draft.improve)
    assert draft.unresolved() == []
    for ref in draft.references:
        assert ref.quote in doc.text and 1 <= ref.page <= len(doc.pages)
        assert ref.source == doc.source and ref.title == doc.meta.title


@pytest.mark.skipif(not ROWS, reason="shared/ilacs not available")
def test_ilacs_coverage_report():
    checked = items = 0
    for row in ROWS:
        doc = stored_like(f"{row['urn']}_{row['local_authority']}", row["pdf_filename"])
        draft = draft_documents([doc], "briefing-note", authorities())
        checked += len(draft.judgements)
        items += len(draft.improve)
    print(f"drafts: {len(ROWS)} reports, {checked} judgements, {items} improvement items")
    assert len(ROWS) == 39 and checked > 100 and items > 200


def test_national_report_draft_has_the_three_characteristics_and_ten_authorities(
    sample_assistant,
):
    draft = draft_report(sample_assistant, [NATIONAL], "board-paper")
    md = draft.to_markdown()
    for characteristic in (
        "consistency in practice that is driving real improvement of local services",
        "a clear focus on the children and young people who need support most and on their"
        " progress and development",
        "a deep understanding of local children, families and communities",
    ):
        assert characteristic in " ".join(draft.summary), characteristic
    ten = [
        "Blackburn with Darwen",
        "Camden",
        "City of London",
        "Kensington and Chelsea",
        "Kingston upon Thames",
        "Lewisham",
        "Richmond upon Thames",
        "Tower Hamlets",
        "Wandsworth",
        "York",
    ]
    assert [j.subject for j in draft.judgements] == ten
    assert all(f"| {name} | " in md for name in ten)
    assert any(all(name in s for name in ten) for s in draft.summary)
    assert len(draft.cases) == 10 and draft.cases[1].startswith("Camden: a virtual school")
    assert draft.unresolved() == []
    assert all(r.source.endswith(NATIONAL) and r.section for r in draft.references)


def test_stored_document_drafts_like_the_file(sample_assistant):
    from_store = draft_report(sample_assistant, [KENT], "board-paper")
    path = SAMPLE / KENT
    doc = load_document(path, KENT)
    from_file = draft_documents([doc], "board-paper", sample_assistant.authorities)
    assert from_store.to_markdown() == from_file.to_markdown()


def _invoke(*args):
    return runner.invoke(app, ["draft", *args])


def test_cli_prints_markdown_and_writes_docx(sample_data_dir, tmp_path):
    import docx

    data = ["--data-dir", str(sample_data_dir)]
    result = _invoke(KENT, "--template", "briefing-note", *data)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "# Briefing note: Inspection of Kent County Council children’s services"
    )
    assert "| Overall effectiveness | Outstanding | outstanding | [" in result.stdout
    out = tmp_path / "kent.docx"
    result = _invoke(KENT, "--out", str(out), *data)
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stdout and "3 improvement items, 4 judgements" in result.stdout
    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings[:3] == ["Meeting details", "Recommendations to the board", "Summary"]
    assert headings[-1] == "References"
    assert [c.text for c in document.tables[0].rows[4].cells][:2] == [
        "Overall effectiveness",
        "Outstanding",
    ]
    refs = {
        int(m.group(1))
        for p in document.paragraphs
        if (
            m := re.match(
                r"\[(\d+)\] .*kent/children's services inspection - 05 july 2022\.pdf, p\. \d+",
                p.text,
            )
        )
    }
    body = {
        int(n)
        for p in document.paragraphs
        if not re.match(r"\[\d+\] ", p.text)
        for n in MARKER.findall(p.text)
    }
    body |= {
        int(n) for row in document.tables[0].rows[1:] for n in MARKER.findall(row.cells[-1].text)
    }
    assert body and body <= refs


def test_cli_comparison_paper(sample_data_dir):
    worcestershire = "ilacs/worcestershire/children's services inspection - 29 july 2019.pdf"
    result = _invoke(KENT, worcestershire, "--data-dir", str(sample_data_dir))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# comparison of Kent 2022, Worcestershire 2019")
    assert "| Authority / report |" in result.stdout
    assert "| Kent 2022 | Overall effectiveness | Outstanding | outstanding |" in result.stdout
    assert "| Worcestershire 2019 | Overall effectiveness |" in result.stdout
    assert re.search(r"^\d+\. Worcestershire 2019: .+ \[\d+\]$", result.stdout, flags=re.M)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere.pdf"], "no document matches 'nowhere.pdf'"),
        ([KENT, "--out", "paper.pdf"], "use a .docx or .md file"),
        ([KENT, "--template", "memo"], "unknown template 'memo'"),
    ],
    ids=["unknown-doc", "bad-extension", "unknown-template"],
)
def test_cli_bad_input_is_a_one_line_error(sample_data_dir, args, message):
    result = _invoke(*args, "--data-dir", str(sample_data_dir))
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_model_mode_reads_every_paragraph_of_the_stored_report(sample_data_dir):
    from assistant.app import build_assistant
    from assistant.drafting.extract import extract_facts
    from core.settings import LLMSettings, Settings
    from tests.fakes import ScriptedChatModel

    chat = ScriptedChatModel().queue(
        *["Children are well supported by their social workers [1]."] * 40
    )
    settings = Settings(data_dir=sample_data_dir, llm=LLMSettings(mode="openai", api_key="x"))
    assistant = build_assistant(settings, chat=chat)
    draft = draft_report(assistant, [KENT], "board-paper")
    doc = assistant.store.parsed_document(assistant.resolve_document(KENT).doc_id)
    facts = extract_facts(doc, assistant.authorities)
    sent = "\n".join(str(p[-1].content) for p in chat.prompts)
    paragraphs = [u for _, units in facts.sections for u in units]
    assert len(paragraphs) > 50 and all(u.text in sent for u in paragraphs)
    assert len(draft.findings) == len(chat.prompts) == 7  # one finding per part read
    assert all(
        f.startswith("Children are well supported by their social workers [")
        for f in draft.findings
    )
    assert draft.unresolved() == [] and len(draft.improve) == 3 and len(draft.judgements) == 4
