"""Misspelt question words are read as the words the documents use, and only misspelt ones."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.answering.spelling import mended
from bot.core import Citebot
from index.storage.lexical import terms
from tests.helpers import bot_over

MUSEUM = (
    "The harbour museum keeps a collection of ship models. Its largest model is a steam tug built in 1912. "
    "Volunteers repaint the tug every spring. The museum is open every day except Monday."
)


def frequency_in(text: str) -> Callable[[str], int]:
    held = terms(text)
    return held.count


@pytest.mark.parametrize(
    ("question", "read"),
    [
        ("what is the largest modle in the musuem?", "what is the largest model in the museum?"),  # swapped letters
        ("who repaints the tug evry spring", "who repaints the tug every spring"),  # a letter left out
        ("wher is the steam tug?", "where is the steam tug?"),  # a common word the documents need not hold
        ("how much did the tug cost?", "how much did the tug cost?"),  # English, though the documents lack it
        ("what did zelensky say?", "what did zelensky say?"),  # no word of the documents is one edit away
        ("is the musem open on mondy", "is the museum open on monday"),
        ("who is the top exec at the museum", "who is the top exec at the museum"),  # a role word is no typo
        ("where is the modle3 tug?", "where is the modle3 tug?"),  # nor are the letters of a name with digits
    ],
)
def test_misspelt_words_become_the_documents_words_and_others_stay(question: str, read: str) -> None:
    assert mended(question, frequency_in(MUSEUM)) == read


def test_a_question_with_typos_is_answered_like_the_spelt_one(make_bot: Callable[..., Citebot]) -> None:
    bot, scope = bot_over(make_bot, "museum.md", MUSEUM)
    spelt = bot.ask("what is the largest model in the museum?", sources=scope)
    typed = bot.ask("what is the largest modle in the musuem?", sources=scope)
    assert not typed.abstained, typed.text
    assert [c.text for c in typed.citations] == [c.text for c in spelt.citations]
    assert typed.question == "what is the largest modle in the musuem?"  # the user's words are kept


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("whats the largest model in the museum", "what is the largest model in the museum"),
        ("what's the largest model in the museum", "what is the largest model in the museum"),
        ("why doesnt the museum open on monday", "why does the museum not open on monday"),
        ("why won't volunteers repaint the tug", "why will volunteers not repaint the tug"),
    ],
)
def test_contractions_typed_with_or_without_the_apostrophe_are_no_terms(typed: str, plain: str) -> None:
    # as terms no sentence holds, "whats" or "doesnt" made the question look as if it asked for something absent
    assert terms(typed) == terms(plain)
    assert mended(typed, frequency_in(MUSEUM)).startswith("what is") == plain.startswith("what is")


def test_a_question_typed_with_whats_is_answered_like_what_is(make_bot: Callable[..., Citebot]) -> None:
    bot, scope = bot_over(make_bot, "museum.md", MUSEUM)
    plain = bot.ask("what is the largest model in the museum?", sources=scope)
    for typed in ("whats the largest model in the museum?", "what's the largest model in the museum?"):
        answer = bot.ask(typed, sources=scope)
        assert not answer.abstained, answer.text
        assert [c.text for c in answer.citations] == [c.text for c in plain.citations]
        assert answer.confidence == pytest.approx(plain.confidence, abs=0.02)


def test_chat_fillers_are_no_terms() -> None:
    assert terms("what does the museum actually keep, lol") == terms("what does the museum keep")
    assert terms("btw is it really open on monday pls") == terms("is it open on monday")


@pytest.mark.parametrize(
    ("question", "read"),
    [
        ("what's the max size of the tug's boiler", "what is the maximum size of the tug's boiler"),
        ("how many min does the tour take", "how many minutes does the tour take"),  # the full word held
        ("is the museum info desk open", "is the museum info desk open"),  # the documents write "info" too
        ("what is the repo of the tug", "what is the repo of the tug"),  # nor its full word: left as typed
    ],
)
def test_short_forms_are_read_as_the_full_words_the_documents_write(question: str, read: str) -> None:
    text = f"{MUSEUM} The tour takes 40 minutes; ask at the info desk. The boiler's maximum pressure is 9 bar."
    assert mended(question, frequency_in(text)) == read


def test_words_that_only_frame_what_is_asked_are_no_terms() -> None:
    # the answer tells what happened, where, or whose, in other words: as terms they looked absent from it
    assert terms("what happened to the tug in 1912?") == terms("what to the tug in 1912?")
    assert terms("where did the repainting occur") == terms("where did the repainting")
    assert terms("whose model is the largest, according to the museum?") == terms("model is the largest, museum")
