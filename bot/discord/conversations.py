"""Discord conversations kept in SQLite, so a thread's context survives a restart, until it goes idle.

One row per turn, keyed by the Discord channel (a thread or a DM); the whole Answer is stored as JSON (the
shape feedback records use), and a turn reads back only the answer's text. A thread the bot opened is
remembered even with no turns. Each row carries its server (guild id; NULL for a DM or a row written
before servers were kept apart), and a conversation is read back only within its server.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from bot.answering.answer import Answer
from bot.answering.conversation import MAX_TURNS, Conversation, Turn

SCHEMA = """
CREATE TABLE IF NOT EXISTS threads (channel INTEGER PRIMARY KEY, opened_at REAL, active_at REAL, guild INTEGER);
CREATE TABLE IF NOT EXISTS turns (
    channel INTEGER, position INTEGER, question TEXT, answer TEXT, at REAL, guild INTEGER,
    PRIMARY KEY (channel, position)
);
"""
ADDED = {"threads": "guild INTEGER", "turns": "guild INTEGER"}  # columns a database from an older release lacks


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A short-lived connection per call: safe from any thread, committed on success."""
    db = sqlite3.connect(path, timeout=10)
    try:
        with db:
            yield db
    finally:
        db.close()


def create(path: Path, schema: str, added: dict[str, str]) -> None:
    """The database file with its tables, made on first use; a table an older release made gets the columns
    added since (`added`: table -> column definition), appended last as in `schema`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with connect(path) as db:
        db.executescript(schema)
        for table, column in added.items():
            if column.split()[0] not in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


def answer_to_record(answer: Answer) -> dict[str, Any]:
    """Everything needed to rebuild the Answer: its JSON plus the fields `to_json` leaves out."""
    record = answer.to_json()
    record["notice"] = answer.notice
    record["citations"] = [vars(citation) for citation in answer.citations]
    return record


class ConversationStore:
    """Per-channel conversations in `data_dir/discord.sqlite3`, expiring after `ttl` idle seconds."""

    def __init__(self, path: Path, ttl: float, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.ttl = ttl
        self.clock = clock
        create(path, SCHEMA, ADDED)

    def connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path)

    def open_thread(self, channel: int, guild: int | None) -> None:
        """Remember a thread the bot opened in a server, so messages in it are follow-ups."""
        now = self.clock()
        with self.connect() as db:
            db.execute("INSERT OR REPLACE INTO threads VALUES (?, ?, ?, ?)", (channel, now, now, guild))

    def threads(self) -> set[int]:
        """Every thread the bot opened, for the bot to keep in memory."""
        with self.connect() as db:
            return {row[0] for row in db.execute("SELECT channel FROM threads")}

    def load(self, channel: int, guild: int | None) -> Conversation:
        """The channel's turns in this server, or a fresh conversation when it has been idle longer than the ttl."""
        with self.connect() as db:
            rows = db.execute(
                "SELECT question, answer, at FROM turns WHERE channel = ? AND guild IS ? ORDER BY position",
                (channel, guild),
            ).fetchall()
        if not rows or self.clock() - rows[-1][2] > self.ttl:
            return Conversation()
        return Conversation([Turn(q, json.loads(a)["answer"]) for q, a, _ in rows[-MAX_TURNS:]])

    def add(self, channel: int, question: str, answer: Answer, guild: int | None) -> None:
        """Append one turn; an expired conversation starts again from this turn."""
        now = self.clock()
        record = json.dumps(answer_to_record(answer), ensure_ascii=False)
        with self.connect() as db:
            last = db.execute("SELECT MAX(position), MAX(at) FROM turns WHERE channel = ?", (channel,)).fetchone()
            if last[1] is not None and now - last[1] > self.ttl:
                db.execute("DELETE FROM turns WHERE channel = ?", (channel,))
                last = (None, None)
            position = 0 if last[0] is None else last[0] + 1
            db.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)", (channel, position, question, record, now, guild))
            db.execute("DELETE FROM turns WHERE channel = ? AND position <= ?", (channel, position - MAX_TURNS))
            db.execute("UPDATE threads SET active_at = ? WHERE channel = ?", (now, channel))

    def purge(self) -> int:
        """Delete the turns of every conversation idle longer than the ttl; the number of channels."""
        cutoff = self.clock() - self.ttl
        with self.connect() as db:
            stale = [
                row[0] for row in db.execute("SELECT channel FROM turns GROUP BY channel HAVING MAX(at) < ?", (cutoff,))
            ]
            db.executemany("DELETE FROM turns WHERE channel = ?", [(c,) for c in stale])
        return len(stale)
