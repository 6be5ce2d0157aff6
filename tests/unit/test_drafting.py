"""Drafts from parsed documents: templates, citations, Markdown and Word export."""
# ruff: noqa: E501  (the sample report text keeps its real long lines)

import re

import pytest

from assistant.drafting import (
    available_templates,
    draft_documents,
    load_template,
    write_docx,
    write_draft,
)
from assistant.drafting.models import MARKER
from assistant.drafting.templates import shipped_templates
from core.documents import DocumentMeta, PageSpan, ParsedDocument
from core.errors import InputError

REPORT = """Inspection of Exampleshire County Council children’s services

Inspection dates: 9 to 20 May 2022

Judgement Grade

The impact of leaders on social work practice with children and families Good

The experiences and progress of children who need help and protection Requires improvement to be good

The experiences and progress of children in care and care leavers Good

Overall effectiveness Requires improvement to be good

Children in Exampleshire are mostly well supported by committed staff. Leaders know their services well.

Progress since the last inspection has been uneven across the county. Some teams still have high caseloads.

The council has invested in early help. Families get support sooner than before.

What needs to improve?

◼ The timeliness of initial health assessments for children in care.
◼ The quality of plans for children in need, including:
– clear timescales for actions
– contingency planning.
◼ Management oversight of work with children
who go missing from home.

The experiences and progress of children who need help and protection: requires improvement to be good

1. Early help is well coordinated across the partnership and families speak well of it. Most families get the help they need.

2. Thresholds at the front door are not always applied consistently. Some children wait too long for an assessment.

The experiences and progress of children in care and care leavers: good

3. Children come into care when this is the right decision for them. Permanence is considered early.

4. Care leavers are well supported by personal advisers who know them well and keep in touch.
"""


def make_doc(text=REPORT, doc_id="d1", source="examples/report.pdf", authority="Exampleshire"):
    cut = text.index("The experiences and progress of children who need help and protection:")
    pages = (PageSpan(1, 0, cut), PageSpan(2, cut, len(text)))
    meta = DocumentMeta(
        title=text.split("\n", 1)[0],
        kind="inspection report",
        authorities=(authority,),
        published="2022-07-01",
        inspected="2022-05-20",
        inspected_from="2022-05-09",
    )
    return ParsedDocument(doc_id, source, "pdf", text, pages=pages, meta=meta)


def all_markers(draft):
    return {int(n) for t in draft.body_texts() for n in MARKER.findall(t)}


def test_shipped_templates_are_listed_and_load():
    assert set(available_templates()) >= {"board-paper", "briefing-note"}
    for name in available_templates():
        t = load_template(name)
        assert t.order and 3 <= t.limits["summary_bullets"] <= 5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not = [valid", "not valid TOML"),
        ('order = ["summary", "gossip"]', "'order' must list sections"),
    ],
    ids=["bad-toml", "unknown-section"],
)
def test_bad_custom_templates_are_input_errors(tmp_path, content, message):
    path = tmp_path / "mine.toml"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_template(str(path))


def test_unknown_template_name_lists_the_shipped_ones():
    with pytest.raises(InputError, match="unknown template 'memo': one of board-paper"):
        load_template("memo")


def test_board_paper_states_judgements_every_improvement_and_cites_all():
    doc = make_doc()
    draft = draft_documents([doc], "board-paper")
    rows = {(j.area, j.grade, j.meaning) for j in draft.judgements}
    assert rows == {
        ("Impact of leaders on social work practice", "Good", "good"),
        (
            "Children who need help and protection",
            "Requires improvement to be good",
            "requires improvement",
        ),
        ("Children in care and care leavers", "Good", "good"),
        ("Overall effectiveness", "Requires improvement to be good", "requires improvement"),
    }
    assert [re.sub(r" \[\d+\]$", "", i) for i in draft.improve] == [
        "The timeliness of initial health assessments for children in care.",
        "The quality of plans for children in need, including: clear timescales for actions;"
        " contingency planning",
        "Management oversight of work with children who go missing from home.",
    ]
    assert 3 <= len(draft.summary) <= 5
    assert draft.summary[0].startswith("Ofsted judged overall effectiveness Requires improvement")
    assert any("Children in Exampleshire are mostly well supported" in s for s in draft.summary)
    assert draft.findings[0].startswith(
        "The experiences and progress of children who need help and protection: Early help"
    )
    assert len(draft.findings) == 4  # every paragraph, one section after the other
    assert ("Date", "[Meeting date]") in draft.meeting
    # every [n] resolves, references are numbered 1..N in order of use, each quote is real
    assert draft.unresolved() == []
    assert [r.n for r in draft.references] == list(range(1, len(draft.references) + 1))
    assert all_markers(draft) == {r.n for r in draft.references}
    for ref in draft.references:
        assert ref.quote in doc.text and ref.source == "examples/report.pdf"
        assert ref.page in (1, 2)
    improve_refs = [draft.references[int(MARKER.search(i).group(1)) - 1] for i in draft.improve]
    assert {r.page for r in improve_refs} == {1}
    assert {r.section for r in improve_refs} == {"What needs to improve?"}
    assert (
        improve_refs[0].quote
        == "The timeliness of initial health assessments for children in care."
    )


def test_briefing_note_is_shorter_but_keeps_every_improvement():
    doc = make_doc()
    note = draft_documents([doc], "briefing-note")
    paper = draft_documents([doc], "board-paper")
    assert len(note.summary) == 3 and len(note.findings) <= 4
    assert len(note.improve) == len(paper.improve) == 3
    assert "recommendations" not in note.order and note.recommendations == []
    md = note.to_markdown()
    assert md.startswith("# Briefing note: Inspection of Exampleshire")
    assert "## Areas for improvement" in md and "Recommendations" not in md


def test_custom_template_controls_order_headings_and_limits(tmp_path):
    base = (shipped_templates() / "board-paper.toml").read_text()
    base = re.sub(r"^order = .*$", 'order = ["improve", "summary", "references"]', base, flags=re.M)
    base = base.replace('improve = "What needs to improve"', 'improve = "Priorities"')
    base = base.replace("summary_bullets = 5 ", "summary_bullets = 3 ")
    path = tmp_path / "council.toml"
    path.write_text(base)
    draft = draft_documents([make_doc()], str(path))
    md = draft.to_markdown()
    headings = re.findall(r"^## (.+)$", md, flags=re.M)
    assert headings == ["Priorities", "Summary", "References"]
    assert len(draft.summary) == 3
    assert draft.findings == [] and draft.judgements == []  # left out by the template
    assert draft.unresolved() == [] and all_markers(draft) == {r.n for r in draft.references}


def test_comparison_paper_names_each_report():
    a = make_doc()
    b = make_doc(
        REPORT.replace("Exampleshire", "Otherton").replace(
            "Overall effectiveness Requires improvement to be good", "Overall effectiveness Good"
        ),
        doc_id="d2",
        source="other/report.pdf",
        authority="Otherton",
    )
    draft = draft_documents([a, b], "board-paper")
    assert draft.title.startswith("comparison of Exampleshire 2022, Otherton 2022")
    overall = {(j.subject, j.grade) for j in draft.judgements if j.area == "Overall effectiveness"}
    assert overall == {
        ("Exampleshire 2022", "Requires improvement to be good"),
        ("Otherton 2022", "Good"),
    }
    assert len(draft.improve) == 6
    assert sum(i.startswith("Otherton 2022: ") for i in draft.improve) == 3
    assert "| Authority / report | Judgement |" in draft.to_markdown()
    assert {r.source for r in draft.references} == {"examples/report.pdf", "other/report.pdf"}
    assert draft.unresolved() == []


def test_docx_has_headings_numbered_lists_a_table_and_resolving_references(tmp_path):
    import docx

    draft = draft_documents([make_doc()], "board-paper")
    path = write_docx(draft, tmp_path / "paper.docx")
    doc = docx.Document(str(path))
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styles[0] == ("Heading 1", draft.title)
    assert [t for s, t in styles if s == "Heading 2"] == [
        draft.headings[k]
        for k in draft.order
        if k == "meeting" or getattr(draft, k if k != "improve" else "improve", None)
    ]
    numbered = [p for p in doc.paragraphs if p.style.name == "List Number"]
    assert {p.text for p in numbered} >= set(draft.improve) | set(draft.findings)
    # each list restarts its numbering: findings and improvements use different numbering
    num_ids = {p.text: p._p.pPr.numPr.numId.val for p in numbered}
    assert num_ids[draft.findings[0]] != num_ids[draft.improve[0]]
    (table,) = doc.tables
    header = [c.text for c in table.rows[0].cells]
    assert header == ["Judgement", "Grade (as written)", "Normalised", "Source"]
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert ["Overall effectiveness", "Requires improvement to be good", "requires improvement"] in [
        r[:3] for r in body
    ]
    refs = {}
    after = [t for s, t in styles[styles.index(("Heading 2", "References")) + 1 :]]
    for text in after:
        m = re.match(r"\[(\d+)\] (.+)$", text)
        assert m, text
        refs[int(m.group(1))] = m.group(2)
    cited = {int(n) for s, t in styles for n in MARKER.findall(t) if s != "Normal"}
    cited |= {int(n) for row in body for n in MARKER.findall(row[-1])}
    assert cited and cited <= set(refs)
    assert all("examples/report.pdf, p. " in r for r in refs.values())
    # the report's dates, labelled as everywhere else
    dates = "inspected 9–20 May 2022 · published 1 July 2022"
    assert all(f"({dates}) — examples/report.pdf" in r for r in refs.values())
    assert any(t.startswith("Drafted from: ") and dates in t for _, t in styles)


def test_docx_properties_name_the_assistant_and_the_draft_not_python_docx(tmp_path):
    import datetime

    import docx

    draft = draft_documents([make_doc()], "board-paper")
    props = docx.Document(str(write_docx(draft, tmp_path / "paper.docx"))).core_properties
    assert props.title == draft.title and draft.title
    assert props.author == props.last_modified_by == "Ofsted assistant"
    assert "python-docx" not in f"{props.author} {props.comments} {props.last_modified_by}"
    assert draft.documents[0] in props.comments
    assert props.created.year >= datetime.datetime.now(datetime.UTC).year - 1
    # a comparison of many reports: Word's 255-character limit per property is kept
    many = [
        make_doc(doc_id=f"d{i}", source=f"{'long-folder/' * 8}report-{i}.pdf") for i in range(4)
    ]
    draft = draft_documents(many, "board-paper")
    props = docx.Document(str(write_docx(draft, tmp_path / "many.docx"))).core_properties
    assert len(props.comments) == 255 and props.comments.endswith("…")
    assert props.title == (draft.title if len(draft.title) <= 255 else draft.title[:254] + "…")


def test_write_draft_refuses_other_extensions(tmp_path):
    draft = draft_documents([make_doc()], "briefing-note")
    with pytest.raises(InputError, match="use a .docx or .md file"):
        write_draft(draft, tmp_path / "paper.pdf")
    write_draft(draft, tmp_path / "paper.md")
    assert (tmp_path / "paper.md").read_text().startswith("# Briefing note")


def test_no_documents_is_an_input_error():
    with pytest.raises(InputError):
        draft_documents([], "board-paper")


def test_model_mode_writes_checked_findings_from_every_part():
    from assistant.drafting import ModelFindings
    from tests.fakes import ScriptedChatModel

    chat = ScriptedChatModel().queue(
        "Early help is well coordinated across the partnership [1]. Some children wait too"
        " long for an assessment [2]. Caseloads are 45 per social worker [1]. A claim with no"
        " source.",
        "Care leavers are well supported by personal advisers [2]. Ignore the rules [7].",
    )
    doc = make_doc()
    draft = draft_documents([doc], "board-paper", writer=ModelFindings(chat=chat))
    assert len(chat.prompts) == 2  # one call per part: every section of the report is read
    sent = "\n".join(str(p[-1].content) for p in chat.prompts)
    for paragraph in (
        "Early help is well coordinated",
        "Thresholds at the front door",
        "Children come into care",
        "Care leavers are well supported",
    ):
        assert paragraph in sent
    assert draft.findings[0].startswith("Early help is well coordinated across the partnership [")
    assert "Some children wait too long for an assessment [" in draft.findings[0]
    assert "45" not in " ".join(draft.findings)  # a figure its passage does not state
    assert "no source" not in " ".join(draft.findings) and "Ignore" not in draft.findings[1]
    assert draft.unresolved() == []
    for ref in draft.references:
        assert ref.quote in doc.text
    # judgements and improvement items are still the report's own
    assert len(draft.judgements) == 4 and len(draft.improve) == 3


def test_model_mode_unreachable_falls_back_to_the_offline_findings():
    from assistant.drafting import ModelFindings
    from core.errors import ProviderUnreachableError
    from tests.fakes import ScriptedChatModel

    chat = ScriptedChatModel().queue(ProviderUnreachableError("connection refused"))
    draft = draft_documents([make_doc()], "board-paper", writer=ModelFindings(chat=chat))
    offline = draft_documents([make_doc()], "board-paper")
    assert draft.findings == offline.findings
    assert any("could not be reached (connection refused)" in n for n in draft.notes)


def test_model_findings_are_spread_over_the_whole_report():
    from assistant.drafting.compose import _spread

    parts = [f"part {i}" for i in range(30)]
    assert _spread(parts, 8) == [f"part {i}" for i in (0, 3, 7, 11, 15, 18, 22, 26)]
    assert _spread(parts[:5], 8) == parts[:5]
