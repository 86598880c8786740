"""`index check` finds what is wrong and names the repair."""

from collections.abc import Callable
from pathlib import Path

from bot.core import Citebot
from index.passages import Passage
from index.storage.chroma import open_client
from index.storage.consistency import check


def test_a_fresh_index_is_consistent(bot: Citebot) -> None:
    assert check(bot.store) == []


def test_missing_passages_and_leftovers_are_reported_with_the_repair(
    make_bot: Callable[..., Citebot],
) -> None:
    bot = make_bot()
    store = bot.store
    victim = store.current_passages()[0]
    store.passage_collection.delete(ids=[victim.id])
    stray = Passage("stray", victim.source, "old-version", 0, 5, "Putin", 1)
    store.write_passages([stray])
    problems = check(store)
    assert any("12 passages stored, 13 expected (1 missing)" in p for p in problems), problems
    assert any("1 passages belong to no current document" in p for p in problems), problems
    assert all("citebot index rebuild" in p or "add the document again" in p for p in problems)


def test_an_index_with_chromas_default_search_graph_is_reported_until_rebuilt(
    make_bot: Callable[..., Citebot], data_dir: Path
) -> None:
    embeddings = make_bot().store.embeddings
    client = open_client(data_dir, None, 30.0)
    client.delete_collection("citebot_passages")
    model = {"embedding_model": embeddings.name, "embedding_dimension": embeddings.dimension}
    client.create_collection("citebot_passages", metadata=model, embedding_function=None)  # as before HNSW
    problems = check(make_bot().store)
    assert any("max_neighbors 16" in p and "citebot index rebuild" in p for p in problems), problems
    make_bot().rebuild()
    assert check(make_bot().store) == []


def test_an_index_without_stored_vectors_is_reported_until_rebuilt(make_bot: Callable[..., Citebot]) -> None:
    """An index built before the answerer's vectors were stored at ingest answers, more slowly: check says so."""
    collection = make_bot().store.stored_vectors.collection
    collection.delete(ids=collection.get(include=[])["ids"][:3])
    problems = check(make_bot().store)
    assert len(problems) == 1 and "3 of its sentences and words have no stored vector" in problems[0], problems
    make_bot().rebuild()
    assert check(make_bot().store) == []
