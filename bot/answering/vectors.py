"""The answerer's memory of MiniLM vectors: of the sentences and words it has compared with questions.

A bot's documents rarely change, so a sentence or word met once is met again. Most were embedded when their
document was added (index.storage.vector_memory); what was not is embedded in one call, since each model call
reads all the model's weights, however few its texts (a word alone takes 6 ms, 1.5 ms in a batch of 32).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from index.storage.lexical import content_words

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from index.storage.vector_memory import StoredVectors

MAX_CACHED = 100_000  # bounded memory for a long-running bot over a large corpus


class Vectors:
    """Vectors by text, embedded on first use."""

    def __init__(self, embeddings: Embeddings) -> None:
        self.embeddings = embeddings
        self.known: dict[str, np.ndarray] = {}

    def of(self, texts: list[str], also: Sequence[str] = (), stored: StoredVectors | None = None) -> list[np.ndarray]:
        """The texts' vectors; those not seen yet, and the texts `also` lists, are read from the vectors `stored`
        at ingest, and those not there are embedded in one call."""
        if len(self.known) > MAX_CACHED:
            self.known.clear()
        missing = list(dict.fromkeys(text for text in [*texts, *also] if text not in self.known))
        if missing and stored is not None:
            self.known.update(stored.read(missing))
            missing = [text for text in missing if text not in self.known]
        if missing:
            vectors = self.embeddings.embed_documents(missing)
            self.known.update(
                (text, np.asarray(vector, dtype=np.float32)) for text, vector in zip(missing, vectors, strict=True)
            )
        return [self.known[text] for text in texts]

    def closest_word(self, word: str, text: str) -> float:
        """The highest similarity between a word and any word of the text ("money" ~ "funds")."""
        others = content_words(text)
        if not others:
            return 0.0
        vectors = self.of([word, *others])
        return float(np.max(np.stack(vectors[1:]) @ vectors[0]))
