"""One calibrated decision to answer or refuse from the passages (offline mode).

Instead of a pile of rules, each read off a miss, the extractive answerer computes a few
signals it already has (how close the best passage is, how many of the question's key
words the passages lack, whether a sum of money or a person asked for is stated, how well
the best sentence covers the question, whether the passages agree on one document) and a
logistic model turns them into the probability that the passages answer the question.
The weights and the threshold are fitted on the development split only
(``bench/calibrate_refusal.py``) and shipped as package data
(``assistant/answering/refusal_model.json``); the held-out split judges them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

import numpy as np

FEATURES: tuple[str, ...] = (
    "best_score",
    "missing_share",
    "missing_count",
    "money_gap",
    "person_gap",
    "best_coverage",
    "concentration",
    "key_terms",
    "no_candidate",
)


def default_path() -> Traversable:
    """Where the shipped model lives (package data of ``assistant.answering``)."""
    return files("assistant.answering") / "refusal_model.json"


@dataclass(frozen=True)
class RefusalModel:
    """A logistic model over :data:`FEATURES` and the threshold chosen for it."""

    weights: Mapping[str, float]
    bias: float
    threshold: float
    mean: Mapping[str, float]
    scale: Mapping[str, float]

    def probability(self, features: Mapping[str, float]) -> float:
        """The probability that the passages answer the question."""
        z = self.bias + sum(
            self.weights[f] * (features.get(f, 0.0) - self.mean[f]) / (self.scale[f] or 1.0)
            for f in FEATURES
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def answers(self, features: Mapping[str, float]) -> bool:
        """True when the passages should be quoted, False to refuse."""
        return self.probability(features) >= self.threshold

    def to_json(self) -> dict[str, object]:
        """The model as stored."""
        return {
            "features": list(FEATURES),
            "weights": dict(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
            "mean": dict(self.mean),
            "scale": dict(self.scale),
        }

    @classmethod
    def load(cls, path: Traversable | None = None) -> RefusalModel | None:
        """The stored model, or None when there is none (the answerer's rules apply)."""
        path = path or default_path()
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if list(data.get("features", [])) != list(FEATURES):
            return None  # fitted on other signals: not usable
        return cls(data["weights"], data["bias"], data["threshold"], data["mean"], data["scale"])


def fit(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[int],
    *,
    l2: float = 1.0,
    steps: int = 3000,
    rate: float = 0.1,
) -> RefusalModel:
    """Fit the weights (L2-regularised logistic regression) and choose the threshold.

    The threshold maximises balanced accuracy (answerable answered + unanswerable
    refused) on the rows given.
    """
    x = np.array([[r.get(f, 0.0) for f in FEATURES] for r in rows], dtype=float)
    y = np.array(labels, dtype=float)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    w = np.zeros(z.shape[1])
    b = 0.0
    n = len(y)
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        grad_w = z.T @ (p - y) / n + l2 * w / n
        grad_b = float(np.mean(p - y))
        w -= rate * grad_w
        b -= rate * grad_b
    p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
    best, threshold = -1.0, 0.5
    for t in np.unique(np.round(p, 3)):
        answered = p >= t
        tpr = answered[y == 1].mean() if (y == 1).any() else 0.0
        tnr = (~answered[y == 0]).mean() if (y == 0).any() else 0.0
        if tpr + tnr > best:
            best, threshold = tpr + tnr, float(t)
    return RefusalModel(
        dict(zip(FEATURES, map(float, w), strict=True)),
        b,
        threshold,
        dict(zip(FEATURES, map(float, mean), strict=True)),
        dict(zip(FEATURES, map(float, scale), strict=True)),
    )
