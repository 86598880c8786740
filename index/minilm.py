"""all-MiniLM-L6-v2 run directly on torch: the same vectors as sentence-transformers, without importing
transformers (4 of the 6 seconds a cold `citebot ask` took went to that import).

The model is a 6-layer post-norm BERT encoder, mean-pooled and L2-normalised; torch's TransformerEncoderLayer
(norm_first=False, exact GELU, eps 1e-12) is that layer, so only the weight names need mapping. A test checks
the vectors against sentence-transformers'.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

MAX_TOKENS = 256  # the model's max_seq_length in sentence_bert_config.json
LAYERS, HEADS, HIDDEN, EPS = 6, 12, 384, 1e-12


def load(model_dir: Path) -> tuple[Any, Any]:
    """The encoder (eval mode) and its tokenizer, read from the package's files."""
    import torch
    from safetensors.torch import load_file
    from tokenizers import Tokenizer

    weights = load_file(str(model_dir / "model.safetensors"))
    # Built on the CPU, not on the "meta" device: initialising meta tensors goes through torch._refs, which
    # imports torch._dynamo (1.3 s of a cold `citebot ask`); the random initialisation costs 0.1 s.
    encoder = Encoder(torch.nn)
    encoder.load_state_dict(renamed(weights, torch), strict=True, assign=True)
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return encoder.eval(), tokenizer


def Encoder(nn: Any) -> Any:
    """Embeddings, LayerNorm, six encoder layers: BERT's shape as plain torch modules."""
    layer = nn.TransformerEncoderLayer(
        HIDDEN, HEADS, 4 * HIDDEN, dropout=0.0, activation="gelu", layer_norm_eps=EPS, batch_first=True
    )
    return nn.ModuleDict(
        {
            "words": nn.Embedding(30522, HIDDEN),
            "positions": nn.Embedding(512, HIDDEN),
            "token_types": nn.Embedding(2, HIDDEN),
            "norm": nn.LayerNorm(HIDDEN, eps=EPS),
            "layers": nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False),
        }
    )


def renamed(weights: dict[str, Any], torch: Any) -> dict[str, Any]:
    """BERT's weight names mapped onto the modules above."""
    state = {
        "words.weight": weights["embeddings.word_embeddings.weight"],
        "positions.weight": weights["embeddings.position_embeddings.weight"],
        "token_types.weight": weights["embeddings.token_type_embeddings.weight"],
        "norm.weight": weights["embeddings.LayerNorm.weight"],
        "norm.bias": weights["embeddings.LayerNorm.bias"],
    }
    for i in range(LAYERS):
        bert, ours = f"encoder.layer.{i}.", f"layers.layers.{i}."
        for kind in ("weight", "bias"):
            qkv = [weights[f"{bert}attention.self.{part}.{kind}"] for part in ("query", "key", "value")]
            state[f"{ours}self_attn.in_proj_{kind}"] = torch.cat(qkv)
            state[f"{ours}self_attn.out_proj.{kind}"] = weights[f"{bert}attention.output.dense.{kind}"]
            state[f"{ours}norm1.{kind}"] = weights[f"{bert}attention.output.LayerNorm.{kind}"]
            state[f"{ours}linear1.{kind}"] = weights[f"{bert}intermediate.dense.{kind}"]
            state[f"{ours}linear2.{kind}"] = weights[f"{bert}output.dense.{kind}"]
            state[f"{ours}norm2.{kind}"] = weights[f"{bert}output.LayerNorm.{kind}"]
    return state


def encode(encoder: Any, tokenizer: Any, texts: list[str]) -> Any:
    """Normalised mean-pooled embeddings, one row per text (a float32 numpy array)."""
    import torch

    batch = tokenizer.encode_batch(texts)
    ids = torch.tensor([item.ids for item in batch])
    mask = torch.tensor([item.attention_mask for item in batch], dtype=torch.bool)
    positions = torch.arange(ids.shape[1]).unsqueeze(0)
    with torch.inference_mode():
        hidden = encoder["words"](ids) + encoder["positions"](positions) + encoder["token_types"](torch.zeros_like(ids))
        hidden = encoder["layers"](encoder["norm"](hidden), src_key_padding_mask=~mask)
        weights = mask.unsqueeze(-1).float()
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=1).numpy()
