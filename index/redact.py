"""Keeping secrets out of messages and logs: servers may echo an API key back in an error body."""

from __future__ import annotations

import re

REDACTED = "[redacted]"
# "Bearer <token>" in any case, and anything shaped like an OpenAI-style key (sk-..., sk-proj-...)
TOKEN_LIKE = re.compile(r"(?i)(?<=bearer\s)\s*[^\s'\",;]+|\bsk-[A-Za-z0-9_\-]{6,}")


def redact(text: str, *secrets: str | None) -> str:
    """`text` without the given secrets and without anything that looks like a bearer token or an API key."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return TOKEN_LIKE.sub(REDACTED, text)
