"""Consistency checks: `citebot index check` compares the store with the documents it came from and says how
to repair it; `is_stale` says whether a stored citation still quotes its document."""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

from index.passages import Passage, make_passages, passage_id
from index.storage.store import HNSW, Store
from index.storage.vector_memory import compared_texts

REPAIR = "run `citebot index rebuild`"


def check(store: Store) -> list[str]:
    """Every inconsistency found, one line each; an empty list means the index is sound."""
    store.catalog = store.read_catalog()
    stored = store.current_passages()
    by_source: dict[str, list[Passage]] = defaultdict(list)
    for passage in stored:
        by_source[passage.source].append(passage)
    problems = [problem for info in store.documents() for problem in check_document(store, info.source, by_source)]
    leftovers = sum(store.passage_counts().values()) - len(stored)
    if leftovers:
        problems.append(f"{leftovers} passages belong to no current document (an interrupted add); {REPAIR}")
    return problems + check_lexical(store, stored) + check_graph(store)


def check_document(store: Store, source: str, by_source: dict[str, list[Passage]]) -> list[str]:
    """The document's text matches its hash, and its stored passages are exactly the ones it splits into."""
    info = store.catalog[source]
    document = store.document(source)
    if document.sha256 != info.sha256:
        return [f"{source}: the stored text does not match its hash; add the document again"]
    expected = {p.id: p for p in make_passages(source, info.sha256, document.text)}
    found = {p.id: p for p in by_source.get(source, [])}
    outdated = [p for p in found.values() if p.id != passage_id(p.source, p.doc_hash, p.start, p.end)]
    if outdated:
        return [
            f"{source}: {len(outdated)} passages have ids from an older citebot, which documents with the same "
            f"text share (one copy takes over the other's passages); {REPAIR}"
        ]
    problems = []
    if set(found) != set(expected) or len(found) != info.passages:
        problems.append(
            f"{source}: {len(found)} passages stored, {len(expected)} expected "
            f"({len(set(expected) - set(found))} missing); {REPAIR}"
        )
    wrong = [p for p in found.values() if document.text[p.start : p.end] != p.text]
    if wrong:
        problems.append(f"{source}: {len(wrong)} passages do not reproduce the text at their offsets; {REPAIR}")
    unembedded = store.stored_vectors.absent(compared_texts(document.text, list(expected.values())))
    if unembedded:
        problems.append(
            f"{source}: {len(unembedded)} of its sentences and words have no stored vector (indexed by an older "
            f"citebot), so first questions about it are slower; {REPAIR}"
        )
    return problems


def check_lexical(store: Store, stored: list[Passage]) -> list[str]:
    """The BM25 index covers exactly the current passages."""
    store.lexical = None
    store.lexical_search("check", 1)
    lexical: list[Passage] = store.lexical.passages if store.lexical else []
    if {p.id for p in lexical} != {p.id for p in stored}:
        return [f"the lexical index covers {len(lexical)} passages, the store {len(stored)}; {REPAIR}"]
    return []


def check_graph(store: Store) -> list[str]:
    """The vector index has a search graph at least as dense as this version builds (older ones miss neighbours)."""
    built = (store.passage_collection.configuration or {}).get("hnsw") or {}
    if any((built.get(key) or 0) < wanted for key, wanted in HNSW.items()):
        found = ", ".join(f"{key} {built.get(key)}" for key in HNSW)
        return [f"the vector index's search graph ({found}) misses neighbours in large indexes; {REPAIR}"]
    return []


class CitedSpan(Protocol):
    """What staleness needs of a citation (bot.answering.citations.Citation has these fields), read-only."""

    @property
    def source(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def doc_hash(self) -> str: ...


def is_stale(citation: CitedSpan, store: Store) -> bool:
    """True when the cited span is no longer in the current version of its document (or the document is
    gone): a stored conversation or feedback record shows such a citation as stale."""
    info = store.catalog.get(citation.source)
    if info is None:
        return True
    if info.sha256 == citation.doc_hash:
        return False
    text = store.document(citation.source).text
    return text[citation.start : citation.end] != citation.text and citation.text not in text
