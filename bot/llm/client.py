"""The OpenAI-compatible client and its failures: the one client, stream chunks, which errors are retried
and after how long, and the one-line notice a user sees when the model fails."""

from __future__ import annotations

import importlib
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import openai

from index.errors import ModelFailed, ModelTimedOut, SettingsError
from index.redact import redact

if TYPE_CHECKING:
    from bot.config import Settings


def transport_errors(name: str) -> tuple[type[Exception], ...]:
    """An error class of the HTTP library openai streams with (httpx2 since openai 3, httpx before)."""
    found = []
    for library in ("httpx2", "httpx"):
        try:
            found.append(getattr(importlib.import_module(library), name))
        except ImportError:
            continue
    return tuple(found)


LLM_ERRORS: tuple[type[Exception], ...] = (
    openai.OpenAIError,
    json.JSONDecodeError,
    ModelFailed,
    *transport_errors("HTTPError"),
)
BODY_CUT_SHORT = transport_errors("RemoteProtocolError")  # openai wraps it in an APIConnectionError
RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
MAX_RETRY_WAIT = 10.0


@dataclass(frozen=True)
class Deadline:
    """A point in time (perf_counter) that a whole answer, retries included, must not pass."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.perf_counter() + seconds)

    def remaining(self) -> float:
        return self.at - time.perf_counter()


def make_client(settings: Settings) -> openai.OpenAI:
    """The one OpenAI client: explicit timeout, no hidden retries (ours are bounded by the answer budget)."""
    if not settings.llm_configured:
        msg = "The LLM answerer needs OPENAI_BASE_URL (any OpenAI-compatible server) or OPENAI_API_KEY."
        raise SettingsError(msg)
    return openai.OpenAI(
        api_key=settings.openai_api_key or "not-needed",  # local servers ignore it; the client requires one
        base_url=settings.openai_base_url,
        timeout=openai.Timeout(settings.llm_timeout, connect=min(5.0, settings.llm_timeout)),
        max_retries=0,
    )


def chunk_text(event: Any) -> str:
    """The text a stream chunk adds, or "" (a chunk of another shape adds nothing)."""
    choices = getattr(event, "choices", None)
    delta = getattr(choices[0], "delta", None) if isinstance(choices, list) and choices else None
    content = getattr(delta, "content", None)
    return content if isinstance(content, str) else ""


def chunk_finished(event: Any) -> bool:
    choices = getattr(event, "choices", None)
    return bool(isinstance(choices, list) and choices and getattr(choices[0], "finish_reason", None))


def retryable(error: openai.APIConnectionError | openai.APIStatusError) -> bool:
    return isinstance(error, openai.APIConnectionError) or error.status_code in RETRY_STATUSES


def retry_wait(error: openai.APIConnectionError | openai.APIStatusError, attempt: int) -> float:
    """Retry-After when the server sends one (seconds), else 0.5 s doubling."""
    headers = getattr(getattr(error, "response", None), "headers", None)
    header = headers.get("retry-after") if headers is not None else None
    try:
        return max(0.0, float(header)) if header else 0.5 * 2**attempt
    except ValueError:
        return MAX_RETRY_WAIT  # an HTTP date: assume long, which usually means "do not retry"


def describe(error: BaseException, api_key: str | None) -> str:
    """Error type and first line, for the log, without the API key or anything like one (servers echo it)."""
    text = redact(str(error), api_key).strip()
    first = text.splitlines()[0][:200] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def notice_for(error: BaseException) -> str:
    """The one line a user sees above the offline answer, by the kind of failure."""
    if isinstance(error, openai.APITimeoutError | ModelTimedOut):
        reason = "did not answer in time"
    elif isinstance(error.__cause__, BODY_CUT_SHORT):
        reason = "sent a reply that was cut off or unreadable"
    elif isinstance(error, openai.APIConnectionError):
        reason = "could not be reached"
    elif isinstance(error, openai.RateLimitError):
        reason = "is rate-limited"
    elif isinstance(error, openai.APIStatusError):
        reason = f"returned an error (HTTP {error.status_code})"
    else:
        reason = "sent a reply that was cut off or unreadable"
    return f"The language model {reason}; this is the offline answer."
