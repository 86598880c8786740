"""A streaming answerer: the draft is edited at most about once a second, then replaced by the answer."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from bot.answering.answer import Answer
from bot.config import Settings
from bot.core import Citebot
from tests.discord_payloads import DM_CHANNEL_ID


class SlowStreaming:
    """The real extractive answerer, with its text handed out word by word, as an LLM would stream it."""

    name = "streaming"

    def __init__(self, inner: Any, delay: float) -> None:
        self.inner, self.delay = inner, delay

    def rewrite(self, question: str, conversation: Any) -> str:
        return str(self.inner.rewrite(question, conversation))

    def answer(
        self, question: str, retrieval: Any, scope: str, *, quotes_only: bool = False, on_token: Any = None
    ) -> Answer:
        answer: Answer = self.inner.answer(question, retrieval, scope, quotes_only=quotes_only)
        for word in answer.text.split(" "):
            if on_token is not None:
                on_token(word + " ")
            time.sleep(self.delay)
        return answer


@pytest.mark.slow
def test_a_streamed_answer_is_edited_at_most_once_a_second_then_replaced_by_the_answer(
    make_bot: Callable[..., Citebot], discord_settings: Callable[..., Settings], start_bot: Any, play: Any
) -> None:
    citebot = make_bot()
    citebot.use_answerer(lambda inner: SlowStreaming(inner, delay=0.12))

    async def scenario() -> None:
        async with start_bot(citebot, discord_settings()) as (emulator, _):
            # in a DM, answered from `default` (every knowledge base answers through the slowed answerer)
            await emulator.post("What is Baykar?", channel=DM_CHANNEL_ID, mention=False, dm=True)
            edited = lambda: emulator.sent("PATCH", rf"/channels/{DM_CHANNEL_ID}/messages/\d+")  # noqa: E731
            await emulator.wait_until(lambda: [e for e in edited() if e.body.get("components")])
            drafts, edits = emulator.posted_in(DM_CHANNEL_ID), edited()
            assert len(drafts) == 1 and drafts[0].body["content"].endswith("✍️")
            assert len(edits) >= 2 and edits[-1].body["embeds"] and "✍️" not in edits[-1].body["content"]
            moments = [drafts[0].at] + [e.at for e in edits[:-1]]
            assert all(later - earlier >= 0.95 for earlier, later in zip(moments, moments[1:], strict=False))
            emulator.assert_no_pings()

    play(scenario())
