"""The discord.py client: /ask, mentions, DMs and threads in; answers with quoted citations out.

Everything it answers comes from `Citebot.ask`, run in a worker thread (embedding and Chroma would
block the event loop and delay heartbeats), and is rendered by the pure `to_discord_messages`. Every
send passes `allowed_mentions=none`, so neither a document nor a question can ping anyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands

from bot.answer import Answer
from bot.config import Settings
from bot.core import Citebot
from bot.discord_gate import BUSY_TEXT, NO_PINGS, Busy, Gate, Recent, cooldown_text, queue_text
from bot.discord_render import CONTENT_LIMIT, Piece, chunks, escape, strip_mentions, thread_name, to_discord_messages
from bot.discord_send import (
    REDACTOR,
    Draft,
    Send,
    VoteButton,
    channel_sender,
    edit_into,
    followup_sender,
    tell,
    vote_view,
)
from bot.feedback import FeedbackStore
from bot.threads import ConversationStore
from index.errors import CitebotError, SettingsError

if TYPE_CHECKING:
    from discord.abc import MessageableChannel

log = logging.getLogger("citebot.discord")
MODES = frozenset({"mention", "mention-only", "threads"})
SORRY = "Sorry, something went wrong while answering; please try again."
Reply = Answer | str  # an answer, or a polite sentence instead of one
Queued = Callable[[int], Awaitable[object]]
THREAD_TIMEOUT = 10.0  # seconds to open a thread before answering in the channel instead
THREAD_FAILURES = (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError)  # refused, reset, slow


class CitebotClient(discord.Client):
    """Answers from one Citebot; its stores and settings are passed in, built by `run` or by tests."""

    def __init__(
        self,
        citebot: Citebot,
        settings: Settings,
        *,
        conversations: ConversationStore | None = None,
        feedback: FeedbackStore | None = None,
        sync_global: bool = False,
        **options: Any,
    ) -> None:
        if settings.discord_mode not in MODES:
            msg = f"CITEBOT_DISCORD_MODE={settings.discord_mode!r}; use one of {', '.join(sorted(MODES))}"
            raise SettingsError(msg)
        intents = discord.Intents.default()
        intents.message_content = settings.discord_message_content
        super().__init__(intents=intents, allowed_mentions=NO_PINGS, **options)
        self.citebot = citebot
        self.settings = settings
        self.conversations = conversations or ConversationStore(
            settings.data_dir / "discord.sqlite3", settings.conversation_ttl
        )
        self.feedback = feedback or FeedbackStore(settings.data_dir / "feedback.sqlite3")
        self.gate = Gate(settings.user_cooldown, settings.max_in_flight)
        self.seen = Recent()
        self.threads: set[int] = set()  # the threads the bot opened (kept in SQLite, read at start-up)
        self.pending: dict[int, str] = {}  # question message or interaction id -> its latest text
        self.thread_timeout = THREAD_TIMEOUT
        self.writing = asyncio.Lock()  # one /ingest or /forget at a time
        self.sync_global = sync_global
        self.tree = app_commands.CommandTree(self)
        self.tree.error(self.on_command_error)

    async def login(self, token: str) -> None:
        REDACTOR.tokens.add(token)
        await super().login(token)

    async def setup_hook(self) -> None:
        from bot.discord_commands import COMMANDS

        for command in COMMANDS:
            self.tree.add_command(command)
        self.add_dynamic_items(VoteButton)
        if self.settings.discord_guild:
            guild = discord.Object(self.settings.discord_guild)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        elif self.sync_global:
            await self.tree.sync()
        await asyncio.to_thread(self.conversations.purge)
        self.threads = await asyncio.to_thread(self.conversations.threads)

    # ---- messages: mentions, DMs, follow-ups in the bot's threads ------------------------------

    async def on_message(self, message: discord.Message) -> None:
        if self.wants(message) and self.seen.add(message.id):
            try:
                await self.answer_message(message)
            except discord.HTTPException:
                log.exception("could not answer message %s", message.id)

    def wants(self, message: discord.Message) -> bool:
        """Whether the message is a question for the bot under the mode, channel list and DM setting."""
        me = self.user
        if me is None or message.author.bot or message.author.id == me.id:
            return False
        if message.guild is None:
            return self.settings.discord_dms
        channel, allowed = message.channel, self.settings.discord_channels
        if allowed and channel.id not in allowed and getattr(channel, "parent_id", None) not in allowed:
            return False
        mentioned = any(user.id == me.id for user in message.mentions)
        if not mentioned and not self.intents.message_content:
            return False  # Discord sends an un-mentioned guild message without its content: nothing to answer
        in_thread = channel.id in self.threads
        mode = self.settings.discord_mode
        return mentioned if mode == "mention-only" else in_thread if mode == "threads" else mentioned or in_thread

    async def answer_message(self, message: discord.Message) -> None:
        reference = message.to_reference(fail_if_not_exists=False)  # the question may be deleted meanwhile
        if (wait := self.gate.retry_after(message.author.id)) is not None:
            await message.channel.send(cooldown_text(wait), reference=reference, allowed_mentions=NO_PINGS)
            return
        question = strip_mentions(message.content, self.user.id if self.user else 0)
        self.pending[message.id] = question  # from now on an edit replaces the question
        try:
            await self.answer_in_channel(message, question, reference)
        finally:
            self.pending.pop(message.id, None)  # answered or failed, the question is no longer waiting

    async def answer_in_channel(
        self, message: discord.Message, question: str, reference: discord.MessageReference
    ) -> None:
        """Answer in the question's thread (opened now), DM or bot thread, or in the channel."""
        channel, conversation = await self.conversation_channel(message, question)

        async def queued(place: int) -> object:
            return await channel.send(queue_text(place), allowed_mentions=NO_PINGS)

        send = channel_sender(channel, reference if channel.id == message.channel.id else None)
        draft = Draft(send, asyncio.get_running_loop())
        reply = await self.settle(message.id, question, conversation, queued, channel.typing(), draft)
        await self.deliver(reply, send, channel.id, await draft.finish())

    async def conversation_channel(
        self, message: discord.Message, question: str
    ) -> tuple[MessageableChannel, int | None]:
        """Where to answer, and whose conversation: a DM or bot thread itself, else a new thread."""
        channel = message.channel
        if message.guild is None or channel.id in self.threads:
            return channel, channel.id
        if not isinstance(channel, discord.TextChannel):
            return channel, None
        thread = await self.open_thread(channel, question, message)
        return (thread, thread.id) if thread is not None else (channel, None)

    async def open_thread(
        self, channel: discord.TextChannel, question: str, message: discord.abc.Snowflake
    ) -> discord.Thread | None:
        """A thread on a message, remembered as the bot's; None when Discord refuses, resets or is too slow."""
        opening = channel.create_thread(name=thread_name(question), message=message, auto_archive_duration=1440)
        try:
            thread = await asyncio.wait_for(opening, self.thread_timeout)
        except THREAD_FAILURES as error:
            log.warning("could not open a thread (%r); answering in the channel", error)
            return None
        await asyncio.to_thread(self.conversations.open_thread, thread.id)
        self.threads.add(thread.id)
        return thread

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edit made before the answer is ready replaces the question; the answer follows the edit."""
        content = payload.data.get("content")
        if payload.message_id in self.pending and content is not None and self.user is not None:
            self.pending[payload.message_id] = strip_mentions(content, self.user.id)

    # ---- slash commands ---------------------------------------------------------------------------

    async def answer_interaction(self, interaction: discord.Interaction, question: str, private: bool) -> None:
        if (wait := self.gate.retry_after(interaction.user.id)) is not None:
            return await tell(interaction, cooldown_text(wait))
        await interaction.response.defer(thinking=True, ephemeral=private)  # within Discord's 3 seconds
        channel_id = interaction.channel_id
        conversation = channel_id if channel_id in self.threads else None

        async def queued(place: int) -> object:
            return await interaction.edit_original_response(content=queue_text(place), allowed_mentions=NO_PINGS)

        send = followup_sender(interaction, private)
        draft = Draft(send, asyncio.get_running_loop())
        reply = await self.settle(interaction.id, question, conversation, queued, contextlib.nullcontext(), draft)
        sent = await self.deliver(reply, send, channel_id or 0, await draft.finish())
        channel = interaction.channel
        if isinstance(reply, Answer) and isinstance(sent, discord.Message) and isinstance(channel, discord.TextChannel):
            if not private and conversation is None:
                await self.continue_in_thread(channel, sent, reply)

    async def continue_in_thread(self, channel: discord.TextChannel, sent: discord.Message, answer: Answer) -> None:
        """/ask in a channel: a thread on the answer, whose conversation starts with this question."""
        if thread := await self.open_thread(channel, answer.question, sent):
            await asyncio.to_thread(self.conversations.add, thread.id, answer.question, answer)

    async def on_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        if not isinstance(original, CitebotError):
            log.error("command /%s failed", interaction.command.name if interaction.command else "?", exc_info=error)
        await tell(interaction, escape(str(original) if isinstance(original, CitebotError) else SORRY))

    # ---- answering ------------------------------------------------------------------------------

    async def settle(
        self,
        key: int,
        question: str,
        conversation: int | None,
        queued: Queued,
        typing: contextlib.AbstractAsyncContextManager[Any],
        draft: Draft,
    ) -> Reply:
        """Answer the question's latest text (an edit while answering is answered instead), in line."""
        question = self.pending.setdefault(key, question)
        try:
            async with self.gate.slot(queued), typing:
                answer = await asyncio.to_thread(self.ask, conversation, question, draft)
                while (latest := self.pending[key]) != question:
                    question = latest
                    draft.restart()
                    answer = await asyncio.to_thread(self.ask, conversation, question, draft)
        except Busy:
            return BUSY_TEXT
        except CitebotError as error:
            return str(error)
        except Exception:  # the edge: a bug must still get the asker a reply, and a log line
            log.exception("answering %r failed", question)
            return SORRY
        finally:
            self.pending.pop(key, None)
        if conversation is not None:
            await asyncio.to_thread(self.conversations.add, conversation, question, answer)
        return answer

    def ask(self, conversation: int | None, question: str, draft: Draft) -> Answer:
        """Blocking (runs in a worker thread): the core's answer within the channel's conversation."""
        turns = self.conversations.load(conversation) if conversation is not None else None
        return self.citebot.ask(question, turns, on_token=draft.on_token)

    async def deliver(self, reply: Reply, send: Send, channel_id: int, into: Any = None) -> object:
        """The rendered answer (vote buttons under its last piece) or the polite sentence; the first sent.

        `into` is the draft a streaming answer was shown in: the answer's first piece replaces it."""
        answer_id: int | None = None
        if isinstance(reply, str):
            pieces = [Piece(page) for page in chunks(escape(reply), CONTENT_LIMIT)]
        else:
            pieces = to_discord_messages(reply)
            answer_id = await asyncio.to_thread(self.feedback.record_answer, reply, channel_id)
        sent = []
        for i, piece in enumerate(pieces):
            view = vote_view(answer_id) if answer_id is not None and i == len(pieces) - 1 else None
            sent.append(await (edit_into(into, piece, view) if i == 0 and into is not None else send(piece, view)))
            if view is not None:
                view.stop()  # the buttons are dynamic items: no need to keep each view in memory
        return sent[0]


def run(settings: Settings, *, citebot: Citebot | None = None, sync_global: bool = False) -> None:
    """`citebot discord`: build the core, connect, answer until stopped; a bad token is one clear error."""
    if not settings.discord_token:
        msg = "DISCORD_TOKEN is not set; copy the bot token from the developer portal (see docs/discord.md)."
        raise SettingsError(msg)
    from bot.core import build

    client = CitebotClient(citebot or build(settings), settings, sync_global=sync_global)
    try:
        client.run(settings.discord_token, log_level=logging.INFO)
    except discord.LoginFailure:
        msg = "Discord rejected DISCORD_TOKEN; reset and copy it on the Bot page of the developer portal."
        raise SettingsError(msg) from None
    except discord.PrivilegedIntentsRequired:
        msg = (
            "Discord refused the Message Content intent: switch it on (developer portal → Bot → Privileged "
            "Gateway Intents) or set CITEBOT_DISCORD_MESSAGE_CONTENT=0 to answer mentions, DMs and /ask only."
        )
        raise SettingsError(msg) from None
