"""Load through the Discord emulator: the event loop stays free while 50 questions are answered at once, and
1,000 questions from 20 users in parallel are each answered exactly once, without errors or a memory leak.

`benchmarks/soak.py` runs the soak test through pytest with other sizes (CITEBOT_SOAK_COUNT, CITEBOT_SOAK_USERS)
and prints the figures it writes as JSON to CITEBOT_SOAK_REPORT.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.core import Citebot
from bot.evaluation.evaluate import percentile
from tests.discord_running import FIRST_USER, SOAK_QUESTIONS, Figures, check, lag_probe, running, soak

pytestmark = pytest.mark.slow


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
            questions = [SOAK_QUESTIONS[i % len(SOAK_QUESTIONS)] for i in range(50)]
            asked = [await emulator.post(q, author=FIRST_USER + i) for i, q in enumerate(questions)]
            ids = [int(a["id"]) for a in asked]
            await emulator.wait_until(lambda: all(q in emulator.answered for q in ids), 150)
            await asyncio.sleep(1.0)  # time for a doubled answer to show up
            stop.set()
            await probe
            check(emulator, ids, [])
            print(f"\n{len(emulator.texts)} queue notes, e.g. {emulator.texts[-1]!r}" if emulator.texts else "")

    play(scenario(), 200)
    p50, p99, worst = (1000 * percentile(lags, 0.50), 1000 * percentile(lags, 0.99), 1000 * max(lags))
    print(f"50 questions at once (8 in flight, the rest queued): event-loop lag over {len(lags)} probes: "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {worst:.0f} ms")  # fmt: skip
    assert p99 < 250
    assert not trouble(caplog.records)


def soak_size() -> tuple[int, int]:
    """Questions and users: 1,000 and 20 unless benchmarks/soak.py asks for others."""
    return int(os.environ.get("CITEBOT_SOAK_COUNT", "1000")), int(os.environ.get("CITEBOT_SOAK_USERS", "20"))


def write_report(figures: Figures, users: int) -> None:
    """The figures as JSON, where benchmarks/soak.py asked for them (CITEBOT_SOAK_REPORT), if it did."""
    if path := os.environ.get("CITEBOT_SOAK_REPORT"):
        Path(path).write_text(json.dumps({"users": users} | figures.headline(), indent=1), encoding="utf-8")


def test_soak_a_thousand_questions_from_twenty_users_each_answered_once_without_a_leak(
    make_bot: Callable[..., Citebot],
    discord_settings: Callable[..., Settings],
    discord_port: int,
    play: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    (count, users), result = soak_size(), list[Figures]()

    async def scenario() -> None:
        async with running(make_bot(), discord_settings(max_in_flight=users), discord_port) as emulator:
            figures = await soak(emulator, count, users)
        result.append(figures)
        write_report(figures, users)
        print(f"\nsoak, {users} users: {figures.summary()}")
        assert len(figures.asked) == count
        check(emulator, figures.asked, figures.lost)

    play(scenario(), max(280, 0.28 * count))  # 280 s for the 1,000 questions
    figures = result[0]
    assert figures.rss_end - figures.rss_warm < 50
    assert percentile(figures.lags, 0.99) < 0.25
    assert not trouble(caplog.records)
