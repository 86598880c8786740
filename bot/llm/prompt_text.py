"""What goes into a language model and comes back out as text: passages as delimited data, the conversation,
the "not in the documents" sentinel, and the standalone question of a rewrite.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.printable import CONTROL
from bot.retrieve import Retrieval
from index.passages import Passage
from index.storage.lexical import terms

if TYPE_CHECKING:
    from bot.answering.conversation import Conversation
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
    """Passages as delimited data; a document cannot close the delimiter itself. A document's title is sent
    once, on its first passage (a long title repeated on every passage would crowd out the text)."""
    first: dict[str, int] = {}
    blocks = []
    for n, p in enumerate(passages, start=1):
        if p.source in first:
            about = f'same-document-as="{first[p.source]}"'
        else:
            first[p.source] = n
            about = f'title="{safe(documents(p.source).title).replace(chr(34), chr(39))}"'
        blocks.append(f'<passage n="{n}" {about}>\n{safe(p.text)}\n</passage>')
    return "\n".join(blocks)


def safe(text: str) -> str:
    """Text that cannot open or close a passage tag."""
    return DELIMITER.sub("(passage", text)


def transcript(conversation: Conversation, turns: int = 3) -> str:
    """The last turns, answer markers removed and long answers shortened."""
    return "\n".join(
        f"User: {turn.question}\nAssistant: {MARKERS.sub('', turn.answer)[:400]}"
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
