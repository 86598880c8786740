"""Where each knowledge base lives in Chroma: its collections' names, which ones exist, and dropping them.

The `default` KB keeps the names of the release before knowledge bases (`<base>_passages`, `<base>_documents`,
`<base>_stats`), so an index built by it opens as `default` with nothing lost; every other KB `x` is
`<base>_kb_x_*`. A KB exists when its documents collection does (measured against one collection filtered by
a `kb` field in BENCHMARKS.md, "Knowledge bases").
"""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING

from index.errors import KnowledgeBaseError
from index.storage.chroma import chroma_errors
from index.storage.lexical import lexical_folder

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

DEFAULT_KB = "default"
KB_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
PARTS = ("passages", "documents", "stats", "vectors")


def index_name(base: str, kb: str) -> str:
    """The name the KB's Store is opened with (its collections are this plus `_passages` and so on)."""
    return base if kb == DEFAULT_KB else f"{base}_kb_{kb}"


def check_kb_name(name: str) -> None:
    if not KB_NAME.fullmatch(name):
        msg = (
            f"{name!r} is not a valid knowledge base name: use up to 63 lower-case letters, digits, '-' and '_', "
            "starting with a letter or a digit."
        )
        raise KnowledgeBaseError(msg)


def kb_names(client: ClientAPI, base: str) -> list[str]:
    """Every knowledge base in the index: `default` first (it always exists), then the others by name."""
    prefix, suffix = f"{base}_kb_", "_documents"
    found = {
        name.removeprefix(prefix).removesuffix(suffix)
        for name in collection_names(client, base)
        if name.startswith(prefix) and name.endswith(suffix)
    }
    return [DEFAULT_KB, *sorted(name for name in found if KB_NAME.fullmatch(name) and name != DEFAULT_KB)]


def collection_names(client: ClientAPI, where: str) -> set[str]:
    with chroma_errors(where):
        return {c if isinstance(c, str) else c.name for c in client.list_collections()}


def drop_index(client: ClientAPI, name: str, parts: tuple[str, ...] = PARTS) -> None:
    """Delete these collections of an index and its saved BM25 index (keyed by document versions)."""
    folder = lexical_folder(client, name)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    existing = collection_names(client, name)
    with chroma_errors(name):
        for part in parts:
            if f"{name}_{part}" in existing:
                client.delete_collection(f"{name}_{part}")


def drop_passages(client: ClientAPI, name: str) -> None:
    """The passages, their units' vectors and the saved BM25 index, as `index rebuild` starts."""
    drop_index(client, name, ("passages", "vectors"))
