"""``eval`` through typer's runner: the real sample index, and a two-file tutorial baseline."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from assistant.cli.app import app
from tests.conftest import REPO, SAMPLE

pytestmark = pytest.mark.e2e
runner = CliRunner()

SAMPLE_SET = {
    json.loads(line)["id"]: json.loads(line)
    for line in (REPO / "bench" / "eval" / "sample.jsonl").read_text().splitlines()
    if line.strip()
}


def _write_set(path, ids):
    path.write_text("\n".join(json.dumps(SAMPLE_SET[i]) for i in ids) + "\n", encoding="utf-8")
    return path


def test_eval_json_on_the_sample_index(sample_data_dir, tmp_path):
    # s002 (Westminster APA table), s016 (Bromley named differently), s037 (Devon paper),
    # s070 (Kent PDF grade), s086 (unanswerable).
    ids = ["s002", "s016", "s037", "s070", "s086"]
    path = _write_set(tmp_path / "q.jsonl", ids)
    result = runner.invoke(
        app, ["eval", str(path), "--json", "-k", "5", "--data-dir", str(sample_data_dir)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["k"] == 5 and data["baseline"] is None
    overall = data["overall"]
    assert (overall["questions"], overall["answerable"], overall["unanswerable"]) == (5, 4, 1)
    rows = {r["id"]: r for r in data["questions"]}
    assert [r["id"] for r in data["questions"]] == ids
    assert set(rows["s002"]) == {
        "id",
        "type",
        "found_rank",
        "report_rank",
        "fact_ok",
        "refused",
        "citations_valid",
        "citations",
    }
    # The known-easy question: its gold quote is in the top 5 and its report comes first.
    assert rows["s002"]["found_rank"] is not None and rows["s002"]["found_rank"] <= 5
    assert rows["s002"]["report_rank"] == 1
    assert rows["s070"]["report_rank"] is not None and rows["s070"]["report_rank"] <= 2
    assert overall["recall_at_5"] >= 0.75 and overall["report_at_5"] == 1.0
    assert overall["recall_at_1"] <= overall["recall_at_3"] <= overall["recall_at_5"]
    assert 0 < overall["mrr"] <= 1
    # Every citation quote is an exact substring of its document: the ask contract.
    assert overall["citations"] > 0 and overall["citations_valid"] == overall["citations"]
    assert rows["s086"]["found_rank"] is None and rows["s086"]["fact_ok"] is None
    assert sorted(data["by_type"]) == ["authority", "grade", "list", "table", "unanswerable"]
    assert data["by_type"]["table"]["questions"] == 1
    assert data["by_type"]["unanswerable"]["recall_at_5"] is None
    assert overall["wrong_refusals"] == sum(rows[i]["refused"] for i in ids if i != "s086")


@pytest.fixture(scope="module")
def two_file_library(tmp_path_factory):
    """Two sample texts in a folder, and a fresh index built from it with `ingest`."""
    root = tmp_path_factory.mktemp("two-files")
    docs = root / "docs"
    (docs / "corpus").mkdir(parents=True)
    for name in (
        "westminster-2006-apa-letter.txt",
        "devon-ctsb-2010-board-report-outstanding-services.txt",
    ):
        shutil.copy(SAMPLE / "corpus" / name, docs / "corpus" / name)
    data_dir = root / "data"
    result = runner.invoke(app, ["ingest", str(docs), "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    questions = _write_set(root / "q.jsonl", ["s002", "s004", "s037", "s086"])
    return docs, data_dir, questions


def test_eval_baseline_json(two_file_library):
    docs, data_dir, questions = two_file_library
    result = runner.invoke(
        app,
        [
            "eval",
            str(questions),
            "--baseline",
            "--docs",
            str(docs),
            "--json",
            "--data-dir",
            str(data_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    base = data["baseline"]
    assert base["pipeline"] == "langchain-tutorial" and base["files"] == 2
    assert 15 <= base["chunks"] <= 60  # ~29,000 characters in 1,000-character chunks
    assert base["skipped"] == []
    assert base["overall"]["answerable"] == 3
    assert set(base["ratio"]) == {
        "recall_at_1",
        "recall_at_3",
        "recall_at_5",
        "mrr",
        "report_at_1",
        "report_at_5",
    }
    assert data["ratio_recall_at_5"] == pytest.approx(
        data["overall"]["recall_at_5"] / base["overall"]["recall_at_5"], abs=1e-3
    )
    rows = {r["id"]: r for r in data["questions"]}
    # The only Devon file is found by both pipelines, and ranked first.
    assert rows["s037"]["report_rank"] == 1 and rows["s037"]["baseline_report_rank"] == 1
    assert rows["s002"]["baseline_found_rank"] is not None
    assert rows["s086"]["baseline_found_rank"] is None


def test_eval_baseline_text_shows_both_side_by_side(two_file_library):
    docs, data_dir, questions = two_file_library
    result = runner.invoke(
        app,
        ["eval", str(questions), "--baseline", "--docs", str(docs), "--data-dir", str(data_dir)],
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("q.jsonl: 4 questions (3 answerable, 1 unanswerable), k = 5")
    assert "| all " in out and "| unanswerable " in out
    assert f"Baseline: LangChain tutorial pipeline over {docs} (2 files," in out
    assert "| metric   | ours | baseline | ours/baseline |" in out
    ratio = next(line for line in out.splitlines() if line.startswith("recall@5 ours/baseline: "))
    assert float(ratio.split(": ")[1]) > 0


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (None, [], "error: eval file not found:"),
        ("{not json\n", [], "error: q.jsonl line 1: not valid JSON"),
        ('{"id": "a", "question": "Why?"}\n', [], "error: q.jsonl line 1: missing field"),
        (json.dumps(SAMPLE_SET["s002"]), ["--baseline"], "error: --baseline needs --docs DIR"),
        (json.dumps(SAMPLE_SET["s002"]), ["--docs", "."], "error: --docs is only used with"),
    ],
    ids=["missing-file", "bad-json", "missing-fields", "baseline-without-docs", "docs-alone"],
)
def test_eval_bad_input_exits_2_with_one_line(tmp_path, content, extra, message):
    path = tmp_path / "q.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["eval", str(path), *extra])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr


def test_eval_on_an_empty_index_says_so(tmp_path):
    path = _write_set(tmp_path / "q.jsonl", ["s002"])
    result = runner.invoke(app, ["eval", str(path), "--data-dir", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert "the index is empty" in result.stderr
