"""Helpers for tests with one bot in two servers: run a command and read what the bot told or answered."""

from __future__ import annotations

from typing import Any

from tests.discord_emulator import Emulator


async def told(emulator: Emulator, interaction: dict[str, Any]) -> str:
    """The text the bot answered a command with: its first follow-up, or an immediate (type 4) response."""
    callback = rf"/interactions/\d+/{interaction['token']}/callback"

    def found() -> list[str]:
        immediate = [r.body["data"]["content"] for r in emulator.sent("POST", callback) if r.body["type"] == 4]
        return immediate + [r.body.get("content") or "" for r in emulator.replies_to(interaction)]

    await emulator.wait_until(found)
    return found()[0]


async def asked(emulator: Emulator, question: str, channel: int | str, author: int = 1) -> dict[str, Any]:
    """/ask in a channel; the body of the answer."""
    interaction = await emulator.slash("ask", {"question": question}, channel=channel, author=author)
    await emulator.wait_until(lambda: emulator.replies_to(interaction))
    return dict(emulator.replies_to(interaction)[0].body)


async def admin(emulator: Emulator, name: str, options: dict[str, Any], channel: int | str) -> str:
    """An admin's /sources, /ingest or /forget in a server; what the bot told them."""
    return await told(emulator, await emulator.slash(name, options, admin=True, channel=channel))


def cited(body: dict[str, Any]) -> list[str]:
    """The footers (file name and place) of the quotations under an answer."""
    return [embed["footer"]["text"] for embed in body.get("embeds") or []]
