"""Every pass over a document's text takes time linear in its length, however odd the text.

Before, a run of dots made the splitter backtrack quadratically (30 KB took 86 s) and an unclosed “ made its
quote tracking recount the paragraph at every sentence end; these inputs are 1 MB.
"""

import random
import time

import pytest

from bot.answering.citations import attributed_quotes
from index.passages import make_passages, paragraph_spans, unfinished

MEGABYTE = 1_000_000
# Long runs of what the text passes look at: sentence ends, quotes, brackets, whitespace, capitals, words
RUNS = [".", "?!", "…", "“", "”", '"', "“a” ", "([", ")]", " ", "\n", " \u2028\n\t", "Aa", "A. ", "word ", "\n- "]


def fuzzed(seed: int, size: int = MEGABYTE) -> str:
    """Random runs of the pieces above, each repeated up to 200,000 characters' worth, between plain words."""
    rnd = random.Random(seed)
    parts, length = [], 0
    while length < size:
        piece = rnd.choice(RUNS)
        part = "The " + piece * rnd.randint(1, 200_000 // len(piece)) + " end. "
        parts.append(part)
        length += len(part)
    return "".join(parts)


def one_run(piece: str) -> str:
    return "The " + piece * (MEGABYTE // len(piece)) + " end."


def seconds(work: object) -> float:
    started = time.perf_counter()
    assert callable(work)
    work()
    return time.perf_counter() - started


def quotes_of(text: str) -> None:
    for paragraph in paragraph_spans(text):
        attributed_quotes(text, paragraph)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("piece", RUNS)
def test_one_megabyte_run_is_split_and_quoted_in_seconds(piece: str) -> None:
    text = one_run(piece)
    assert seconds(lambda: make_passages("s", "h", text)) < 5
    assert seconds(lambda: quotes_of(text)) < 5
    assert seconds(lambda: unfinished(text)) < 5


@pytest.mark.timeout(60)
@pytest.mark.parametrize("seed", range(3))
def test_fuzzed_megabyte_is_split_and_quoted_in_seconds(seed: int) -> None:
    text = fuzzed(seed)
    assert seconds(lambda: make_passages("s", "h", text)) < 5
    assert seconds(lambda: quotes_of(text)) < 5
