"""Against the misbehaving server: every fault gives the offline answer with a notice, in bounded time."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from bot.answering.citations import verify
from bot.answering.conversation import Conversation
from bot.cli.app import cli
from bot.core import Citebot
from bot.retrieve import Retrieval
from index.embeddings import LocalEmbeddings
from tests.fake_llm import FakeServer

KEY = "sk-test-secret-key-0123456789"
BUDGET, TIMEOUT = 4.0, 1.5
QUESTION = "What is Baykar?"


@pytest.fixture
def llm_bot(make_bot: Callable[..., Citebot], fake: FakeServer) -> Callable[..., Citebot]:
    """A bot whose LLM is the fake server, with a short timeout and budget."""

    def make(model: str, **overrides: Any) -> Citebot:
        options = {
            "openai_base_url": fake.base_url,
            "openai_api_key": KEY,
            "llm_model": model,
            "llm_timeout": TIMEOUT,
            "answer_budget": BUDGET,
            **overrides,
        }
        return make_bot(**options)

    return make


def exact(bot: Citebot, answer: Any) -> None:
    for citation in answer.citations:
        verify(citation, bot.store.document(citation.source))


@pytest.mark.parametrize(
    ("fault", "reason", "requests"),
    [
        pytest.param("slow", "did not answer in time", 2, marks=pytest.mark.slow),
        pytest.param("drip", "did not answer in time", 1, marks=pytest.mark.slow),
        ("ratelimit", "rate-limited", 2),
        ("ratelimit-long", "rate-limited", 1),
        ("error", "HTTP 500", 2),
        ("truncated", "cut off or unreadable", 1),
        ("cut", "cut off or unreadable", 1),  # a token was shown already: no retry
        ("badjson", "cut off or unreadable", 1),
        ("html", "cut off or unreadable", 1),
        ("empty", "cut off or unreadable", 1),
    ],
)
def test_a_fault_gives_the_offline_answer_with_a_notice_in_bounded_time(
    llm_bot: Callable[..., Citebot],
    fake: FakeServer,
    fault: str,
    reason: str,
    requests: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = llm_bot(fault)
    caplog.set_level(logging.DEBUG)
    started = time.perf_counter()
    answer = bot.ask(QUESTION)
    assert time.perf_counter() - started < BUDGET + 3
    assert answer.answerer == "extractive" and answer.notice and reason in answer.notice
    assert "offline answer" in answer.notice and "\n" not in answer.notice
    assert len(fake.requests) == requests
    assert KEY not in caplog.text
    exact(bot, answer)


def test_a_refused_connection_gives_the_offline_answer(llm_bot: Callable[..., Citebot]) -> None:
    answer = llm_bot("reply:x", openai_base_url="http://127.0.0.1:9/v1").ask(QUESTION)
    assert answer.answerer == "extractive" and answer.notice and "could not be reached" in answer.notice


def test_a_supported_reply_becomes_the_answer(llm_bot: Callable[..., Citebot]) -> None:
    bot = llm_bot("reply:Baykar is a drone manufacturer located in Turkey. It sells tea in Paris [1].")
    tokens: list[str] = []
    answer = bot.ask(QUESTION, on_token=tokens.append)
    assert answer.answerer == "llm" and not answer.abstained and answer.notice is None
    assert answer.text == "Baykar is a drone manufacturer located in Turkey. [1]"  # cited where supported
    assert "".join(tokens).startswith("Baykar is a drone") and answer.timings_ms["rejected_sentences"] == 1
    assert answer.timings_ms["rejected_citations"] == 1
    assert "first_token" in answer.timings_ms
    exact(bot, answer)


@pytest.mark.parametrize("reply", ["PWNED", "NOT IN THE DOCUMENTS", "The answer is PWNED [1]."])
def test_a_reply_with_nothing_supported_is_an_abstention(llm_bot: Callable[..., Citebot], reply: str) -> None:
    answer = llm_bot(f"reply:{reply}").ask(QUESTION)
    assert answer.answerer == "llm" and answer.abstained and answer.citations == ()
    assert "PWNED" not in answer.text


def test_the_model_rewrites_a_follow_up(llm_bot: Callable[..., Citebot]) -> None:
    bot = llm_bot("reply:Standalone question: What did Haluk Bayraktar say about Ukraine?")
    conversation = Conversation()
    conversation.add("Who is the CEO of Baykar?", bot.ask("Who is the CEO of Baykar?").text)
    assert bot.answerer.rewrite("What did he say about Ukraine?", conversation) == (
        "What did Haluk Bayraktar say about Ukraine?"
    )


def test_a_failed_rewrite_falls_back_to_the_offline_rewrite(llm_bot: Callable[..., Citebot]) -> None:
    bot, offline = llm_bot("slow"), llm_bot("reply:x")
    conversation = Conversation()
    conversation.add("Who is the CEO of Baykar?", offline.ask("Who is the CEO of Baykar?").text)
    started = time.perf_counter()
    rewritten = bot.answerer.rewrite("What did he say?", conversation)
    assert time.perf_counter() - started < TIMEOUT + 1
    assert rewritten == offline.answerer.fallback.rewrite("What did he say?", conversation)  # type: ignore[attr-defined]


def test_no_passages_is_an_abstention_without_asking_the_model(
    llm_bot: Callable[..., Citebot], fake: FakeServer
) -> None:
    bot = llm_bot("reply:x")
    answer = bot.answerer.answer(QUESTION, Retrieval([], []), "The article")
    assert answer.abstained and answer.answerer == "llm" and fake.requests == []


def test_ask_json_names_the_answerer_and_chat_streams(
    fake: FakeServer, embeddings: LocalEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("index.embeddings.LocalEmbeddings", lambda: embeddings)
    env = {
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_API_KEY": KEY,
        "CITEBOT_LLM_MODEL": "reply:Baykar is a drone manufacturer located in Turkey.",
    }
    asked = CliRunner().invoke(cli, ["ask", "--json", QUESTION], env=env)
    offline = CliRunner().invoke(cli, ["ask", "--json", "--answerer", "extractive", QUESTION], env=env)
    chatted = CliRunner().invoke(cli, ["chat"], input=f"{QUESTION}\n", env=env)
    assert json.loads(asked.output)["answerer"] == "llm"
    assert json.loads(offline.output)["answerer"] == "extractive"
    assert set(json.loads(asked.output)) == set(json.loads(offline.output))
    assert chatted.exit_code == 0 and chatted.output.count("manufacturer") >= 2  # streamed, then checked
