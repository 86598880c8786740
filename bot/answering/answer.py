"""The answer every answerer returns (`Answer`), the `Answerer` interface, the token sink, and abstention."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from bot.answering.citations import Citation
from bot.answering.question import indirect

if TYPE_CHECKING:
    from bot.answering.conversation import Conversation
    from bot.retrieve import Retrieval

TokenSink = Callable[[str], None]


@dataclass(frozen=True)
class Answer:
    """What every front end renders: text with [n] markers and the citations those markers name."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    answerer: str = "extractive"
    latency_ms: float = 0.0
    notice: str | None = None
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)
    # the extractive answerer's probability that its sentence answers (also when abstaining); None for an LLM's
    # answer, whose sentences the grounding check keeps or drops instead
    confidence: float | None = None

    def to_json(self) -> dict[str, object]:
        """Exactly the shape `ask --json` prints."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [citation.to_json() for citation in self.citations],
            "latency_ms": round(self.latency_ms, 1),
            "answerer": self.answerer,
            "confidence": None if self.confidence is None else round(self.confidence, 3),
        }


class Answerer(Protocol):
    name: str

    def rewrite(self, question: str, conversation: Conversation | None) -> str:
        """A follow-up as a standalone question."""
        ...

    def answer(
        self,
        question: str,
        retrieval: Retrieval,
        scope: str,
        *,
        quotes_only: bool = False,
        on_token: TokenSink | None = None,
    ) -> Answer:
        """Answer from the retrieved passages only, citing them."""
        ...


def abstention(question: str, scope: str, what: str | None = None) -> Answer:
    """An answer that says the documents do not answer, and cites nothing."""
    verb = "don't" if scope.endswith("s") else "doesn't"  # "The documents don't", "The article doesn't"
    text = f"{scope} {verb} {what}." if what else f"{scope} {verb} say {indirect(question)}."
    return Answer(question, text, True)
