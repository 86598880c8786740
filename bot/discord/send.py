"""Sending to Discord: channel and follow-up senders, the 👍/👎 buttons, and token redaction in logs.

Every send here passes `allowed_mentions=none`. The vote buttons are dynamic items whose custom id holds
the answer's number, so a click is understood even after a restart, without keeping views in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, cast

import discord

from bot.discord.feedback import DOWN, UP, FeedbackStore
from bot.discord.gate import NO_PINGS
from bot.discord.render import CONTENT_LIMIT, Piece, chunks, escape
from index.redact import redact

log = logging.getLogger("citebot.discord")
Send = Callable[[Piece, discord.ui.View | None], Awaitable[object]]


class VotingClient(Protocol):
    """What a vote button needs of the client (`bot.discord.client.CitebotClient`): where votes are kept."""

    feedback: FeedbackStore


def channel_sender(channel: discord.abc.Messageable, reference: discord.MessageReference | None) -> Send:
    async def send(piece: Piece, view: discord.ui.View | None) -> object:
        extra: dict[str, Any] = {"reference": reference} if reference is not None else {}
        if view is not None:
            extra["view"] = view
        embeds = [discord.Embed.from_dict(e) for e in piece.embeds]
        return await channel.send(piece.content or None, embeds=embeds, allowed_mentions=NO_PINGS, **extra)

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


async def tell(interaction: discord.Interaction, escaped: str) -> None:
    """Escaped text for the user alone, split like every message to fit Discord's 2,000 characters.

    The first piece is the interaction's response, or a follow-up once it is acknowledged (deferred)."""
    for page in chunks(escaped, CONTENT_LIMIT):
        if interaction.response.is_done():
            await interaction.followup.send(page, ephemeral=True, allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(page, ephemeral=True, allowed_mentions=NO_PINGS)


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"citebot:vote:(?P<id>\d+):(?P<v>up|down)"):
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
        feedback = cast(VotingClient, interaction.client).feedback
        vote = UP if self.vote == "up" else DOWN
        counted = await asyncio.to_thread(feedback.vote, self.answer_id, interaction.user.id, vote)
        await tell(interaction, "Thanks — your vote is recorded." if counted else "That answer is no longer on record.")


def vote_view(answer_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(answer_id, "up"))
    view.add_item(VoteButton(answer_id, "down"))
    return view


class Draft:
    """An answer an LLM is still writing, shown by editing one message at most once per `interval`.

    Edits share Discord's rate limit with every other message in the channel, hence the interval. The
    text is escaped like any model output; the finished answer then replaces the draft in one last edit.
    """

    def __init__(self, send: Send, loop: asyncio.AbstractEventLoop, interval: float = 1.0) -> None:
        self.send, self.loop, self.interval = send, loop, interval
        self.text = self.shown = ""
        self.message: Any = None
        self.task: asyncio.Task[None] | None = None
        self.closed = False

    def on_token(self, token: str) -> None:
        """Called from the worker thread that runs the answerer."""
        self.loop.call_soon_threadsafe(self.add, token)

    def add(self, token: str) -> None:
        self.text += token
        if self.task is None and not self.closed:
            self.task = asyncio.create_task(self.show())

    def restart(self) -> None:
        """The question was edited: the next answer's tokens start a new text in the same message."""
        self.loop.call_soon_threadsafe(setattr, self, "text", "")

    async def show(self) -> None:
        while True:
            if self.text != self.shown:
                text, self.shown = self.text, self.text
                content = draft_content(text)
                if self.message is None:
                    self.message = await self.send(Piece(content), None)
                else:
                    await self.message.edit(content=content, allowed_mentions=NO_PINGS)
            await asyncio.sleep(self.interval)

    async def finish(self) -> Any:
        """Stop editing; the draft message to put the answer in, if one was shown."""
        self.closed = True
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        return self.message


async def edit_into(message: Any, piece: Piece, view: discord.ui.View | None) -> Any:
    """Put a piece of the answer into an existing message (the draft)."""
    embeds = [discord.Embed.from_dict(e) for e in piece.embeds]
    return await message.edit(content=piece.content or None, embeds=embeds, view=view, allowed_mentions=NO_PINGS)


def draft_content(text: str) -> str:
    """The text so far, escaped, ending in a pen; only its end when it is too long for one message."""
    room = CONTENT_LIMIT - 4
    if len(escape(text)) > room:
        text = "…" + text[-(room // 2 - 1) :]  # escaping at most doubles the length
    return escape(text) + " ✍️"


class RedactTokens(logging.Filter):
    """Hide secrets from discord.py's DEBUG logs: the bot's token, added to `tokens`, and whatever `redact` knows."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message, *self.tokens)
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
