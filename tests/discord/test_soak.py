"""Load through the Discord emulator: the event loop stays free while 50 questions are answered at once, and
1,000 questions from 20 users in parallel are each answered exactly once, without errors or a memory leak.

`benchmarks/soak.py` runs the same `soak` outside pytest and prints the figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import statistics
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.config import Settings
from bot.core import Citebot
from bot.discord.client import SORRY, CitebotClient
from bot.discord.gate import BUSY_TEXT
from tests.conftest import dev_questions
from tests.discord.test_discord_latency import QUESTIONS as LATENCY_QUESTIONS
from tests.discord.test_discord_latency import lag_probe
from tests.discord_emulator import TOKEN, Emulator, Request, carries_message, read_body

QUESTIONS = list(dict.fromkeys([q["question"] for q in dev_questions()] + LATENCY_QUESTIONS))
FIRST_USER = 10_000
WARM_UP = 100  # answers before the first memory reading: models, caches and pools are full by then


def rss_mb() -> float:
    """This process's resident memory now (not the peak), from /proc/self/statm."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class SoakEmulator(Emulator):
    """The emulator, keeping per request only what the soak checks.

    The plain emulator keeps every request with its payload; over 1,000 answers that log would grow by
    megabytes in this process and be counted as the bot's memory growth.
    """

    def __init__(self) -> None:
        super().__init__()
        self.question_in: dict[str, int] = {}  # thread id -> the question message it was opened on
        self.answered: defaultdict[int, list[float]] = defaultdict(list)  # question id -> answer arrivals
        self.arrived: defaultdict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self.texts: list[str] = []  # the bot's messages other than answers (queue notes, apologies)
        self.failures: list[tuple[str, str, int]] = []  # requests the emulator refused
        self.pings = 0  # message payloads without allowed_mentions={"parse": []}

    async def rest(self, request: web.Request) -> web.StreamResponse:
        recorded = Request(request.method, "/" + request.match_info["tail"], await read_body(request))
        response = await self.respond(recorded)
        self.note(recorded, response.status)
        return response

    async def create_thread(self, body: Any, channel: str, message: str) -> web.Response:
        response = await super().create_thread(body, channel, message)
        self.question_in[self.thread_of[message]] = int(message)
        return response

    def note(self, request: Request, status: int) -> None:
        if status >= 400:
            self.failures.append((request.method, request.path, status))
        if carries_message(request) and request.body.get("allowed_mentions") != {"parse": []}:
            self.pings += 1
        posted = re.fullmatch(r"/channels/(\d+)/messages", request.path)
        if request.method != "POST" or posted is None:
            return
        question = self.question_in.get(posted[1])
        if question is not None and request.body.get("components"):  # an answer carries its vote buttons
            self.answered[question].append(time.monotonic())
            self.arrived[question].set()
        else:
            self.texts.append(request.body.get("content") or "")


@asynccontextmanager
async def running(citebot: Citebot, settings: Settings, port: int) -> AsyncIterator[SoakEmulator]:
    """A SoakEmulator on `port` (discord.py already pointed at it) and a ready client answering through it."""
    emulator = SoakEmulator()
    await emulator.start(port)
    client = CitebotClient(citebot, settings, guild_ready_timeout=0.05)
    connection: asyncio.Task[None] | None = None
    try:
        await client.login(TOKEN)
        connection = asyncio.create_task(client.connect())
        await emulator.wait_until(client.is_ready, 20)
        yield emulator
    finally:
        await client.close()
        if connection is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(connection, 5)
        await emulator.stop()


@dataclass
class Figures:
    """What a run measured; times in seconds, memory in MB."""

    asked: list[int] = field(default_factory=list)  # question ids
    latencies: list[float] = field(default_factory=list)  # MESSAGE_CREATE -> answer payload
    lost: list[int] = field(default_factory=list)  # questions with no answer within the timeout
    lags: list[float] = field(default_factory=list)  # how late each 10 ms sleep woke up
    seconds: float = 0.0
    rss_start: float = 0.0
    rss_warm: float = 0.0
    rss_end: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        p50, p95 = quantile(self.latencies, 50), quantile(self.latencies, 95)
        lag50, lag99 = quantile(self.lags, 50), quantile(self.lags, 99)
        return (
            f"{len(self.latencies)} answers in {self.seconds:.1f} s: {self.throughput:.1f} answers/s; "
            f"MESSAGE_CREATE -> answer p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms; "
            f"loop lag p50 {lag50 * 1000:.1f} ms, p99 {lag99 * 1000:.1f} ms, max {max(self.lags) * 1000:.0f} ms; "
            f"RSS at the start {self.rss_start:.0f} MB, after {WARM_UP} answers {self.rss_warm:.0f} MB, "
            f"at the end {self.rss_end:.0f} MB (growth after warm-up {self.rss_end - self.rss_warm:+.1f} MB)"
        )


def quantile(values: list[float], percent: int) -> float:
    """The `percent`-th percentile (statistics' exclusive method), 0 for no values."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100)[percent - 1]


async def soak(emulator: SoakEmulator, count: int, users: int, timeout: float = 30.0) -> Figures:
    """`users` users ask `count` questions between them, each waiting for an answer before the next."""
    figures, stop = Figures(rss_start=rss_mb()), asyncio.Event()
    probe = asyncio.create_task(lag_probe(stop, figures.lags))
    started = time.monotonic()
    await asyncio.gather(*(ask_in_turn(emulator, n, range(n, count, users), figures, timeout) for n in range(users)))
    figures.seconds = time.monotonic() - started
    await asyncio.sleep(1.0)  # time for a doubled answer to show up
    figures.rss_end = rss_mb()
    stop.set()
    await probe
    return figures


async def ask_in_turn(emulator: SoakEmulator, user: int, turns: range, figures: Figures, timeout: float) -> None:
    """One user's questions, one after another."""
    for turn in turns:
        asked = await emulator.post(QUESTIONS[turn % len(QUESTIONS)], author=FIRST_USER + user)
        question = int(asked["id"])
        figures.asked.append(question)
        try:
            await asyncio.wait_for(emulator.arrived[question].wait(), timeout)
        except TimeoutError:
            figures.lost.append(question)
            continue
        figures.latencies.append(emulator.answered[question][0] - emulator.posted[question])
        if len(figures.latencies) == WARM_UP:
            figures.rss_warm = rss_mb()


def check(emulator: SoakEmulator, asked: list[int], lost: list[int]) -> None:
    """Every question answered exactly once; no apology, refusal, failed request or ping."""
    assert not lost, f"{len(lost)} questions never answered"
    doubled = {q: len(emulator.answered[q]) for q in asked if len(emulator.answered[q]) != 1}
    assert not doubled, f"answered more than once: {doubled}"
    assert set(emulator.answered) == set(asked)
    assert not [text for text in emulator.texts if text in {SORRY, BUSY_TEXT} or "wait" in text]
    assert not emulator.failures
    assert emulator.pings == 0


def trouble(records: list[logging.LogRecord]) -> list[str]:
    """Errors from the bot or discord.py, and discord.py's "heartbeat blocked" warning."""
    return [
        r.getMessage()
        for r in records
        if r.name.startswith(("citebot", "discord"))
        and (r.levelno >= logging.ERROR or "blocked" in r.getMessage().lower())
    ]


def test_fifty_questions_at_once_leave_the_event_loop_free(
    make_bot: Callable[..., Citebot],
    discord_settings: Callable[..., Settings],
    discord_port: int,
    play: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    lags: list[float] = []

    async def scenario() -> None:
        async with running(make_bot(), discord_settings(max_in_flight=8), discord_port) as emulator:
            stop = asyncio.Event()
            probe = asyncio.create_task(lag_probe(stop, lags))
            questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(50)]
            asked = [await emulator.post(q, author=FIRST_USER + i) for i, q in enumerate(questions)]
            ids = [int(a["id"]) for a in asked]
            await emulator.wait_until(lambda: all(q in emulator.answered for q in ids), 150)
            await asyncio.sleep(1.0)  # time for a doubled answer to show up
            stop.set()
            await probe
            check(emulator, ids, [])
            print(f"\n{len(emulator.texts)} queue notes, e.g. {emulator.texts[-1]!r}" if emulator.texts else "")

    play(scenario(), 200)
    p50, p99, worst = (1000 * quantile(lags, 50), 1000 * quantile(lags, 99), 1000 * max(lags))
    print(f"50 questions at once (8 in flight, the rest queued): event-loop lag over {len(lags)} probes: "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {worst:.0f} ms")  # fmt: skip
    assert p99 < 250
    assert not trouble(caplog.records)


def test_soak_a_thousand_questions_from_twenty_users_each_answered_once_without_a_leak(
    make_bot: Callable[..., Citebot],
    discord_settings: Callable[..., Settings],
    discord_port: int,
    play: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    count, result = 1000, list[Figures]()

    async def scenario() -> None:
        async with running(make_bot(), discord_settings(max_in_flight=20), discord_port) as emulator:
            figures = await soak(emulator, count, users=20)
        result.append(figures)
        print(f"\nsoak, 20 users: {figures.summary()}")
        assert len(figures.asked) == count
        check(emulator, figures.asked, figures.lost)

    play(scenario(), 280)
    figures = result[0]
    assert figures.rss_end - figures.rss_warm < 50
    assert quantile(figures.lags, 99) < 0.25
    assert not trouble(caplog.records)
