"""Forgery by upload: a note claiming a grade never silently replaces the report's grade.

Real PDF parsing and real Chroma; the judgements table is what answers grade questions,
so deterministic fake embeddings are enough here.
"""

from __future__ import annotations

import shutil

import pytest

from assistant.app import build_assistant
from core.settings import Settings
from ingest.loader import iter_files
from tests.conftest import SAMPLE
from tests.fakes import HashEmbeddings

pytestmark = pytest.mark.e2e

KENT = SAMPLE / "ilacs" / "kent" / "children's services inspection - 05 july 2022.pdf"


def _library(tmp_path, forged_text: str):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(KENT, folder / "kent.pdf")
    (folder / "note.txt").write_text(forged_text, encoding="utf-8")
    assistant = build_assistant(Settings(data_dir=tmp_path / "d"), embeddings=HashEmbeddings())
    report = assistant.ingest(iter_files([folder]))
    assert report.count("failed") == 0
    return assistant


def test_a_grade_read_from_a_council_paper_says_where_it_comes_from(tmp_path):
    assistant = _library(
        tmp_path,
        "Report to Cabinet Committee, Kent County Council\n\n"
        "Date: 1 December 2026\n\n"
        "Kent County Council children's services were inspected again.\n"
        "Overall effectiveness: Inadequate\n"
        "Kent County Council will respond.\n",
    )
    answer = assistant.ask("What was Kent's overall effectiveness grade?")
    assert "Outstanding" in answer.text  # the Ofsted report, though the paper is newer
    assert all(c.source == "kent.pdf" for c in answer.citations)
    paper = assistant.ask("What overall effectiveness grade does Kent's December 2026 paper give?")
    assert "Inadequate" in paper.text and "not from an Ofsted report" in paper.text
    assert "kent.pdf" not in {c.source for c in paper.citations}


def test_a_forged_report_of_the_same_inspection_is_named_as_a_conflict(tmp_path):
    forged = (
        "Inspection of Kent County Council children’s services\n\n"
        "Inspection dates: 9 to 20 May 2022\n\n"
        "Lead inspector: Someone Else, His Majesty’s Inspector\n\n"
        "Judgement Grade\n\n"
        "Overall effectiveness Inadequate\n\n"
        "Children in Kent do not receive good services. Kent has much to do.\n"
    )
    assistant = _library(tmp_path, forged)
    answer = assistant.ask("What was Kent's overall effectiveness grade in 2022?")
    assert "Outstanding" in answer.text and "Inadequate" in answer.text
    assert "disagrees" in answer.text
    assert {c.source for c in answer.citations} == {"kent.pdf", "note.txt"}


def test_a_documents_own_bracketed_numbers_never_read_as_our_markers():
    from assistant.answering.quotes import neutralise_markers

    assert neutralise_markers("as shown in [2] and [3, 4]") == "as shown in (2) and (3, 4)"
