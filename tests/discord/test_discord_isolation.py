"""One bot in two servers and a DM: each server asks, lists, adds and forgets in its own knowledge base only."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.core import Citebot
from tests.discord.servers import admin, asked, cited
from tests.discord_payloads import CHANNEL_ID, DM_CHANNEL_ID, GUILD_ID, OTHER_CHANNEL_ID, OTHER_GUILD_ID

Bots = Callable[..., Citebot]
Configs = Callable[..., Settings]
A, B = f"guild-{GUILD_ID}", f"guild-{OTHER_GUILD_ID}"
ZORBLAX = b"# Zorblax reactor notes\n\nThe Zorblax reactor is cooled by liquid helium from Quillon Station.\n"
QUESTION = "What cools the Zorblax reactor?"
BUNDLED = "putin-turkey-drones.txt"


def zorblax_cited(body: dict[str, Any]) -> bool:
    return any(footer.startswith("zorblax.md") for footer in cited(body))


def test_isolation_ask_answers_only_from_the_callers_server_and_a_dm_only_from_default(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    citebot = make_bot()

    async def scenario() -> None:
        async with start_bot(citebot, discord_settings()) as (emulator, _):
            assert (await admin(emulator, "ingest", {"file": ("zorblax.md", ZORBLAX)}, CHANNEL_ID)).startswith("Added")
            assert zorblax_cited(await asked(emulator, QUESTION, CHANNEL_ID))
            assert not zorblax_cited(await asked(emulator, QUESTION, OTHER_CHANNEL_ID, author=2))
            assert not zorblax_cited(await asked(emulator, QUESTION, DM_CHANNEL_ID, author=3))
            assert BUNDLED in cited(await asked(emulator, "What is Baykar?", OTHER_CHANNEL_ID, author=4))[0]

    play(scenario())
    assert [d.source for d in citebot.documents()] == [BUNDLED]  # `default` is untouched
    assert [d.source for d in citebot.documents(kb=B)] == [BUNDLED]  # a new server starts from a copy of it


def test_isolation_mentions_answer_from_their_own_server(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, _):
            await admin(emulator, "ingest", {"file": ("zorblax.md", ZORBLAX)}, CHANNEL_ID)
            here = await emulator.post(QUESTION, channel=CHANNEL_ID)
            there = await emulator.post(QUESTION, channel=OTHER_CHANNEL_ID, author=2)
            threads = emulator.thread_of
            await emulator.wait_until(lambda: all(emulator.answers_in(threads.get(m["id"], 0)) for m in (here, there)))
            assert zorblax_cited(emulator.answers_in(threads[here["id"]])[0].body)
            assert not zorblax_cited(emulator.answers_in(threads[there["id"]])[0].body)

    play(scenario())


def test_isolation_thread_follow_ups_stay_in_their_server(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, client):
            await admin(emulator, "ingest", {"file": ("zorblax.md", ZORBLAX)}, OTHER_CHANNEL_ID)
            opened = [await emulator.post("What is Baykar?", channel=c) for c in (CHANNEL_ID, OTHER_CHANNEL_ID)]
            await emulator.wait_until(
                lambda: all(emulator.answers_in(emulator.thread_of.get(m["id"], 0)) for m in opened)
            )
            mine, theirs = (emulator.thread_of[m["id"]] for m in opened)
            await emulator.post(QUESTION, channel=mine, mention=False, author=2)
            await emulator.post(QUESTION, channel=theirs, mention=False, author=3)
            await emulator.wait_until(lambda: len(emulator.answers_in(mine)) == len(emulator.answers_in(theirs)) == 2)
            assert not zorblax_cited(emulator.answers_in(mine)[1].body)
            assert zorblax_cited(emulator.answers_in(theirs)[1].body)
            assert len(client.conversations.load(int(theirs), OTHER_GUILD_ID).turns) == 2
            assert client.conversations.load(int(theirs), GUILD_ID).turns == []

    play(scenario())


def test_isolation_sources_lists_only_the_servers_documents(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, _):
            await admin(emulator, "ingest", {"file": ("zorblax.md", ZORBLAX)}, CHANNEL_ID)
            await admin(
                emulator, "ingest", {"file": ("quux.md", b"# Quux\n\nQuux is a blue fruit.\n")}, OTHER_CHANNEL_ID
            )
            mine, theirs = [await admin(emulator, "sources", {}, c) for c in (CHANNEL_ID, OTHER_CHANNEL_ID)]
            assert "zorblax.md" in mine and "quux.md" not in mine and "drones.txt" in mine
            assert "quux.md" in theirs and "zorblax.md" not in theirs and "drones.txt" in theirs

    play(scenario())


def test_isolation_forget_removes_only_in_the_callers_server(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    citebot = make_bot()

    async def scenario() -> None:
        async with start_bot(citebot, discord_settings()) as (emulator, _):
            for channel in (CHANNEL_ID, OTHER_CHANNEL_ID):
                await admin(emulator, "ingest", {"file": ("zorblax.md", ZORBLAX)}, channel)
            assert (await admin(emulator, "forget", {"source": "zorblax.md"}, CHANNEL_ID)).startswith("Removed")
            assert (await admin(emulator, "forget", {"source": BUNDLED}, OTHER_CHANNEL_ID)).startswith("Removed")
            assert "No document" in await admin(emulator, "forget", {"source": "zorblax.md"}, CHANNEL_ID)

    play(scenario())
    assert [d.source for d in citebot.documents(kb=A)] == [BUNDLED]
    assert [d.source for d in citebot.documents(kb=B)] == ["discord/zorblax.md"]
    assert [d.source for d in citebot.documents()] == [BUNDLED]


def test_isolation_the_same_file_name_in_both_servers_is_two_documents(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    helium, neon = ZORBLAX, ZORBLAX.replace(b"liquid helium", b"liquid neon")

    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, _):
            assert (await admin(emulator, "ingest", {"file": ("zorblax.md", helium)}, CHANNEL_ID)).startswith("Added")
            assert (await admin(emulator, "ingest", {"file": ("zorblax.md", neon)}, OTHER_CHANNEL_ID)).startswith(
                "Added"
            )
            mine = await asked(emulator, QUESTION, CHANNEL_ID)
            theirs = await asked(emulator, QUESTION, OTHER_CHANNEL_ID, author=2)
            assert "helium" in mine["embeds"][0]["description"] and "neon" not in json.dumps(mine)
            assert "neon" in theirs["embeds"][0]["description"] and "helium" not in json.dumps(theirs)

    play(scenario())


def test_isolation_feedback_records_and_exports_the_server(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, client):
            places = (CHANNEL_ID, OTHER_CHANNEL_ID, DM_CHANNEL_ID)
            for n, channel in enumerate(places, start=1):
                body = await asked(emulator, "What is Baykar?", channel, author=n)
                button = body["components"][0]["components"][0]["custom_id"]
                await emulator.click(button, emulator.message(channel, body), author=n)
            await emulator.wait_until(lambda: len(client.feedback.votes()) == 3)
            out = io.StringIO()
            client.feedback.export(out)
            exported = [json.loads(line) for line in out.getvalue().splitlines()]
            assert [(v["user"], v["guild"]) for v in exported] == [
                ("1", str(GUILD_ID)),
                ("2", str(OTHER_GUILD_ID)),
                ("3", None),
            ]

    play(scenario())


def test_isolation_dm_messages_answer_only_from_default(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, _):
            await admin(emulator, "ingest", {"file": ("zorblax.md", ZORBLAX)}, CHANNEL_ID)
            await emulator.post(QUESTION, channel=DM_CHANNEL_ID, mention=False, dm=True)
            await emulator.post("What is Baykar?", channel=DM_CHANNEL_ID, mention=False, dm=True, author=2)
            await emulator.wait_until(lambda: len(emulator.posted_in(DM_CHANNEL_ID)) >= 2)
            replies = [r.body for r in emulator.posted_in(DM_CHANNEL_ID)]
            assert not any(zorblax_cited(body) for body in replies)
            assert any(BUNDLED in footer for body in replies for footer in cited(body))

    play(scenario())
