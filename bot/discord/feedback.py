"""👍/👎 votes on Discord answers, kept in SQLite with the question, answer and citations they judge.

Each answer the bot sends is recorded once and gets a number; the vote buttons carry that number in
their custom id, so votes still count after a restart. One vote per user per answer; voting again
replaces it. `export` writes one JSON object per vote, for `citebot feedback export`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any

from bot.answering.answer import Answer
from bot.answering.citations import Citation
from bot.discord.conversations import answer_to_record, connect, create

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT, channel INTEGER, at REAL, guild INTEGER
);
CREATE TABLE IF NOT EXISTS votes (
    answer INTEGER REFERENCES answers(id), user INTEGER, vote INTEGER, at REAL, PRIMARY KEY (answer, user)
);
"""
ADDED = {"answers": "guild INTEGER"}  # the server, missing from an older release's database
UP, DOWN = 1, -1


class FeedbackStore:
    """Answers and the votes on them, in `data_dir/feedback.sqlite3`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        create(path, SCHEMA, ADDED)

    def connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path)

    def record_answer(self, answer: Answer, channel: int | None = None, guild: int | None = None) -> int:
        """Store an answer as sent, with where it was sent; its number goes into the vote buttons."""
        record = json.dumps(answer_to_record(answer), ensure_ascii=False)
        with self.connect() as db:
            cursor = db.execute(
                "INSERT INTO answers (record, channel, at, guild) VALUES (?, ?, ?, ?)",
                (record, channel, time.time(), guild),
            )
            return int(cursor.lastrowid or 0)

    def vote(self, answer_id: int, user: int, vote: int) -> bool:
        """Record (or change) a user's vote; False when the answer is unknown."""
        if vote not in (UP, DOWN):
            msg = f"a vote is {UP} or {DOWN}, not {vote}"
            raise ValueError(msg)
        with self.connect() as db:
            if db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone() is None:
                return False
            db.execute("INSERT OR REPLACE INTO votes VALUES (?, ?, ?, ?)", (answer_id, user, vote, time.time()))
        return True

    def votes(self) -> list[dict[str, Any]]:
        """Every vote with what it judged, oldest first."""
        with self.connect() as db:
            rows = db.execute(
                "SELECT v.answer, v.user, v.vote, v.at, a.record, a.channel, a.guild FROM votes v "
                "JOIN answers a ON a.id = v.answer ORDER BY v.at, v.answer, v.user"
            ).fetchall()
        return [vote_json(*row) for row in rows]

    def export(self, out: IO[str], is_stale: Callable[[Citation, int | None], bool] | None = None) -> int:
        """Write the votes as JSON Lines, each citation marked stale when its span left the document;
        `is_stale` gets the citation and the vote's server (guild id; None for a DM), whose documents it cites."""
        votes = self.votes()
        for vote in votes:
            if is_stale:
                guild = None if vote["guild"] is None else int(vote["guild"])
                vote["citations"] = [{**c, "stale": is_stale(Citation(**c), guild)} for c in vote["citations"]]
            out.write(json.dumps(vote, ensure_ascii=False) + "\n")
        return len(votes)


def vote_json(
    answer_id: int, user: int, vote: int, at: float, record: str, channel: int | None, guild: int | None
) -> dict[str, Any]:
    """One exported vote; `guild` is the server (None: a DM, or an answer recorded before servers were kept)."""
    answer = json.loads(record)
    return {
        "answer_id": answer_id,
        "user": str(user),
        "vote": "up" if vote == UP else "down",
        "voted_at": at,
        "channel": None if channel is None else str(channel),
        "guild": None if guild is None else str(guild),
        "question": answer["question"],
        "answer": answer["answer"],
        "abstained": answer["abstained"],
        "citations": answer["citations"],
        "answerer": answer.get("answerer"),
    }
