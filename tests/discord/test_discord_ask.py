"""/ask end to end: deferred within Discord's window, then the answer and its quotations as a follow-up."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from bot.config import Settings
from bot.core import Citebot
from tests.discord_emulator import CHANNEL_ID, TOKEN


def test_ask_defers_then_follows_up_with_the_answer_quotes_and_vote_buttons(
    make_bot: Callable[..., Citebot],
    discord_settings: Callable[..., Settings],
    start_bot: Any,
    play: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = [TOKEN]

    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, client):
            asked = await emulator.slash("ask", {"question": "What is Baykar?"})
            tokens.append(asked["token"])
            await emulator.wait_until(lambda: emulator.replies_to(asked))
            callback = emulator.sent("POST", rf"/interactions/\d+/{asked['token']}/callback")
            followup = emulator.replies_to(asked)
            assert [c.body for c in callback] == [{"type": 5}]
            assert callback[0].at - emulator.posted[int(asked["id"])] < 3
            assert len(followup) == 1 and followup[0].at > callback[0].at
            body = followup[0].body
            assert "\\[1\\]" in body["content"]
            assert "drone manufacturer" in body["embeds"][0]["description"]
            assert body["embeds"][0]["title"].startswith("\\[1\\]")
            buttons = body["components"][0]["components"]
            assert [b["custom_id"].rsplit(":", 1)[1] for b in buttons] == ["up", "down"]
            assert not body.get("flags", 0) & 64

            await emulator.wait_until(lambda: emulator.thread_of)  # follow-ups to /ask continue in a thread
            thread = next(iter(emulator.thread_of.values()))
            await emulator.wait_until(lambda: int(thread) in client.threads)
            await emulator.post("Who is Haluk Bayraktar?", channel=thread, mention=False)
            await emulator.wait_until(lambda: emulator.answers_in(thread))

            vote = await emulator.click(buttons[0]["custom_id"], emulator.message(CHANNEL_ID, body), author=7)
            tokens.append(vote["token"])
            await emulator.wait_until(lambda: emulator.sent("POST", rf"/interactions/\d+/{vote['token']}/callback"))
            thanks = emulator.sent("POST", rf"/interactions/\d+/{vote['token']}/callback")[0].body
            assert thanks["type"] == 4 and thanks["data"]["flags"] & 64
            assert [(v["user"], v["vote"], v["question"]) for v in client.feedback.votes()] == [
                ("7", "up", "What is Baykar?")
            ]

            private = await emulator.slash("ask", {"question": "What is Baykar?", "private": True}, author=2)
            tokens.append(private["token"])
            await emulator.wait_until(lambda: emulator.replies_to(private))
            callback = emulator.sent("POST", rf"/interactions/\d+/{private['token']}/callback")
            assert [c.body for c in callback] == [{"type": 5, "data": {"flags": 64}}]
            assert emulator.replies_to(private)[0].body["flags"] & 64
            assert len(emulator.thread_of) == 1  # no thread on a private answer
            emulator.assert_no_pings()

    play(scenario())
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(("discord", "citebot")))
    assert "[redacted]" in logged  # discord.py did log the interaction URLs, redacted
    assert not [token for token in tokens if token in logged]


def test_ask_with_cooldown_is_told_to_wait_and_errors_are_polite(
    make_bot: Callable[..., Citebot], discord_settings: Callable[..., Settings], start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings(user_cooldown=60.0)) as (emulator, _):
            first = await emulator.slash("ask", {"question": "What is Baykar?"})
            second = await emulator.slash("ask", {"question": "What is Baykar?"})
            empty = await emulator.slash("ask", {"question": "   "}, author=2)
            await emulator.wait_until(lambda: emulator.replies_to(first) and emulator.replies_to(empty))
            await emulator.wait_until(lambda: emulator.sent("POST", rf"/interactions/\d+/{second['token']}/callback"))
            told = emulator.sent("POST", rf"/interactions/\d+/{second['token']}/callback")[0].body
            assert told["type"] == 4 and "wait" in told["data"]["content"] and told["data"]["flags"] & 64
            assert "empty" in emulator.replies_to(empty)[0].body["content"]
            emulator.assert_no_pings()

    play(scenario())
