"""`citebot ...`: builds the parts from the settings, calls the core, renders with rich.

Heavy libraries (torch, chromadb) are imported inside commands so that `citebot --help` is instant.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from index.errors import CitebotError

if TYPE_CHECKING:
    from rich.console import Console

    from bot.answer import Answer
    from bot.citations import Citation
    from bot.config import Settings
    from bot.conversation import Conversation
    from bot.core import Citebot

ANSWERER = click.Choice(["extractive", "llm"])
ANSWERER_HELP = "Who writes the answer (default: the LLM when one is configured)."
CHAT_HELP = "Ask anything about the documents. /sources lists them, /reset starts over, Ctrl-D quits."


class Group(click.Group):
    """Turns citebot's own errors into one line on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CitebotError as error:
            raise click.ClickException(str(error)) from None


def settings() -> Settings:
    from bot.config import Settings

    return Settings.from_env(os.environ)


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


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
def ask(question: str, as_json: bool, quotes: bool, sources: tuple[str, ...], answerer: str | None) -> None:
    """Ask one question and print the answer with its citations."""
    from bot.core import build

    bot = build(settings(), answerer=answerer)
    answer = bot.ask(question, sources=frozenset(sources), quotes_only=quotes)
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        render(console(), answer)


def render(out: Console, answer: Answer) -> None:
    """The answer, then each cited passage quoted with its title and paragraph."""
    from rich.markup import escape
    from rich.padding import Padding
    from rich.panel import Panel

    style = "yellow" if answer.abstained else "green"
    if answer.notice:
        out.print(f"[dim]{escape(answer.notice)}[/dim]")
    title = "not in the documents" if answer.abstained else None
    out.print(Panel(escape(answer.text), border_style=style, title=title))
    for citation in answer.citations:
        where = f"{citation.title}, {citation.location}" + (f" — {citation.url}" if citation.url else "")
        out.print(f"[bold][{citation.n}][/bold] [italic]{escape(where)}[/italic]")
        out.print(Padding(escape(citation.text), (0, 0, 0, 4)))


@cli.command()
def chat() -> None:
    """A conversation in the terminal; follow-up questions use what was said before."""
    from bot.conversation import Conversation
    from bot.core import build

    config = settings()
    bot = build(config)
    out = console()
    conversation = Conversation()
    enable_history(config.data_dir / "chat_history")
    out.print(CHAT_HELP)
    while (line := read_line()) is not None:
        chat_turn(out, bot, conversation, line.strip())


def read_line() -> str | None:
    try:
        return input("you> ")
    except EOFError:
        click.echo()
        return None


def chat_turn(out: Console, bot: Citebot, conversation: Conversation, line: str) -> None:
    """One line of chat: a slash command or a question; errors are shown and the chat goes on."""
    if line in {"/help", "/?"}:
        out.print(CHAT_HELP)
    elif line == "/reset":
        conversation.reset()
        out.print("[dim]Conversation cleared.[/dim]")
    elif line == "/sources":
        list_documents(out, bot)
    elif line:
        try:
            streamed: list[str] = []
            answer = bot.ask(line, conversation, on_token=lambda token: show_token(out, streamed, token))
            if streamed:
                out.print()
            render(out, answer)
        except CitebotError as error:
            out.print(f"[red]{error}[/red]")


def show_token(out: Console, streamed: list[str], token: str) -> None:
    """The model's words as they come, dimmed: the checked answer with its citations follows."""
    streamed.append(token)
    out.print(token, end="", style="dim", markup=False, highlight=False, soft_wrap=True)


def enable_history(path: Path) -> None:
    """Up-arrow history across sessions, when the terminal has readline."""
    try:
        import readline
    except ImportError:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        readline.read_history_file(path)
    import atexit

    atexit.register(readline.write_history_file, path)


@cli.group(name="index", cls=Group)
def index_group() -> None:
    """Add, list, remove and rebuild the indexed documents."""


@index_group.command(name="add")
@click.argument("sources", nargs=-1, required=True)
def index_add(sources: tuple[str, ...]) -> None:
    """Add files, http(s) URLs, or every supported file under a directory (.txt .md .html .pdf)."""
    from index.documents import collect

    found = collect(list(sources))
    for path, reason in found.skipped:
        click.echo(f"skipped: {path}: {reason}", err=True)
    with writing() as bot:
        add_with_progress(bot, found.documents)


def add_with_progress(bot: Citebot, documents: list[Any]) -> list[Any]:
    """Index the documents, printing each one's result as soon as it is committed."""
    from rich.progress import Progress

    from index.passages import make_passages

    total = sum(len(make_passages(d.source, d.sha256, d.text)) for d in documents)
    results = []
    with Progress(console=console(), transient=True) as progress:
        task = progress.add_task("Indexing", total=total)
        for document in documents:
            result = bot.store.add(document, lambda n: progress.advance(task, n))
            unchanged = result.status == "unchanged"
            done = "already indexed, nothing to do" if unchanged else f"{result.passages} passages"
            progress.console.print(f"{result.status}: {result.source} ({done})", markup=False, highlight=False)
            results.append(result)
    return results


@contextmanager
def writing() -> Iterator[Citebot]:
    """The bot, built while holding the index's write lock (embedded Chroma has one writer)."""
    from bot.core import build
    from index.store import write_lock

    config = settings()
    with write_lock(config.data_dir):
        yield build(config)


@index_group.command(name="list")
def index_list() -> None:
    """List the indexed documents."""
    from bot.core import build

    list_documents(console(), build(settings()))


def list_documents(out: Console, bot: Citebot) -> None:
    import datetime

    from rich.table import Table

    table = Table("source", "title", "passages", "size", "added")
    for info in bot.store.documents():
        added = datetime.datetime.fromtimestamp(info.added_at).strftime("%Y-%m-%d %H:%M")
        size = f"{info.chars:,} chars" + (f", {len(info.pages)} pages" if info.pages else "")
        table.add_row(info.source, info.title, str(info.passages), size, added)
    out.print(table)


@index_group.command(name="remove")
@click.argument("source")
def index_remove(source: str) -> None:
    """Remove a document (by source, file name or title) from the index."""
    with writing() as bot:
        info = bot.store.remove(bot.find_source(source))
    click.echo(f"removed: {info.source} ({info.passages} passages)")


@index_group.command(name="check")
def index_check() -> None:
    """Compare the index with its documents; say what is wrong and how to repair it."""
    from bot.core import build
    from index.check import check

    problems = check(build(settings()).store)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo("The index is consistent with its documents.")


@index_group.command(name="rebuild")
def index_rebuild() -> None:
    """Re-embed every stored document with the configured embedding model."""
    from bot.core import rebuild
    from index.store import write_lock

    config = settings()
    with write_lock(config.data_dir):
        count = rebuild(config)
    click.echo(f"rebuilt: {count} documents")


@cli.command(name="eval")
@click.argument("qa_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Write one JSON line per question."
)
@click.option("--source", "sources", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Index these files and answer from them only.")
@click.option("--answerer", type=ANSWERER, help=ANSWERER_HELP)
def evaluate(qa_file: Path, out_path: Path | None, sources: tuple[Path, ...], answerer: str | None) -> None:
    """Answer every question of a QA file and print evidence recall, precision@1, abstention."""
    from bot.core import build
    from bot.evaluate import load_questions, run, summary_rows

    bot = build(settings(), answerer=answerer)
    scope = frozenset(bot.store.add(doc).source for doc in load_sources(sources)) or None
    results = run(bot, load_questions(qa_file), scope)
    if out_path:
        out_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results), encoding="utf-8")
    show_summary(summary_rows(results))


def load_sources(paths: tuple[Path, ...]) -> list[Any]:
    from index.documents import expand_paths, load_file

    return [load_file(path) for path in expand_paths(list(paths))]


def show_summary(rows: list[tuple[str, str]]) -> None:
    from rich.table import Table

    table = Table("metric", "value")
    for name, value in rows:
        table.add_row(name, value)
    console().print(table)


@cli.group(name="bench", cls=Group)
def bench_group() -> None:
    """Measure retrieval on public benchmarks."""


@bench_group.command(name="beir")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--split", default="test", show_default=True, help="Which qrels/SPLIT.tsv to score.")
@click.option("--run-out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Write citebot's TREC run file here.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Index folder kept between runs (default: DATA_DIR/beir/FOLDER-NAME).")
def bench_beir(folder: Path, split: str, run_out: Path, cache_dir: Path | None) -> None:
    """Index a BEIR data set, rank its documents, write a run file and print nDCG@10 and recall."""
    from bot import beir
    from index.embeddings import LocalEmbeddings
    from index.store import Store, open_client

    config = settings()
    data = beir.load(folder, split)
    cache = cache_dir or config.data_dir / "beir" / folder.resolve().name
    embeddings = LocalEmbeddings()
    store = Store(open_client(cache, None, config.chroma_timeout), embeddings, "beir")
    with progress_bar("Indexing", beir.pending(store, data.corpus)) as advance:
        beir.index_corpus(store, data.corpus, advance)
    runs = beir.rank(store, data.queries, embeddings)
    beir.write_run(run_out, runs["citebot"])
    show_metrics({name: beir.metrics(run, data.qrels) for name, run in runs.items()}, len(data.queries))


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Any]:
    """A transient rich progress bar; yields the function that advances it."""
    from rich.progress import Progress

    with Progress(console=console(), transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


def show_metrics(by_method: dict[str, dict[str, float]], queries: int) -> None:
    from rich.table import Table

    table = Table(f"method ({queries} queries)", *next(iter(by_method.values())).keys())
    for method, values in by_method.items():
        table.add_row(method, *(f"{value:.4f}" for value in values.values()))
    console().print(table)


@cli.command(name="discord")
@click.option("--sync", is_flag=True, help="Register the slash commands globally (Discord may take an hour).")
def discord_command(sync: bool) -> None:
    """Run the Discord bot (token from DISCORD_TOKEN); see docs/discord.md for the set-up."""
    from bot.discord_bot import run

    run(settings(), sync_global=sync)


@cli.group(name="feedback", cls=Group)
def feedback_group() -> None:
    """The 👍/👎 votes given to the Discord bot's answers."""


@feedback_group.command(name="export")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
def feedback_export(out_path: Path | None) -> None:
    """Write every vote with its question, answer and citations as JSON Lines (stdout by default)."""
    from bot.core import build
    from bot.feedback import FeedbackStore
    from index.store import is_stale

    config = settings()
    store = FeedbackStore(config.data_dir / "feedback.sqlite3")
    index = build(config).store

    def stale(citation: Citation) -> bool:
        return is_stale(citation, index)

    if out_path is None:
        store.export(sys.stdout, stale)
        return
    with open(out_path, "w", encoding="utf-8") as out:
        count = store.export(out, stale)
    click.echo(f"exported: {count} votes to {out_path}", err=True)


@cli.command(name="config")
def show_config() -> None:
    """Show the effective settings, secrets masked."""
    for name, value in settings().shown().items():
        click.echo(f"{name} = {value}")


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
