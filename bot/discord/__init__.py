"""The Discord front end: the discord.py client, its commands, rendering, gate, stored conversations and
feedback. Modules here import absolutely, so this package never shadows the `discord` library."""
