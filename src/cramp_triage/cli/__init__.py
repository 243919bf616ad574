"""The ``cramp-triage`` command. ``app`` holds the typer apps; each module below adds its commands."""

from __future__ import annotations

from . import batch, check, diff, explain, medicines, rules, scenarios, schema, serve, verify  # noqa: F401 - each registers its commands
from .app import app


def main() -> None:
    app()

