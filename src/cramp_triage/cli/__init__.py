"""The ``cramp-triage`` command. ``cli/app.py`` holds the typer apps; each command module adds its
commands to them, and is imported only when needed (``COMMAND_MODULES``)."""

from __future__ import annotations

import copy
import gc
import importlib
import os
import sys
import threading
from collections.abc import Sequence
from typing import Any

import typer

from . import app as _root

# Importing the submodule `cli/app.py` bound this package's attribute `app` to that module: it is
# dropped, so that `from cramp_triage.cli import app` reaches `__getattr__` below and gets the
# whole typer app, as it did when every command module was imported here.
del app  # type: ignore[name-defined]  # noqa: F821

# Which modules of cli/ register each top-level command or command group: the one way the CLI
# finds its commands. `main()` imports only the modules of the command it runs (`check` does not
# pay for the nine others); anything else (no command, `--help`, a typo, completion) and
# `cramp_triage.cli.app` import them all, in this order, which is the order of the root's help.
# tests/test_cold_start.py holds the table to the commands the modules register.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "batch": ("batch",),
    "check": ("check",),
    "explain": ("explain",),
    "medicines": ("medicines",),
    "rules": ("diff", "rules", "verify"),
    "scenarios": ("scenarios",),
    "schema": ("schema",),
    "serve": ("serve",),
}
ALL_MODULES = sorted({module for modules in COMMAND_MODULES.values() for module in modules})


def loaded_app(args: Sequence[str] = ()) -> typer.Typer:
    """The root app with the commands ``args`` can run registered: only the named command's
    modules when ``args`` starts with a command name, else every command's."""
    modules = COMMAND_MODULES.get(args[0], ALL_MODULES) if args else ALL_MODULES
    for module in modules:
        importlib.import_module(f"{__name__}.{module}")
    return _root.app


def __getattr__(name: str) -> Any:
    # `cramp_triage.cli.app`: the whole app, every command registered (tests, in-process use).
    if name == "app":
        return loaded_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Commands that leave nothing to clean up once they are done (no worker processes, threads,
# servers or temporary files) and are over in a moment: their process is set up for a fast start
# and ends with ``os._exit`` as soon as the output is flushed, skipping the interpreter's teardown.
QUICK_EXIT = frozenset({"check", "explain", "medicines", "schema"})


def main() -> None:
    """The ``cramp-triage`` command: run it, then end the process without tearing it down."""
    args = sys.argv[1:]
    quick = bool(args) and args[0] in QUICK_EXIT
    if quick:
        # pydantic looks for plugins (observability hooks) in the metadata of every installed
        # package the first time it builds a validator: about 3.5 ms of a start with the test
        # extras installed, more with more packages. A quick command has no use for them (typer turns them off for its own
        # options too). The others keep pydantic's default, and a PYDANTIC_DISABLE_PLUGINS the
        # user set wins.
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        # The collector stays off: the library and the command's modules, imported next, make
        # tens of thousands of objects that live as long as the process, which each collection
        # walked for nothing (~8 ms of a `check`); the few cycles the command leaves go back to
        # the OS with the rest of the process.
        gc.disable()
    try:
        only_the_command(loaded_app(args), args)()
    except SystemExit as end:
        if quick and isinstance(end.code, int) and threading.active_count() == 1:
            _exit_now(end.code)
        raise
    finally:
        if quick:
            gc.enable()  # the quick exit was not taken (it returns only if it cannot flush)
        # The process ends as Python ends a program, but the last garbage collection of the
        # interpreter's exit, which walks every object of the process (typer's, pydantic's, the
        # pack's) only for the OS to take the memory back anyway, is skipped: frozen objects are
        # not walked. Here only, in the command's own process: the library never freezes them.
        gc.freeze()


def _exit_now(code: int) -> None:
    """End the process with ``code`` once stdout and stderr are flushed, without the
    interpreter's teardown (freeing every module and object one by one took a tenth of a
    `check` start; benchmarks/cold_start.py). Returns if a stream cannot be flushed, so that the
    usual exit reports it."""
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: the process was started with it closed
                stream.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


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
