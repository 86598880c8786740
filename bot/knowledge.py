"""The knowledge bases of one index: a Store each, opened on first use and kept, and the one writer.

Every write to any KB goes through `writing`: a lock between this process's threads (the Discord bot adds
documents from worker threads) around the index folder's `write_lock` between processes. It is re-entrant
in a thread, so that an operation made of others (copying a KB, seeding `default`) takes it once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from index.documents import Document, bundled_document
from index.errors import KnowledgeBaseError
from index.storage.chroma import latest
from index.storage.copying import copy_documents
from index.storage.layout import DEFAULT_KB, KB_NAME, check_kb_name, collection_names, drop_index, index_name, kb_names
from index.storage.records import stored_documents
from index.storage.store import Store, write_lock

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

    from bot.config import Settings
    from index.embeddings import NamedEmbeddings

Track = Callable[[list[Document]], Iterable[Document]]  # walks the documents (a front end's progress bar)


class KnowledgeBases:
    """Named sets of documents in one Chroma (embedded folder or server), each with its own Store."""

    def __init__(self, settings: Settings, embeddings: NamedEmbeddings, client: ClientAPI) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.client = client
        self.stores: dict[str, Store] = {}
        self.opening = threading.Lock()  # two threads asking one new KB open it once
        self.writer = threading.RLock()
        self.depth = 0  # how deep this process's writer is in `writing`

    def names(self) -> list[str]:
        return kb_names(latest(self.client), self.settings.collection)

    def exists(self, name: str) -> bool:
        return name == DEFAULT_KB or (KB_NAME.fullmatch(name) is not None and name in self.names())

    def store(self, name: str) -> Store:
        """The KB's store, following other processes' writes; KnowledgeBaseError for an unknown name."""
        seed = False
        with self.opening:
            store = self.stores.get(name)
            if store is None:
                if not self.exists(name):
                    raise unknown(name, self.names())
                new = self.new_default(name)
                store = self.stores[name] = self.open(name)
                seed = new and not store.catalog
        if seed:  # a new index starts with the bundled article; a user who removes it keeps it removed
            with self.writing():
                store.add(bundled_document())
        store.follow()
        return store

    def new_default(self, name: str) -> bool:
        """Whether this is the `default` KB of a new index, whose collections do not exist yet: it gets the
        bundled article (an index from an earlier release may hold `default` under other names; `open` adopts
        them, and their catalog is not empty)."""
        documents = f"{index_name(self.settings.collection, name)}_documents"
        return name == DEFAULT_KB and documents not in collection_names(latest(self.client), self.settings.collection)

    def refresh(self, name: str) -> None:
        """Follow other processes' writes to the KB (re-read its catalog when it is over REFRESH_SECONDS old,
        reopening an embedded client that missed them): the core does this before answering, so that
        retrieval and answering only read."""
        self.store(name).refresh()

    def open(self, name: str) -> Store:
        """Open (creating its collections if needed) the KB's store."""
        return Store(latest(self.client), self.embeddings, index_name(self.settings.collection, name))

    def create(self, name: str) -> Store:
        check_kb_name(name)
        with self.writing():
            if self.exists(name):
                msg = f"A knowledge base named {name!r} already exists."
                raise KnowledgeBaseError(msg)
            with self.opening:
                store = self.stores[name] = self.open(name)
        return store

    def delete(self, name: str) -> None:
        if name == DEFAULT_KB:
            msg = f"The {DEFAULT_KB!r} knowledge base cannot be deleted; remove its documents instead."
            raise KnowledgeBaseError(msg)
        with self.writing():
            if not self.exists(name):
                raise unknown(name, self.names())
            with self.opening:
                self.stores.pop(name, None)
            drop_index(latest(self.client), index_name(self.settings.collection, name))

    def copy(self, source: str, target: str) -> int:
        """A new KB `target` holding `source`'s documents, vectors and all; returns how many documents."""
        with self.writing():
            origin = self.store(source)
            return copy_documents(origin, self.create(target))

    def rebuild(self, name: str, track: Track = iter) -> int:
        """Drop the KB's passages and embed every stored document again with the configured model, under the
        write lock; returns how many documents were stored (a new index's `default` gets the bundled article)."""
        with self.writing():
            if not self.exists(name):
                raise unknown(name, self.names())
            client, index, new = latest(self.client), index_name(self.settings.collection, name), self.new_default(name)
            documents = stored_documents(client, index)  # without opening the passages (their model may differ)
            store = Store(client, self.embeddings, index, fresh=True)
            with self.opening:  # the store kept open before holds the dropped passages
                self.stores[name] = store
            for document in track(documents or ([bundled_document()] if new else [])):
                store.add(document, force=True)
        return len(documents)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the index's write lock (IndexLocked when another process has it)."""
        with self.writer:
            if self.depth:
                yield
                return
            with write_lock(self.settings.data_dir):
                self.depth += 1
                try:
                    yield
                finally:
                    self.depth -= 1


def unknown(name: str, names: list[str]) -> KnowledgeBaseError:
    check_kb_name(name)
    return KnowledgeBaseError(f"No knowledge base named {name!r}; the knowledge bases are: {', '.join(names)}.")
