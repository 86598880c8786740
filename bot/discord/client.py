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
from typing import Any

import discord
from discord import app_commands

from bot.answering.answer import Answer
from bot.config import Settings
from bot.core import Citebot
from bot.discord.conversations import ConversationStore
from bot.discord.feedback import FeedbackStore
from bot.discord.gate import (
    BUSY_TEXT,
    NO_PINGS,
    NOT_HERE_TEXT,
    Busy,
    Gate,
    Recent,
    cooldown_text,
    place_allowed,
    queue_text,
)
from bot.discord.render import CONTENT_LIMIT, Piece, chunks, escape, strip_mentions, to_discord_messages
from bot.discord.send import (
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
from bot.discord.servers import IngestTurns, ServerKnowledgeBases, ShareStore
from bot.discord.threads import THREAD_TIMEOUT, Threads
from index.errors import CitebotError, SettingsError

log = logging.getLogger("citebot.discord")
MODES = frozenset({"mention", "mention-only", "threads"})
SORRY = "Sorry, something went wrong while answering; please try again."
Reply = Answer | str  # an answer, or a polite sentence instead of one
Queued = Callable[[int], Awaitable[object]]


class CitebotClient(Threads, discord.Client):
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
        self.writing = asyncio.Lock()  # one document written at a time, whichever the server
        self.kbs = ServerKnowledgeBases(citebot, ShareStore(settings.data_dir / "discord.sqlite3"))
        self.ingests = IngestTurns(settings.discord_ingest_cooldown)
        self.sync_global = sync_global
        self.tree = app_commands.CommandTree(self)
        self.tree.error(self.on_command_error)

    async def login(self, token: str) -> None:
        REDACTOR.tokens.add(token)
        await super().login(token)

    async def setup_hook(self) -> None:
        from bot.discord.commands import COMMANDS
        from bot.discord.sharing import SHARING

        for command in COMMANDS + SHARING:
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
        channel, guild = message.channel, message.guild
        if not place_allowed(self.settings, guild.id if guild else None, channel):
            return False
        if guild is None:
            return True  # a DM: every message is a question
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
        guild = message.guild.id if message.guild else None
        reply = await self.settle(message.id, question, (conversation, guild), queued, channel.typing(), draft)
        await self.deliver(reply, send, (channel.id, guild), await draft.finish())

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edit made before the answer is ready replaces the question; the answer follows the edit."""
        content = payload.data.get("content")
        if payload.message_id in self.pending and content is not None and self.user is not None:
            self.pending[payload.message_id] = strip_mentions(content, self.user.id)

    # ---- slash commands ---------------------------------------------------------------------------

    async def answer_interaction(self, interaction: discord.Interaction, question: str, private: bool) -> None:
        channel_id, guild = interaction.channel_id, interaction.guild_id
        if not place_allowed(self.settings, guild, interaction.channel):
            return await tell(interaction, NOT_HERE_TEXT)
        if (wait := self.gate.retry_after(interaction.user.id)) is not None:
            return await tell(interaction, cooldown_text(wait))
        await interaction.response.defer(thinking=True, ephemeral=private)  # within Discord's 3 seconds
        conversation = channel_id if channel_id in self.threads else None

        async def queued(place: int) -> object:
            return await interaction.edit_original_response(content=queue_text(place), allowed_mentions=NO_PINGS)

        send = followup_sender(interaction, private)
        draft = Draft(send, asyncio.get_running_loop())
        nothing = contextlib.nullcontext()
        reply = await self.settle(interaction.id, question, (conversation, guild), queued, nothing, draft)
        sent = await self.deliver(reply, send, (channel_id or 0, guild), await draft.finish())
        channel = interaction.channel
        if isinstance(reply, Answer) and isinstance(sent, discord.Message) and isinstance(channel, discord.TextChannel):
            if not private and conversation is None:
                await self.continue_in_thread(channel, sent, reply)

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
        where: tuple[int | None, int | None],
        queued: Queued,
        typing: contextlib.AbstractAsyncContextManager[Any],
        draft: Draft,
    ) -> Reply:
        """Answer the question's latest text (an edit while answering is answered instead), in line, from the
        server's knowledge base; `where` is (conversation, guild): the thread or DM if any, and the server."""
        question = self.pending.setdefault(key, question)
        try:
            async with self.gate.slot(queued), typing:
                answer = await asyncio.to_thread(self.ask, where, question, draft)
                while (latest := self.pending[key]) != question:
                    question = latest
                    draft.restart()
                    answer = await asyncio.to_thread(self.ask, where, question, draft)
        except Busy:
            return BUSY_TEXT
        except CitebotError as error:
            return str(error)
        except Exception:  # the edge: a bug must still get the asker a reply, and a log line
            log.exception("answering %r failed", question)
            return SORRY
        finally:
            self.pending.pop(key, None)
        if (conversation := where[0]) is not None:
            await asyncio.to_thread(self.conversations.add, conversation, question, answer, where[1])
        return answer

    def ask(self, where: tuple[int | None, int | None], question: str, draft: Draft) -> Answer:
        """Blocking (runs in a worker thread): the core's answer from the server's knowledge base (`default`
        in a DM), within the conversation of `where` = (conversation, guild)."""
        conversation, guild = where
        turns = self.conversations.load(conversation, guild) if conversation is not None else None
        return self.citebot.ask(question, turns, kb=self.kbs.reading(guild), on_token=draft.on_token)

    async def deliver(self, reply: Reply, send: Send, where: tuple[int, int | None], into: Any = None) -> object:
        """The rendered answer (vote buttons under its last piece) or the polite sentence; the first sent.

        `where` is (channel, guild); `into` is the draft a streaming answer was shown in: the answer's first
        piece replaces it."""
        answer_id: int | None = None
        if isinstance(reply, str):
            pieces = [Piece(page) for page in chunks(escape(reply), CONTENT_LIMIT)]
        else:
            pieces = to_discord_messages(reply)
            answer_id = await asyncio.to_thread(self.feedback.record_answer, reply, *where)
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
