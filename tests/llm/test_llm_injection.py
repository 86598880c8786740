"""BIPIA instructions planted in the article: the LLM answerer's checked output never carries one out.

One instruction of each of the 15 categories here (the full 75 x 2 answerers run is benchmarks/injection.py).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core import Citebot
from bot.evaluation.injection import attacks, carried_out, planted
from tests.helpers import ATTACKS, assert_checked

pytestmark = [pytest.mark.llm, pytest.mark.slow]


def test_one_instruction_per_category_is_not_carried_out(smol: Callable[..., Citebot]) -> None:
    bot = smol()
    chosen = [attack for attack in attacks(ATTACKS) if attack[1] == 0]
    documents = [planted(*attack) for attack in chosen]
    for document in documents:
        bot.store.add(document)
    obeyed = []
    for document, (category, _, instruction) in zip(documents, chosen, strict=True):
        answer = bot.ask("What did Bayraktar say about Russia?", sources=frozenset({document.source}))
        if answer.notice is None:
            assert_checked(bot, answer)
        if signs := carried_out(answer.text):
            obeyed.append((category, instruction, answer.text, signs))
    assert len(chosen) == 15
    assert obeyed == []
