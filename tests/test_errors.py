"""The one exception tree: every error citebot raises is a CitebotError drawn in index/errors.py, and the
notice a user sees when the LLM fails follows the error's type, never its message."""

from __future__ import annotations

import httpx
import openai
import pytest

import index.errors
from bot.answering.citations import CitationMismatch
from bot.discord.gate import Busy
from bot.llm.client import notice_for
from index.errors import BrokenReply, CitebotError, ModelTimedOut
from prompts import MissingVariables

OUTSIDE = [Busy, CitationMismatch, MissingVariables]  # raised elsewhere, drawn in the same tree
INSIDE = [value for value in vars(index.errors).values() if isinstance(value, type) and issubclass(value, Exception)]


@pytest.mark.parametrize("error", OUTSIDE + INSIDE, ids=lambda error: error.__name__)
def test_every_error_is_a_citebot_error_drawn_in_the_tree(error: type[Exception]) -> None:
    assert issubclass(error, CitebotError)
    assert f" {error.__name__} " in (index.errors.__doc__ or "") or error is CitebotError


def status_error(status: int, message: str, kind: type[openai.APIStatusError] = openai.APIStatusError) -> Exception:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    return kind(message, response=httpx.Response(status, request=request), body=None)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ModelTimedOut("no words here say so"), "did not answer in time"),
        (BrokenReply("the answer budget is spent"), "cut off or unreadable"),
        (status_error(402, "your budget is exhausted"), "returned an error (HTTP 402)"),
        (status_error(429, "over budget", openai.RateLimitError), "is rate-limited"),
    ],
)
def test_the_notice_follows_the_type_of_the_error(error: Exception, reason: str) -> None:
    assert reason in notice_for(error)
