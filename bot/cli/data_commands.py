"""`citebot bench ...` and `citebot feedback ...`: measuring retrieval on public benchmarks, exporting votes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import Group, console, progress_bar, settings

if TYPE_CHECKING:
    from bot.answering.citations import Citation


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
    from bot.evaluation import beir
    from index.embeddings import LocalEmbeddings
    from index.storage.store import Store, open_client

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
    """Write every vote with its question, answer and citations as JSON Lines (stdout by default).

    Each citation is marked stale when its span left the current document of its server's knowledge base."""
    from bot.core import build
    from bot.discord.feedback import FeedbackStore
    from bot.discord.servers import kb_name

    config = settings()
    store = FeedbackStore(config.data_dir / "feedback.sqlite3")
    bot = build(config)

    def stale(citation: Citation, guild: int | None) -> bool:
        """Checked against the knowledge base of the server the vote came from (gone: every citation is)."""
        kb = kb_name(guild)
        return not bot.has_kb(kb) or bot.is_stale(citation, kb=kb)

    if out_path is None:
        store.export(sys.stdout, stale)
        return
    with open(out_path, "w", encoding="utf-8") as out:
        count = store.export(out, stale)
    click.echo(f"exported: {count} votes to {out_path}", err=True)
