"""One bot, many Discord servers: each server's knowledge base, and the per-server pace of /ingest.

A server's knowledge base is `guild-<guild id>`, made on first use as a copy of `default` (the bundled
article); a DM has no server and answers from `default` alone. A server may read another's instead, when that
server offered it and its own admin accepted (`ShareStore`; the commands are in `bot.discord.sharing`).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.core import DEFAULT_KB
from bot.discord.conversations import connect, create

if TYPE_CHECKING:
    from bot.core import Citebot


def kb_name(guild_id: int | None) -> str:
    """The knowledge base a server's questions and commands use; `default` for DMs."""
    return DEFAULT_KB if guild_id is None else f"guild-{guild_id}"


SCHEMA = """
CREATE TABLE IF NOT EXISTS shares (
    owner INTEGER, guest INTEGER, accepted INTEGER, at REAL, PRIMARY KEY (owner, guest)
);
"""


class ShareStore:
    """Offers and accepted shares between servers (guild ids)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        create(path, SCHEMA, {})

    def connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path)

    def offer(self, owner: int, guest: int) -> None:
        """The owner offers its knowledge base to the guest (again: no change)."""
        with self.connect() as db:
            db.execute("INSERT OR IGNORE INTO shares VALUES (?, ?, 0, ?)", (owner, guest, time.time()))

    def accept(self, owner: int, guest: int) -> bool:
        """The guest reads the owner's knowledge base from now on; False when the owner made no offer."""
        with self.connect() as db:
            if db.execute("SELECT 1 FROM shares WHERE owner = ? AND guest = ?", (owner, guest)).fetchone() is None:
                return False
            db.execute("UPDATE shares SET accepted = (owner = ?) WHERE guest = ?", (owner, guest))
        return True

    def end(self, guild: int, other: int) -> bool:
        """End the offer or share between two servers, whichever side asks; False when there was none."""
        with self.connect() as db:
            cursor = db.execute(
                "DELETE FROM shares WHERE (owner = ? AND guest = ?) OR (owner = ? AND guest = ?)",
                (guild, other, other, guild),
            )
            return cursor.rowcount > 0

    def owner_for(self, guest: int) -> int | None:
        """The server whose knowledge base this one reads, if it accepted a share."""
        with self.connect() as db:
            row = db.execute("SELECT owner FROM shares WHERE guest = ? AND accepted = 1", (guest,)).fetchone()
        return None if row is None else int(row[0])


class ServerKnowledgeBases:
    """The servers' knowledge bases, each created the first time it is used, and which one a server reads
    (its own, or one another server shares with it). Blocking: call in a worker thread."""

    def __init__(self, citebot: Citebot, shares: ShareStore) -> None:
        self.citebot = citebot
        self.shares = shares
        self.ready: set[str] = {DEFAULT_KB}
        self.creating = threading.Lock()  # two first questions from one new server make one copy

    def own(self, guild_id: int | None) -> str:
        """The server's own knowledge base (the one /ingest and /forget change), made if it is new."""
        name = kb_name(guild_id)
        if name not in self.ready:
            with self.creating:
                self.citebot.ensure_kb(name)
                self.ready.add(name)
        return name

    def reading(self, guild_id: int | None) -> str:
        """The knowledge base the server's questions are answered from: a shared one, else its own."""
        owner = self.shared_from(guild_id)
        return self.own(owner if owner is not None else guild_id)

    def shared_from(self, guild_id: int | None) -> int | None:
        """The server whose knowledge base this one reads instead of its own, if any."""
        return self.shares.owner_for(guild_id) if guild_id is not None else None


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
            return f"This server ran /ingest moments ago; please wait {max(1, round(wait))} s."
        return None

    @contextmanager
    def turn(self, guild_id: int) -> Iterator[None]:
        """Hold the server's one /ingest place."""
        self.running.add(guild_id)
        try:
            yield
        finally:
            self.running.discard(guild_id)
