"""A short form a report defines is read as its long form, once the report is in the library.

Real report: Cornwall's 2019 inspection (development data), which writes "children's
rights advocates (CRAs)"; the shipped glossary does not know the short form.
"""

import shutil

import pytest

from assistant.app import build_assistant
from core.settings import Settings
from ingest.loader import iter_files

pytestmark = pytest.mark.e2e

CORNWALL = "80454_cornwall/children's services inspection - 05 november 2019.pdf"
HARROW = "80499_harrow/children's services inspection - 16 march 2020.pdf"


def _one_report(shared_dir, tmp_path, report: str, name: str):
    """An assistant over an empty library, and a folder holding one real report."""
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(shared_dir / "ilacs" / report, folder / name)
    return build_assistant(Settings(data_dir=tmp_path / "index")), folder


def test_a_short_form_the_report_defines_finds_its_passages(shared_dir, tmp_path):
    assistant, folder = _one_report(shared_dir, tmp_path, CORNWALL, "cornwall-2019.pdf")
    question = "cornwall CRAs - what do they do"
    assert "children’s rights advocates" not in assistant.understand(question).analysis.expansions
    report = assistant.ingest(iter_files([folder]))
    assert [o.status for o in report.outcomes] == ["added"]
    # the same assistant learns it once the library has changed
    assert "children’s rights advocates" in assistant.understand(question).analysis.expansions
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    assert "rights advocate" in answer.text.lower()
    assert {c.source for c in answer.citations} == {"cornwall-2019.pdf"}
    # kept on disk for the next start
    assert (tmp_path / "index" / "cache" / "abbreviations.json").is_file()


def test_a_short_form_no_report_defines_is_read_as_the_name_the_report_writes(shared_dir, tmp_path):
    """Harrow's 2020 report writes "the ‘keeping families together’ team" and never "KFT"."""
    assistant, folder = _one_report(shared_dir, tmp_path, HARROW, "harrow-2020.pdf")
    assistant.ingest(iter_files([folder]))
    answer = assistant.ask("harrow KFT team?? wat is it")
    assert not answer.refused, answer.text
    assert "“KFT” is read as “keeping families together”" in answer.text
    assert "‘keeping families together’ team" in answer.text
    assert {c.source for c in answer.citations} == {"harrow-2020.pdf"}
    # a question typed in capitals: its words are no short forms
    answer = assistant.ask("WHAT DID OFSTED SAY ABOUT HARROW KFT TEAM")
    assert answer.text.count(" is read as ") == 1 and "“KFT” is read as" in answer.text
    # initials the report writes as no name are not guessed: nothing is said of them
    answer = assistant.ask("harrow QZV team?? wat is it")
    assert answer.refused, answer.text
    assert "read as" not in answer.text
