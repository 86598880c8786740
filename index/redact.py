"""Keeping secrets out of messages and logs: servers may echo an API key back in an error body, and discord.py's
DEBUG logs print interaction tokens in URLs and raw events."""

from __future__ import annotations

import re

REDACTED = "[redacted]"
# Secrets found by their shape or by what comes just before them; that context, the "keep" group, stays
SECRET_SHAPES = tuple(
    re.compile(pattern)
    for pattern in (
        r"(?i)(?P<keep>bearer\s)\s*[^\s'\",;]+",  # "Bearer <token>" in any case
        r"(?P<keep>)\bsk-[A-Za-z0-9_\-]{6,}",  # OpenAI-style keys: sk-..., sk-proj-...
        r"(?P<keep>/(?:webhooks|interactions)/\d+/)[^/\s?'\"]+",  # Discord interaction and webhook tokens in URLs
        r"""(?P<keep>['"]token['"]:\s*['"])[^'"]+""",  # "token" fields in Discord's raw events
    )
)


def redact(text: str, *secrets: str | None) -> str:
    """`text` without the given secrets and without anything shaped like a token or an API key."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    for shape in SECRET_SHAPES:
        text = shape.sub(rf"\g<keep>{REDACTED}", text)
    return text
