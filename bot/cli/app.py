"""`citebot ...`: builds the parts from the settings, calls the core, renders with rich.

Heavy libraries (torch, chromadb) are imported inside commands so that `citebot --help` is instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.cli.common import Group, chosen_kb, console, kb_option, settings
from bot.cli.data_commands import bench_group, feedback_group
from bot.cli.index_commands import index_group, list_documents
from bot.cli.kb_commands import kb_group
from bot.printable import for_terminal, json_line
from index.errors import CitebotError

if TYPE_CHECKING:
    from rich.console import Console

    from bot.answering.answer import Answer
    from bot.answering.conversation import Conversation
    from bot.core import Citebot

ANSWERER = click.Choice(["extractive", "llm"])
ANSWERER_HELP = "Who writes the answer (default: the LLM when one is configured)."
CHAT_GREETING = "Ask anything about the documents; /help lists the commands."
CHAT_HELP = """Type a question, or one of:
  /sources         list the indexed documents
  /reset           forget the conversation and start over
  /help            show this list
  /quit (or exit)  leave; Ctrl-D too"""
QUIT = frozenset({"exit", "quit", "/exit", "/quit"})


@click.group(cls=Group)
@click.version_option("0.1.0", prog_name="citebot")
def cli() -> None:
    """Answers questions from your documents, quoting the exact passages it used."""


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
@click.option("--quotes", is_flag=True, help="Answer with the verified sentences alone.")
@click.option("--source", "sources", multiple=True, help="Only use this document (repeatable).")
@click.option("--answerer", type=ANSWERER, help=ANSWERER_HELP)
@kb_option
@click.option("--min-confidence", type=click.FloatRange(0, 1), help="Abstain below this confidence (0-1).")
def ask(
    question: str,
    as_json: bool,
    quotes: bool,
    sources: tuple[str, ...],
    answerer: str | None,
    kb: str | None,
    min_confidence: float | None,
) -> None:
    """Ask one question and print the answer with its citations."""
    from dataclasses import replace

    from bot.core import build

    config = settings() if min_confidence is None else replace(settings(), min_confidence=min_confidence)
    bot = build(config, answerer=answerer)
    answer = bot.ask(question, kb=chosen_kb(kb, config), sources=frozenset(sources), quotes_only=quotes)
    if as_json:
        click.echo(json_line(answer.to_json()))
    else:
        render(console(), answer)


def render(out: Console, answer: Answer) -> None:
    """The answer, then each cited passage quoted with its title and paragraph."""
    from rich.padding import Padding
    from rich.panel import Panel

    style = "yellow" if answer.abstained else "green"
    if answer.notice:
        out.print(f"[dim]{for_terminal(answer.notice)}[/dim]")
    title = "not in the documents" if answer.abstained else None
    out.print(Panel(for_terminal(answer.text), border_style=style, title=title))
    for citation in answer.citations:
        where = f"{citation.title}, {citation.location}" + (f" — {citation.url}" if citation.url else "")
        out.print(f"[bold][{citation.n}][/bold] [italic]{for_terminal(where, label=True)}[/italic]")
        out.print(Padding(for_terminal(citation.text), (0, 0, 0, 4)))


@cli.command()
@kb_option
def chat(kb: str | None) -> None:
    """A conversation in the terminal; follow-up questions use what was said before."""
    from bot.answering.conversation import Conversation
    from bot.core import build

    config = settings()
    bot, name = build(config), chosen_kb(kb, config)
    bot.documents(kb=name)  # an unknown KB is refused before the first question
    out = console()
    conversation = Conversation()
    enable_history(config.data_dir / "chat_history")
    out.print(CHAT_GREETING)
    while (line := read_line()) is not None and line.strip().lower() not in QUIT:
        chat_turn(out, bot, name, conversation, line.strip())


def read_line() -> str | None:
    try:
        return input("you> ")
    except EOFError:
        click.echo()
        return None


def chat_turn(out: Console, bot: Citebot, kb: str, conversation: Conversation, line: str) -> None:
    """One line of chat: a slash command or a question; errors are shown and the chat goes on."""
    if line in {"/help", "/?"}:
        out.print(CHAT_HELP)
    elif line == "/reset":
        conversation.reset()
        out.print("[dim]Conversation cleared.[/dim]")
    elif line == "/sources":
        list_documents(out, bot, kb)
    elif line:
        try:
            streamed: list[str] = []
            answer = bot.ask(line, conversation, kb=kb, on_token=lambda token: show_token(out, streamed, token))
            if streamed:
                out.print()
            render(out, answer)
        except CitebotError as error:
            out.print(f"[red]{for_terminal(str(error))}[/red]")


def show_token(out: Console, streamed: list[str], token: str) -> None:
    """The model's words as they come, dimmed: the checked answer with its citations follows."""
    streamed.append(token)
    out.print(for_terminal(token, markup=False), end="", style="dim", markup=False, highlight=False, soft_wrap=True)


def enable_history(path: Path) -> None:
    """Up-arrow history across sessions, when the terminal has readline."""
    try:
        import readline
    except ImportError:
        return
    import atexit

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            readline.read_history_file(path)
        path.touch()  # the history is written at exit, when an error could only be printed
    except OSError:
        return  # a read-only data folder: the chat works, without history
    atexit.register(readline.write_history_file, path)


@cli.command(name="eval")
@click.argument("qa_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Write one JSON line per question."
)
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Index these files and answer from them only.",
)
@click.option("--answerer", type=ANSWERER, help=ANSWERER_HELP)
@kb_option
def evaluate(
    qa_file: Path, out_path: Path | None, sources: tuple[Path, ...], answerer: str | None, kb: str | None
) -> None:
    """Answer every question of a QA file and print evidence recall, precision@1, abstention."""
    from bot.core import build
    from bot.evaluation.evaluate import load_questions, run, summary_rows

    config = settings()
    bot, name = build(config, answerer=answerer), chosen_kb(kb, config)
    scope = frozenset(bot.add_document(doc, kb=name).source for doc in load_sources(sources)) or None
    results = run(bot, load_questions(qa_file), scope, kb=name)
    if out_path:
        out_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results), encoding="utf-8")
    show_summary(summary_rows(results))


def load_sources(paths: tuple[Path, ...]) -> list[Any]:
    from index.sources import expand_paths, load_file

    return [load_file(path) for path in expand_paths(list(paths))]


def show_summary(rows: list[tuple[str, str]]) -> None:
    from rich.table import Table

    table = Table("metric", "value")
    for name, value in rows:
        table.add_row(name, value)
    console().print(table)


@cli.command(name="discord")
@click.option("--sync", is_flag=True, help="Register the slash commands globally (Discord may take an hour).")
def discord_command(sync: bool) -> None:
    """Run the Discord bot (token from DISCORD_TOKEN); see docs/discord.md for the set-up."""
    from bot.discord.client import run

    run(settings(), sync_global=sync)


@cli.command(name="config")
def show_config() -> None:
    """Show the effective settings, secrets masked."""
    for name, value in settings().shown().items():
        click.echo(f"{name} = {value}")


for group in (index_group, kb_group, bench_group, feedback_group):
    cli.add_command(group)


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
