"""The candidate answers: the sentences of the retrieved passages, each with the sentence before it.

A heading and the lines below it that end no sentence are one candidate with the sentence that follows them, even
past the passage's end (each is a paragraph, so a passage, of its own): documentation names its topic in a
heading and says what it does below, and neither alone answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from index.passages import LABELLED_CHARS, LOOK_BEHIND, Passage, sentence_spans, unfinished, unit_spans

if TYPE_CHECKING:
    from bot.answering.citations import Quote
    from bot.retrieve import Retrieval
    from index.storage.context import Context
    from index.storage.doc_stats import DocumentStats
    from index.storage.records import DocumentInfo

# a line with no sentence end (a heading, a signature, a label) names a topic, and its answer follows it; the
# weight is the middle of the best plateau on tune questions (bank tune P@1 48.1% at 0, 50.4% from 0.2 to 0.5;
# SQuAD train unchanged)
UNFINISHED_PENALTY = 0.4
COVERAGE_WEIGHT = 1.5  # covering the question's rare words matters more than overall similarity
CONTEXT_CHARS = 600  # how far before a passage its first sentence's context is looked for
LEADERS = re.compile(r"(?:\.\s){5,}|\.{8,}")  # a contents or index entry's dot leaders: it names a topic only
WINDOW = (CONTEXT_CHARS + LOOK_BEHIND, LABELLED_CHARS)  # the text before and after a passage that retrieval reads


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage (or a heading joined to the sentence below it), scored against the
    question."""

    passage: Passage
    start: int  # absolute offsets into the document
    end: int
    context: str  # the sentence before, which often names the topic a quotation is about
    window: str = field(repr=False)  # the document's text around the passage, read by retrieval
    window_start: int  # where `window` starts in the document
    stats: DocumentStats = field(repr=False, compare=False)  # its document's statistics, computed at ingest
    info: DocumentInfo = field(repr=False, compare=False)  # its document's catalog record
    dense: float = 0.0
    coverage: float = 0.0
    theirs: tuple[Quote, ...] = ()  # its quotations of the person a "what did X say" question asks about

    @property
    def text(self) -> str:
        return self.window[self.start - self.window_start : self.end - self.window_start]

    @property
    def span(self) -> tuple[str, int, int]:
        return self.passage.source, self.start, self.end

    def overlaps(self, other: Candidate) -> bool:
        return self.passage.source == other.passage.source and self.start < other.end and other.start < self.end

    @property
    def score(self) -> float:
        return self.dense + COVERAGE_WEIGHT * self.coverage - UNFINISHED_PENALTY * unfinished(self.text)


def candidates_of(retrieval: Retrieval) -> list[Candidate]:
    """The sentences of the retrieved passages, each once: a heading joined to the sentence below it reads into
    the next passage, and when that one was retrieved too, its sentence alone is left out (a near copy would
    make the best candidate's margin over the runner-up look like doubt)."""
    found = [c for hit in retrieval.hits for c in sentences(hit.passage, retrieval.context)]
    found = [c for c in found if not LEADERS.search(c.text)]
    joined = [c for c in found if c.end > c.passage.end]
    return [c for c in found if not any(j.overlaps(c) and j.end - j.start > c.end - c.start for j in joined)]


def sentences(passage: Passage, context: Context) -> list[Candidate]:
    """The passage's sentences, each with the sentence before it, from the text around it that retrieval
    read, with its document's statistics (its sentences' terms weigh the question's words) and record."""
    base = max(0, passage.start - WINDOW[0])
    text = context.text(passage, base, passage.end + WINDOW[1])
    stats, info = context.stats_of(passage), context.catalog[passage.source]
    spans = unit_spans(text, base, passage, info.chars)
    before = sentence_spans(text, max(0, passage.start - CONTEXT_CHARS) - base, passage.start - base)
    previous = [*(before[-1:] or [(0, 0)]), *spans[:-1]]
    return [
        Candidate(passage, start + base, end + base, text[p_start:p_end], text, base, stats=stats, info=info)
        for (start, end), (p_start, p_end) in zip(spans, previous, strict=True)
    ]
