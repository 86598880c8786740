"""What may reach a screen: the one pattern for control characters, and the one helper that makes text from a
document (a title, a source, a quoted passage, an error naming a file) safe to print on a terminal.

A document is untrusted: an escape sequence in it could clear the screen or retitle the window, a bidi
override could make a title read backwards, and a `[link=...]` in it would become rich markup. The stored
text and the `--json` output stay exact; only what is printed is cleaned.
"""

from __future__ import annotations

import json
import re

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1 controls, but tab and newline
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")  # embeddings, overrides and isolates
# invisible in a one-line label, where they only serve to make two names look alike; running text keeps
# them (Persian and Indic scripts need the zero-width joiners)
ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")


def for_terminal(text: str, *, label: bool = False, markup: bool = True) -> str:
    """`text` without control characters (but newline and tab) or bidi overrides; a label (title, source)
    is also kept on one line without zero-width characters; rich markup is escaped unless `markup` is False
    (for click.echo and rich's markup=False, where a backslash would show)."""
    text = BIDI.sub("", CONTROL.sub("", text))
    if label:
        text = " ".join(ZERO_WIDTH.sub("", text).split())
    if not markup:
        return text
    from rich.markup import escape

    return escape(text)


def json_line(value: object) -> str:
    """`value` as one line of JSON, readable (non-ASCII kept) yet inert on a terminal: the C1 controls and
    bidi overrides that JSON leaves raw are written as \\u escapes, so the decoded text stays exact."""
    text = json.dumps(value, ensure_ascii=False)
    return INERT_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


INERT_IN_JSON = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
