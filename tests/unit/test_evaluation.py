"""Scoring against the evaluation set: normalisation, path matching, ranks and figures.

The baseline's store on real Chroma: ``tests/integration/test_evaluation.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from assistant.baseline import load_corpus
from assistant.cli.evaluate import render_report
from assistant.evaluation import (
    BaselineReport,
    EvalQuestion,
    EvalReport,
    GoldSource,
    RetrievalResult,
    evaluate,
    evaluate_retrieval,
    facts_ok,
    found_rank,
    load_eval_set,
    metrics,
    normalise,
    normalise_path,
    report_rank,
    retrieval_metrics,
    same_file,
    score_answer,
)
from assistant.models import Citation, Passage
from core.errors import InputError

KENT = "kent/x.pdf"


def passage(source: str, text: str, doc_id: str = "d1") -> Passage:
    return Passage(
        doc_id=doc_id, source=source, title=source, page=None, section=None, text=text, score=0.5
    )


def citation(quote: str, doc_id: str = "d1") -> Citation:
    return Citation(
        n=1, doc_id=doc_id, source=KENT, title="x", page=None, section=None, quote=quote, score=0.5
    )


@dataclass
class FakeAnswer:
    text: str = ""
    refused: bool = False
    retrieved: list[Passage] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


def question(
    qid: str = "q1",
    type: str = "fact",
    must: tuple[tuple[str, ...], ...] = (("good",),),
    sources: tuple[tuple[str, str], ...] = ((KENT, "Needs to improve"),),
) -> EvalQuestion:
    return EvalQuestion(
        id=qid,
        question=f"question {qid}?",
        type=type,
        must_include=must,
        sources=tuple(GoldSource(f, q) for f, q in sources),
    )


UNANSWERABLE = question("u1", "unanswerable", (), ())


# -- normalisation and paths ---------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<b>Grade</b>  **Good**", "grade good"),
        ("# Heading\n\nText", "heading text"),
        ("Children’s “front door”", 'children\'s "front door"'),
        ("■ one ◼ two • three", "one two three"),
        ("Overall effectiveness | Good | 2022", "overall effectiveness good 2022"),
        ("a|b stays", "a|b stays"),
        ("  Tabs\tand\nnewlines  ", "tabs and newlines"),
    ],
    ids=[
        "html-and-bold",
        "markdown-heading",
        "curly-quotes",
        "bullets",
        "table-cells",
        "bare-pipe-kept",
        "whitespace",
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("source", "gold", "same"),
    [
        ("ilacs/kent/x.pdf", "kent/x.pdf", True),
        ("80476_kent/x.pdf", "80476_kent/x.pdf", True),
        ("x.pdf", "kent/x.pdf", True),
        ("./corpus\\West.TXT", "corpus/west.txt", True),
        ("norfolk/a,  pdf.pdf", "norfolk/a, pdf.pdf", True),
        ("ilacs/kent/x.pdf", "ent/x.pdf", False),
        ("ilacs/norfolk/x.pdf", "kent/x.pdf", False),
        ("kent/x.pdf", "kent/y.pdf", False),
        ("", "kent/x.pdf", False),
    ],
    ids=[
        "folder-prefix",
        "same-path",
        "bare-name",
        "slashes-dot-case",
        "spaces",
        "partial-part",
        "other-folder",
        "other-file",
        "empty",
    ],
)
def test_same_file(source, gold, same):
    assert same_file(source, gold) is same
    assert same_file(gold, source) is same


def test_normalise_path():
    assert normalise_path("./A//B\\c  d.PDF") == "a/b/c d.pdf"


# -- ranks ---------------------------------------------------------------------------

HIT = passage(KENT, "The service needs to improve its planning.")
SAME_FILE = passage(KENT, "Children are safe.")
OTHER = passage("norfolk/y.pdf", "Nothing relevant.")
WRONG_FILE_HIT = passage("norfolk/y.pdf", "Norfolk needs to improve too.")


@pytest.mark.parametrize(
    ("passages", "found", "report"),
    [
        ([HIT, OTHER], 1, 1),
        ([SAME_FILE, HIT], 2, 1),
        ([OTHER, OTHER, OTHER, HIT, OTHER], 4, 4),
        ([WRONG_FILE_HIT, OTHER], None, None),
        ([WRONG_FILE_HIT, SAME_FILE], None, 2),
        ([], None, None),
        ([passage(KENT, "It needs to"), passage(KENT, "improve planning.")], None, 1),
        ([passage(KENT, "<p>It NEEDS  **to**\nimprove</p>")], 1, 1),
        ([passage("ilacs/kent/x.pdf", "needs to improve")], 1, 1),
    ],
    ids=[
        "first",
        "second-after-same-file",
        "fourth",
        "quote-in-wrong-file",
        "report-without-quote",
        "nothing-retrieved",
        "split-across-passages",
        "markup-case-space",
        "folder-prefixed-source",
    ],
)
def test_found_and_report_rank(passages, found, report):
    q = question()
    assert found_rank(q, passages) == found
    assert report_rank(q, passages) == report


def test_any_of_several_gold_quotes_counts_in_its_own_file():
    q = question(sources=((KENT, "needs to improve"), ("norfolk/y.pdf", "nothing relevant")))
    assert found_rank(q, [SAME_FILE, OTHER]) == 2
    assert report_rank(q, [OTHER]) == 1


@pytest.mark.parametrize(
    ("must", "text", "ok"),
    [
        ((("good",),), "Kent was GOOD overall.", True),
        ((("outstanding", "good"), ("2022",)), "Judged good in 2022", True),
        ((("outstanding", "good"), ("2022",)), "Judged good in 2019", False),
        ((("children's homes",),), "Children’s  homes were visited", True),
        ((("good",),), "", False),
        ((("five", "5"),), "as reported in 2025", False),  # a figure is a whole number
        ((("five", "5"),), "Wigan runs 5 homes.", True),
        ((("1,834",),), "1,834 children", True),
        ((("26",),), "the 26-week target", True),
        ((("26",),), "2.26 per cent", False),
    ],
    ids=[
        "case",
        "every-group",
        "one-group-missing",
        "quote-style-and-space",
        "empty",
        "digit-inside-a-year",
        "digit-alone",
        "thousands",
        "hyphenated",
        "decimal-part",
    ],
)
def test_facts_ok(must, text, ok):
    assert facts_ok(question(must=must), text) is ok


# -- one answer ----------------------------------------------------------------------


def test_score_answer_checks_citations_against_document_text():
    texts = {"d1": "Leaders know their services well. The service needs to improve."}
    answer = FakeAnswer(
        text="It was good [1].",
        retrieved=[SAME_FILE, HIT],
        citations=[
            citation("Leaders know their services well."),
            citation("leaders know their services well."),  # not exact
            citation("needs to improve", doc_id="gone"),  # unknown document
        ],
    )
    r = score_answer(question(), answer, texts.get)
    assert (r.found_rank, r.report_rank, r.fact_ok, r.refused) == (2, 1, True, False)
    assert (r.citations_valid, r.citations) == (1, 3)


def test_a_refusal_holds_no_facts_whatever_it_repeats_of_the_question():
    # the refusal names the question, and with it a word the gold answer needs
    refusal = FakeAnswer(text="The reports do not cover “was it good in 2022”.", refused=True)
    r = score_answer(question(must=(("good",), ("2022",))), refusal, {}.get)
    assert (r.fact_ok, r.refused) == (False, True)


def test_score_unanswerable_has_no_ranks_or_facts():
    r = score_answer(UNANSWERABLE, FakeAnswer(text="Not covered.", refused=True), {}.get)
    assert (r.answerable, r.found_rank, r.report_rank, r.fact_ok, r.refused) == (
        False,
        None,
        None,
        None,
        True,
    )


# -- figures -------------------------------------------------------------------------


def _results():
    answers = {
        "a": FakeAnswer("good", retrieved=[HIT], citations=[citation("needs to improve")]),
        "b": FakeAnswer("good", retrieved=[SAME_FILE, HIT]),
        "c": FakeAnswer("bad", refused=True, retrieved=[OTHER, WRONG_FILE_HIT]),
        "d": FakeAnswer("good", retrieved=[OTHER, OTHER, OTHER, HIT, OTHER]),
        "u1": FakeAnswer("not covered", refused=True),
        "u2": FakeAnswer("guess", citations=[citation("invented")]),
    }
    questions = [question("a"), question("b"), question("c", "list"), question("d", "list")]
    questions += [question("u1", "unanswerable", (), ()), question("u2", "unanswerable", (), ())]
    texts = {"d1": "The service needs to improve."}
    return [score_answer(q, answers[q.id], texts.get) for q in questions]


def test_metrics_overall_exact():
    m = metrics(_results())
    r = m.retrieval
    assert (m.questions, m.unanswerable, m.answerable, r.answerable) == (6, 2, 4, 4)
    assert r.recall == {1: 0.25, 3: 0.5, 5: 0.75}
    assert r.mrr == pytest.approx((1 + 1 / 2 + 1 / 4) / 4)
    assert r.report == {1: 0.5, 5: 0.75}
    assert (m.facts_ok, m.fact_accuracy) == (3, 0.75)
    assert m.wrong_refusals == 1
    assert (m.refused_unanswerable, m.refusal_accuracy) == (1, 0.5)
    assert (m.citations_valid, m.citations, m.citation_validity) == (1, 2, 0.5)


def test_metrics_by_type():
    report = EvalReport(file="x.jsonl", k=5, results=tuple(_results()))
    types = report.by_type()
    assert sorted(types) == ["fact", "list", "unanswerable"]
    assert types["fact"].retrieval.recall == {1: 0.5, 3: 1.0, 5: 1.0}
    assert types["list"].retrieval.recall == {1: 0.0, 3: 0.0, 5: 0.5}
    assert types["list"].wrong_refusals == 1
    assert types["unanswerable"].retrieval.recall == {1: None, 3: None, 5: None}
    assert types["unanswerable"].refusal_accuracy == 0.5
    assert types["fact"].refusal_accuracy is None


def test_metrics_of_nothing_are_none_not_zero():
    r = retrieval_metrics([])
    assert r.recall == {1: None, 3: None, 5: None} and r.mrr is None and r.answerable == 0


def test_report_json_with_baseline_and_ratio():
    results = tuple(_results())
    base = tuple(
        RetrievalResult(r.id, r.type, r.answerable, rank, rank)
        for r, rank in zip(results, [1, None, None, None, None, None], strict=True)
    )
    report = EvalReport(
        file="x.jsonl",
        k=5,
        results=results,
        baseline=BaselineReport(docs="docs", files=2, chunks=10, skipped=(), results=base),
    )
    data = json.loads(json.dumps(report.to_json()))
    assert data["overall"]["recall_at_5"] == 0.75
    assert data["overall"]["report_at_1"] == 0.5
    assert data["overall"]["wrong_refusals"] == 1 and data["overall"]["refusal_accuracy"] == 0.5
    assert data["baseline"]["overall"]["recall_at_5"] == 0.25
    assert data["baseline"]["ratio"]["recall_at_5"] == 3.0
    assert data["ratio_recall_at_5"] == 3.0
    assert data["baseline"]["ratio"]["mrr"] == pytest.approx(0.4375 / 0.25, abs=1e-4)
    rows = {row["id"]: row for row in data["questions"]}
    assert rows["b"] == {
        "id": "b",
        "type": "fact",
        "found_rank": 2,
        "report_rank": 1,
        "fact_ok": True,
        "refused": False,
        "citations_valid": 0,
        "citations": 0,
        "baseline_found_rank": None,
        "baseline_report_rank": None,
    }
    assert rows["a"]["baseline_found_rank"] == 1
    assert rows["u1"]["fact_ok"] is None


def test_ratio_is_none_when_baseline_finds_nothing():
    results = tuple(_results())
    base = tuple(RetrievalResult(r.id, r.type, r.answerable, None, None) for r in results)
    report = EvalReport(
        file="x.jsonl",
        k=5,
        results=results,
        baseline=BaselineReport(docs="d", files=1, chunks=1, skipped=(), results=base),
    )
    assert report.ratios()["recall_at_5"] is None


def test_render_report_rows():
    text = render_report(EvalReport(file="bench/x.jsonl", k=5, results=tuple(_results())))
    lines = text.splitlines()
    assert lines[0].startswith("x.jsonl: 6 questions (4 answerable, 2 unanswerable), k = 5")
    row = next(line for line in lines if line.startswith("| all "))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells == [
        "all",
        "6",
        "0.25",
        "0.50",
        "0.75",
        "0.44",
        "0.50",
        "0.75",
        "0.75",
        "1/4",
        "1/2",
        "1/2",
    ]
    assert "Baseline" not in text


# -- running with fakes --------------------------------------------------------------


class FakeAsker:
    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def ask(self, question, *, id=None, k=None):
        self.calls.append((question, id, k))
        return self.answers[id]


def test_evaluate_asks_in_order_with_k_and_fetches_each_document_once():
    fetched = []

    def fetch(doc_id):
        fetched.append(doc_id)
        return "The service needs to improve."

    answer = FakeAnswer("good", retrieved=[HIT], citations=[citation("needs to improve")] * 2)
    asker = FakeAsker({"a": answer, "b": answer})
    done = []
    results = evaluate(asker, [question("a"), question("b")], fetch, k=3, on_question=done.append)
    assert asker.calls == [("question a?", "a", 3), ("question b?", "b", 3)]
    assert fetched == ["d1"]
    assert done == [1, 2]
    assert [(r.id, r.found_rank, r.citations_valid) for r in results] == [("a", 1, 2), ("b", 1, 2)]


def test_evaluate_retrieval_passes_k():
    seen = []

    def search(q, k):
        seen.append(k)
        return [OTHER, HIT]

    [r] = evaluate_retrieval(search, [question()], k=4)
    assert (r.found_rank, r.report_rank, seen) == (2, 2, [4])


# -- the eval file -------------------------------------------------------------------

GOOD = {
    "id": "s1",
    "question": "What grade?",
    "type": "grade",
    "must_include": [["good"]],
    "sources": [{"file": "kent/x.pdf", "quote": "judged good"}],
}
UNANS = {
    "id": "s2",
    "question": "Budget?",
    "type": "unanswerable",
    "must_include": [],
    "sources": [],
}


def test_load_eval_set_reads_questions(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(GOOD) + "\n\n" + json.dumps(UNANS) + "\n", encoding="utf-8")
    got = load_eval_set(path)
    assert [q.id for q in got] == ["s1", "s2"]
    assert got[0].must_include == (("good",),)
    assert got[0].sources == (GoldSource("kent/x.pdf", "judged good"),)
    assert got[0].answerable and not got[1].answerable


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["{not json"], "q.jsonl line 1: not valid JSON"),
        (
            [json.dumps({k: v for k, v in GOOD.items() if k != "sources"})],
            "q.jsonl line 1: missing field 'sources'",
        ),
        ([json.dumps({**GOOD, "question": ""})], "line 1: 'question' must be a non-empty string"),
        ([json.dumps({**GOOD, "must_include": ["good"]})], "'must_include' must be a list"),
        ([json.dumps({**GOOD, "sources": [{"file": "x"}]})], "'sources' must be a list"),
        ([json.dumps({**GOOD, "sources": []})], "answerable question needs"),
        ([json.dumps({**UNANS, "must_include": [["x"]]})], "unanswerable question has empty"),
        ([json.dumps(GOOD), json.dumps(GOOD)], "line 2: id 's1' is used twice"),
        (["[1, 2]"], "expected a JSON object"),
        ([""], "holds no questions"),
    ],
    ids=[
        "bad-json",
        "missing-field",
        "empty-question",
        "flat-must-include",
        "source-no-quote",
        "answerable-without-sources",
        "unanswerable-with-facts",
        "duplicate-id",
        "not-object",
        "empty-file",
    ],
)
def test_load_eval_set_rejects_bad_input(tmp_path, lines, message):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(")) as caught:
        load_eval_set(path)
    assert "\n" not in str(caught.value)


def test_load_eval_set_missing_file(tmp_path):
    with pytest.raises(InputError, match="eval file not found"):
        load_eval_set(tmp_path / "nope.jsonl")


# -- the tutorial baseline -----------------------------------------------------------


def test_baseline_loads_files_the_naive_way(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("Alpha report. " * 150, encoding="utf-8")
    (tmp_path / "b.md").write_text("# Beta\n\nBeta text.", encoding="utf-8")
    (tmp_path / "c.html").write_text("<html><body><p>Gamma page</p></body></html>")
    (tmp_path / "broken.pdf").write_bytes(b"<html>not a pdf</html>")
    (tmp_path / "grades.csv").write_text("a,b\n")
    (tmp_path / ".hidden.txt").write_text("hidden")
    progress = []
    corpus = load_corpus(tmp_path, on_file=lambda done, total: progress.append((done, total)))
    sources = sorted({c.metadata["source"] for c in corpus.chunks})
    assert sources == ["b.md", "c.html", "corpus/a.txt"]
    assert corpus.files == 3
    assert [s for s, _ in corpus.skipped] == ["broken.pdf"]
    assert progress[-1] == (4, 4)
    alpha = [c.page_content for c in corpus.chunks if c.metadata["source"] == "corpus/a.txt"]
    assert len(alpha) == 3 and all(len(t) <= 1000 for t in alpha)  # 2,100 chars, 1000/200
    assert any("# Beta" in c.page_content for c in corpus.chunks)  # raw markdown, as loaded


def test_baseline_rejects_a_folder_without_text(tmp_path):
    (tmp_path / "grades.csv").write_text("a,b\n")
    with pytest.raises(InputError, match="no text found"):
        load_corpus(tmp_path)
    with pytest.raises(InputError, match="must be a folder"):
        load_corpus(tmp_path / "missing")
