"""Prompt templates shipped as package data, and the one loader that renders them.

A template is a text file with `$name` placeholders (string.Template) and optional `[system]` / `[user]`
lines that split it into chat messages. A missing variable is an error that names every missing one.
"""

from __future__ import annotations

import re
from importlib import resources
from string import Template

from index.errors import InternalError

ROLE_LINE = re.compile(r"^\[(system|user|assistant)\]\s*$", re.MULTILINE)


class MissingVariables(InternalError):
    """A prompt was rendered without a value for each of its placeholders: a bug, not a user error."""


def template(name: str) -> str:
    """The text of prompts/<name>.txt."""
    return resources.files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8")


def substitute(name: str, text: str, variables: dict[str, object]) -> str:
    """Fill the placeholders of one piece of a template; values are never re-read as templates."""
    missing = sorted(set(Template(text).get_identifiers()) - set(variables))
    if missing:
        msg = f"Prompt {name!r} is missing variables: {', '.join(missing)}"
        raise MissingVariables(msg)
    return Template(text).substitute({key: str(value) for key, value in variables.items()})


def render(name: str, **variables: object) -> str:
    """The whole template, filled in; raises MissingVariables naming each placeholder left without a value."""
    return substitute(name, template(name), variables)


def render_messages(name: str, **variables: object) -> list[dict[str, str]]:
    """The template as chat messages, split at its `[role]` lines before any value is put in."""
    text = template(name)
    substitute(name, text, variables)  # fail on a missing variable even if its section were empty
    roles = ROLE_LINE.findall(text) or ["user"]
    bodies = ROLE_LINE.split(text)[2::2] if ROLE_LINE.search(text) else [text]
    return [
        {"role": role, "content": substitute(name, body, variables).strip()}
        for role, body in zip(roles, bodies, strict=True)
        if body.strip()
    ]
