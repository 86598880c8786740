"""The splitter and the quote pass on pathological text: each must take time linear in the input's length.

Prints seconds for make_passages and attributed_quotes (over every paragraph) on `--chars` characters of each
input. Before the linear-time fixes, 30 KB of dots took 86 s to split; use a small --chars to see that.

    .venv/bin/python benchmarks/pathological.py [--chars 1000000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.citations import attributed_quotes  # noqa: E402
from index.passages import make_passages, paragraph_spans  # noqa: E402

# name -> a piece repeated to the wanted length (framed by ordinary words, so sentence rules apply)
INPUTS: dict[str, str] = {
    "dots": ".",
    "?! runs": "?!",
    "ellipses": "…",
    "unclosed quotes": "“Yes. ",
    "closed quotes": "“a” ",
    "brackets": "([",
    "whitespace": " \u2028\n\t",
    "one huge word": "Aa",
    "no punctuation": "word ",
}


def pathological(piece: str, chars: int) -> str:
    """`The <piece repeated> end.`: about `chars` characters."""
    return "The " + piece * (chars // len(piece)) + " end."


def seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def quotes_pass(text: str) -> None:
    for paragraph in paragraph_spans(text):
        attributed_quotes(text, paragraph)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1_000_000)
    chars = parser.parse_args().chars
    print(f"{'input':<16} {'make_passages s':>16} {'quotes s':>10}   ({chars:,} chars each)")
    for name, piece in INPUTS.items():
        text = pathological(piece, chars)
        split = seconds(lambda text=text: make_passages("s", "h", text))
        quoted = seconds(lambda text=text: quotes_pass(text))
        print(f"{name:<16} {split:>16.3f} {quoted:>10.3f}", flush=True)


if __name__ == "__main__":
    main()
