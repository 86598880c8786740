"""`citebot index ...`, `citebot feedback ...` and `citebot bench ...`: the commands that manage data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli_common import Group, console, counted, progress_bar, progress_display, settings, writing
from bot.printable import for_terminal, json_line

PIPED_WIDTH = 100_000  # no terminal to fit: a long source path is printed whole

if TYPE_CHECKING:
    from rich.console import Console

    from bot.citations import Citation
    from bot.core import Citebot
    from index.documents import Document


@click.group(name="index", cls=Group)
def index_group() -> None:
    """Add, list, remove and rebuild the indexed documents."""


@index_group.command(name="add")
@click.argument("sources", nargs=-1, required=True)
@click.option("--allow-private", is_flag=True, help="Also fetch URLs on loopback and private network addresses.")
def index_add(sources: tuple[str, ...], allow_private: bool) -> None:
    """Add files, http(s) URLs, or every supported file under a directory (.txt .md .html .pdf)."""
    with progress_display() as progress:
        task = progress.add_task("Counting files", total=None)  # on screen before the slow reading starts
        with writing() as bot:
            targets = to_read(sources)
            progress.update(task, description="Indexing", total=len(targets))
            for target, in_folder in targets:
                add_one(bot, progress.console, target, in_folder, allow_private)
                progress.advance(task)


def to_read(sources: tuple[str, ...]) -> list[tuple[str, bool]]:
    """Each file or URL to read, and whether it was found in a directory (a bad one is then skipped, while a
    file or URL named on the command line that fails is an error)."""
    from index.documents import expand_paths, is_url

    targets: list[tuple[str, bool]] = []
    for source in sources:
        if not is_url(source) and Path(source).is_dir():
            targets += [(str(path), True) for path in expand_paths([Path(source)])]
        else:
            targets.append((source, False))
    return targets


def add_one(bot: Citebot, out: Console, target: str, in_folder: bool, allow_private: bool) -> None:
    """Read and index one file or URL and print its result as soon as it is committed."""
    from index.documents import collect
    from index.errors import DocumentError

    try:
        document = collect([target], allow_private=allow_private).documents[0]
    except DocumentError as error:
        if not in_folder:
            raise
        click.echo(f"skipped: {for_terminal(str(error), markup=False)}", err=True)
        return
    result = bot.store.add(document)
    done = "already indexed, nothing to do" if result.status == "unchanged" else counted(result.passages, "passage")
    out.print(f"{result.status}: {for_terminal(result.source, label=True)} ({done})")


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
        size = f"{info.chars:,} chars" + (f", {counted(len(info.pages), 'page')}" if info.pages else "")
        source, title = (for_terminal(text, label=True) for text in (info.source, info.title))
        table.add_row(source, title, str(info.passages), size, added)
    (out if out.is_terminal else console(PIPED_WIDTH)).print(table)


@index_group.command(name="remove")
@click.argument("source")
def index_remove(source: str) -> None:
    """Remove a document (by source, file name or title) from the index."""
    with writing() as bot:
        info = bot.store.remove(bot.find_source(source))
    click.echo(f"removed: {for_terminal(info.source, label=True, markup=False)} ({counted(info.passages, 'passage')})")


@index_group.command(name="show")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print source, title, text and passages as one JSON object.")
def index_show(source: str, as_json: bool) -> None:
    """Print a document's stored text exactly: the text that citation offsets index into."""
    from bot.core import build

    bot = build(settings())
    document = bot.store.document(bot.find_source(source))
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
def index_check() -> None:
    """Compare the index with its documents; say what is wrong and how to repair it."""
    from bot.core import build
    from index.check import check

    problems = check(build(settings()).store)
    for problem in problems:
        click.echo(for_terminal(problem, markup=False))
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo("The index is consistent with its documents.")


@index_group.command(name="rebuild")
def index_rebuild() -> None:
    """Re-embed every stored document with the configured embedding model."""
    from bot.core import rebuild
    from index.store import write_lock

    config = settings()
    with progress_display() as progress:
        task = progress.add_task("Rebuilding", total=None)  # reading the stored documents takes a while too
        with write_lock(config.data_dir):
            count = rebuild(config, lambda documents: progress.track(documents, task_id=task))
    click.echo(f"rebuilt: {counted(count, 'document')}")


@click.group(name="bench", cls=Group)
def bench_group() -> None:
    """Measure retrieval on public benchmarks."""


@bench_group.command(name="beir")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--split", default="test", show_default=True, help="Which qrels/SPLIT.tsv to score.")
@click.option(
    "--run-out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Write citebot's TREC run file here.",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Index folder kept between runs (default: DATA_DIR/beir/FOLDER-NAME).",
)
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


def show_metrics(by_method: dict[str, dict[str, float]], queries: int) -> None:
    from rich.table import Table

    table = Table(f"method ({queries} queries)", *next(iter(by_method.values())).keys())
    for method, values in by_method.items():
        table.add_row(method, *(f"{value:.4f}" for value in values.values()))
    console().print(table)


@click.group(name="feedback", cls=Group)
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
