"""Splitting a document into paragraphs, sentences and passages, each an exact [start, end) span.

Pure functions: text in, offsets out. `text[start:end]` is always the passage's text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

MAX_PASSAGE_CHARS = 1000
LOOK_BEHIND = 12  # what the splitter reads before a sentence end (the word an abbreviation's dot closes)
# how long a heading with the lines below it and the sentence after them may be: bank tune P@1 49.6% never joined,
# 59.7% at 250 and 400, 60.5% at 600 (SQuAD train unchanged); longer ones score by holding more text, so the
# shortest on the plateau
LABELLED_CHARS = 400

PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")
# A sentence ends at . ! ? or … (plus closing quotes/brackets) followed by space and a likely sentence start,
# or at a line break that opens a list item or heading. Linear time: a punctuation run is tried once, from
# its first mark, with possessive quantifiers (backtracking into it could never succeed), and of a run of line
# breaks only the last is tried (the others would only have ended empty sentences).
SENTENCE_END = re.compile(
    r"(?<![.!?…])[.!?…]++[\"'”’)\]]*+(?=\s++[\"'“‘(\[]?[A-Z0-9])|\n(?=[^\S\n]*+(?:[-*+#>]|\d++[.)])\s)"
)
SENTENCE_MARKS = ".!?…"
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc inc ltd co corp gen col lt sgt rep sen gov no fig jan feb mar apr "
    "jun jul aug sep sept oct nov dec e.g i.e u.s u.k u.n a.m p.m".split()
)


@dataclass(frozen=True)
class Passage:
    """A stored piece of a document: `text == document.text[start:end]`."""

    id: str
    source: str
    doc_hash: str
    start: int
    end: int
    text: str
    paragraph: int
    page: int | None = None  # 1-based, for documents with pages (PDF)


def trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without its surrounding whitespace, or None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Blocks of text separated by blank lines."""
    spans, start = [], 0
    for match in PARAGRAPH_BREAK.finditer(text):
        spans.append(trimmed(text, start, match.start()))
        start = match.end()
    spans.append(trimmed(text, start, len(text)))
    return [span for span in spans if span]


def is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at `dot` closes an abbreviation or an initial (U.S., Dr., J.)."""
    word = re.search(r"[\w.]*$", text[max(0, dot - 12) : dot])
    stem = word.group(0).lower().strip(".") if word else ""
    return stem in ABBREVIATIONS or (len(stem) == 1 and stem.isalpha())


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences inside text[start:end], as absolute offsets."""
    spans, begin = [], start
    unclosed, counted = 0, start  # “ minus ” in text[begin:counted], kept as a running count (linear time)
    # on a copy of the range, so that the look-behind sees nothing before `start`, as `finditer(text, start)` would
    for match in SENTENCE_END.finditer(text[start:end]):
        stop = start + match.end()
        if text[start + match.start()] == "." and is_abbreviation(text, start + match.start()):
            continue
        unclosed += text.count("“", counted, stop) - text.count("”", counted, stop)
        counted = stop
        if unclosed > 0:
            continue  # a quotation of several sentences stays one unit, so it is cited whole
        spans.append(trimmed(text, begin, stop))
        begin, unclosed = stop, 0
    spans.append(trimmed(text, begin, end))
    return [span for span in spans if span]


def split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at whitespace so that no piece exceeds the limit."""
    pieces = []
    while end - start > limit:
        cut = text.rfind(" ", start + 1, start + limit)
        cut = cut if cut > start else start + limit
        pieces.append(trimmed(text, start, cut))
        start = cut
    pieces.append(trimmed(text, start, end))
    return [piece for piece in pieces if piece]


def group_sentences(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Consecutive sentences of one paragraph, packed into spans of at most `limit` characters."""
    groups: list[tuple[int, int]] = []
    for s_start, s_end in sentence_spans(text, start, end):
        for piece in split_long(text, s_start, s_end, limit):
            if groups and piece[1] - groups[-1][0] <= limit:
                groups[-1] = (groups[-1][0], piece[1])
            else:
                groups.append(piece)
    return groups


def passage_id(source: str, doc_hash: str, start: int, end: int) -> str:
    """Derived from the source and the content: indexing a document again yields the same ids, and the same
    text from two sources yields two sets of passages (ids of text alone let one copy take the other's)."""
    return hashlib.sha256(f"{source}\0{doc_hash}:{start}:{end}".encode()).hexdigest()[:32]


def make_passages(source: str, doc_hash: str, text: str, limit: int = MAX_PASSAGE_CHARS) -> list[Passage]:
    """Paragraphs, split at sentence boundaries when longer than `limit`."""
    return [
        Passage(passage_id(source, doc_hash, start, end), source, doc_hash, start, end, text[start:end], number)
        for number, (p_start, p_end) in enumerate(paragraph_spans(text), start=1)
        for start, end in group_sentences(text, p_start, p_end, limit)
    ]


def unfinished(text: str) -> bool:
    """Whether the text stops without ending a sentence: a heading, a signature, a label ("Limits",
    "timeout.refresh()", "On POSIX:"). Read from the end, past closing quotes, brackets and spaces, up to the
    first word character: a pattern searched from the start would retry at every mark (quadratic on "....")."""
    for char in reversed(text):
        if char in SENTENCE_MARKS:
            return False
        if char.isalnum() or char == "_":
            return True
    return True


def unit_spans(window: str, base: int, passage: Passage, chars: int) -> list[tuple[int, int]]:
    """What an answer compares with a question in the passage, as spans of `window`: the text of the document
    (`chars` long) from offset `base` (at least LOOK_BEHIND before the passage) to LABELLED_CHARS past the
    passage or the document's end. Its sentences, each run of lines that end no sentence joined to the sentence
    after it (see `labelled`). Ingest and ask time both cut units here, so a stored vector is found again."""
    start, end = passage.start - base, passage.end - base
    return labelled(window, sentence_spans(window, start, end), end, base + len(window) >= chars)


def passage_units(text: str, passage: Passage) -> list[str]:
    """The passage's units, cut from the document's whole text as at ask time from a window around it."""
    base = max(0, passage.start - LOOK_BEHIND)
    window = text[base : passage.end + LABELLED_CHARS]
    return [window[start:end] for start, end in unit_spans(window, base, passage, len(text))]


def labelled(text: str, spans: list[tuple[int, int]], end: int, ends_document: bool) -> list[tuple[int, int]]:
    """The passage's sentence spans (it ends at `end`), each run of lines that end no sentence (a heading, a
    signature, "Added in: v1.0") joined to the sentence after it, read past the passage's end when need be:
    documentation names its topic in a heading and says what it does below, and neither alone answers.
    `ends_document`: whether `text` runs to the document's end."""
    after: list[tuple[int, int]] = []
    if spans and unfinished(text[spans[-1][0] : spans[-1][1]]):  # else nothing past the passage joins it
        rest = text[end:]
        after = [(end + s, end + e) for p, q in paragraph_spans(rest) for s, e in sentence_spans(rest, p, q)]
        after = after if ends_document else after[:-1]  # else the window's end may cut the last one short
    joined: list[tuple[int, int]] = []
    for start, stop in [*spans, *after]:
        if joined and unfinished(text[joined[-1][0] : joined[-1][1]]) and stop - joined[-1][0] <= LABELLED_CHARS:
            joined[-1] = (joined[-1][0], stop)
        elif start >= end:
            break
        else:
            joined.append((start, stop))
    return joined
