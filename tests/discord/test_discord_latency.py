"""Time from MESSAGE_CREATE to the answer payload, and an event loop that stays responsive meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.core import Citebot
from bot.evaluation.evaluate import percentile
from tests.discord_running import QUESTIONS, lag_probe


def test_answers_arrive_quickly_and_the_loop_never_stalls(
    make_bot: Callable[..., Citebot], discord_settings: Callable[..., Settings], start_bot: Any, play: Any
) -> None:
    latencies: list[float] = []
    lags: list[float] = []

    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings(max_in_flight=4)) as (emulator, _):
            stop = asyncio.Event()
            probe = asyncio.create_task(lag_probe(stop, lags))
            for i in range(30):  # one at a time: the pipeline's own latency, no queueing
                asked = await emulator.post(QUESTIONS[i % len(QUESTIONS)], author=100 + i)
                await emulator.wait_until(lambda a=asked: emulator.answers_in(emulator.thread_of.get(a["id"], 0)))
                answer = emulator.answers_in(emulator.thread_of[asked["id"]])[0]
                latencies.append(answer.at - emulator.posted[int(asked["id"])])
            burst = [await emulator.post(QUESTIONS[i % 5], author=200 + i) for i in range(12)]
            await emulator.wait_until(
                lambda: all(emulator.answers_in(emulator.thread_of.get(a["id"], 0)) for a in burst)
            )
            stop.set()
            await probe

    play(scenario())
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    print(f"\nMESSAGE_CREATE -> answer payload over {len(latencies)} questions: p50 {p50 * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms; worst event-loop lag {max(lags) * 1000:.0f} ms")  # fmt: skip
    assert p95 < 5.0
    assert max(lags) < 0.5
