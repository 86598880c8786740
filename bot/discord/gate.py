"""Manners for the Discord bot: a per-user cooldown, a cap on answers in flight with a queue, replay guards.

`app_commands.checks.cooldown` covers slash commands only, so mentions, DMs and /ask share one
`CooldownMapping` keyed by user id. Questions beyond the in-flight cap wait in line and are told their
place; beyond `max_waiting` they are turned away politely rather than queued for ever.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import discord
from discord.ext import commands

from bot.config import Settings
from index.errors import CitebotError

NO_PINGS = discord.AllowedMentions.none()  # on the client and on every send: documents cannot ping


class Busy(CitebotError):
    """Too many questions are waiting; the asker is told to come back later."""


class Gate:
    """Who may ask now, and how many answers are worked on at once."""

    def __init__(self, cooldown: float, in_flight: int, max_waiting: int = 50) -> None:
        self.cooldowns: commands.CooldownMapping[int] | None = (
            commands.CooldownMapping.from_cooldown(1, cooldown, lambda user_id: user_id) if cooldown > 0 else None
        )
        self.slots = asyncio.Semaphore(max(1, in_flight))
        self.limit = max(1, in_flight)
        self.active = 0
        self.waiting = 0
        self.max_waiting = max_waiting

    def retry_after(self, user_id: int) -> float | None:
        """Seconds this user must wait before asking again, or None (and the question counts)."""
        if self.cooldowns is None:
            return None
        bucket = self.cooldowns.get_bucket(user_id)
        return bucket.update_rate_limit() if bucket is not None else None

    @asynccontextmanager
    async def slot(self, on_queued: Callable[[int], Awaitable[object]]) -> AsyncIterator[None]:
        """Hold one of the in-flight places; when all are taken, `on_queued(place)` is awaited first."""
        if self.active + self.waiting >= self.limit:
            if self.waiting >= self.max_waiting:
                raise Busy
            self.waiting += 1
            try:
                await on_queued(self.waiting)
                await self.slots.acquire()
            finally:
                self.waiting -= 1
        else:
            await self.slots.acquire()
        self.active += 1
        try:
            yield
        finally:
            self.active -= 1
            self.slots.release()


def place_allowed(settings: Settings, guild_id: int | None, channel: object) -> bool:
    """Whether the bot answers here, for messages and /ask alike: a DM only when DMs are on; in a server, a
    channel (or a thread of one) on CITEBOT_DISCORD_CHANNELS when that list is set."""
    if guild_id is None:
        return settings.discord_dms
    allowed = settings.discord_channels
    return not allowed or getattr(channel, "id", None) in allowed or getattr(channel, "parent_id", None) in allowed


class Recent:
    """A bounded set of ids already handled, so a replayed gateway event is not answered twice."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self.ids: OrderedDict[int, None] = OrderedDict()

    def add(self, item: int) -> bool:
        """True the first time an id is seen."""
        if item in self.ids:
            return False
        self.ids[item] = None
        if len(self.ids) > self.size:
            self.ids.popitem(last=False)
        return True


def cooldown_text(seconds: float) -> str:
    return (
        f"You're asking quickly — please wait {seconds:.0f} s before the next question."
        if seconds >= 1
        else ("You're asking quickly — please wait a moment before the next question.")
    )


def queue_text(place: int) -> str:
    return f"⏳ You're number {place} in the queue; I'll answer as soon as I can."


NOT_HERE_TEXT = "Sorry — I don't answer questions here; please ask in one of the channels I'm set up for."
BUSY_TEXT = "I'm answering a lot of questions right now; please ask again in a minute."
