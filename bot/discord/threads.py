"""The threads the bot opens: one per question asked in a channel, so follow-ups keep their conversation.

A mixin of `bot.discord.client.CitebotClient`; each thread is remembered in the conversation store with its
server, so a follow-up in it is answered from that server's knowledge base after a restart too.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.answering.answer import Answer
from bot.discord.conversations import ConversationStore
from bot.discord.render import thread_name

if TYPE_CHECKING:
    from discord.abc import MessageableChannel

log = logging.getLogger("citebot.discord")
THREAD_TIMEOUT = 10.0  # seconds to open a thread before answering in the channel instead
THREAD_FAILURES = (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError)  # refused, reset, slow


class Threads:
    """Opening threads and knowing which are the bot's."""

    conversations: ConversationStore
    threads: set[int]  # the threads the bot opened (kept in SQLite, read at start-up)
    thread_timeout: float

    async def conversation_channel(
        self, message: discord.Message, question: str
    ) -> tuple[MessageableChannel, int | None]:
        """Where to answer, and whose conversation: a DM or bot thread itself, else a new thread."""
        channel = message.channel
        if message.guild is None or channel.id in self.threads:
            return channel, channel.id
        if not isinstance(channel, discord.TextChannel):
            return channel, None
        thread = await self.open_thread(channel, question, message)
        return (thread, thread.id) if thread is not None else (channel, None)

    async def open_thread(
        self, channel: discord.TextChannel, question: str, message: discord.abc.Snowflake
    ) -> discord.Thread | None:
        """A thread on a message, remembered as the bot's; None when Discord refuses, resets or is too slow."""
        opening = channel.create_thread(name=thread_name(question), message=message, auto_archive_duration=1440)
        try:
            thread = await asyncio.wait_for(opening, self.thread_timeout)
        except THREAD_FAILURES as error:
            log.warning("could not open a thread (%r); answering in the channel", error)
            return None
        await asyncio.to_thread(self.conversations.open_thread, thread.id, channel.guild.id)
        self.threads.add(thread.id)
        return thread

    async def continue_in_thread(self, channel: discord.TextChannel, sent: discord.Message, answer: Answer) -> None:
        """/ask in a channel: a thread on the answer, whose conversation starts with this question."""
        if thread := await self.open_thread(channel, answer.question, sent):
            await asyncio.to_thread(self.conversations.add, thread.id, answer.question, answer, channel.guild.id)
