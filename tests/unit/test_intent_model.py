"""The fitted intent model: what it reads, how it is fitted and stored, and its use.

The training script run as a program: ``tests/integration/test_intent_model.py``.
"""

from __future__ import annotations

import json

import pytest

from assistant.intent_model import IntentModel, default_path, features, fit
from assistant.intents import INTENTS, intent_evidence
from assistant.query import Glossary, QueryAnalyzer
from assistant.understanding import QuestionReader
from ingest.authorities import AuthorityIndex


def test_features_mask_authorities_years_and_figures():
    found = features("How many LAC did Kent have in 2013, 1,834?", ["Kent"], 1, "number")
    assert "w:kent" not in found and "w:authx" in found
    assert "w:yearx" in found and "w:numx" in found
    assert not any("2013" in f or "834" in f for f in found)
    assert {"f:how", "f2:how_many", "b:how_many", "r:number", "n:1", "p:number"} <= found


def _examples():
    rows = [
        ("how many children in care", "number", 1),
        ("number of children in care", "number", 1),
        ("children in care numbers", "number", 2),
        ("care leavers numbers", "number", 3),
        ("how many care leavers", "number", 3),
        ("what is a care leaver", "other", 4),
        ("what does care leaver mean", "other", 5),
        ("care leaver meaning", "other", 5),
        ("what is a child in care", "other", 4),
        ("meaning of child in care", "other", 6),
    ]
    return [(features(q, [], 0, "finding"), intent) for q, intent, _ in rows], [g for *_, g in rows]


def test_fit_learns_words_seen_in_two_questions_and_round_trips(tmp_path):
    examples, groups = _examples()
    model = fit(examples, groups, INTENTS, steps=300)
    assert "w:numbers" in model.weights  # in two questions
    assert "w:leaver" in model.weights
    assert model.predict(features("kent numbers of children in care", [], 0, "finding")) == (
        "number"
    )
    assert model.predict(features("meaning of care leaver", [], 0, "finding")) == "other"
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    again = IntentModel.load(path)
    assert again is not None and again.intents == model.intents
    question = features("how many children", [], 0, "finding")
    assert again.predict(question) == model.predict(question)
    assert abs(sum(again.scores(question).values()) - 1.0) < 1e-9


def test_no_file_means_the_patterns_decide(tmp_path):
    assert IntentModel.load(tmp_path / "absent.json") is None


@pytest.fixture(scope="module")
def index() -> AuthorityIndex:
    return AuthorityIndex.load()


def test_the_reader_uses_the_model_but_two_authorities_stay_a_comparison(index):
    always_number = IntentModel(INTENTS, {}, [1.0 if i == "number" else 0.0 for i in INTENTS])
    reader = QuestionReader(
        QueryAnalyzer(Glossary.load(), index), index, intent_model=always_number
    )
    assert reader.read("what did ofsted say about kent's front door").intent == "number"
    assert reader.read("compare kent and norfolk front doors").intent == "compare"
    plain = QuestionReader(QueryAnalyzer(Glossary.load(), index), index)
    assert plain.read("what did ofsted say about kent's front door").intent == "finding"
    evidence = intent_evidence(plain.read("kent LAC numbers 2013"))
    assert not any("kent" in f for f in evidence)


def test_the_shipped_model_loads_and_knows_every_intent():
    model = IntentModel.load(default_path())
    assert model is not None
    assert set(model.intents) == set(INTENTS)
    assert all(len(w) == len(INTENTS) for w in model.weights.values())
    # no authority's name is a feature: names are masked before fitting
    names = {a.name.lower() for a in AuthorityIndex.load().all() if " " not in a.name}
    assert not {f.split(":", 1)[1] for f in model.weights} & names


def test_below_its_threshold_the_model_leaves_the_patterns_intent():
    unsure = IntentModel(INTENTS, {}, [0.0] * len(INTENTS), threshold=0.4)
    assert unsure.decide({"w:anything"}, "grade") == "grade"  # every intent 0.1
    sure = IntentModel(
        INTENTS,
        {"w:many": [5.0 if i == "number" else 0.0 for i in INTENTS]},
        [0.0] * len(INTENTS),
        threshold=0.4,
    )
    assert sure.decide({"w:many"}, "grade") == "number"
