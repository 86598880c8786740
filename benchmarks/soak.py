"""Benchmark: the Discord bot under load, through the emulator, with the real discord.py client.

`--users` users ask `--count` questions between them (each waits for its answer before asking again), with
no cooldown and room for every user in flight. Prints throughput, MESSAGE_CREATE -> answer latency, the
event loop's lag (a 10 ms sleep, repeated, and how late it wakes) and resident memory after the warm-up
(the first 100 answers) and at the end; the run checks that every question was answered exactly once.

    .venv/bin/python benchmarks/soak.py [--count 1000] [--users 20]

The emulator is test infrastructure, so this script imports no test code: it runs the soak test
(tests/discord/test_soak.py) through pytest with CITEBOT_SOAK_COUNT and CITEBOT_SOAK_USERS, and reads the
figures the test writes to CITEBOT_SOAK_REPORT. Saves them to benchmarks/results/soak.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, machine, save  # noqa: E402

TEST = "tests/discord/test_soak.py::test_soak_a_thousand_questions_from_twenty_users_each_answered_once_without_a_leak"


def measure(count: int, users: int) -> tuple[int, dict[str, Any] | None]:
    """Run the soak test at this size: pytest's exit code, and the figures if the soak got as far as writing them."""
    with tempfile.TemporaryDirectory(prefix="citebot-soak-") as folder:
        report = Path(folder) / "soak.json"
        environment = os.environ | {
            "CITEBOT_SOAK_COUNT": str(count),
            "CITEBOT_SOAK_USERS": str(users),
            "CITEBOT_SOAK_REPORT": str(report),
        }
        command = [sys.executable, "-m", "pytest", TEST, "-q", "-p", "no:cacheprovider", "--timeout=0"]
        done = subprocess.run(command, cwd=ROOT, env=environment)
        return done.returncode, json.loads(report.read_text(encoding="utf-8")) if report.exists() else None


def report(figures: dict[str, Any]) -> None:
    """The figures, one line each."""
    ms = " / ".join(f"{figures[f'latency_p{p}_ms']:.0f}" for p in (50, 95, 99))
    lags = f"{figures['lag_p50_ms']:.1f} / {figures['lag_p99_ms']:.1f} / {figures['lag_max_ms']:.0f}"
    growth = figures["rss_end_mb"] - figures["rss_warm_mb"]
    print(f"{figures['questions']} questions from {figures['users']} users, offline extractive answerer, "
          f"{figures['machine']['cores']} cores")  # fmt: skip
    print(f"throughput            {figures['throughput']:.1f} answers/s ({figures['seconds']:.1f} s)")
    print(f"latency p50/p95/p99   {ms} ms  (MESSAGE_CREATE -> answer payload)")
    print(f"loop lag p50/p99/max  {lags} ms  ({figures['lag_probes']} probes)")
    rss = f"start {figures['rss_start_mb']:.0f}, after {figures['warm_up']} answers {figures['rss_warm_mb']:.0f}"
    print(f"RSS MB                {rss}, end {figures['rss_end_mb']:.0f}: growth after warm-up {growth:+.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description="The Discord bot under load, through the emulator.")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    code, figures = measure(args.count, args.users)
    if figures is None:
        sys.exit(f"the soak test wrote no figures (pytest exit code {code})")
    figures["machine"] = machine()
    report(figures)
    print(f"saved {save('soak', figures)}")
    if code:
        sys.exit(f"the soak test failed (pytest exit code {code}): see its output above")
    print("every question answered exactly once; no apology, refusal, failed request or ping")


if __name__ == "__main__":
    main()
