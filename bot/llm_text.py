"""What goes into a language model and comes back out as text: passages as delimited data, the conversation,
the "not in the documents" sentinel, and the standalone question of a rewrite.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.printable import CONTROL
from bot.retrieve import Retrieval
from index.lexical import terms
from index.passages import Passage

if TYPE_CHECKING:
    from bot.conversation import Conversation
    from index.documents import Document

NOT_ANSWERED = re.compile(r"NOT\s+IN\s+THE\s+DOCUMENTS\.?", re.IGNORECASE)
DELIMITER = re.compile(r"<\s*/?\s*passage", re.IGNORECASE)
MARKERS = re.compile(r"\s*\[\d+\]")
REWRITE_LABEL = re.compile(r"^\s*(?:rewritten|standalone)?\s*(?:follow-up\s*)?question\s*:\s*", re.IGNORECASE)


def without_refusal(text: str) -> tuple[str, bool]:
    """The reply without the "not in the documents" sentinel, and whether the model used it."""
    cleaned = NOT_ANSWERED.sub(" ", CONTROL.sub(" ", text))
    return cleaned.strip(), cleaned != CONTROL.sub(" ", text)


def chosen_passages(retrieval: Retrieval, limit: int, chars: int) -> list[Passage]:
    """The best hits, as many as fit in the prompt's budget (always at least one)."""
    chosen: list[Passage] = []
    for hit in retrieval.hits[:limit]:
        if chosen and sum(len(p.text) for p in chosen) + len(hit.passage.text) > chars:
            break
        chosen.append(hit.passage)
    return chosen


def numbered(passages: list[Passage], documents: Callable[[str], Document]) -> str:
    """Passages as delimited data; a document cannot close the delimiter itself."""
    return "\n".join(
        f'<passage n="{n}" title="{safe(documents(p.source).title).replace(chr(34), chr(39))}">\n'
        f"{safe(p.text)}\n</passage>"
        for n, p in enumerate(passages, start=1)
    )


def safe(text: str) -> str:
    """Text that cannot open or close a passage tag."""
    return DELIMITER.sub("(passage", text)


def memo(document: Callable[[str], Document]) -> Callable[[str], Document]:
    """One store read per source while an answer is checked."""
    cache: dict[str, Document] = {}

    def get(source: str) -> Document:
        if source not in cache:
            cache[source] = document(source)
        return cache[source]

    return get


def transcript(conversation: Conversation, turns: int = 3) -> str:
    """The last turns, answer markers removed and long answers shortened."""
    return "\n".join(
        f"User: {turn.question}\nAssistant: {MARKERS.sub('', turn.answer.text)[:400]}"
        for turn in conversation.turns[-turns:]
    )


def standalone(reply: str, question: str, limit: int) -> str | None:
    """The first line of the model's rewrite, unlabelled and unquoted; None unless it is a new question
    that keeps the follow-up's words (not an answer, a ramble, another question or the follow-up itself)."""
    line = next((line for line in reply.splitlines() if line.strip()), "")
    line = REWRITE_LABEL.sub("", CONTROL.sub(" ", line)).strip().strip("\"“”'")
    if not line.endswith("?") or len(line) > min(limit, max(200, 3 * len(question))):
        return None
    kept = set(terms(line))
    if line.casefold() == question.strip().casefold() or any(term not in kept for term in terms(question)):
        return None
    return line
