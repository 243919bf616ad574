"""``cramp-triage check``: answers in, a triage result out (text for people, ``--json`` for tools).

Answers come from options, a JSON intake (``--input``), or, when none is given and stdin is a
terminal, a guided interview whose questions go to stderr so ``--json`` output stays clean.
With no answers at all and no terminal to ask in, it refuses: an answer to nothing would read
as reassurance.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import typer

from .app import REGION_OPTION, RULES_OPTION, app, fail
from .intake_options import with_intake_options

NO_INPUT_OPTION: Any = typer.Option(
    False, "--no-input", help="Never ask questions; unanswered means don't know. Implied when stdin is not a "
                              "terminal.")


def load_triager(rules: Optional[Path]) -> Any:
    """The ``Triager`` for ``--rules`` (or the shipped pack)."""
    from ..api import default_triager
    from ..triager import Triager

    return Triager(rules) if rules is not None else default_triager()


def gather_answers(triager: Any, answers: dict[str, Any] | None, no_input: bool) -> dict[str, Any]:
    """The answers given, or, with none given in a terminal, the answers of an interview (with
    none given and no terminal: no answers at all)."""
    if answers is not None:
        return answers
    if no_input or not sys.stdin.isatty():
        return {}
    return interview(triager)


def interview(triager: Any) -> dict[str, Any]:
    """Ask one question at a time on stderr and read the answers from stdin."""
    say = sys.stderr
    try:
        return _ask(triager)
    except KeyboardInterrupt:  # anywhere in the questions, not only while waiting for a line
        print("\ncramp-triage: stopped; nothing was triaged", file=say)
        raise typer.Exit(130) from None


def _ask(triager: Any) -> dict[str, Any]:
    from ..interview import UNKNOWN, interview_for, next_question, parse_answer

    say = sys.stderr
    print("A few questions about your cramps. Answer y (yes), n (no) or ? (don't know);"
          " press Ctrl-C to stop.", file=say)
    answers: dict[str, Any] = {}
    settled: set[str] = set()  # asked, answered or not: "don't know" is not asked again
    while (question := next_question(answers, triager, asked=settled)) is not None:
        if question.suggested_by:  # a medicine suggests the condition; the person answers it
            print(f"\n(Asked because you take {', '.join(question.suggested_by)}.)", end="", file=say)
        print(f"\n{question.text} [{question.hint}] ", end="", file=say, flush=True)
        line = sys.stdin.readline()
        if not line:
            print(file=say)
            fail("the questions were stopped before the end; nothing was triaged")
        try:
            value = parse_answer(question, line)
        except ValueError as error:
            print(f"  {error}", file=say)
            continue
        settled.add(question.field)
        if value is not UNKNOWN:
            answers[question.field] = value
    if interview_for(triager).level(answers) == "emergency":
        print("\nNo more questions: this needs emergency help now.", file=say)
    print(file=say)
    return answers


@app.command(epilog="Example: cramp-triage check --duration 2 --location calf --during-sleep --medication 'Lipitor 20 mg'")
@with_intake_options
def check(
    answers: dict[str, Any] | None,
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON (the stable shape)."),
    no_input: bool = NO_INPUT_OPTION,
    rules: Optional[Path] = RULES_OPTION,
    region: Optional[str] = REGION_OPTION,
) -> None:
    """Triage leg cramps: answers as options, a JSON intake (--input), or a short interview.

    In a terminal with no answers given, check asks one question at a time (on stderr);
    with no answers and no terminal (or --no-input) it refuses, exit code 2.
    The result gives the level first, what to do now and if it gets worse, possible causes,
    whom to see and self-care steps. Not a diagnosis.

    Exit codes: 0 a result was given; 2 bad input or usage; 3 internal error.
    """
    if answers is None and (no_input or not sys.stdin.isatty()):
        # A self-care answer to nothing would read as reassurance; explain still shows what the
        # rules make of no answers, for teaching.
        fail("no answers given: pass answers as options or --input FILE (or - for stdin), "
             "or run in a terminal to be asked")
    triager = load_triager(rules)
    triager.pack.wording(region)  # an unknown region fails before any question is asked
    result = triager.triage(gather_answers(triager, answers, no_input), region)
    if json_output:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        from .render import render_text

        render_text(result)
