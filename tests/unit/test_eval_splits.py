"""The v2 evaluation: loading v2 lines, wordings, splits, wrong authority, consistency."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from enum import Enum

import pytest

from assistant.cli.split_report import render_split_report
from assistant.eval_set import EvalQuestion, GoldSource, load_eval_set, load_eval_sets
from assistant.eval_splits import (
    AskedResult,
    Paraphrase,
    SplitReport,
    answer_intent,
    consistent,
    disagreement,
    evaluate_splits,
    label_only,
    wrong_authority,
)
from assistant.evaluation import QuestionResult, same_file
from assistant.models import Citation, Passage
from core.errors import InputError
from ingest.authorities import AuthorityIndex

KENT_PDF = "ilacs/80476_kent/children's services inspection - 05 july 2022.pdf"
DOCS = {
    "kent": "Kent's services for children are good. Leaders know their services well.",
    "norfolk": "Norfolk's services for children require improvement.",
    "national": "Nationally, services for children are improving.",
    "both": "Kent and Norfolk share a regional adoption agency.",
}
ABOUT = {"kent": ("Kent",), "norfolk": ("Norfolk",), "national": (), "both": ("Norfolk", "Kent")}


def cite(doc_id: str, quote: str | None = None) -> Citation:
    return Citation(
        n=1,
        doc_id=doc_id,
        source=f"{doc_id}.pdf",
        title=doc_id,
        page=1,
        section=None,
        quote=quote or DOCS[doc_id][:20],
        score=0.5,
    )


@dataclass
class FakeAnswer:
    text: str = ""
    refused: bool = False
    retrieved: list[Passage] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


@dataclass
class IntentAnswer(FakeAnswer):
    intent: object = None


@dataclass
class SourcedAnswer(FakeAnswer):
    answered_from: str | None = None
    refusal_reason: str | None = None
    refusal_detail: str | None = None


def question(
    qid: str = "d1",
    *,
    split: str = "dev",
    intent: str = "grade",
    answerable: bool = True,
    authorities: tuple[str, ...] = ("kent",),
    wordings: tuple[str, ...] = ("kent grade?", "knet grade"),
) -> EvalQuestion:
    return EvalQuestion(
        id=qid,
        question=f"question {qid}?",
        type=intent if answerable else "unanswerable",
        must_include=(("good",),) if answerable else (),
        sources=(GoldSource(KENT_PDF, "services for children are good"),) if answerable else (),
        split=split,
        intent=intent,
        wordings=wordings,
        authorities=authorities,
        years=(2022,),
        version=2,
    )


def canonical(name: str) -> str | None:
    return {"kent": "Kent", "norfolk": "Norfolk", "notts": "Nottinghamshire"}.get(name)


# -- loading -------------------------------------------------------------------------

V2 = {
    "id": "d1001",
    "split": "dev",
    "intent": "grade",
    "type": "grade",
    "answerable": True,
    "question": "What was Kent's grade?",
    "wordings": ["kent grade?", "how did knet do"],
    "authorities": ["kent"],
    "years": [2022],
    "must_include": [["good"]],
    "sources": [{"file": KENT_PDF, "quote": "judged good"}],
    "note": "optional",
}
V2_UNANSWERABLE = {
    **V2,
    "id": "h0001",
    "split": "heldout",
    "type": "unanswerable",
    "answerable": False,
    "authorities": ["rutland"],
    "must_include": [],
    "sources": [],
}
V1 = {
    "id": "s1",
    "question": "What grade?",
    "type": "grade",
    "must_include": [["good"]],
    "sources": [{"file": "kent/x.pdf", "quote": "judged good"}],
}


def _write(path, *rows):
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_v2_lines_load_with_every_field(tmp_path):
    got = load_eval_set(_write(tmp_path / "q.jsonl", V2, V2_UNANSWERABLE))
    a, u = got
    assert (a.version, a.split, a.intent, a.group, a.years) == (2, "dev", "grade", "grade", (2022,))
    assert a.wordings == ("kent grade?", "how did knet do")
    assert a.all_wordings == ("What was Kent's grade?", "kent grade?", "how did knet do")
    assert a.authorities == ("kent",) and a.answerable
    assert (u.split, u.intent, u.group, u.answerable, u.type) == (
        "heldout",
        "grade",
        "grade",
        False,
        "unanswerable",
    )


def test_v1_lines_still_load_as_dev_without_wordings(tmp_path):
    [q] = load_eval_set(_write(tmp_path / "q.jsonl", V1))
    assert (q.version, q.split, q.intent, q.group, q.wordings, q.authorities) == (
        1,
        "dev",
        "",
        "grade",
        (),
        (),
    )
    assert q.all_wordings == ("What grade?",)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({k: v for k, v in V2.items() if k != "wordings"}, "missing v2 field 'wordings'"),
        ({**V2, "split": "test"}, "'split' must be one of dev, heldout"),
        ({**V2, "answerable": "yes"}, "'answerable' must be true or false"),
        ({**V2, "answerable": False}, "'answerable' is false but 'type' is 'grade'"),
        ({**V2, "wordings": "kent grade?"}, "'wordings' must be a list of non-empty strings"),
        ({**V2, "authorities": [""]}, "'authorities' must be a list of non-empty strings"),
        ({**V2, "years": ["2022"]}, "'years' must be a list of whole numbers"),
        ({**V2, "intent": ""}, "'intent' must be a non-empty string"),
    ],
    ids=[
        "missing",
        "bad-split",
        "answerable-not-bool",
        "answerable-disagrees",
        "wordings-str",
        "empty-authority",
        "year-str",
        "empty-intent",
    ],
)
def test_bad_v2_lines_are_refused_in_one_line(tmp_path, row, message):
    with pytest.raises(InputError, match=message) as caught:
        load_eval_set(_write(tmp_path / "q.jsonl", row))
    assert str(caught.value).startswith("q.jsonl line 1: ") and "\n" not in str(caught.value)


def test_several_files_load_in_order_and_ids_stay_unique(tmp_path):
    one = _write(tmp_path / "one.jsonl", V1)
    two = _write(tmp_path / "two.jsonl", V2, V2_UNANSWERABLE)
    assert [q.id for q in load_eval_sets([one, two])] == ["s1", "d1001", "h0001"]
    again = _write(tmp_path / "again.jsonl", {**V2_UNANSWERABLE, "id": "s1"})
    with pytest.raises(InputError, match="again.jsonl: id 's1' is also used in one.jsonl"):
        load_eval_sets([one, again])


def test_v2_gold_paths_match_the_stored_source_of_the_ingested_folder():
    name = "children's services inspection - 12 march 2025.pdf"
    gold = f"ilacs2/80544_kensington and chelsea/{name}"
    assert same_file(f"80544_kensington and chelsea/{name}", gold)
    assert not same_file(f"80545_kensington and chelsea/{name}", gold)
    assert not same_file(name.replace("12", "13"), gold)
    letter = "corpus/westminster-2006-apa-letter.txt"
    assert same_file(letter, f"sample/{letter}")


# -- wrong authority -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "answer", "expected"),
    [
        (question(), FakeAnswer(citations=[cite("kent")]), False),
        (question(), FakeAnswer(citations=[cite("norfolk")]), True),
        (question(), FakeAnswer(citations=[cite("kent"), cite("norfolk")]), True),
        (question(), FakeAnswer(citations=[cite("national")]), False),
        (question(), FakeAnswer(citations=[cite("both")]), False),
        (question(), FakeAnswer(citations=[cite("unknown-doc", "x")]), False),
        (question(), FakeAnswer(citations=[]), False),
        (question(), FakeAnswer(refused=True, citations=[cite("norfolk")]), None),
        (question(answerable=False), FakeAnswer(citations=[cite("norfolk")]), None),
        (
            question(authorities=("kent", "norfolk")),
            FakeAnswer(citations=[cite("norfolk")]),
            None,
        ),
        (question(authorities=()), FakeAnswer(citations=[cite("norfolk")]), None),
        (question(authorities=("notts",)), FakeAnswer(citations=[cite("kent")]), True),
    ],
    ids=[
        "own-report",
        "other-report",
        "one-of-two-citations-other",
        "national-report-not-wrong",
        "report-about-both",
        "unknown-document",
        "no-citations",
        "refused-not-counted",
        "unanswerable-not-counted",
        "two-authorities-not-counted",
        "national-question-not-counted",
        "authority-not-held",
    ],
)
def test_wrong_authority(q, answer, expected):
    assert wrong_authority(q, answer, ABOUT.get, canonical) is expected


def test_wrong_authority_maps_the_question_name_to_the_canonical_one():
    about = {"rbkc": ("Kensington and Chelsea",), "bath": ("Bath and North East Somerset",)}.get
    index = AuthorityIndex.load()

    def resolve(name):
        found = index.resolve(name)
        return found.name if found else None

    q = question(authorities=("kensington and chelsea",))
    assert wrong_authority(q, FakeAnswer(citations=[cite("rbkc", "x")]), about, resolve) is False
    assert wrong_authority(q, FakeAnswer(citations=[cite("bath", "x")]), about, resolve) is True
    # Without the mapping the short form would never match the stored canonical name.
    short = question(authorities=("rbkc",))
    own = FakeAnswer(citations=[cite("rbkc", "x")])
    assert wrong_authority(short, own, about, resolve) is False
    assert wrong_authority(short, own, about, lambda _name: None) is True


# -- paraphrase consistency ----------------------------------------------------------


def asked(refused=False, first_doc="kent", intent=None, wording=0):
    result = QuestionResult("d1", "grade", True, None, None, None, refused, 0, 0)
    return AskedResult(result, wording, "dev", "grade", None, first_doc, intent)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([asked(), asked(), asked()], True),
        ([asked(), asked(), asked(first_doc="norfolk")], False),
        ([asked(), asked(refused=True), asked()], False),
        ([asked(refused=True, first_doc=None), asked(refused=True, first_doc="kent")] * 1, True),
        ([asked(intent="grade"), asked(intent="grade"), asked(intent="why")], False),
        ([asked(intent="grade")] * 3, True),
        ([asked(refused=True, intent="grade"), asked(refused=True, intent="why")], False),
        ([asked(first_doc=None)] * 3, True),
    ],
    ids=[
        "same-report",
        "other-first-report",
        "one-refused",
        "all-refused",
        "other-intent",
        "same-intent",
        "refused-other-intent",
        "no-citations-alike",
    ],
)
def test_consistent(answers, expected):
    assert consistent(answers) is expected


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([asked(), asked()], None),
        ([asked(), asked(refused=True)], "refused"),
        # a refusal in one wording is named before the kinds or reports that also differ
        ([asked(intent="grade"), asked(refused=True, intent="why", first_doc=None)], "refused"),
        ([asked(intent="grade"), asked(intent="why")], "intent"),
        ([asked(intent="grade", first_doc="norfolk"), asked(intent="why")], "intent"),
        ([asked(), asked(first_doc="norfolk")], "report"),
        ([asked(refused=True, first_doc=None), asked(refused=True, first_doc="kent")], None),
    ],
    ids=["alike", "one-refused", "refused-first", "kinds", "kinds-first", "report", "all-refused"],
)
def test_disagreement_names_why_wordings_differ(answers, expected):
    assert disagreement(answers) == expected


def test_kinds_differing_in_the_intent_read_only_are_counted_apart_but_not_consistent():
    def passages(intent, first_doc="kent", answered_from="passages"):
        return dataclasses.replace(
            asked(intent=intent, first_doc=first_doc), answered_from=answered_from
        )

    # "harrow SW caseloads" read as a number, its other wordings as a finding: quotes of
    # one report either way
    read_only = [passages("finding"), passages("number"), passages("finding")]
    assert not consistent(read_only) and label_only(read_only)
    assert not label_only([passages("finding"), passages("improve", answered_from="whole report")])
    assert not label_only([passages("finding"), passages("number", first_doc="norfolk")])
    assert not label_only([passages("finding"), passages("finding", first_doc="norfolk")])
    assert not label_only([passages("finding")] * 2)
    # counted beside the reasons, and said under them
    report = SplitReport(
        files=("a.jsonl",),
        k=4,
        asked=tuple(read_only),
        paraphrases=(Paraphrase("d1", "dev", "finding", False, "intent", True),),
        only="dev",
    )
    assert "the intent read only (the same form and first-cited document): 1" in (
        render_split_report(report)
    )
    overall = report.to_json()["splits"]["dev"]["overall"]
    assert overall["intent_read_only"] == 1 and overall["disagreements"]["intent"] == 1
    assert overall["paraphrase_consistency"] == 0.0


class Kind(Enum):
    GRADE = "grade"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (FakeAnswer(), None),
        (IntentAnswer(intent=None), None),
        (IntentAnswer(intent="why"), "why"),
        (IntentAnswer(intent=Kind.GRADE), "grade"),
    ],
    ids=["no-field", "none", "text", "enum"],
)
def test_answer_intent(answer, expected):
    assert answer_intent(answer) == expected


# -- asking every wording, and splits ------------------------------------------------


class FakeAsker:
    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def ask(self, question, *, id=None, k=None):
        self.calls.append((question, id, k))
        return self.answers[id]


GOOD = FakeAnswer("Kent was good", citations=[cite("kent")])
WRONG = SourcedAnswer(
    "Norfolk requires improvement", citations=[cite("norfolk")], answered_from="passages"
)
REFUSED = SourcedAnswer(
    "The reports do not cover this.",
    refused=True,
    answered_from="passages",
    refusal_reason="not covered",
    refusal_detail="no sentence covers the question",
)


def _run(answers, questions):
    done = []
    asked_, paraphrases = evaluate_splits(
        FakeAsker(answers), questions, DOCS.get, ABOUT.get, canonical, k=4, on_ask=done.append
    )
    return asked_, paraphrases, done


def test_every_wording_is_asked_and_scored_as_a_question():
    answers = {"d1": GOOD, "d1~1": WRONG, "d1~2": GOOD}
    asker = FakeAsker(answers)
    asked_, paraphrases = evaluate_splits(
        asker, [question("d1")], DOCS.get, ABOUT.get, canonical, k=4
    )
    assert asker.calls == [
        ("question d1?", "d1", 4),
        ("kent grade?", "d1~1", 4),
        ("knet grade", "d1~2", 4),
    ]
    assert [a.wording for a in asked_] == [0, 1, 2]
    assert [a.result.fact_ok for a in asked_] == [True, False, True]
    assert [a.wrong_authority for a in asked_] == [False, True, False]
    assert [a.first_doc for a in asked_] == ["kent", "norfolk", "kent"]
    assert [a.result.citations_valid for a in asked_] == [1, 1, 1]
    assert [(p.id, p.consistent) for p in paraphrases] == [("d1", False)]


def _report():
    # dev: d1 right in every wording; d2 (unanswerable) refused twice of three;
    # heldout: h1 answered from another authority's report in one wording, refused in one.
    answers = {
        "d1": GOOD,
        "d1~1": GOOD,
        "d1~2": GOOD,
        "d2": REFUSED,
        "d2~1": REFUSED,
        "d2~2": WRONG,
        "h1": GOOD,
        "h1~1": WRONG,
        "h1~2": REFUSED,
        "h2": REFUSED,
        "h2~1": REFUSED,
        "h2~2": REFUSED,
    }
    questions = [
        question("d1"),
        question("d2", answerable=False, intent="number"),
        question("h1", split="heldout"),
        question("h2", split="heldout", answerable=False, intent="number"),
    ]
    asked_, paraphrases, done = _run(answers, questions)
    assert done == list(range(1, 13))
    return SplitReport(
        files=("bench/a.jsonl", "bench/b.jsonl"),
        k=4,
        asked=tuple(asked_),
        paraphrases=tuple(paraphrases),
    )


def test_splits_are_figured_apart_and_differenced():
    report = _report()
    splits = report.splits()
    assert list(splits) == ["dev", "heldout"]
    dev, held = splits["dev"].overall, splits["heldout"].overall
    assert (dev.questions, dev.base.questions) == (2, 6)
    assert (dev.base.facts_ok, dev.base.answerable) == (3, 3)
    assert dev.base.refused_unanswerable == 2 and dev.base.refusal_accuracy == pytest.approx(2 / 3)
    assert (dev.wrong_authority, dev.authority_checked) == (0, 3)
    assert (dev.consistent, dev.paraphrased) == (1, 2)
    assert (held.base.facts_ok, held.base.answerable, held.base.wrong_refusals) == (1, 3, 1)
    assert held.wrong_refusal_rate == pytest.approx(1 / 3)
    assert (held.wrong_authority, held.authority_checked) == (1, 2)
    assert held.base.refusal_accuracy == 1.0
    assert (held.consistent, held.paraphrased) == (1, 2)
    # d2 and h1 were each refused in some wordings and answered in others
    assert dict(dev.disagreements) == {"refused": 1}
    assert dict(held.disagreements) == {"refused": 1}
    # where the refusals of answerable wordings, and answers to unanswerable ones, came from
    assert dict(held.wrong_refusals_by) == {
        "passages: not covered (no sentence covers the question)": 1
    }
    assert dict(dev.answered_unanswerable_by) == {"passages": 1}
    assert not dev.wrong_refusals_by and not held.answered_unanswerable_by
    data = json.loads(json.dumps(report.to_json()))
    head = data["headline"]
    assert head["dev"]["fact_accuracy"] == 1.0 and head["heldout"]["fact_accuracy"] == 0.3333
    assert head["difference"]["fact_accuracy"] == 0.6667
    assert head["difference"]["wrong_authority_rate"] == -0.5
    assert head["difference"]["refusal_accuracy"] == -0.3333
    assert head["difference"]["paraphrase_consistency"] == 0.0
    assert set(head["dev"]) == {
        "fact_accuracy",
        "refusal_accuracy",
        "wrong_refusal_rate",
        "citation_validity",
        "recall_at_5",
        "report_at_5",
        "wrong_authority_rate",
        "paraphrase_consistency",
    }
    dev_intents = data["splits"]["dev"]["by_intent"]
    assert sorted(dev_intents) == ["grade", "number"]
    assert dev_intents["number"]["refused_unanswerable"] == 2
    assert dev_intents["number"]["unanswerable"] == 3
    assert dev_intents["grade"]["paraphrase_consistency"] == 1.0
    assert dev_intents["number"]["paraphrase_consistency"] == 0.0
    assert dev_intents["number"]["disagreements"] == {"refused": 1, "intent": 0, "report": 0}
    assert [p["why_not"] for p in data["paraphrases"]] == [None, "refused"]
    assert data["splits"]["heldout"]["main_wording"]["fact_accuracy"] == 1.0


def test_json_never_holds_heldout_rows():
    data = _report().to_json()
    assert {a["id"] for a in data["answers"]} == {"d1", "d2"}
    assert len(data["answers"]) == 6
    assert {p["id"] for p in data["paraphrases"]} == {"d1", "d2"}
    assert data["heldout_rows"] == "withheld"
    assert "h1" not in json.dumps(data) and "h2" not in json.dumps(data)


def test_one_split_alone_has_no_difference():
    report = _report()
    dev_only = SplitReport(
        files=report.files,
        k=4,
        asked=tuple(a for a in report.asked if a.split == "dev"),
        paraphrases=tuple(p for p in report.paraphrases if p.split == "dev"),
        only="dev",
    )
    data = dev_only.to_json()
    assert list(data["splits"]) == ["dev"] and data["headline"]["difference"] == {}
    assert data["split"] == "dev" and report.to_json()["split"] is None
    assert data["heldout_rows"] is None
    text = render_split_report(dev_only)
    assert text.startswith("a.jsonl, b.jsonl: 2 questions of the dev split, 6 answers")
    assert "heldout" not in text and "dev − heldout" not in text


def test_render_split_report_shows_splits_side_by_side():
    text = render_split_report(_report())
    lines = text.splitlines()
    assert lines[0] == (
        "a.jsonl, b.jsonl: 4 questions, 12 answers (every wording asked), k = 4, 0.0 s"
    )
    facts = next(line for line in lines if line.startswith("| key facts"))
    assert [c.strip() for c in facts.strip("|").split("|")] == [
        "key facts (answerable)",
        "1.00",
        "0.33",
        "+0.67",
    ]
    wrong = next(line for line in lines if line.startswith("| wrong authority "))
    assert [c.strip() for c in wrong.strip("|").split("|")][1:] == ["0.00", "0.50", "-0.50"]
    assert "dev: 2 questions (1 answerable, 1 unanswerable), 6 answers" in text
    assert "heldout: 2 questions (1 answerable, 1 unanswerable), 6 answers" in text
    dev_all = lines[lines.index(next(x for x in lines if x.startswith("dev: "))) + 4]
    assert [c.strip() for c in dev_all.strip("|").split("|")] == [
        "all",
        "2",
        "1.00",
        "2/3",
        "0/3",
        "1.00",
        "0.00",
        "0.00",
        "0/3",
        "1/2",
    ]
    assert (
        text.count(
            "not consistent: 1 (refused in some wordings 1, answer kinds differ 0,"
            " first-cited report differs 0)"
        )
        == 2
    )
    assert (
        "answerable wordings refused: passages: not covered (no sentence covers the question) 1"
        in lines
    )
    assert "unanswerable wordings answered: passages 1" in lines


def test_a_comparison_naming_the_authorities_in_another_order_is_consistent():
    one = dataclasses.replace(asked(first_doc="kent"), first_by_authority=("kent", "surrey"))
    other = dataclasses.replace(asked(first_doc="surrey"), first_by_authority=("kent", "surrey"))
    assert consistent([one, other])
    third = dataclasses.replace(asked(first_doc="kent"), first_by_authority=("kent", "surrey2"))
    assert not consistent([one, third])
