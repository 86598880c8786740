"""to_discord_messages is pure: property tests on Discord's limits, escaping and completeness."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answering.answer import Answer
from bot.answering.citations import Citation
from bot.discord.render import (
    ABSTAIN_PREFIX,
    CONTENT_LIMIT,
    CONTINUED,
    CONTINUES,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    EMPTY,
    FOOTER_LIMIT,
    NOTICE_SEPARATOR,
    TITLE_LIMIT,
    Piece,
    embed_chars,
    escape,
    quote_marks,
    to_discord_messages,
    unescape,
)

NASTY = st.sampled_from(
    [
        "@everyone",
        "@here",
        "<@123>",
        "<@&9>",
        "```py\n",
        "**",
        "# ",
        "> ",
        "1. ",
        "\\",
        "[x](https://e.vil)",
        "||",
        "\n",
        " ",
    ]
)
TEXT = st.lists(st.one_of(st.text(min_size=0, max_size=40), NASTY), max_size=30).map("".join)
LONG = st.one_of(
    TEXT,
    st.integers(1000, 9000).map(lambda n: ("word " * n)[:n]),
    st.integers(1, 9000).map(lambda n: "\\*" * n),
)


@st.composite
def citations(draw: st.DrawFn) -> tuple[Citation, ...]:
    count = draw(st.integers(0, 14))
    return tuple(
        Citation(
            n,
            draw(st.text(max_size=300)),
            draw(st.text(max_size=400)),
            0,
            5,
            draw(LONG),
            "h",
            1,
            draw(st.sampled_from([None, "https://example.org/a", "javascript:x", "http://x y"])),
        )
        for n in range(1, count + 1)
    )


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    abstained = draw(st.booleans())
    notice = draw(st.one_of(st.none(), TEXT))
    return Answer("q", draw(LONG), abstained, () if abstained else draw(citations()), notice=notice or None)


def quotation(embeds: list[dict], text: str) -> str:
    """The quotation an embed run shows, its marks and continuation notes removed."""
    first, last = quote_marks(text)
    shown = ""
    for i, embed in enumerate(embeds):
        description = embed["description"]
        opening = first if i == 0 else CONTINUED
        closing = last if i == len(embeds) - 1 else CONTINUES
        assert description.startswith(opening) and description.endswith(closing)
        shown += description[len(opening) : len(description) - len(closing)]
    return unescape(shown)


def unescaped_markdown(text: str) -> list[str]:
    """Markdown-significant characters not preceded by an escaping backslash."""
    stripped = re.sub(r"\\.", "", text, flags=re.DOTALL)
    return re.findall(r"[*_~`|\[\]()<>@]", stripped)


@settings(max_examples=300, deadline=None)
@given(answers())
def test_every_piece_is_within_discord_limits(answer: Answer) -> None:
    for piece in to_discord_messages(answer):
        assert len(piece.content) <= CONTENT_LIMIT
        assert len(piece.embeds) <= EMBEDS_PER_MESSAGE
        assert sum(embed_chars(e) for e in piece.embeds) <= EMBED_TOTAL_LIMIT
        assert piece.content or piece.embeds
        for embed in piece.embeds:
            assert len(embed["title"]) <= TITLE_LIMIT
            assert len(embed["description"]) <= DESCRIPTION_LIMIT
            assert len(embed["footer"]["text"]) <= FOOTER_LIMIT
            assert embed.get("url", "https://").startswith(("https://", "http://"))


@settings(max_examples=300, deadline=None)
@given(answers())
def test_nothing_is_lost_and_quotations_say_where_they_continue(answer: Answer) -> None:
    pieces = to_discord_messages(answer)
    body = "".join(piece.content for piece in pieces)
    if answer.abstained:
        assert body.startswith(ABSTAIN_PREFIX)
        body = body[len(ABSTAIN_PREFIX) :]
    expected = answer.text + (NOTICE_SEPARATOR + answer.notice if answer.notice else "")
    if not expected.strip() and not answer.citations and not answer.abstained:
        assert body.endswith(EMPTY)
    elif answer.notice:
        escaped_text, _, escaped_notice = body.rpartition(NOTICE_SEPARATOR)
        assert unescape(escaped_text) + NOTICE_SEPARATOR + unescape(escaped_notice) == expected
    else:
        assert unescape(body) == expected
    embeds = [embed for piece in pieces for embed in piece.embeds]
    for citation in answer.citations:
        mine = [e for e in embeds if e["title"].startswith(escape(f"[{citation.n}] "))]
        assert quotation(mine, citation.text) == citation.text
        assert all(e["description"].endswith(CONTINUES) for e in mine[:-1])


@settings(max_examples=300, deadline=None)
@given(answers())
def test_no_markdown_mention_or_code_fence_survives(answer: Answer) -> None:
    for piece in to_discord_messages(answer):
        content = piece.content.removeprefix(ABSTAIN_PREFIX)
        texts = [content] + [e["description"] for e in piece.embeds] + [e["title"] for e in piece.embeds]
        for text in texts:
            assert unescaped_markdown(text) == []
            assert "```" not in re.sub(r"\\.", "", text, flags=re.DOTALL)


@given(TEXT)
def test_escape_round_trips(text: str) -> None:
    assert unescape(escape(text)) == text


def test_abstention_looks_different_and_answers_carry_green_quotes() -> None:
    citation = Citation(1, "a.txt", "A", 0, 4, "@everyone **bold**", "h", 2, "https://example.org")
    answered = to_discord_messages(Answer("q", "Yes [1]", False, (citation,)))
    abstained = to_discord_messages(Answer("q", "The article doesn't say.", True))
    assert answered == [Piece("Yes \\[1\\]", answered[0].embeds)]
    assert answered[0].embeds[0]["description"] == "“\\@everyone \\*\\*bold\\*\\*”"
    assert abstained[0].content.startswith(ABSTAIN_PREFIX) and not abstained[0].embeds
    assert unescape(answered[0].embeds[0]["title"]) == "[1] A" and answered[0].embeds[0]["url"] == "https://example.org"


def test_a_quotation_that_opens_with_its_own_quote_mark_is_not_quoted_twice() -> None:
    citation = Citation(1, "a.txt", "A", 0, 9, "“We never did,” he said.", "h", 1)
    assert to_discord_messages(Answer("q", "No [1]", False, (citation,)))[0].embeds[0]["description"] == (
        "“We never did,” he said."
    )
