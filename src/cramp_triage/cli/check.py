"""``cramp-triage check``: answers in, a triage result out (text for people, ``--json`` for tools).

Answers come from options, ``--input`` (a JSON intake or a scenario file), or, when none is
given and stdin is a terminal, a guided interview (``interview.py``) whose questions go to
stderr so ``--json`` output stays clean. With no answers at all and no terminal to ask in, it
refuses: an answer to nothing would read as reassurance. ``--save-answers FILE`` keeps the
answers as a JSON intake, so ``explain`` can be run on the very same answers.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import typer

from .app import REGION_OPTION, RULES_OPTION, Sections, app, fail
from .intake_options import INPUT_PANEL, OUTPUT_PANEL, with_intake_options

NO_INPUT_OPTION: Any = typer.Option(
    False, "--no-input", rich_help_panel=INPUT_PANEL,
    help="Never ask questions; unanswered means don't know. Implied when stdin is not a terminal.")


def load_triager(rules: Optional[Path]) -> Any:
    """The ``Triager`` for ``--rules`` (or the shipped pack)."""
    from ..api import default_triager
    from ..triager import Triager

    return Triager(rules) if rules is not None else default_triager()


def can_ask(no_input: bool) -> bool:
    """Is there a person at a terminal to ask?"""
    return not no_input and sys.stdin.isatty()


def gather_answers(triager: Any, answers: dict[str, Any] | None, no_input: bool,
                   color: bool | None = None, region: str | None = None) -> dict[str, Any]:
    """The answers given, or, with none given in a terminal, the answers of an interview (with
    none given and no terminal: no answers at all)."""
    if answers is not None:
        return answers
    if not can_ask(no_input):
        return {}
    from .interview import interview

    return interview(triager, color, region)


@app.command(cls=Sections,
             epilog="Example: cramp-triage check --duration 2 --location calf --during-sleep --medication 'Lipitor 20 mg'")
@with_intake_options
def check(
    answers: dict[str, Any] | None,
    answer_args: list[str] | None,
    json_output: bool = typer.Option(False, "--json", rich_help_panel=OUTPUT_PANEL,
                                     help="Print the result as JSON (the stable shape)."),
    no_color: bool = typer.Option(False, "--no-color", rich_help_panel=OUTPUT_PANEL,
                                  help="No colour in the questions or the result (as NO_COLOR=1 does)."),
    save_answers: Optional[Path] = typer.Option(
        None, "--save-answers", metavar="FILE", rich_help_panel=OUTPUT_PANEL,
        help="Save the answers to FILE as a JSON intake (what --input reads), to run explain on them. An "
             "existing file is replaced only when you say so in a terminal."),
    no_input: bool = NO_INPUT_OPTION,
    rules: Optional[Path] = RULES_OPTION,
    region: Optional[str] = REGION_OPTION,
) -> None:
    """Triage leg cramps: answers as options, a JSON intake or scenario file (--input), or a short
    interview.

    Every answer is optional: leave out what is not known. In a terminal with no answers given,
    check asks one question at a time (on stderr), saying at once when the answers make it
    urgent; with no answers and no terminal (or --no-input) it refuses, exit code 2. The
    result gives the level first, what to do now and if it gets worse, possible causes, whom
    to see and self-care steps. Not a diagnosis.

    Exit codes: 0 a result was given; 2 bad input or usage; 3 internal error; 130 the questions
    were stopped (Ctrl-C or Ctrl-D).
    """
    interactive = can_ask(no_input)
    if answers is None and not interactive:
        # A self-care answer to nothing would read as reassurance; explain still shows what the
        # rules make of no answers, for teaching.
        fail("no answers given: pass answers as options or --input FILE (or - for stdin), "
             "or run in a terminal to be asked")
    if save_answers is not None and save_answers.exists() and not interactive:
        fail(f"{save_answers} exists and was not replaced: --save-answers replaces a file only when asked in a "
             "terminal; remove it or choose another name")
    color = False if no_color else None
    triager = load_triager(rules)
    triager.pack.wording(region)  # an unknown region fails before any question is asked
    asked = answers is None
    answers = gather_answers(triager, answers, no_input, color, region)
    result = triager.triage(answers, region)
    saved = None
    if save_answers is not None:
        from .interview import save_asking

        saved = save_asking(save_answers, answers, color)
    if json_output:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        from .render import render_text
        from .saved_answers import explain_command

        args = ["--input", str(saved)] if saved is not None else answer_args
        command = explain_command(args, rules, region) if args is not None else None
        render_text(result, color=color, explain_command=command)
    if asked and save_answers is None:
        from .interview import offer_to_save

        sys.stdout.flush()  # the result first, then the question
        offer_to_save(answers, rules, color, region)
