"""Two councils' reports under one file name, through the CLI: both kept, both answerable.

Real PDFs of the development data, real parsing, embedding model and Chroma. The
reports sit in two folders under the same name, as Ofsted's downloads do.
"""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from tests.e2e.conftest import SAME_NAME

pytestmark = pytest.mark.e2e
# only on the last two pages of Sutton's report (which its earlier version lacks)
CHRISTMAS = "What do Sutton's leaders do for care leavers on Christmas Day?"
runner = CliRunner()


def cli(*args: str, data_dir) -> object:
    return runner.invoke(app, [*args, "--data-dir", str(data_dir)])


def listed(data_dir) -> list[dict]:
    result = cli("docs", "list", "--json", data_dir=data_dir)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def citations(question: str, data_dir) -> list[dict]:
    result = cli("ask", question, "--json", data_dir=data_dir)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["citations"]


def cited_titles(question: str, data_dir) -> list[str]:
    found = citations(question, data_dir)
    assert found, question
    return [c["title"] for c in found]


def cited_quotes(question: str, data_dir) -> list[str]:
    return [c["quote"] for c in citations(question, data_dir)]


def test_two_folders_ingested_separately_keep_both_reports(same_name_reports, tmp_path):
    data = tmp_path / "library"
    sutton, newcastle = same_name_reports["Sutton"], same_name_reports["Newcastle upon Tyne"]
    first = cli("ingest", str(sutton.parent), data_dir=data)
    assert first.exit_code == 0, first.output
    assert "added 1, updated 0" in first.stdout
    second = cli("ingest", str(newcastle.parent), data_dir=data)
    assert second.exit_code == 0, second.output
    assert "added 1, updated 0" in second.stdout
    assert "another document has the same name and is kept" in second.stdout

    docs = listed(data)
    assert [d["source"] for d in docs] == [SAME_NAME, SAME_NAME]
    assert sorted(a for d in docs for a in d["authorities"]) == ["Newcastle upon Tyne", "Sutton"]
    # each records how it arrived: the full path it was read from, who ran the command, when
    assert sorted(d["added_from"] for d in docs) == sorted(
        str(p.absolute()) for p in (sutton, newcastle)
    )
    assert all(d["origin"] == "file" and d["ingested_at"] for d in docs)
    assert all(d["added_by"].endswith("(command line)") for d in docs)

    # each is answerable, from its own report
    titles = cited_titles("What was Sutton's overall effectiveness judgement?", data)
    assert all("Sutton" in t for t in titles), titles
    titles = cited_titles("What was Newcastle's overall effectiveness judgement?", data)
    assert all("Newcastle" in t for t in titles), titles

    # either folder again: nothing changes, nothing is removed
    again = cli("ingest", str(sutton.parent), str(newcastle.parent), data_dir=data)
    assert "added 0, updated 0, unchanged 2" in again.stdout
    assert len(listed(data)) == 2

    # the shared name is ambiguous: removing by it asks for an id instead of guessing
    removed = cli("docs", "remove", SAME_NAME, data_dir=data)
    assert removed.exit_code != 0
    assert "matches 2 documents, give an id" in removed.stderr
    assert len(listed(data)) == 2


def test_two_folders_in_one_run_keep_both_reports(same_name_reports, tmp_path):
    data = tmp_path / "library"
    folders = [str(same_name_reports[a].parent) for a in ("Sutton", "Newcastle upon Tyne")]
    result = cli("ingest", *folders, data_dir=data)
    assert result.exit_code == 0, result.output
    assert "added 2, updated 0" in result.stdout
    docs = listed(data)
    assert sorted(a for d in docs for a in d["authorities"]) == ["Newcastle upon Tyne", "Sutton"]


def test_a_new_version_at_the_same_path_replaces_and_a_copy_is_stored_once(
    same_name_reports, tmp_path
):
    data = tmp_path / "library"
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / SAME_NAME
    shutil.copyfile(same_name_reports["Sutton, earlier"], target)
    assert "added 1" in cli("ingest", str(folder), data_dir=data).stdout
    [earlier] = listed(data)
    assert not any("Christmas lunch" in quote for quote in cited_quotes(CHRISTMAS, data))

    shutil.copyfile(same_name_reports["Sutton"], target)  # the full report, same path
    result = cli("ingest", str(folder), data_dir=data)
    assert result.exit_code == 0, result.output
    assert "added 0, updated 1, unchanged 0" in result.stdout
    [full] = listed(data)
    assert full["doc_id"] != earlier["doc_id"] and full["pages"] > earlier["pages"]
    assert any("Christmas lunch" in quote for quote in cited_quotes(CHRISTMAS, data))

    # the same content again, at its path or under another name: stored once
    copy = tmp_path / "elsewhere"
    copy.mkdir()
    shutil.copyfile(target, copy / "sutton.pdf")
    result = cli("ingest", str(folder), str(copy), data_dir=data)
    assert "added 0, updated 0, unchanged 2" in result.stdout
    assert f"same content as {SAME_NAME}, stored once" in result.stdout
    assert [d["doc_id"] for d in listed(data)] == [full["doc_id"]]
