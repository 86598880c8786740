"""/ask end to end: deferred within Discord's window, then the answer and its quotations as a follow-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.core import Citebot


def test_ask_defers_then_follows_up_with_the_answer_and_quotes(
    make_bot: Callable[..., Citebot], discord_settings: Callable[..., Settings], start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, client):
            asked = await emulator.slash("ask", {"question": "What is Baykar?"})
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

            private = await emulator.slash("ask", {"question": "What is Baykar?", "private": True}, author=2)
            await emulator.wait_until(lambda: emulator.replies_to(private))
            callback = emulator.sent("POST", rf"/interactions/\d+/{private['token']}/callback")
            assert [c.body for c in callback] == [{"type": 5, "data": {"flags": 64}}]
            assert emulator.replies_to(private)[0].body["flags"] & 64
            emulator.assert_no_pings()

    play(scenario())
