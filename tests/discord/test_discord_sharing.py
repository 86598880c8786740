"""Sharing a server's documents with another server: offered by one admin, accepted by the other's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.core import Citebot
from bot.discord.commands import REFUSAL
from tests.discord.servers import admin, asked, cited, told
from tests.discord_payloads import CHANNEL_ID, GUILD_ID, OTHER_CHANNEL_ID, OTHER_GUILD_ID

ZORBLAX = b"# Zorblax reactor notes\n\nThe Zorblax reactor is cooled by liquid helium from Quillon Station.\n"
QUESTION = "What cools the Zorblax reactor?"
A, B = str(GUILD_ID), str(OTHER_GUILD_ID)


def zorblax_cited(body: dict[str, Any]) -> bool:
    return any(footer.startswith("zorblax.md") for footer in cited(body))


def test_isolation_holds_until_the_other_servers_admin_accepts_a_share_and_either_side_can_end_it(
    make_bot: Callable[..., Citebot], discord_settings: Callable[..., Settings], start_bot: Any, play: Any
) -> None:
    citebot = make_bot()

    async def scenario() -> None:
        async with start_bot(citebot, discord_settings()) as (emulator, _):
            await admin(emulator, "ingest", {"file": ("zorblax.md", ZORBLAX)}, CHANNEL_ID)
            said = await admin(emulator, "accept", {"server": A}, OTHER_CHANNEL_ID)
            assert said.startswith(f"Server {A} has not offered")  # B cannot help itself to A's documents
            member = await emulator.slash("share", {"server": B}, channel=CHANNEL_ID)
            assert await told(emulator, member) == REFUSAL
            assert (await admin(emulator, "share", {"server": B}, CHANNEL_ID)).startswith("Offered")
            assert not zorblax_cited(await asked(emulator, QUESTION, OTHER_CHANNEL_ID))  # offered, not accepted
            member = await emulator.slash("accept", {"server": A}, channel=OTHER_CHANNEL_ID)
            assert await told(emulator, member) == REFUSAL
            assert (await admin(emulator, "accept", {"server": A}, OTHER_CHANNEL_ID)).startswith("Accepted")

            assert zorblax_cited(await asked(emulator, QUESTION, OTHER_CHANNEL_ID, author=2))
            assert "zorblax.md" in await admin(emulator, "sources", {}, OTHER_CHANNEL_ID)
            refused = await admin(emulator, "forget", {"source": "zorblax.md"}, OTHER_CHANNEL_ID)
            assert refused.startswith(f"This server reads the documents server {A} shares")
            refused = await admin(emulator, "ingest", {"file": ("quux.md", b"# Quux\n\nQuux.\n")}, OTHER_CHANNEL_ID)
            assert refused.startswith(f"This server reads the documents server {A} shares")

            assert (await admin(emulator, "unshare", {"server": B}, CHANNEL_ID)).startswith("Ended")
            assert not zorblax_cited(await asked(emulator, QUESTION, OTHER_CHANNEL_ID, author=3))

    play(scenario())
    assert [d.source for d in citebot.documents(kb=f"guild-{GUILD_ID}")][-1] == "discord/zorblax.md"
    assert "discord/zorblax.md" not in [d.source for d in citebot.documents(kb=f"guild-{OTHER_GUILD_ID}")]
