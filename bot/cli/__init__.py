"""`citebot ...`, the terminal front end: builds the parts, calls the core, renders with rich."""

from bot.cli.app import main

__all__ = ["main"]
