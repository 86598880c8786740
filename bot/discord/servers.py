"""One bot, many Discord servers: each server's knowledge base, and the per-server pace of /ingest.

A server's knowledge base is `guild-<guild id>`, made on first use as a copy of `default` (the bundled
article); a DM has no server and answers from `default` alone.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.core import DEFAULT_KB

if TYPE_CHECKING:
    from bot.core import Citebot


def kb_name(guild_id: int | None) -> str:
    """The knowledge base a server's questions and commands use; `default` for DMs."""
    return DEFAULT_KB if guild_id is None else f"guild-{guild_id}"


class KnowledgeBases:
    """The servers' knowledge bases, each created the first time it is used (blocking: call in a thread)."""

    def __init__(self, citebot: Citebot) -> None:
        self.citebot = citebot
        self.ready: set[str] = {DEFAULT_KB}
        self.creating = threading.Lock()  # two first questions from one new server make one copy

    def of(self, guild_id: int | None) -> str:
        """The server's knowledge base name, the knowledge base made if it is new."""
        name = kb_name(guild_id)
        if name not in self.ready:
            with self.creating:
                self.citebot.ensure_kb(name)
                self.ready.add(name)
        return name


class IngestTurns:
    """Per server: one /ingest at a time, and a cooldown between two (each attempt counts, so a server
    cannot probe addresses or upload quickly by failing on purpose)."""

    def __init__(self, cooldown: float) -> None:
        self.cooldowns: commands.CooldownMapping[int] | None = (
            commands.CooldownMapping.from_cooldown(1, cooldown, lambda guild: guild) if cooldown > 0 else None
        )
        self.running: set[int] = set()

    def refusal(self, guild_id: int) -> str | None:
        """Why this server cannot /ingest now, or None (and the attempt counts against the cooldown)."""
        if guild_id in self.running:
            return "Another /ingest is still running in this server; please wait for it to finish."
        bucket = self.cooldowns.get_bucket(guild_id) if self.cooldowns is not None else None
        wait = bucket.update_rate_limit() if bucket is not None else None
        if wait is not None:
            return f"This server added a document moments ago; please wait {max(1, round(wait))} s."
        return None

    @contextmanager
    def turn(self, guild_id: int) -> Iterator[None]:
        """Hold the server's one /ingest place."""
        self.running.add(guild_id)
        try:
            yield
        finally:
            self.running.discard(guild_id)
