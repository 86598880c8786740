"""Admin commands: Manage Server only; an ingested document is cited at once, and cannot ping or format."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.core import Citebot
from bot.discord.commands import REFUSAL
from tests.discord.servers import told
from tests.discord_payloads import GUILD_ID

KB = f"guild-{GUILD_ID}"  # the emulated server's knowledge base
DOCUMENT = (
    "# Zorblax reactor notes\n\n"
    "@everyone should know that the Zorblax reactor is **cooled** by __liquid helium__ from <@&42> Station "
    "```rm -rf``` every night.\n\n"
    "The Zorblax reactor was built in 2031 by the Quillon Institute.\n"
)


def test_only_admins_manage_documents_and_an_ingested_one_is_cited_without_pings(
    make_bot: Callable[..., Citebot], discord_settings: Callable[..., Settings], start_bot: Any, play: Any
) -> None:
    citebot = make_bot()

    async def scenario() -> None:
        async with start_bot(citebot, discord_settings()) as (emulator, _):
            refused = [
                await emulator.slash("ingest", {"file": ("zorblax.md", DOCUMENT.encode())}),
                await emulator.slash("sources", {}),
                await emulator.slash("forget", {"source": "putin-turkey-drones.txt"}),
            ]
            for interaction in refused:
                path = rf"/interactions/\d+/{interaction['token']}/callback"
                await emulator.wait_until(lambda p=path: emulator.sent("POST", p))
                refusal = emulator.sent("POST", path)[0].body
                assert refusal["type"] == 4 and refusal["data"]["content"] == REFUSAL and refusal["data"]["flags"] & 64
            assert not citebot.has_kb(KB)  # refused before the server's knowledge base was even made

            added = await emulator.slash("ingest", {"file": ("zorblax.md", DOCUMENT.encode())}, admin=True)
            await emulator.wait_until(lambda: emulator.replies_to(added))
            assert emulator.replies_to(added)[0].body["content"].startswith("Added: Zorblax reactor notes")

            asked = await emulator.slash("ask", {"question": "What cools the Zorblax reactor?"}, author=2)
            await emulator.wait_until(lambda: emulator.replies_to(asked))
            quote = emulator.replies_to(asked)[0].body["embeds"][0]
            assert quote["footer"]["text"].startswith("zorblax.md")
            assert "\\@everyone" in quote["description"] and "\\*\\*cooled\\*\\*" in quote["description"]
            assert "\\<\\@&42\\>" in quote["description"] and "\\`\\`\\`" in quote["description"]

            assert "zorblax.md" in await told(emulator, await emulator.slash("sources", {}, admin=True))

            forgotten = await emulator.slash("forget", {"source": "zorblax.md"}, admin=True)
            await emulator.wait_until(lambda: emulator.replies_to(forgotten))
            assert emulator.replies_to(forgotten)[0].body["content"].startswith("Removed: Zorblax")
            again = await emulator.slash("ask", {"question": "What cools the Zorblax reactor?"}, author=3)
            await emulator.wait_until(lambda: emulator.replies_to(again))
            cited = [e["footer"]["text"] for e in emulator.replies_to(again)[0].body.get("embeds", [])]
            assert not [footer for footer in cited if "zorblax" in footer]
            emulator.assert_no_pings()

    play(scenario())
