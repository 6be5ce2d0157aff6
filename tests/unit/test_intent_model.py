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


def _vector_model(threshold: float = 0.5) -> IntentModel:
    """A model whose only evidence is the first vector dimension: high means number."""
    pull = [[4.0 if i == "number" else 0.0 for i in INTENTS], [0.0] * len(INTENTS)]
    return IntentModel(
        INTENTS, {}, [0.0] * len(INTENTS), threshold, pull, "some-embedder", vector_scale=2.0
    )


def test_a_vector_model_reads_the_vector_and_without_one_leaves_the_patterns():
    model = _vector_model()
    assert model.reads_vectors
    assert model.decide({"w:anything"}, "grade", [1.0, 0.0]) == "number"
    assert model.decide({"w:anything"}, "grade", [0.0, 1.0]) == "grade"  # unsure
    assert model.decide({"w:anything"}, "grade") == "grade"  # no vector given
    assert not IntentModel(INTENTS, {}, [0.0] * len(INTENTS)).reads_vectors


def test_a_vector_model_round_trips(tmp_path):
    model = _vector_model()
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    again = IntentModel.load(path)
    assert again is not None and again.vector_model == "some-embedder"
    assert again.vector_scale == 2.0
    assert again.scores(set(), [1.0, 0.0]) == pytest.approx(model.scores(set(), [1.0, 0.0]))


def test_fit_weighs_vectors_where_the_words_say_nothing():
    import numpy as np

    examples = [({"w:the"}, "number"), ({"w:the"}, "number"), ({"w:the"}, "other")] * 2
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]] * 2)
    model = fit(examples, [1, 2, 3, 4, 5, 6], INTENTS, vectors=vectors, vector_model="m")
    assert model.reads_vectors and model.vector_model == "m"
    assert model.predict({"w:the"}, [1.0, 0.0]) == "number"
    assert model.predict({"w:the"}, [0.0, 1.0]) == "other"


def test_the_reader_gives_the_model_the_question_with_its_council_masked(index):
    seen: list[str] = []

    def embed(text: str) -> list[float]:
        seen.append(text)
        return [1.0, 0.0]

    reader = QuestionReader(
        QueryAnalyzer(Glossary.load(), index), index, intent_model=_vector_model(), embed=embed
    )
    assert reader.read("what did ofsted say about kent's front door").intent == "number"
    assert seen and "kent" not in seen[0].lower() and "the council" in seen[0]
    plain = QuestionReader(
        QueryAnalyzer(Glossary.load(), index), index, intent_model=_vector_model()
    )
    assert plain.read("what did ofsted say about kent's front door").intent != "number"


def test_the_shipped_model_reads_the_offline_embedding_models_vectors():
    from vectorstore.embeddings import DIMENSIONS, MiniLMEmbeddings

    model = IntentModel.load(default_path())
    assert model is not None and model.reads_vectors
    assert model.vector_model == MiniLMEmbeddings.model_id
    assert model.vector_weights is not None and len(model.vector_weights) == DIMENSIONS


def test_a_pattern_that_matched_needs_a_surer_model_than_a_guess(tmp_path):
    # the model is 0.5 sure of "number" when it sees "w:many"
    leaning = [2.2 if i == "number" else 0.0 for i in INTENTS]
    model = IntentModel(
        INTENTS, {"w:many": leaning}, [0.0] * len(INTENTS), threshold=0.7, fallback_threshold=0.3
    )
    assert 0.3 < model.scores({"w:many"})["number"] < 0.7
    assert model.decide({"w:many", "p:grade"}, "grade") == "grade"  # the grade pattern matched
    assert model.decide({"w:many"}, "finding") == "number"  # no pattern: "finding" was a guess
    assert model.decide({"w:many", "p:which"}, "finding") == "number"  # "which" is only a guard
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    again = IntentModel.load(path)
    assert again is not None and again.fallback_threshold == 0.3


def test_the_shipped_model_guards_a_matched_pattern_at_least_as_well_as_a_guess():
    model = IntentModel.load(default_path())
    assert model is not None
    assert model.fallback_threshold is None or model.fallback_threshold <= model.threshold
