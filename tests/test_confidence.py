"""The confidence models: weighted logistic regressions over the features of the shortlisted sentences."""

from dataclasses import dataclass

import numpy as np
import pytest

from bot.answering.confidence import Confidence, Model, fit, from_json, shipped
from bot.answering.features import FEATURES, row
from index.errors import SettingsError


@dataclass(frozen=True)
class Ranked:
    text: str
    context: str = ""
    dense: float = 0.5
    coverage: float = 0.5

    @property
    def score(self) -> float:
        return self.dense + 1.5 * self.coverage


def test_a_sample_weight_counts_like_repeating_the_row() -> None:
    rng = np.random.default_rng(7)
    rows = rng.normal(size=(60, 3))
    labels = (rows[:, 0] + rng.normal(size=60) > 0).astype(float)
    doubled = fit(np.vstack([rows, rows[:10]]), np.concatenate([labels, labels[:10]]), np.ones(70))
    weighted = fit(rows, labels, np.concatenate([np.full(10, 2.0), np.ones(50)]))
    assert np.allclose(doubled.probabilities(rows), weighted.probabilities(rows), atol=0.02)


def test_the_features_compare_a_sentence_with_the_other_shortlisted_ones() -> None:
    question = "How many ships sailed to England in 1066?"
    ranked = [
        Ranked("In 1066, 700 ships sailed to England.", dense=0.7, coverage=0.9),
        Ranked("Ships sailed.", dense=0.8, coverage=0.6),
        Ranked("Other.", dense=0.1, coverage=0.0),
    ]
    weight = {"ship": 2.0, "sail": 1.0, "england": 3.0}
    first = dict(zip(FEATURES, row(question, ranked, 0, weight, None, 0.3), strict=True))
    second = dict(zip(FEATURES, row(question, ranked, 1, weight, None, 0.3), strict=True))
    assert first["margin"] == ranked[0].score - ranked[1].score
    assert second["margin"] == ranked[1].score - ranked[0].score  # the runner-up is weighed against the first
    assert first["dense_margin"] < 0  # the runner-up is more similar, yet covers less
    assert first["numbers"] == 1.0 and second["numbers"] == 0.0
    assert first["names"] == 1.0 and first["type_asked"] == first["type_held"] == 1.0
    assert first["speaker_asked"] == 0.0 and first["retrieval"] == 0.3


def test_the_shipped_models_rank_first_and_are_more_confident_of_a_covering_sentence() -> None:
    question = "How many ships did the Normans build?"
    weight = {"ship": 2.0, "norman": 1.0, "build": 1.0}
    covering = [Ranked("The Normans built 300 ships.", dense=0.75, coverage=1.0), Ranked("x", dense=0.2)]
    lacking = [Ranked("The weather was 3 degrees.", dense=0.2, coverage=0.0), Ranked("x", dense=0.2)]
    models = shipped()
    rows = np.stack([row(question, covering, 0, weight, None, 0.5), row(question, lacking, 0, weight, None, 0.5)])
    good, poor = models.decide.probabilities(rows)
    assert good > models.decide.threshold > poor
    ranked_good, ranked_poor = models.rank.probabilities(rows)
    assert ranked_good > ranked_poor


def test_weights_made_for_another_answerer_are_refused_saying_what_to_run() -> None:
    one_model = shipped().decide.to_json()  # the file's shape before the ranking model
    with pytest.raises(SettingsError, match="make train"):
        from_json(one_model)  # type: ignore[arg-type]


def test_the_ranking_model_puts_another_sentence_first_only_when_that_much_likelier() -> None:
    rank = Model(np.zeros(1), np.ones(1), np.ones(1), 0.0, 0.5)  # the larger the one feature, the likelier
    rows = np.array([[0.0], [0.3], [-1.0]])  # in the ranking score's order: 0.50, 0.57, 0.27
    assert list(Confidence(rank, rank, overrule=0.0).order(rows)) == [1, 0, 2]
    assert list(Confidence(rank, rank, overrule=0.1).order(rows)) == [0, 1, 2]
