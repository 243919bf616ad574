"""The typer apps that command modules attach to, and the one way the CLI reports errors.

Each ``cli_*.py`` module adds its commands to these apps; ``cli.py`` imports them all.
Exit codes: 0 a result was given; 1 a check found problems (lint, scenarios, verify);
2 bad input or usage; 3 internal error.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

EXIT_CODES_HELP = (
    "Exit codes: 0 a result was given; 1 a check found problems; 2 bad input or usage; "
    "3 internal error."
)

app = typer.Typer(
    name="cramp-triage",
    help="Triage night-time leg cramps with explained, cited rules. Not a diagnosis.\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rules_app = typer.Typer(help="Inspect, check and draw a rule pack.", no_args_is_help=True)
scenarios_app = typer.Typer(help="Run and explore teaching scenarios (YAML vignettes).", no_args_is_help=True)
schema_app = typer.Typer(help="Print the JSON Schemas of the intake and the result.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(scenarios_app, name="scenarios")
app.add_typer(schema_app, name="schema")


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print one line on stderr and exit: the CLI's only way out on an error."""
    one_line = " ".join(str(message).split())
    print(f"cramp-triage: error: {one_line}", file=sys.stderr)
    raise typer.Exit(code)
