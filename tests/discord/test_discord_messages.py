"""Mentions, threads and DMs end to end, with the faults Discord really produces: 429s, resumes, edits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.core import Citebot
from bot.discord.render import unescape
from tests.discord_emulator import CHANNEL_ID

Bots = Callable[..., Citebot]
Configs = Callable[..., Settings]


def test_a_mention_opens_a_thread_whose_follow_ups_use_the_conversation_even_after_a_restart(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    citebot, settings = make_bot(), discord_settings()

    async def scenario() -> None:
        async with start_bot(citebot, settings) as (emulator, _):
            asked = await emulator.post("Who is Haluk Bayraktar?")
            await emulator.wait_until(lambda: emulator.answers_in(emulator.thread_of.get(asked["id"], 0)))
            thread = emulator.thread_of[asked["id"]]
            assert emulator.sent("POST", rf"/channels/{thread}/typing")
            await emulator.post("What did he say about Russia?", channel=thread, mention=False)
            await emulator.wait_until(lambda: len(emulator.answers_in(thread)) == 2)
            follow_up = unescape(emulator.answers_in(thread)[1].body["content"])
            assert follow_up.startswith("Haluk Bayraktar told CNN")
            assert not emulator.posted_in(CHANNEL_ID)
        async with start_bot(citebot, settings) as (emulator, _):
            await emulator.post("What did he say about Russia?", channel=thread, mention=False)
            await emulator.wait_until(lambda: emulator.answers_in(thread))
            assert unescape(emulator.answers_in(thread)[0].body["content"]) == follow_up
            emulator.assert_no_pings()

    play(scenario())


def test_a_429_on_message_create_is_waited_out_and_the_answer_arrives_once(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, _):
            emulator.rate_limit("POST", r"/channels/\d+/messages", retry_after=0.5)
            asked = await emulator.post("What is Baykar?")
            await emulator.wait_until(lambda: emulator.answers_in(emulator.thread_of.get(asked["id"], 0)))
            await asyncio.sleep(1.0)  # a doubled answer would have arrived by now
            posts = emulator.posted_in(emulator.thread_of[asked["id"]])
            assert [p.status for p in posts] == [429, 200]
            assert posts[1].at - posts[0].at >= 0.5
            assert posts[0].body == posts[1].body
            emulator.assert_no_pings()

    play(scenario())


def test_after_the_gateway_drops_the_bot_resumes_and_loses_no_question(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, _):
            await emulator.disconnect(4000)
            during = await emulator.post("What is Baykar?")  # sent while the socket is down: replayed on RESUME
            await emulator.wait_until(lambda: emulator.resumes == 1)
            after = await emulator.post("What did Erdogan call the invasion of Ukraine?", author=2)
            for asked in (during, after):
                await emulator.wait_until(lambda a=asked: emulator.answers_in(emulator.thread_of.get(a["id"], 0)))
            await asyncio.sleep(0.5)
            assert emulator.identifies == 1
            assert [len(emulator.answers_in(emulator.thread_of[a["id"]])) for a in (during, after)] == [1, 1]

    play(scenario())


def test_fifty_questions_from_ten_users_are_each_answered_or_politely_limited_once(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    questions = ["What is Baykar?", "What did Erdogan call the invasion of Ukraine?",
                 "Who reported that Erdogan was approached by Putin?", "Who won the 2018 football World Cup?",
                 "What does Baykar want done with the money that was raised?"]  # fmt: skip
    settings = discord_settings(user_cooldown=60.0, max_in_flight=2)

    async def scenario() -> None:
        async with start_bot(make_bot(), settings) as (emulator, client):
            asked = [await emulator.post(questions[i % 5], author=1 + i % 10) for i in range(50)]
            answered = lambda: sum(len(emulator.answers_in(t)) for t in emulator.thread_of.values())  # noqa: E731
            await emulator.wait_until(lambda: answered() >= 10, timeout=90)
            await asyncio.sleep(1.0)
            limited = {str(r.body["message_reference"]["message_id"]) for r in emulator.posted_in(CHANNEL_ID)}
            assert len(emulator.posted_in(CHANNEL_ID)) == 40 == len(limited)
            for message in asked:
                thread = emulator.thread_of.get(message["id"])
                assert (thread is None) == (message["id"] in limited)
                assert thread is None or len(emulator.answers_in(thread)) == 1
            queued = [
                r for t in emulator.thread_of.values() for r in emulator.posted_in(t) if "queue" in r.body["content"]
            ]
            assert queued and client.gate.active == client.gate.waiting == 0
            emulator.assert_no_pings()

    play(scenario(), timeout=180)


def test_an_edit_before_the_answer_is_answered_instead_and_a_deleted_question_still_gets_its_answer(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    async def scenario() -> None:
        async with start_bot(make_bot(), discord_settings()) as (emulator, _):
            emulator.rate_limit("POST", r"/channels/\d+/messages/\d+/threads", retry_after=0.3)  # answering is slow
            asked = await emulator.post("What is Baykar?")
            await emulator.edit(asked, "What did Erdogan call the invasion of Ukraine?")
            await emulator.wait_until(lambda: emulator.answers_in(emulator.thread_of.get(asked["id"], 0)))
            dm = await emulator.post("What is Baykar?", channel=5000, mention=False, dm=True, author=2)
            await emulator.delete(dm)
            await emulator.wait_until(lambda: emulator.answers_in(5000))
            await asyncio.sleep(0.5)
            answers = emulator.answers_in(emulator.thread_of[asked["id"]])
            assert len(answers) == 1 and "unacceptable" in answers[0].body["embeds"][0]["description"]
            reply = emulator.answers_in(5000)
            assert len(reply) == 1 and reply[0].body["message_reference"]["fail_if_not_exists"] is False

    play(scenario())


def test_other_bots_plain_chatter_other_channels_and_disabled_dms_are_ignored(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    settings = discord_settings(discord_dms=False, discord_channels=(CHANNEL_ID,))

    async def scenario() -> None:
        async with start_bot(make_bot(), settings) as (emulator, _):
            await emulator.post("What is Baykar?", channel=5000, mention=False, dm=True)
            await emulator.post("What is Baykar?", mention=False)
            await emulator.post("What is Baykar?", author=1000)  # the bot itself
            await emulator.post("What is Baykar?", channel=7777)  # not on the allow-list
            asked = await emulator.post("What is Baykar?", author=3)
            await emulator.wait_until(lambda: emulator.answers_in(emulator.thread_of.get(asked["id"], 0)))
            assert list(emulator.thread_of) == [asked["id"]]
            assert not emulator.posted_in(5000) and not emulator.posted_in(CHANNEL_ID)
            assert not emulator.posted_in(7777)

    play(scenario())


def test_threads_mode_answers_only_inside_its_threads_and_mention_only_mode_only_mentions(
    make_bot: Bots, discord_settings: Configs, start_bot: Any, play: Any
) -> None:
    citebot = make_bot()

    async def scenario() -> None:
        async with start_bot(citebot, discord_settings(discord_mode="threads")) as (emulator, client):
            ignored = await emulator.post("What is Baykar?")
            asked = await emulator.slash("ask", {"question": "What is Baykar?"})
            await emulator.wait_until(lambda: emulator.thread_of)  # /ask opened a thread on its answer
            thread = next(iter(emulator.thread_of.values()))
            await emulator.wait_until(lambda: int(thread) in client.threads)
            await emulator.post("What did Erdogan call the invasion of Ukraine?", channel=thread, mention=False)
            await emulator.wait_until(lambda: emulator.answers_in(thread))
            assert ignored["id"] not in emulator.thread_of and emulator.replies_to(asked)
        async with start_bot(citebot, discord_settings(discord_mode="mention-only")) as (emulator, _):
            await emulator.post("What is Baykar?", channel=thread, mention=False)
            mentioned = await emulator.post("What is Baykar?", channel=thread)
            await emulator.wait_until(lambda: emulator.answers_in(thread))
            await asyncio.sleep(0.5)
            answered = emulator.answers_in(thread)
            assert len(answered) == 1 and answered[0].body["message_reference"]["message_id"] == int(mentioned["id"])

    play(scenario())
