"""One calibrated reading of a question's intent: a softmax model over its words.

The vocabulary's intent patterns (``core.vocabulary.INTENT_PATTERNS``) read a question
by the first pattern that matches, so two wordings of one question ("how many looked
after children…" / "LAC numbers…") often get two intents and two kinds of answer. This
model weighs the evidence instead: the question's words and word pairs (authorities
masked as ``AUTH``, years as ``YEAR``, other figures as ``NUM``, so nothing is learnt
about a council or a date), its first words, which patterns match, what the patterns
alone would say and how many authorities it names; and, where the model was fitted with
them, the question's sentence vector (the library's own offline embedding model, over the
question with its authorities written "the council"), so that two wordings with no word in
common ("LAC numbers" / "how many children in care") still read alike.

The weights are fitted on the development split only (``bench/train_intent.py``) and
shipped as package data (``assistant/intent_model.json``); the held-out split judges
them. Without the file the patterns decide, as before.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np

from core.vocabulary import INTENT_PATTERNS

_TOKEN = re.compile(r"[a-z]+|%|&")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def default_path() -> Traversable:
    """Where the shipped model lives (package data of ``assistant``)."""
    return files("assistant") / "intent_model.json"


def features(question: str, names: Iterable[str], n_authorities: int, rule_intent: str) -> set[str]:
    """The evidence the model reads (see the module docstring).

    Args:
        question: the question as typed (misspellings corrected).
        names: the authority names as they appear in it (masked).
        n_authorities: how many authorities it names.
        rule_intent: what the patterns alone would say.
    """
    text = question
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = re.sub(re.escape(name), " authx ", text, flags=re.I)
    text = _NUMBER.sub(" numx ", _YEAR.sub(" yearx ", text.lower()))
    words = _TOKEN.findall(text)
    out = {f"w:{w}" for w in words}
    out |= {f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)}
    out |= {f"f:{w}" for w in words[:2]}
    if len(words) >= 2:
        out.add(f"f2:{words[0]}_{words[1]}")
    out |= {f"p:{name}" for name, pattern in INTENT_PATTERNS.items() if pattern.search(question)}
    out.add(f"n:{min(n_authorities, 2)}")
    out.add(f"r:{rule_intent}")
    return out


@dataclass(frozen=True)
class IntentModel:
    """Softmax weights by feature over ``intents``, and over a sentence vector if fitted so."""

    intents: tuple[str, ...]
    weights: Mapping[str, Sequence[float]]
    bias: Sequence[float]
    threshold: float = 0.0  # below this probability the patterns' intent stands
    # one row of weights per vector dimension (None: the model reads no vector), the
    # embedding model whose vectors they weigh, and the scale the vectors were fitted at
    vector_weights: Sequence[Sequence[float]] | None = None
    vector_model: str | None = None
    vector_scale: float = 1.0
    # the threshold when no pattern matched (the patterns only guessed "finding" or
    # "other"); None: ``threshold``
    fallback_threshold: float | None = None

    @property
    def reads_vectors(self) -> bool:
        """Whether the model needs the question's sentence vector."""
        return self.vector_weights is not None

    def scores(
        self, found: Iterable[str], vector: Sequence[float] | None = None
    ) -> dict[str, float]:
        """The probability of each intent given the features ``found`` (and ``vector``)."""
        z = list(self.bias)
        for f in found:
            w = self.weights.get(f)
            if w is not None:
                z = [a + b for a, b in zip(z, w, strict=True)]
        if self.vector_weights is not None and vector is not None:
            pull = self.vector_scale * np.asarray(vector) @ np.asarray(self.vector_weights)
            z = [a + float(b) for a, b in zip(z, pull, strict=True)]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {intent: v / total for intent, v in zip(self.intents, e, strict=True)}

    def predict(self, found: Iterable[str], vector: Sequence[float] | None = None) -> str:
        """The most probable intent."""
        scores = self.scores(found, vector)
        return max(scores, key=lambda k: scores[k])

    def decide(
        self, found: Iterable[str], patterns: str, vector: Sequence[float] | None = None
    ) -> str:
        """The model's intent when it is sure enough, else ``patterns``.

        Sure enough: at least ``threshold`` when a pattern matched the question, at
        least ``fallback_threshold`` when none did (a pattern that matched is evidence
        the model must outweigh; a guess is not). A model fitted with sentence vectors
        and given none leaves the patterns' intent (its word weights alone were never
        calibrated).
        """
        if self.reads_vectors and vector is None:
            return patterns
        found = set(found)
        scores = self.scores(found, vector)
        best = max(scores, key=lambda k: scores[k])
        matched = any(f.startswith("p:") and f != "p:which" for f in found)
        threshold = self.threshold
        if not matched and self.fallback_threshold is not None:
            threshold = self.fallback_threshold
        return best if scores[best] >= threshold else patterns

    def to_json(self) -> dict[str, object]:
        """The model as stored."""
        out: dict[str, object] = {
            "intents": list(self.intents),
            "threshold": self.threshold,
            "bias": [round(b, 4) for b in self.bias],
            "weights": {f: [round(v, 4) for v in w] for f, w in sorted(self.weights.items())},
        }
        if self.fallback_threshold is not None:
            out["fallback_threshold"] = self.fallback_threshold
        if self.vector_weights is not None:
            out["vector_model"] = self.vector_model
            out["vector_scale"] = self.vector_scale
            out["vector_weights"] = [[round(v, 4) for v in row] for row in self.vector_weights]
        return out

    @classmethod
    def load(cls, path: Path | Traversable | None = None) -> IntentModel | None:
        """The stored model, or None when there is none (the patterns decide)."""
        path = path or default_path()
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            tuple(data["intents"]),
            data["weights"],
            data["bias"],
            data.get("threshold", 0.0),
            data.get("vector_weights"),
            data.get("vector_model"),
            data.get("vector_scale", 1.0),
            data.get("fallback_threshold"),
        )


def fit(
    examples: Sequence[tuple[set[str], str]],
    groups: Sequence[object],
    intents: Sequence[str],
    *,
    l2: float = 1.0,
    steps: int = 400,
    rate: float = 1.0,
    vectors: np.ndarray | None = None,
    vector_model: str | None = None,
    vector_scale: float = 6.0,
) -> IntentModel:
    """Fit softmax weights (L2-regularised) to ``(features, intent)`` examples.

    Only features seen in two or more groups (a group: one question's wordings) are
    kept, so a word that only one question uses teaches nothing. ``vectors`` (one row
    per example, from ``vector_model``) are weighed too, multiplied by ``vector_scale``
    (unit vectors are small beside the 0/1 word features).
    """
    seen: dict[str, set[object]] = defaultdict(set)
    for (found, _), group in zip(examples, groups, strict=True):
        for f in found:
            seen[f].add(group)
    vocab = {f: i for i, f in enumerate(sorted(f for f, g in seen.items() if len(g) >= 2))}
    x = np.zeros((len(examples), len(vocab)))
    for row, (found, _) in enumerate(examples):
        for f in found:
            if f in vocab:
                x[row, vocab[f]] = 1.0
    if vectors is not None:
        x = np.hstack([x, vector_scale * np.asarray(vectors, dtype=float)])
    k = len(intents)
    y = np.eye(k)[[intents.index(intent) for _, intent in examples]]
    w = np.zeros((x.shape[1], k))
    b = np.zeros(k)
    n = len(examples)
    for _ in range(steps):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        w -= rate * (x.T @ (p - y) / n + l2 * w / n)
        b -= rate * (p - y).mean(axis=0)
    return IntentModel(
        tuple(intents),
        {f: [float(v) for v in w[i]] for f, i in vocab.items()},
        [float(v) for v in b],
        vector_weights=None if vectors is None else w[len(vocab) :].tolist(),
        vector_model=None if vectors is None else vector_model,
        vector_scale=vector_scale if vectors is not None else 1.0,
    )
