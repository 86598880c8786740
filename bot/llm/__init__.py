"""The language-model answerer: the OpenAI-compatible client, its prompt text, and the grounding check
that keeps only what the passages support."""
