"""An Answer as Discord message payloads: pure, within Discord's limits, markdown escaped.

Discord checks its limits server-side only (an oversized message is an HTTP 400), so every piece
returned here is within them: content <= 2,000 characters; per embed a title <= 256, a description
<= 4,096 and a footer <= 2,048; <= 10 embeds and <= 6,000 embed characters per message. A quotation
too long for one embed is split across embeds that say so; nothing is cut silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.answering.answer import Answer
from bot.answering.citations import Citation

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10

ANSWER_COLOUR = 0x2E8B57
ABSTAIN_COLOUR = 0xD4A017
ABSTAIN_PREFIX = "🔎 **Not found in the documents.**\n"
NOTICE_SEPARATOR = "\n-# "
EMPTY = "-# the answer is empty"
OPEN_QUOTE, CLOSE_QUOTE = "“", "”"
QUOTE_MARKS = ("“", '"', "„", "«", "‘", "'")
CONTINUES = " …\n-# the quotation continues in the next embed"
CONTINUED = "… "
FOOTER_SOURCE_CHARS = 200

# Every character Discord's markdown gives a meaning to, plus @ < : so no mention, emoji or autolink forms.
MARKDOWN = re.compile(r"([\\*_~`|\[\]()<>@#:+-])")
LIST_NUMBER = re.compile(r"^(\s*\d+)\.(?=\s)", re.MULTILINE)
ESCAPE_PAIR = re.compile(r"\\(.)", re.DOTALL)


@dataclass(frozen=True)
class Piece:
    """One Discord message: its content and its embeds as Discord's JSON objects."""

    content: str
    embeds: tuple[dict[str, Any], ...] = field(default=())


def escape(text: str) -> str:
    """Text that Discord shows literally: no formatting, no mentions, no code blocks, no links."""
    return LIST_NUMBER.sub(r"\1\\.", MARKDOWN.sub(r"\\\1", text))


def unescape(text: str) -> str:
    """The inverse of `escape` (for tests and for reading our own messages back)."""
    return ESCAPE_PAIR.sub(r"\1", text)


def chunks(escaped: str, limit: int) -> list[str]:
    """Escaped text in pieces of at most `limit`, cut at whitespace when possible, never inside an escape."""
    pieces: list[str] = []
    while len(escaped) > limit:
        cut = best_cut(escaped, limit)
        pieces.append(escaped[:cut])
        escaped = escaped[cut:]
    return [*pieces, escaped] if escaped or not pieces else pieces


def best_cut(text: str, limit: int) -> int:
    """The last whitespace before `limit` (in the second half), else `limit`, moved off a lone backslash."""
    space = max(text.rfind("\n", limit // 2, limit), text.rfind(" ", limit // 2, limit))
    cut = space + 1 if space > 0 else limit
    while cut > 1 and trailing_backslashes(text[:cut]) % 2 == 1:
        cut -= 1
    return cut


def trailing_backslashes(text: str) -> int:
    return len(text) - len(text.rstrip("\\"))


def embed_chars(embed: dict[str, Any]) -> int:
    """The characters Discord counts towards the 6,000 per message."""
    fields = embed.get("fields", [])
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + len(embed.get("footer", {}).get("text", ""))
        + len(embed.get("author", {}).get("name", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
    )


def title_of(citation: Citation, continued: bool) -> str:
    """The "[n] Title" line, escaped, shortened with an ellipsis to fit Discord's 256."""
    suffix = " · continued" if continued else ""
    head = f"[{citation.n}] "
    room = TITLE_LIMIT - len(escape(head)) - len(suffix)
    return escape(head) + fit(citation.title, room) + suffix


def fit(text: str, room: int) -> str:
    """text escaped, or its longest prefix that fits in room with an ellipsis."""
    if len(escape(text)) <= room:
        return escape(text)
    kept = ""
    for char in text:
        if len(escape(kept + char + "…")) > room:
            break
        kept += char
    return escape(kept + "…")


def footer_of(citation: Citation) -> str:
    name = citation.source.rsplit("/", 1)[-1]
    name = name if len(name) <= FOOTER_SOURCE_CHARS else name[: FOOTER_SOURCE_CHARS - 1] + "…"
    return f"{name} · {citation.location} · characters {citation.start}–{citation.end}"


def link_of(citation: Citation) -> str | None:
    url = citation.url or ""
    ok = url.startswith(("https://", "http://")) and len(url) <= 2000 and not re.search(r"\s", url)
    return url if ok else None


def quote_marks(text: str) -> tuple[str, str]:
    """Curly quotes around a quotation, unless it opens with a quote mark of its own."""
    return ("", "") if text.startswith(QUOTE_MARKS) else (OPEN_QUOTE, CLOSE_QUOTE)


def citation_embeds(citation: Citation, colour: int) -> list[dict[str, Any]]:
    """The quotation as one embed, or several that say where it continues."""
    room = DESCRIPTION_LIMIT - len(CONTINUED) - len(CONTINUES)
    parts = chunks(escape(citation.text), room)
    first, last = quote_marks(citation.text)
    embeds = []
    for i, part in enumerate(parts):
        opening = first if i == 0 else CONTINUED
        closing = last if i == len(parts) - 1 else CONTINUES
        embed: dict[str, Any] = {
            "title": title_of(citation, continued=i > 0),
            "description": opening + part + closing,
            "color": colour,
            "footer": {"text": footer_of(citation)},
        }
        if (url := link_of(citation)) is not None:
            embed["url"] = url
        embeds.append(embed)
    return embeds


def body_of(answer: Answer) -> str:
    body = escape(answer.text)
    return body + NOTICE_SEPARATOR + escape(answer.notice) if answer.notice else body


def to_discord_messages(answer: Answer) -> list[Piece]:
    """The answer text, then its quotations as embeds, packed into as few messages as the limits allow."""
    prefix = ABSTAIN_PREFIX if answer.abstained else ""
    texts = chunks(body_of(answer), CONTENT_LIMIT - len(prefix))
    texts[0] = prefix + texts[0]
    colour = ABSTAIN_COLOUR if answer.abstained else ANSWER_COLOUR
    embeds = [embed for citation in answer.citations for embed in citation_embeds(citation, colour)]
    groups = pack(embeds)
    if not texts[-1].strip() and not groups:
        texts[-1] += EMPTY  # Discord refuses a message with neither content nor embeds
    pieces = [Piece(text) for text in texts[:-1]]
    pieces.append(Piece(texts[-1], tuple(groups[0]) if groups else ()))
    pieces.extend(Piece("", tuple(group)) for group in groups[1:])
    return pieces


def pack(embeds: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Embeds in order, grouped so that each group has <= 10 embeds and <= 6,000 characters."""
    groups: list[list[dict[str, Any]]] = []
    for embed in embeds:
        last = groups[-1] if groups else None
        if (
            last is None
            or len(last) == EMBEDS_PER_MESSAGE
            or sum(map(embed_chars, last)) + embed_chars(embed) > EMBED_TOTAL_LIMIT
        ):
            groups.append([embed])
        else:
            last.append(embed)
    return groups


def strip_mentions(content: str, bot_id: int) -> str:
    return re.sub(rf"<@!?{bot_id}>", " ", content).strip()


def thread_name(question: str) -> str:
    """A thread title from the question: one line, within Discord's 100 characters."""
    line = " ".join(question.split()) or "Question"
    return line if len(line) <= 90 else line[:89] + "…"
