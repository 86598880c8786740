"""The real discord.py client running against the emulator, and what measures it under load: the event loop's
lag, and the soak (many users asking in turn) of tests/discord/test_soak.py, which benchmarks/soak.py runs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

from bot.config import Settings
from bot.core import Citebot
from bot.discord.client import SORRY, CitebotClient
from bot.discord.gate import BUSY_TEXT
from bot.evaluation.evaluate import percentile
from tests.discord_emulator import TOKEN, Emulator, Request, carries_message, read_body
from tests.helpers import dev_questions

E = TypeVar("E", bound=Emulator)

QUESTIONS = [
    "What is Baykar?",
    "What did Erdogan call the invasion of Ukraine?",
    "Who reported that Erdogan was approached by Putin?",
    "What does Baykar want done with the money that was raised?",
    "Who won the 2018 football World Cup?",
]


async def lag_probe(stop: asyncio.Event, lags: list[float]) -> None:
    """How late a 10 ms sleep wakes up: heartbeats would be as late."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - started - 0.01)


@asynccontextmanager
async def connected(
    emulator: E, port: int, citebot: Citebot, settings: Settings, **options: Any
) -> AsyncIterator[tuple[E, CitebotClient]]:
    """The emulator started on `port` (discord.py already pointed at it) and a client, ready, answering through it."""
    await emulator.start(port)
    client = CitebotClient(citebot, settings, guild_ready_timeout=0.05, **options)
    task: asyncio.Task[None] | None = None
    try:
        await client.login(TOKEN)
        task = asyncio.create_task(client.connect())
        await emulator.wait_until(client.is_ready, 20)
        yield emulator, client
    finally:
        await client.close()
        if task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
        await emulator.stop()


SOAK_QUESTIONS = list(dict.fromkeys([q["question"] for q in dev_questions()] + QUESTIONS))
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
    async with connected(SoakEmulator(), port, citebot, settings) as (emulator, _):
        yield emulator


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

    def headline(self) -> dict[str, float]:
        """The figures reported: counts, seconds, answers/s, latency and loop lag in ms, memory in MB."""
        ms = {f"latency_p{p}_ms": 1000 * percentile(self.latencies, p / 100) for p in (50, 95, 99)}
        lags = {f"lag_p{p}_ms": 1000 * percentile(self.lags, p / 100) for p in (50, 99)}
        return {
            "questions": len(self.asked),
            "answers": len(self.latencies),
            "seconds": self.seconds,
            "throughput": self.throughput,
            **ms,
            **lags,
            "lag_max_ms": 1000 * max(self.lags),
            "lag_probes": len(self.lags),
            "warm_up": WARM_UP,
            "rss_start_mb": self.rss_start,
            "rss_warm_mb": self.rss_warm,
            "rss_end_mb": self.rss_end,
        }

    def summary(self) -> str:
        h = self.headline()
        return (
            f"{h['answers']} answers in {h['seconds']:.1f} s: {h['throughput']:.1f} answers/s; "
            f"MESSAGE_CREATE -> answer p50 {h['latency_p50_ms']:.0f} ms, p95 {h['latency_p95_ms']:.0f} ms; "
            f"loop lag p50 {h['lag_p50_ms']:.1f} ms, p99 {h['lag_p99_ms']:.1f} ms, max {h['lag_max_ms']:.0f} ms; "
            f"RSS at the start {h['rss_start_mb']:.0f} MB, after {WARM_UP} answers {h['rss_warm_mb']:.0f} MB, "
            f"at the end {h['rss_end_mb']:.0f} MB (growth after warm-up {h['rss_end_mb'] - h['rss_warm_mb']:+.1f} MB)"
        )


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
        asked = await emulator.post(SOAK_QUESTIONS[turn % len(SOAK_QUESTIONS)], author=FIRST_USER + user)
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
