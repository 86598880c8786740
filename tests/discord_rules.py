"""Discord's rules for what the bot sends, with Discord's own status codes and JSON error bodies.

The emulator refuses what Discord refuses, so a bot bug fails a test instead of a user's question:
message and embed limits (400, code 50035 "Invalid Form Body", with Discord's nested per-field `errors`),
empty messages (50006), thread names and second threads (160004), interaction acknowledgements (40060,
10062 after the 3-second deadline, 10015 for a follow-up before one), and per-route rate-limit buckets
with the X-RateLimit headers discord.py reads, running out into a 429 with `retry_after`.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]
Problem = tuple[Path, str, str]  # where, Discord's error code, its message

CONTENT, EMBEDS, EMBED_TOTAL, FIELDS, ROWS, PER_ROW, CUSTOM_ID = 2000, 10, 6000, 25, 5, 5, 100
EMBED_TEXT = {("title",): 256, ("description",): 4096, ("footer", "text"): 2048, ("author", "name"): 256}
FIELD_TEXT = {"name": 256, "value": 1024}
THREAD_NAME = 100
ACK_DEADLINE = 3.0  # seconds Discord waits for an interaction's initial response


class Refused(Exception):
    """A request Discord would refuse: its HTTP status and JSON body."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message, "code": code}
        if errors is not None:
            self.body["errors"] = errors


UNKNOWN_INTERACTION = (404, 10062, "Unknown interaction")
UNKNOWN_WEBHOOK = (404, 10015, "Unknown Webhook")
ALREADY_ACKNOWLEDGED = (400, 40060, "Interaction has already been acknowledged.")
THREAD_EXISTS = (400, 160004, "A thread has already been created for this message")
EMPTY_MESSAGE = (400, 50006, "Cannot send an empty message")


def too_long(path: Path, limit: int) -> Problem:
    return path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."


def form_errors(problems: list[Problem]) -> None:
    """Raise Discord's 50035 with its nested errors (`{"embeds": {"0": {"title": {"_errors": [...]}}}}`)."""
    if not problems:
        return
    errors: dict[str, Any] = {}
    for path, code, message in problems:
        node = errors
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})
    raise Refused(400, 50035, "Invalid Form Body", errors)


def embed_size(embed: dict[str, Any]) -> int:
    """The characters Discord counts towards 6,000 per message."""
    text = [lookup(embed, path) for path in EMBED_TEXT]
    text += [f.get(key, "") for f in embed.get("fields") or [] for key in FIELD_TEXT]
    return sum(len(t or "") for t in text)


def lookup(embed: dict[str, Any], path: Path) -> Any:
    found: Any = embed
    for key in path:
        found = (found or {}).get(key)
    return found


def embed_problems(i: int, embed: dict[str, Any]) -> list[Problem]:
    where: Path = ("embeds", i)
    found = [too_long((*where, *p), n) for p, n in EMBED_TEXT.items() if len(lookup(embed, p) or "") > n]
    fields = embed.get("fields") or []
    if len(fields) > FIELDS:
        found.append(too_long((*where, "fields"), FIELDS))
    for j, item in enumerate(fields):
        found += [too_long((*where, "fields", j, k), n) for k, n in FIELD_TEXT.items() if len(item.get(k, "")) > n]
    return found


def component_problems(rows: list[dict[str, Any]]) -> list[Problem]:
    found = [too_long(("components",), ROWS)] if len(rows) > ROWS else []
    for i, row in enumerate(rows):
        items = row.get("components") or []
        if len(items) > PER_ROW:
            found.append(too_long(("components", i, "components"), PER_ROW))
        for j, item in enumerate(items):
            if len(item.get("custom_id") or "") > CUSTOM_ID:
                found.append(too_long(("components", i, "components", j, "custom_id"), CUSTOM_ID))
    return found


def check_message(body: Any, *, new: bool) -> None:
    """A message payload (create, edit, follow-up or interaction response) within Discord's limits."""
    body = body or {}
    content, embeds = body.get("content") or "", body.get("embeds") or []
    found = [too_long(("content",), CONTENT)] if len(content) > CONTENT else []
    if len(embeds) > EMBEDS:
        found.append(too_long(("embeds",), EMBEDS))
    for i, embed in enumerate(embeds):
        found += embed_problems(i, embed)
    if sum(map(embed_size, embeds)) > EMBED_TOTAL:
        found.append((("embeds",), "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL}"))
    found += component_problems(body.get("components") or [])
    form_errors(found)
    if new and not (content.strip() or embeds or body.get("attachments") or body.get("sticker_ids")):
        raise Refused(*EMPTY_MESSAGE)


def check_thread_name(body: Any) -> None:
    name = (body or {}).get("name") or ""
    if not 1 <= len(name) <= THREAD_NAME:
        form_errors([(("name",), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {THREAD_NAME} in length.")])


@dataclass
class Limit:
    """A rate limit for the routes whose `METHOD path` matches `pattern`: `limit` requests per `per` seconds."""

    pattern: str
    limit: int
    per: float


@dataclass
class Bucket:
    limit: int
    per: float
    name: str
    used: int = 0
    reset_at: float = field(default_factory=time.time)


class RateLimits:
    """Per-route buckets (one per route and major id, as Discord keys them), generous unless configured."""

    def __init__(self, limit: int = 1000, per: float = 1.0) -> None:
        self.default = Limit(".*", limit, per)
        self.limits: list[Limit] = []
        self.buckets: dict[tuple[str, str], Bucket] = {}

    def configure(self, method: str, pattern: str, limit: int, per: float) -> None:
        """Requests whose path matches `pattern` get a bucket of `limit` per `per` seconds."""
        self.limits.insert(0, Limit(f"{method} {pattern}", limit, per))

    def take(self, method: str, path: str, route: str, major: str) -> dict[str, str]:
        """Count one request; its X-RateLimit headers, or Refused (429) when its bucket is empty."""
        rule = next((r for r in self.limits if re.fullmatch(r.pattern, f"{method} {path}")), self.default)
        name = hashlib.sha1(f"{method} {route} {rule.pattern}".encode()).hexdigest()[:16]
        bucket = self.buckets.setdefault((name, major), Bucket(rule.limit, rule.per, name))
        now = time.time()
        if now >= bucket.reset_at:
            bucket.used, bucket.reset_at = 0, now + bucket.per
        if bucket.used >= bucket.limit:
            raise limited(bucket.reset_at - now, headers(bucket, now))
        bucket.used += 1
        return headers(bucket, now)


def headers(bucket: Bucket, now: float) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(bucket.limit),
        "X-RateLimit-Remaining": str(bucket.limit - bucket.used),
        "X-RateLimit-Reset": f"{bucket.reset_at:.3f}",
        "X-RateLimit-Reset-After": f"{bucket.reset_at - now:.3f}",
        "X-RateLimit-Bucket": bucket.name,
    }


class RateLimited(Refused):
    """A 429, with the `Via` header and scope discord.py needs to treat it as a rate limit, not a ban."""

    def __init__(self, retry_after: float, extra: dict[str, str]) -> None:
        super().__init__(429, 0, "You are being rate limited.")
        self.body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
        scope = {"X-RateLimit-Scope": "user"} if extra else {}
        self.headers = {"Via": "1.1 google", "Retry-After": str(math.ceil(retry_after)), **scope, **extra}


def limited(retry_after: float, extra: dict[str, str] | None = None) -> RateLimited:
    return RateLimited(round(retry_after, 3), extra or {})
