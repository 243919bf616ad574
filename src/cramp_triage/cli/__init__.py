"""The ``cramp-triage`` command. ``app`` holds the typer apps; each module below adds its commands."""

from __future__ import annotations

import copy
import gc
import sys
from collections.abc import Sequence

import typer

from . import batch, check, diff, explain, medicines, rules, scenarios, schema, serve, verify  # noqa: F401 - each registers its commands
from .app import app


def main() -> None:
    """The ``cramp-triage`` command: run it, then let the process end without a last collection."""
    try:
        only_the_command(app, sys.argv[1:])()
    finally:
        # The command is done (its output flushed, its exit code in the SystemExit passing
        # through): what is left is the interpreter's exit, whose last garbage collection walks
        # every object of the process, typer's, pydantic's and the pack's, only for the OS to take
        # the memory back anyway. That walk was a quarter of a `check --json` start (70-100 ms of
        # wall time; benchmarks/cold_start.py). Frozen objects are not walked. Here only, in the
        # command's own process: importing the library never touches the collector.
        gc.freeze()


def only_the_command(full: typer.Typer, args: Sequence[str]) -> typer.Typer:
    """The app with only the command (or command group) ``args`` starts with, when it names one;
    else the whole app. typer turns every option of every command into click's before it runs
    one: for all 17 commands that was 15 ms of each start, against about 1 ms for one. Help,
    usage errors and exit codes are the same (the root's options and callback are kept); a
    first word that is not a command name (``--help``, a typo) gets the whole app."""
    if not args:
        return full
    first = args[0]
    commands = [c for c in full.registered_commands if _name(c) == first]
    groups = [g for g in full.registered_groups if g.name == first]
    if len(commands) + len(groups) != 1:
        return full
    trimmed = copy.copy(full)
    trimmed.registered_commands = commands
    trimmed.registered_groups = groups
    return trimmed


def _name(command: typer.models.CommandInfo) -> str | None:
    # typer's own naming: the given name, else the function's, lowercased with - for _.
    if command.name:
        return command.name
    callback = command.callback
    return callback.__name__.lower().replace("_", "-") if callback is not None else None
