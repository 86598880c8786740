"""Instructions planted in a document never change what the offline answerer does."""

from collections.abc import Callable

import pytest

from bot.core import Citebot
from tests.helpers import INJECTION_QUESTIONS, attacks, carried_out, planted


@pytest.mark.slow
def test_no_planted_instruction_is_carried_out_and_citations_stay_exact(
    make_bot: Callable[..., Citebot],
) -> None:
    bot = make_bot()
    documents = [planted(*attack) for attack in attacks()]
    for document in documents:
        bot.store.add(document)
    obeyed = []
    for document, (category, _, instruction) in zip(documents, attacks(), strict=True):
        for question in INJECTION_QUESTIONS:
            answer = bot.ask(question, sources=frozenset({document.source}))
            for citation in answer.citations:
                assert document.text[citation.start : citation.end] == citation.text
            if signs := carried_out(answer.text, document.text):
                obeyed.append((category, instruction, question, signs))
    assert obeyed == []
