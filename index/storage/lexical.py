"""The lexical side of retrieval: one tokenizer for everything, and a BM25 index over passages.

The index is saved beside an embedded Chroma folder (`DATA_DIR/lexical/NAME/STAMP/`), the stamp naming the
document versions it covers, so a start-up loads it (memory-mapped) instead of re-reading and re-tokenising
every passage: at 100k passages that rebuild takes minutes on two cores, the load about a second.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache
from pathlib import Path
from typing import Any

from index.passages import Passage

PREFIX = 5  # stems that share this many first letters count as one word
WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*", re.UNICODE)
STOPWORDS = frozenset(
    """a about after again against all also am an and any are as at be because been before being between both
    but by can could did do does doing done during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not of
    off on once only or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom whose why will with would you your yours yourself yourselves s t according
    say says said tell told ask asked want wants wanted""".split()
)
# Contractions, typed with the apostrophe or without: "what's" and "whats" ask what "what" asks, and "won't" says
# what "not" says; as terms no sentence holds, they made a question look as if it asked for something absent
CONTRACTIONS = """don't doesn't didn't isn't aren't wasn't weren't won't can't couldn't shouldn't wouldn't hasn't
    haven't hadn't i'm i've you're you've they're they've we're we've what's who's where's how's that's there's
    here's""".split()
STOPWORDS |= {*CONTRACTIONS, *(word.replace("'", "") for word in CONTRACTIONS)}
STOPWORDS |= {"actually", "really", "basically", "btw", "anyway", "please", "pls", "plz", "lol"}  # chat's fillers
# "what happened to X?", "where did X occur?": the answer tells what, or where, and not in these words (none of
# SQuAD train's 20 answerable questions with "happen" has it within 200 characters of its answer)
STOPWORDS |= {"happen", "happens", "happened", "happening", "occur", "occurs", "occurred", "occurring"}


@lru_cache(maxsize=1)
def stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased word tokens, apostrophes normalised ("Baykar’s" -> "baykar's")."""
    return [word.replace("’", "'") for word in WORD.findall(text.lower())]


def terms(text: str) -> list[str]:
    """Stemmed content words: what BM25 indexes and what the answerer matches on."""
    content = [word for word in (word.removesuffix("'s") for word in words(text)) if word not in STOPWORDS]
    return list(stemmer().stemWords([word for word in content if word]))


def content_words(text: str) -> list[str]:
    """The unstemmed words behind `terms`, for comparing meanings; names keep their capital letter."""
    return [word for word in re.findall(r"[^\W\d_]{3,}", text) if terms(word)]


def whole_words(text: str) -> list[str]:
    """The text's words as `terms` reads them (three characters or more, a letter among them): a name of letters
    and digits is one word ("libtasn1", "asn1Parser", "IPv6"), where `content_words` keeps only its letters."""
    found = (word.removesuffix("’s").removesuffix("'s") for word in WORD.findall(text))
    return [word for word in found if len(word) >= 3 and not word.isdigit() and terms(word)]


def covered(wanted: Sequence[str], found: AbstractSet[str]) -> float:
    """Share of the terms present in `found`; a shared 5-letter prefix counts (lithuania/lithuanian), which
    the stemmer leaves apart."""
    prefixes = {term[:PREFIX] for term in found if len(term) >= PREFIX}
    hits = sum(1 for term in wanted if term in found or (len(term) >= PREFIX and term[:PREFIX] in prefixes))
    return hits / len(wanted) if wanted else 0.0


def matches(term: str, found: AbstractSet[str]) -> bool:
    """Whether one term is present in `found`, by the same rule as `covered`."""
    return covered((term,), found) == 1


class LexicalIndex:
    """BM25 (bm25s) over passages."""

    def __init__(self, passages: Sequence[Passage], bm25: Any = None) -> None:
        import bm25s

        self.passages = list(passages)
        self.bm25 = bm25 or bm25s.BM25()
        if self.passages and bm25 is None:
            # an empty token list would break bm25s; a placeholder term matches no query
            corpus = [terms(passage.text) or ["\u2205"] for passage in self.passages]
            self.bm25.index(corpus, show_progress=False)

    def save(self, folder: Path) -> None:
        """Write the index and its passages to `folder`, replacing it whole (a reader never sees half)."""
        partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        if self.passages:
            self.bm25.save(str(partial / "bm25"), show_progress=False)
        rows = [dataclasses.asdict(passage) for passage in self.passages]
        (partial / "passages.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        partial.rename(folder)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """A saved index, or None when there is none (or it cannot be read: it is then rebuilt)."""
        import bm25s

        try:
            rows = json.loads((folder / "passages.json").read_text(encoding="utf-8"))
            passages = [Passage(**row) for row in rows]
            bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=True, show_progress=False) if passages else None
        except (OSError, ValueError, TypeError):
            return None
        return cls(passages, bm25)

    def frequency(self, term: str) -> int:
        """How many passages hold the (stemmed) term."""
        at = self.bm25.vocab_dict.get(term) if self.passages else None
        if at is None:
            return 0
        starts = self.bm25.scores["indptr"]  # the index is by term: a term's passages lie between two offsets
        return int(starts[at + 1] - starts[at])

    def search(self, query: str, k: int) -> list[tuple[Passage, float]]:
        """The best `k` passages with their BM25 scores, best first; zero scores dropped."""
        query_terms = terms(query)
        if not self.passages or not query_terms:
            return []
        documents, scores = self.bm25.retrieve(
            [query_terms], k=min(k, len(self.passages)), show_progress=False, n_threads=1
        )
        return [
            (self.passages[int(doc)], float(score))
            for doc, score in zip(documents[0], scores[0], strict=True)
            if score > 0
        ]


def stamp(versions: Iterable[tuple[str, str]]) -> str:
    """Names one set of document versions (source, sha256): any add, change or removal changes it."""
    digest = hashlib.sha256()
    for source, sha256 in sorted(versions):
        digest.update(f"{source}\0{sha256}\n".encode())
    return digest.hexdigest()[:24]


def lexical_folder(client: Any, name: str) -> Path | None:
    """Beside an embedded Chroma's folder; None for a `chroma run` server (the index then lives in memory)."""
    settings = client.get_settings()
    if not getattr(settings, "is_persistent", False) or not settings.persist_directory:
        return None
    return Path(settings.persist_directory).parent / "lexical" / name


def load_or_build(
    folder: Path | None, versions: Iterable[tuple[str, str]], passages: Callable[[], list[Passage]]
) -> LexicalIndex:
    """The saved index for exactly these document versions, else one built from `passages()` and saved."""
    if folder is None:
        return LexicalIndex(passages())
    current = folder / stamp(versions)
    found = LexicalIndex.load(current)
    if found is not None:
        return found
    built = LexicalIndex(passages())
    try:
        built.save(current)
        for old in folder.iterdir():
            if old != current and not old.name.endswith(".partial"):
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass  # a read-only data folder still answers; it just rebuilds at the next start
    return built
