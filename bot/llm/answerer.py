"""The LLM answerer: an OpenAI-compatible server writes the answer; `bot.llm.grounding` keeps what is supported.

Every failure of the model (timeout, refused connection, 429/5xx after bounded retries, an empty, garbled or
cut-off reply, the time budget spent) gives the extractive answer with a one-line notice. Time is bounded by
`llm_timeout` per request and `answer_budget` per answer, retries included.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

import openai

from bot.answering.answer import Answer, Answerer, TokenSink, abstention
from bot.llm.client import (
    LLM_ERRORS,
    Deadline,
    chunk_finished,
    chunk_text,
    describe,
    make_client,
    notice_for,
    retry_wait,
    retryable,
)
from bot.llm.grounding import Checked, Documents, check
from bot.llm.prompt_text import chosen_passages, numbered, standalone, transcript, without_refusal
from bot.printable import CONTROL
from bot.retrieve import Retrieval
from index.errors import BrokenReply, ModelTimedOut
from index.passages import Passage
from prompts import render_messages

if TYPE_CHECKING:
    from bot.answering.conversation import Conversation
    from bot.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """What the model wrote, and when its first token came (ms after the request)."""

    text: str
    first_token_ms: float | None


def llm_answerer(settings: Settings, fallback: Answerer) -> LLMAnswerer:
    """The LLM answerer for these settings, falling back to `fallback` whenever the model fails."""
    return LLMAnswerer(make_client(settings), fallback, settings)


class LLMAnswerer:
    """Answers with a language model over numbered passages; every sentence it keeps is checked against
    their whole documents, which retrieval read (its Retriever is built with `whole=True`)."""

    name = "llm"

    def __init__(self, client: openai.OpenAI, fallback: Answerer, settings: Settings) -> None:
        self.client = client
        self.fallback = fallback
        self.settings = settings

    def rewrite(self, question: str, conversation: Conversation | None) -> str:
        """The follow-up as a standalone question, written by the model; the extractive method if it fails."""
        if conversation is None or not conversation.turns:
            return question
        messages = render_messages("rewrite", conversation=transcript(conversation), question=question)
        deadline = Deadline.after(min(self.settings.llm_timeout, self.settings.answer_budget / 4))
        try:
            reply = self.complete(messages, deadline, max_tokens=80, on_token=None, retries=0)
        except LLM_ERRORS as error:
            why = describe(error, self.settings.openai_api_key)
            log.warning("follow-up rewrite failed (%s); using the offline rewrite", why)
            return self.fallback.rewrite(question, conversation)
        rewritten = standalone(reply.text, question, self.settings.max_question_chars)
        if rewritten is None:
            log.info("the model's rewrite was not a standalone question; using the offline rewrite")
            return self.fallback.rewrite(question, conversation)
        return rewritten

    def answer(
        self,
        question: str,
        retrieval: Retrieval,
        scope: str,
        *,
        quotes_only: bool = False,
        on_token: TokenSink | None = None,
    ) -> Answer:
        """The model's answer, cut down to what the passages support; the extractive answer if it fails."""
        started = time.perf_counter()
        passages = chosen_passages(retrieval, self.settings.llm_passages, self.settings.llm_prompt_chars)
        if not passages:
            return replace(abstention(question, scope), answerer=self.name)
        try:
            reply, checked = self.checked_reply(question, passages, retrieval.context.document, on_token)
        except LLM_ERRORS as error:
            why = describe(error, self.settings.openai_api_key)
            log.warning("LLM answer failed (%s); giving the offline answer", why)
            offline = self.fallback.answer(question, retrieval, scope, quotes_only=quotes_only)
            return replace(offline, notice=notice_for(error))
        timings = answer_timings(started, reply, checked)
        return self.checked_answer(question, scope, checked, quotes_only, timings)

    def checked_reply(
        self, question: str, passages: list[Passage], documents: Documents, on_token: TokenSink | None
    ) -> tuple[Reply, Checked]:
        """The model's reply to the numbered passages, and what of it the citation check keeps."""
        messages = render_messages("answer", passages=numbered(passages, documents), question=question)
        reply = self.complete(
            messages,
            Deadline.after(self.settings.answer_budget),
            max_tokens=self.settings.llm_max_tokens,
            on_token=on_token,
            retries=self.settings.llm_retries,
        )
        text, declined = without_refusal(reply.text)
        if not text and not declined:
            raise BrokenReply("the model's reply was empty")
        return reply, check(text, passages, documents)

    def checked_answer(
        self, question: str, scope: str, checked: Checked, quotes_only: bool, timings: dict[str, float]
    ) -> Answer:
        log.info(
            "citation check kept %d sentences; rejected %d sentences and %d model citations",
            checked.kept_sentences,
            checked.rejected_sentences,
            checked.rejected_citations,
        )
        if not checked.citations:
            return replace(abstention(question, scope), answerer=self.name, timings_ms=timings)
        text = " ".join(c.text for c in checked.citations) if quotes_only else checked.text
        return Answer(question, text, False, checked.citations, self.name, timings_ms=timings)

    def complete(
        self,
        messages: list[dict[str, str]],
        deadline: Deadline,
        *,
        max_tokens: int,
        on_token: TokenSink | None,
        retries: int,
    ) -> Reply:
        """Stream a reply; retry failed connections, 429 and 5xx while nothing was shown and time is left."""
        shown: list[str] = []
        sink = shown_sink(on_token, shown)
        for attempt in range(retries):
            try:
                return self.stream(messages, deadline, max_tokens, sink)
            except (openai.APIConnectionError, openai.APIStatusError) as error:
                wait = retry_wait(error, attempt)
                if shown or not retryable(error) or wait >= deadline.remaining() - 1:
                    raise
                why = describe(error, self.settings.openai_api_key)
                log.info("LLM request failed (%s); retrying in %.1f s", why, wait)
                time.sleep(wait)
        return self.stream(messages, deadline, max_tokens, sink)  # the last attempt: its failure is final

    def stream(self, messages: list[dict[str, str]], deadline: Deadline, max_tokens: int, sink: TokenSink) -> Reply:
        """One streamed request; raises BrokenReply when the reply is cut off, ModelTimedOut past the budget."""
        if deadline.remaining() <= 0:
            raise ModelTimedOut("the answer budget is spent")
        started, first, parts, finished = time.perf_counter(), None, [], False
        timeout = min(self.settings.llm_timeout, deadline.remaining())
        client = self.client.with_options(timeout=openai.Timeout(timeout))
        with client.chat.completions.create(
            model=self.settings.llm_model,
            messages=cast(Any, messages),
            max_tokens=max_tokens,
            temperature=self.settings.llm_temperature,
            stream=True,
        ) as events:
            for event in events:
                text, finished = chunk_text(event), finished or chunk_finished(event)
                if text:
                    first = first if first is not None else (time.perf_counter() - started) * 1000
                    parts.append(text)
                    sink(text)
                if deadline.remaining() <= 0:
                    raise ModelTimedOut("the model did not finish within the answer budget")
        if not finished:
            raise BrokenReply("the reply was cut off before the model finished")
        return Reply("".join(parts), first)


def shown_sink(on_token: TokenSink | None, shown: list[str]) -> TokenSink:
    """Passes tokens on without control characters, remembering that something was shown (no retry then)."""

    def sink(text: str) -> None:
        shown.append(text)
        if on_token is not None:
            on_token(CONTROL.sub("", text))

    return sink


def answer_timings(started: float, reply: Reply, checked: Checked) -> dict[str, float]:
    timings = {
        "llm": (time.perf_counter() - started) * 1000,
        "rejected_sentences": float(checked.rejected_sentences),
        "rejected_citations": float(checked.rejected_citations),
    }
    return timings | ({"first_token": reply.first_token_ms} if reply.first_token_ms is not None else {})
