"""The typer apps that command modules attach to, and the one way the CLI reports errors.

Each module of ``cli/`` adds its commands to these apps; ``cli/__init__.py`` imports those the
command run needs (``COMMAND_MODULES``), or all of them.
Exit codes: 0 a result was given; 1 a check found problems (lint, scenarios, verify);
2 bad input or usage, or input and output that cannot be read or written (a full disk, a
closed stdout); 3 internal error; 130 stopped by Ctrl-C (or Ctrl-D at a question); 141 the reader of stdout went away
(a broken pipe: nothing is printed, as a shell reports a program the pipe closed on); 143
``batch`` stopped by SIGTERM. Every error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from ..untrusted import printable
from .streams import PipeClosed, safe_streams

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE

EXIT_CODES_HELP = (
    "Exit codes: 0 a result was given; 1 a check found problems; 2 bad input or usage, or a file "
    "that cannot be read or written; 3 internal error; 130 stopped (Ctrl-C, or Ctrl-D at a "
    "question); 141 stdout closed by its reader (a broken pipe)."
)


def _one_line(message: str) -> str:
    """One line, whatever the text: control and bidi characters written as \\uXXXX."""
    return printable(" ".join(str(message).split()))


class FullSummaries(TyperGroup):
    """Plain help that lists each command with the whole first paragraph of its help, wrapped,
    instead of cutting it to fit one line with "..."."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                summary = command.short_help or (command.help or "").strip().split("\n\n")[0]
                rows.append((name, " ".join(summary.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class Sections(TyperCommand):
    """Plain help with the options in sections (``rich_help_panel`` names each option's), in
    the order first met: no boxes, and rich is not imported to show it."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                default = "Arguments" if param.param_type_name == "argument" else "Other options"
                sections.setdefault(getattr(param, "rich_help_panel", None) or default, []).append(record)
        for title, records in sections.items():
            with formatter.section(title):
                formatter.write_dl(records)


class OneLineErrors(FullSummaries):
    """Runs the app without click's standalone handling, so that a usage error (unknown option,
    bad value) is one plain line on stderr with exit code 2 instead of a boxed message, and an
    unexpected exception is one line with exit code 3 instead of a traceback."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        with safe_streams():
            try:
                code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
                sys.stdout.flush()  # here, not at exit: a write that fails must set the exit code
            except typer.Abort:
                print("cramp-triage: stopped", file=sys.stderr)
                code = EXIT_INTERRUPTED
            except Exception as error:  # noqa: BLE001 - a bug must still end in one line
                code = _report(error)
        if not isinstance(code, int):  # a command returned normally
            code = EXIT_OK
        if standalone_mode:
            sys.exit(code)
        return code


def _report(error: Exception) -> int:
    """Print one line for an error and return its exit code: the one place errors become codes."""
    from ..errors import CrampTriageError, EngineError

    if _is_usage_error(error):
        context = getattr(error, "ctx", None)
        if context is not None and error.format_message() == context.get_help():  # type: ignore[attr-defined]
            # `cramp-triage rules` alone: show what it offers.
            print(context.get_help(), file=sys.stderr)
            return EXIT_BAD_INPUT
        hint = f" (see '{context.command_path} --help')" if context is not None else ""
        print(f"cramp-triage: error: {_one_line(error.format_message())}{hint}", file=sys.stderr)  # type: ignore[attr-defined]
        return int(error.exit_code)  # type: ignore[attr-defined]
    if isinstance(error, PipeClosed):  # quiet: `cramp-triage ... | head` is not an error to report
        _drop_stdout()
        return EXIT_BROKEN_PIPE
    if isinstance(error, OSError):
        return _io_failure(error)
    user_error = isinstance(error, CrampTriageError) and not isinstance(error, EngineError)
    kind = "error" if isinstance(error, CrampTriageError) else f"internal error ({type(error).__name__})"
    print(f"cramp-triage: {kind}: {_one_line(str(error))}", file=sys.stderr)
    return EXIT_BAD_INPUT if user_error else EXIT_INTERNAL


def _io_failure(error: OSError) -> int:
    """A read or write the system refused: a full disk, a closed or unwritable output: exit 2,
    with the reason. (A reader that went away is ``PipeClosed``: 141, quietly.)"""
    if isinstance(error, BrokenPipeError):  # a pipe other than stdout
        _drop_stdout()
        return EXIT_BROKEN_PIPE
    where = f" {error.filename}" if error.filename else ""
    reason = error.strerror or str(error)
    print(f"cramp-triage: error: cannot read or write{printable(where)}: {_one_line(reason)}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit finds no broken pipe to
    complain about (its "Exception ignored" message and exit code 120)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno())  # type: ignore[union-attr]
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass


def _is_usage_error(error: Exception) -> bool:
    """A click usage error (unknown option, bad value, missing argument). Recognised by its public
    shape, not its class: typer vendors click under a private name, and older typers use click."""
    return callable(getattr(error, "format_message", None)) and isinstance(getattr(error, "exit_code", None), int)


def _show_version(value: bool) -> None:
    if not value:
        return
    from .. import __version__
    from ..pack import RulePack, default_rules_path

    try:
        pack = RulePack.load(default_rules_path())
        pack_text = f"rule pack {pack.name} {pack.version}"
    except Exception as error:  # noqa: BLE001 - --version must still print the library version
        pack_text = f"rule pack unreadable: {_one_line(str(error))}"
    print(f"cramp-triage {__version__} ({pack_text})")
    raise typer.Exit()


# The shipped pack's regions (rules/regions.yaml), for help text that must not read the pack;
# a test holds them to the pack. `cramp-triage rules regions` shows each one's services.
SHIPPED_REGIONS = "UK, IE, EU, US, AU, NZ or CA (default UK)"

app = typer.Typer(
    name="cramp-triage",
    cls=OneLineErrors,
    help="Triage night-time leg cramps with explained, cited rules. Not a diagnosis.\n\n"
         f"The emergency number and where to get help today follow --region: {SHIPPED_REGIONS}.\n\n"
         + EXIT_CODES_HELP,
    no_args_is_help=True,
    # --install-completion and --show-completion (bash, zsh, fish, PowerShell).
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help, wrapped by paragraph like git's or pip's; no boxes, and rich is not imported.
    # `check` and `explain` group their options in sections (`Sections`).
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rules_app = typer.Typer(help="Inspect, check and draw a rule pack.", no_args_is_help=True, rich_markup_mode=None,
                        cls=FullSummaries)
scenarios_app = typer.Typer(help="Run and explore teaching scenarios (YAML vignettes).", no_args_is_help=True,
                            rich_markup_mode=None, cls=FullSummaries)
schema_app = typer.Typer(help="Print the JSON Schemas of the intake and the result.", no_args_is_help=True,
                         rich_markup_mode=None, cls=FullSummaries)
app.add_typer(rules_app, name="rules")
app.add_typer(scenarios_app, name="scenarios")
app.add_typer(schema_app, name="schema")


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", callback=_show_version, is_eager=True,
                                 help="Show the library and rule pack versions and exit."),
) -> None:
    pass


# `--rules PATH` on every command that reads a rule pack.
RULES_OPTION: Any = typer.Option(
    None, "--rules", metavar="PATH", help="Use the rule pack in this folder instead of the shipped one.",
    rich_help_panel="Input")


def _region_code(value: Optional[str]) -> Optional[str]:
    return value.strip().upper() if value is not None else None  # people type "au" as often as "AU"


# `--region CODE` on every command whose words name emergency or same-day services. Whether the
# code is one of the pack's is checked by the library, which names those the pack has.
REGION_OPTION: Any = typer.Option(
    None, "--region", metavar="CODE", callback=_region_code,
    help=f"Where you are, for the emergency number and where to get help today: {SHIPPED_REGIONS}; "
         "any case. `cramp-triage rules regions` lists each one's services.")


def load_pack(rules: Optional[Path]) -> Any:
    """The ``RulePack`` for ``--rules`` (or the shipped pack)."""
    from ..pack import RulePack, default_rules_path

    return RulePack.load(rules if rules is not None else default_rules_path())


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print one line on stderr and exit: the CLI's only way out on an error."""
    print(f"cramp-triage: error: {_one_line(message)}", file=sys.stderr)
    raise typer.Exit(code)
