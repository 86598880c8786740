"""The confidence models: two logistic regressions, in plain numpy, over `bot.answering.features.FEATURES`.

One ranks the answerer's shortlisted sentences again by how likely each holds the answer; the other gives the
sentence ranked first the probability that it does, and the answerer abstains below its threshold. (One model for
both ranks well but decides poorly: the best of ten sentences' probabilities is no probability that the best one
answers.) The weights ship as `bot/answering/confidence.json`, written by `make train`
(benchmarks/train_confidence.py): fitted on the tune questions only, the threshold chosen on validation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from bot.answering.features import FEATURES
from index.errors import SettingsError

WEIGHTS = Path(__file__).with_name("confidence.json")


@dataclass(frozen=True)
class Model:
    """Standardise each feature, weigh, add the bias, squash into (0, 1)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    bias: float
    threshold: float

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """The probability, for each row of features, that its sentence holds the answer."""
        if len(rows) == 0:
            return np.zeros(0)
        logits = ((rows - self.mean) / self.scale) @ self.coef + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "coef": [round(float(x), 6) for x in self.coef],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
        }


@dataclass(frozen=True)
class Confidence:
    """`rank` orders a question's shortlisted sentences; `decide` judges the first, abstaining below its threshold."""

    rank: Model
    decide: Model
    overrule: float = 0.0  # how much likelier another sentence must be to go before the ranking score's first

    def order(self, rows: np.ndarray) -> np.ndarray:
        """The shortlist's order (its rows come in the ranking score's order): likeliest to answer first, but the
        score's first stays first unless another is `overrule` likelier."""
        chances = self.rank.probabilities(rows)
        order = np.argsort(-chances, kind="stable")
        if chances[order[0]] < chances[0] + self.overrule:
            order = np.r_[0, order[order != 0]]
        return order

    def to_json(self) -> dict[str, object]:
        return {"rank": self.rank.to_json(), "decide": self.decide.to_json(), "overrule": self.overrule}


def fit(rows: np.ndarray, labels: np.ndarray, sample: np.ndarray, l2: float = 1.0, steps: int = 50) -> Model:
    """Weighted maximum-likelihood logistic regression with an L2 penalty, by Newton's method (a few dozen
    steps); `sample` weighs each row (to balance answerable and unanswerable questions)."""
    mean = rows.mean(axis=0)
    scale = np.where(rows.std(axis=0) > 1e-9, rows.std(axis=0), 1.0)
    x = np.hstack([(rows - mean) / scale, np.ones((len(rows), 1))])
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (sample * (p - labels)) + penalty * w
        hessian = (x * (sample * p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    return Model(mean, scale, w[:-1], float(w[-1]), 0.5)


def from_json(data: dict[str, dict[str, object]]) -> Confidence:
    """The models from their weights file's contents, refused when made for other features or an older answerer."""
    models = [data.get(key) for key in ("rank", "decide")]
    made_for = all(isinstance(model, dict) and model.get("features") == list(FEATURES) for model in models)
    if not (made_for and "overrule" in data):
        msg = f"{WEIGHTS.name} was trained for another answerer; run `make train`"
        raise SettingsError(msg)
    return Confidence(model_of(data["rank"]), model_of(data["decide"]), float(data["overrule"]))  # type: ignore[arg-type]


def model_of(data: dict[str, object]) -> Model:
    """One model from its part of the weights file."""

    def array(key: str) -> np.ndarray:
        return np.asarray(data[key], dtype=np.float64)

    return Model(array("mean"), array("scale"), array("coef"), float(data["bias"]), float(data["threshold"]))  # type: ignore[arg-type]


@cache
def shipped() -> Confidence:
    """The models in the package's weights file, read once."""
    return from_json(json.loads(WEIGHTS.read_text(encoding="utf-8")))
