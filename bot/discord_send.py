"""Sending to Discord: channel and follow-up senders, the 👍/👎 buttons, and token redaction in logs.

Every send here passes `allowed_mentions=none`. The vote buttons are dynamic items whose custom id holds
the answer's number, so a click is understood even after a restart, without keeping views in memory.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.discord_gate import NO_PINGS
from bot.discord_render import Piece
from bot.feedback import DOWN, UP

if TYPE_CHECKING:
    from bot.discord_bot import CitebotClient

log = logging.getLogger("citebot.discord")
Send = Callable[[Piece, discord.ui.View | None], Awaitable[object]]


def channel_sender(channel: discord.abc.Messageable, reference: discord.MessageReference | None) -> Send:
    async def send(piece: Piece, view: discord.ui.View | None) -> object:
        embeds = [discord.Embed.from_dict(e) for e in piece.embeds]
        return await channel.send(
            piece.content or None,
            embeds=embeds,
            reference=reference,  # type: ignore[call-overload]
            view=view,
            allowed_mentions=NO_PINGS,
        )

    return send


def followup_sender(interaction: discord.Interaction, private: bool) -> Send:
    async def send(piece: Piece, view: discord.ui.View | None) -> object:
        if interaction.is_expired():  # past Discord's 15 minutes: post in the channel, unless private
            if private or interaction.channel is None:
                log.warning("interaction %s expired before its answer was ready", interaction.id)
                return None
            return await channel_sender(cast(discord.abc.Messageable, interaction.channel), None)(piece, view)
        extra: dict[str, Any] = {"content": piece.content} if piece.content else {}
        if view is not None:
            extra["view"] = view
        embeds = [discord.Embed.from_dict(e) for e in piece.embeds]
        return await interaction.followup.send(
            embeds=embeds, ephemeral=private, allowed_mentions=NO_PINGS, wait=True, **extra
        )

    return send


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"citebot:vote:(?P<id>\d+):(?P<v>up|down)"
):
    """👍 or 👎 under an answer; the answer's number is in the custom id, so votes work after a restart."""

    def __init__(self, answer_id: int, vote: str) -> None:
        emoji = "👍" if vote == "up" else "👎"
        button: discord.ui.Button[Any] = discord.ui.Button(
            emoji=emoji, style=discord.ButtonStyle.secondary, custom_id=f"citebot:vote:{answer_id}:{vote}"
        )
        super().__init__(button)
        self.answer_id, self.vote = answer_id, vote

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> VoteButton:
        return cls(int(match["id"]), match["v"])

    async def callback(self, interaction: discord.Interaction) -> None:
        feedback = cast("CitebotClient", interaction.client).feedback
        vote = UP if self.vote == "up" else DOWN
        counted = await asyncio.to_thread(feedback.vote, self.answer_id, interaction.user.id, vote)
        text = "Thanks — your vote is recorded." if counted else "That answer is no longer on record."
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)


def vote_view(answer_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(answer_id, "up"))
    view.add_item(VoteButton(answer_id, "down"))
    return view


class RedactTokens(logging.Filter):
    """Hide tokens from discord.py's DEBUG logs: the bot's, and interaction tokens in URLs and raw events."""

    SECRET_URL = re.compile(r"(/(?:webhooks|interactions)/\d+/)[^/\s?'\"]+")
    SECRET_FIELD = re.compile(r"""(['"]token['"]:\s*['"])[^'"]+""")

    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.SECRET_FIELD.sub(r"\1[token]", self.SECRET_URL.sub(r"\1[token]", message))
        for token in self.tokens:
            clean = clean.replace(token, "[token]")
        if clean != message:
            record.msg, record.args = clean, None
        return True


REDACTOR = RedactTokens()
for _name in [
    "discord",
    "citebot",
    *[n for n in logging.root.manager.loggerDict if n.startswith("discord.")],
]:
    logging.getLogger(_name).addFilter(REDACTOR)
