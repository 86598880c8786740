"""The lexical side of retrieval: one tokenizer for everything, and a BM25 index over passages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from index.passages import Passage

WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*", re.UNICODE)
STOPWORDS = frozenset(
    """a about after again against all also am an and any are as at be because been before being between both
    but by can could did do does doing done during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not of
    off on once only or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves s t
    say says said tell told ask asked want wants wanted""".split()
)


@lru_cache(maxsize=1)
def stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased word tokens, apostrophes normalised ("Baykar’s" -> "baykar's")."""
    return [word.replace("’", "'") for word in WORD.findall(text.lower())]


def terms(text: str) -> list[str]:
    """Stemmed content words: what BM25 indexes and what the answerer matches on."""
    content = [word.removesuffix("'s") for word in words(text) if word not in STOPWORDS]
    return list(stemmer().stemWords([word for word in content if word]))


class LexicalIndex:
    """BM25 (bm25s) over passages."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        import bm25s

        self.passages = list(passages)
        self.bm25 = bm25s.BM25()
        if self.passages:
            # an empty token list would break bm25s; a placeholder term matches no query
            corpus = [terms(passage.text) or ["\u2205"] for passage in self.passages]
            self.bm25.index(corpus, show_progress=False)

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
