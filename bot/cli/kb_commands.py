"""`citebot kb ...`: list, create, delete and copy knowledge bases (named sets of documents)."""

from __future__ import annotations

import click

from bot.cli.common import Group, console, settings


@click.group(name="kb", cls=Group)
def kb_group() -> None:
    """List, create, delete and copy knowledge bases."""


@kb_group.command(name="list")
def kb_list() -> None:
    """Each knowledge base with its document and passage counts."""
    from rich.table import Table

    from bot.core import build

    bot = build(settings())
    table = Table("knowledge base", "documents", "passages", box=None)
    for name in bot.knowledge_bases():
        documents = bot.documents(kb=name)
        table.add_row(name, str(len(documents)), str(sum(info.passages for info in documents)))
    console().print(table)


@kb_group.command(name="create")
@click.argument("name")
def kb_create(name: str) -> None:
    """A new, empty knowledge base; add documents with `citebot index add --kb NAME FILE`."""
    from bot.core import build

    build(settings()).create_kb(name)
    click.echo(f"created: {name}")


@kb_group.command(name="delete")
@click.argument("name")
def kb_delete(name: str) -> None:
    """Delete a knowledge base with all its documents (`default` cannot be deleted)."""
    from bot.core import build

    build(settings()).delete_kb(name)
    click.echo(f"deleted: {name}")


@kb_group.command(name="copy")
@click.argument("source")
@click.argument("target")
def kb_copy(source: str, target: str) -> None:
    """A new knowledge base TARGET with SOURCE's documents (their passages are copied, not embedded again)."""
    from bot.core import build

    bot = build(settings())
    bot.copy_kb(source, target)
    click.echo(f"copied: {source} to {target} ({len(bot.documents(kb=target))} documents)")
