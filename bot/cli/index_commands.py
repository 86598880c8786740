"""`citebot index ...`: the commands that add, list, show, remove, check and rebuild indexed documents."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import Group, chosen_kb, console, counted, kb_option, progress_display, settings
from bot.printable import for_terminal, json_line

PIPED_WIDTH = 100_000  # no terminal to fit: a long source path is printed whole

if TYPE_CHECKING:
    from rich.console import Console

    from bot.core import Citebot
    from index.documents import Document


@click.group(name="index", cls=Group)
def index_group() -> None:
    """Add, list, remove and rebuild the indexed documents."""


@index_group.command(name="add")
@click.argument("sources", nargs=-1, required=True)
@click.option("--allow-private", is_flag=True, help="Also fetch URLs on loopback and private network addresses.")
@kb_option
def index_add(sources: tuple[str, ...], allow_private: bool, kb: str | None) -> None:
    """Add files, http(s) URLs, or every supported file under a directory (.txt .md .html .pdf)."""
    from bot.core import build

    config = settings()
    with progress_display() as progress:
        task = progress.add_task("Counting files", total=None)  # on screen before the slow reading starts
        bot, name = build(config), chosen_kb(kb, config)
        bot.documents(kb=name)  # an unknown KB is refused before reading anything
        targets = to_read(sources)
        progress.update(task, description="Indexing", total=len(targets))
        with bot.writing():  # the whole command: another writer is told at once, not let in between documents
            for target, in_folder in targets:
                add_one(bot, name, progress.console, target, in_folder, allow_private)
                progress.advance(task)


def to_read(sources: tuple[str, ...]) -> list[tuple[str, bool]]:
    """Each file or URL to read, and whether it was found in a directory (a bad one is then skipped, while a
    file or URL named on the command line that fails is an error)."""
    from index.sources import expand_paths, is_url

    targets: list[tuple[str, bool]] = []
    for source in sources:
        if not is_url(source) and Path(source).is_dir():
            targets += [(str(path), True) for path in expand_paths([Path(source)])]
        else:
            targets.append((source, False))
    return targets


def add_one(bot: Citebot, kb: str, out: Console, target: str, in_folder: bool, allow_private: bool) -> None:
    """Read and index one file or URL and print its result as soon as it is committed."""
    from index.errors import DocumentError
    from index.sources import collect

    try:
        document = collect([target], allow_private=allow_private).documents[0]
    except DocumentError as error:
        if not in_folder:
            raise
        click.echo(f"skipped: {for_terminal(str(error), markup=False)}", err=True)
        return
    result = bot.add_document(document, kb=kb)
    done = "already indexed, nothing to do" if result.status == "unchanged" else counted(result.passages, "passage")
    out.print(f"{result.status}: {for_terminal(result.source, label=True)} ({done})")
    if result.copy_of:
        out.print(f"note: the same text as {for_terminal(result.copy_of, label=True)}; answers cite one of them")


@index_group.command(name="list")
@kb_option
def index_list(kb: str | None) -> None:
    """List the indexed documents."""
    from bot.core import build

    config = settings()
    list_documents(console(), build(config), chosen_kb(kb, config))


def list_documents(out: Console, bot: Citebot, kb: str) -> None:
    import datetime

    from rich.table import Table

    table = Table("source", "title", "passages", "size", "added")
    for info in bot.documents(kb=kb):
        added = datetime.datetime.fromtimestamp(info.added_at).strftime("%Y-%m-%d %H:%M")
        size = f"{info.chars:,} chars" + (f", {counted(len(info.pages), 'page')}" if info.pages else "")
        source, title = (for_terminal(text, label=True) for text in (info.source, info.title))
        table.add_row(source, title, str(info.passages), size, added)
    (out if out.is_terminal else console(PIPED_WIDTH)).print(table)


@index_group.command(name="remove")
@click.argument("source")
@kb_option
def index_remove(source: str, kb: str | None) -> None:
    """Remove a document (by source, file name or title) from the index."""
    from bot.core import build

    config = settings()
    info = build(config).remove_document(source, kb=chosen_kb(kb, config))
    click.echo(f"removed: {for_terminal(info.source, label=True, markup=False)} ({counted(info.passages, 'passage')})")


@index_group.command(name="show")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print source, title, text and passages as one JSON object.")
@kb_option
def index_show(source: str, as_json: bool, kb: str | None) -> None:
    """Print a document's stored text exactly: the text that citation offsets index into."""
    from bot.core import build

    config = settings()
    document = build(config).document(source, kb=chosen_kb(kb, config))
    if as_json:
        click.echo(json_line(document_json(document)))
        return
    # piped, the text as stored, byte for byte; on a terminal without the control sequences a document may hide
    text = document.text if not sys.stdout.isatty() else for_terminal(document.text, markup=False)
    click.echo(text, nl=not text.endswith("\n"))


def document_json(document: Document) -> dict[str, object]:
    """The shape `index show --json` prints: each passage as its [start, end) offsets and text."""
    from index.passages import make_passages

    passages = make_passages(document.source, document.sha256, document.text)
    spans = [{"start": p.start, "end": p.end, "text": p.text} for p in passages]
    return {"source": document.source, "title": document.title, "text": document.text, "passages": spans}


@index_group.command(name="check")
@kb_option
def index_check(kb: str | None) -> None:
    """Compare the index with its documents; say what is wrong and how to repair it."""
    from bot.core import build

    config = settings()
    problems = build(config).check(kb=chosen_kb(kb, config))
    for problem in problems:
        click.echo(for_terminal(problem, markup=False))
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo("The index is consistent with its documents.")


@index_group.command(name="rebuild")
@kb_option
def index_rebuild(kb: str | None) -> None:
    """Re-embed every stored document of a knowledge base with the configured embedding model."""
    from bot.core import build

    config = settings()
    with progress_display() as progress:
        task = progress.add_task("Rebuilding", total=None)  # reading the stored documents takes a while too
        count = build(config).rebuild(kb=chosen_kb(kb, config), track=partial(progress.track, task_id=task))
    click.echo(f"rebuilt: {counted(count, 'document')}")
