"""``cramp-triage check``: answers in, a triage result out (text for people, ``--json`` for tools)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import typer

from .cli_app import EXIT_INTERNAL, app, fail
from .cli_intake import with_intake_options
from .errors import CrampTriageError, EngineError, IntakeError, RulePackError

RULES_OPTION = typer.Option(None, "--rules", help="Use the rule pack in this folder instead of the shipped one.")


def load_triager(rules: Optional[Path]) -> Any:
    """The ``Triager`` for ``--rules`` (or the shipped pack); errors end the command cleanly."""
    from .api import default_triager
    from .engine import Triager

    try:
        return Triager(rules) if rules is not None else default_triager()
    except RulePackError as error:
        fail(str(error))


def run_triage(triager: Any, answers: dict[str, Any]) -> Any:
    try:
        return triager.triage(answers)
    except IntakeError as error:
        fail(str(error))
    except EngineError as error:
        fail(str(error), EXIT_INTERNAL)
    except CrampTriageError as error:
        fail(str(error))


@app.command()
@with_intake_options
def check(
    answers: dict[str, Any],
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON (the stable shape)."),
    rules: Optional[Path] = RULES_OPTION,
) -> None:
    """Triage leg cramps from the answers given as options or as a JSON intake (--input).

    Example: cramp-triage check --duration 2 --location calf --during-sleep --medication "Lipitor 20 mg"
    """
    result = run_triage(load_triager(rules), answers)
    if json_output:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        from .render import render_text

        render_text(result)
