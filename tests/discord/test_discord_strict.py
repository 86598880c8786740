"""Bot bugs the strict emulator shows: oversize messages, thread failures other than HTTP errors, intents."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from bot.config import Settings
from bot.core import Citebot
from bot.discord_render import CONTENT_LIMIT, unescape
from tests.discord_emulator import CHANNEL_ID, Emulator

Bots = Callable[..., Citebot]
Configs = Callable[..., Settings]
THREADS = r"/channels/\d+/messages/\d+/threads"


def test_an_error_longer_than_one_message_is_split_within_discords_limit(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, _):
            forgotten = await emulator.slash("forget", {"source": "no such document " * 150}, admin=True)
            await emulator.wait_until(lambda: len(emulator.replies_to(forgotten)) >= 2, 15)
            await asyncio.sleep(0.3)
            replies = emulator.replies_to(forgotten)
            assert all(r.status == 200 and len(r.body["content"]) <= CONTENT_LIMIT for r in replies)
            told = "".join(unescape(r.body["content"]) for r in replies)
            assert told.startswith("No single document matches") and told.endswith("putin-turkey-drones.txt")

    play(scenario())


def reset(emulator: Emulator) -> None:
    emulator.drop("POST", THREADS)


def slow(emulator: Emulator) -> None:
    emulator.stall("POST", THREADS, seconds=3.0)


@pytest.mark.parametrize("fault", [reset, slow], ids=["connection-reset", "timeout"])
def test_a_thread_that_cannot_be_opened_means_one_answer_in_the_channel(
    fault: Callable[[Emulator], None], make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, client):
            client.thread_timeout = 0.5
            fault(emulator)
            await emulator.post("What is Baykar?")
            await emulator.wait_until(lambda: emulator.answers_in(CHANNEL_ID), 15)
            await asyncio.sleep(3.0)  # a second answer, or one in a late thread, would be here by now
            assert len(emulator.answers_in(CHANNEL_ID)) == 1 and client.pending == {}
            assert not [t for t in emulator.thread_of.values() if emulator.posted_in(t)]

    play(scenario())


def test_without_the_message_content_intent_unmentioned_messages_are_ignored(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings(discord_message_content=False)) as (emulator, client):
            asked = await emulator.post("What is Baykar?")
            await emulator.wait_until(lambda: emulator.answers_in(emulator.thread_of.get(asked["id"], 0)), 15)
            thread = emulator.thread_of[asked["id"]]
            await emulator.wait_until(lambda: int(thread) in client.threads)
            posts = len(emulator.posted_in(thread))
            await emulator.post("What did he say about Russia?", channel=thread, mention=False)
            await emulator.post("What did Erdogan call the invasion of Ukraine?", channel=thread)
            await emulator.wait_until(lambda: len(emulator.answers_in(thread)) == 2, 15)
            await asyncio.sleep(0.5)
            later = [unescape(r.body.get("content") or "") for r in emulator.posted_in(thread)[posts:]]
            assert len(emulator.answers_in(thread)) == 2 and not [t for t in later if "empty" in t]

    play(scenario())
