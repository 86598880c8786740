"""Conversation persistence and feedback votes: plain SQLite, tested directly."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
from pathlib import Path

from bot.answering.answer import Answer
from bot.answering.citations import Citation
from bot.discord.conversations import ConversationStore, answer_to_record
from bot.discord.feedback import DOWN, UP, FeedbackStore
from bot.discord.gate import Busy, Gate

CITATION = Citation(1, "a.txt", "A", 3, 9, "quoted", "hash", 2, "https://example.org")
ANSWER = Answer("Who?", "Them [1]", False, (CITATION,), notice="note")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_conversation_survives_a_restart_with_the_same_answers(tmp_path: Path) -> None:
    ConversationStore(tmp_path / "d.sqlite3", ttl=60).add(7, "Who?", ANSWER, 2000)
    reopened = ConversationStore(tmp_path / "d.sqlite3", ttl=60)
    conversation = reopened.load(7, 2000)
    assert [turn.question for turn in conversation.turns] == ["Who?"]
    assert conversation.turns[0].answer == ANSWER.text
    assert reopened.load(8, 2000).turns == []
    assert reopened.load(7, 2100).turns == [] and reopened.load(7, None).turns == []  # only within its server


def test_an_idle_conversation_expires_and_starts_again(tmp_path: Path) -> None:
    clock = Clock()
    store = ConversationStore(tmp_path / "d.sqlite3", ttl=60, clock=clock)
    store.add(7, "Who?", ANSWER, None)
    clock.now += 61
    assert store.load(7, None).turns == []
    store.add(7, "Again?", ANSWER, None)
    assert [turn.question for turn in store.load(7, None).turns] == ["Again?"]
    clock.now += 61
    assert store.purge() == 1


def test_threads_the_bot_opened_are_remembered(tmp_path: Path) -> None:
    ConversationStore(tmp_path / "d.sqlite3", ttl=60).open_thread(42, 2000)
    assert ConversationStore(tmp_path / "d.sqlite3", ttl=60).threads() == {42}


def test_votes_are_exported_with_what_they_judge_one_per_user(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    answer_id = store.record_answer(ANSWER, channel=5, guild=2000)
    assert store.vote(answer_id, 1, UP) and store.vote(answer_id, 2, DOWN) and store.vote(answer_id, 2, UP)
    assert not store.vote(answer_id + 1, 1, UP)
    out = io.StringIO()
    assert store.export(out) == 2
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {(line["user"], line["vote"]) for line in lines} == {("1", "up"), ("2", "up")}
    assert lines[0]["question"] == "Who?" and lines[0]["citations"][0]["text"] == "quoted"
    assert lines[0]["guild"] == "2000" and lines[0]["channel"] == "5"


OLD_CONVERSATIONS = """
CREATE TABLE threads (channel INTEGER PRIMARY KEY, opened_at REAL, active_at REAL);
CREATE TABLE turns (
    channel INTEGER, position INTEGER, question TEXT, answer TEXT, at REAL, PRIMARY KEY (channel, position)
);
INSERT INTO threads VALUES (42, 1.0, 1.0);
"""
OLD_FEEDBACK = """
CREATE TABLE answers (id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT, channel INTEGER, at REAL);
CREATE TABLE votes (
    answer INTEGER REFERENCES answers(id), user INTEGER, vote INTEGER, at REAL, PRIMARY KEY (answer, user)
);
"""


def old_database(path: Path, schema: str) -> Path:
    with sqlite3.connect(path) as db:
        db.executescript(schema)
    db.close()
    return path


def test_databases_of_the_release_before_servers_are_migrated_and_keep_their_rows(tmp_path: Path) -> None:
    conversations = ConversationStore(old_database(tmp_path / "d.sqlite3", OLD_CONVERSATIONS), ttl=60)
    assert conversations.threads() == {42}
    conversations.add(42, "Who?", ANSWER, 2000)
    assert [turn.question for turn in conversations.load(42, 2000).turns] == ["Who?"]
    feedback = FeedbackStore(old_database(tmp_path / "f.sqlite3", OLD_FEEDBACK))
    with feedback.connect() as db:
        old_id = db.execute(
            "INSERT INTO answers (record, channel, at) VALUES (?, 5, 1.0)", (json.dumps(answer_to_record(ANSWER)),)
        ).lastrowid
    feedback.vote(int(old_id or 0), 1, UP)
    feedback.vote(feedback.record_answer(ANSWER, channel=6, guild=2100), 1, DOWN)
    exported = [(vote["guild"], vote["vote"]) for vote in feedback.votes()]
    assert sorted(exported, key=str) == [("2100", "down"), (None, "up")]


def test_the_gate_queues_beyond_the_cap_says_the_place_and_turns_away_beyond_the_queue() -> None:
    async def scenario() -> tuple[list[int], int, list[str]]:
        gate = Gate(cooldown=0, in_flight=1, max_waiting=2)
        release = asyncio.Event()
        places: list[int] = []
        order: list[str] = []

        async def place(n: int) -> None:
            places.append(n)

        async def ask(name: str) -> None:
            async with gate.slot(place):
                order.append(name)
                await release.wait()

        tasks = [asyncio.create_task(ask(name)) for name in "abc"]
        await asyncio.sleep(0.05)
        refused = 0
        try:
            async with gate.slot(place):
                pass
        except Busy:
            refused = 1
        release.set()
        await asyncio.gather(*tasks)
        return places, refused, order

    places, refused, order = asyncio.run(scenario())
    assert places == [1, 2] and refused == 1 and order == ["a", "b", "c"]


def test_a_user_on_cooldown_is_told_how_long_to_wait() -> None:
    gate = Gate(cooldown=30, in_flight=1)
    assert gate.retry_after(1) is None
    wait = gate.retry_after(1)
    assert wait is not None and 29 < wait <= 30
    assert gate.retry_after(2) is None


def test_citebot_feedback_export_writes_the_votes_as_json_lines(data_dir: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.cli.app import cli

    store = FeedbackStore(data_dir / "feedback.sqlite3")
    store.vote(store.record_answer(ANSWER, channel=5, guild=2000), 9, DOWN)
    printed = CliRunner().invoke(cli, ["feedback", "export"])
    assert printed.exit_code == 0
    assert [(json.loads(line)["vote"], json.loads(line)["guild"]) for line in printed.output.splitlines()] == [
        ("down", "2000")
    ]
    written = CliRunner().invoke(cli, ["feedback", "export", "--out", str(tmp_path / "votes.jsonl")])
    assert written.exit_code == 0
    assert json.loads((tmp_path / "votes.jsonl").read_text(encoding="utf-8"))["question"] == "Who?"
