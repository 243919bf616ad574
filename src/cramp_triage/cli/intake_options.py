"""Intake answers on the command line: one option per ``Intake`` field, derived from the model so
the CLI, the library and scenario files share one vocabulary; plus ``--input FILE|-`` (a JSON
intake, or a scenario file with ``--case NAME``).

In ``--help`` the options come in sections (``PANELS``), each with a metavar that says what to
type (``--duration MINUTES``, ``--location PLACE``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, Optional, get_args, get_origin

import typer

from ..errors import IntakeError
from ..files import MAX_FILE_BYTES, read_bytes
from ..intake import Intake, answer_type, is_list_field, parse_intake_json

# Short names people expect (`--duration 5`, `--age 70`, `--location calf`, `--medication X`) as
# well as the field names.
_EXTRA_NAMES = {
    "duration_minutes": ["--duration"],
    "age_years": ["--age"],
    "locations": ["--location"],
    "medications": ["--medication"],
}
MAX_INPUT_BYTES = MAX_FILE_BYTES
# The sections of --help, in order, and the intake fields in each (every field in one: tested).
# Warning signs are the questions red-flag rules ask about the body; the cramps, medicines and
# age or pregnancy feed red flags too, but are listed where a person would look for them.
PANELS = {
    "Warning signs (red flags)": ["breathless_or_chest_pain", "leg_swelling", "red_warm_skin",
                                  "toxin_or_wound_exposure", "bladder_or_bowel_change", "muscle_weakness", "numbness",
                                  "nerve_symptoms", "pain_when_walking", "muscle_pain", "dark_urine"],
    "The cramps": ["duration_minutes", "eases_with_movement", "locations", "during_sleep", "cramps_per_week",
                   "sleep_disrupted", "persistent"],
    "Age, pregnancy and conditions": ["age_years", "pregnant", "liver_disease", "kidney_disease",
                                      "fluid_restriction", "underactive_thyroid", "diabetes"],
    "Medicines": ["medications"],
    "Lifestyle": ["low_fluid_intake", "intense_exercise", "poor_diet"],
}
PANEL_OF = {field: panel for panel, fields in PANELS.items() for field in fields}
INPUT_PANEL = "Input"
OUTPUT_PANEL = "Output"
# What to type after an option that takes a value; a choice of names shows them.
METAVARS = {"duration_minutes": "MINUTES", "age_years": "YEARS", "cramps_per_week": "NUMBER",
            "locations": "PLACE", "medications": "NAME"}


def _option(name: str) -> inspect.Parameter:
    info = Intake.model_fields[name]
    flag = "--" + name.replace("_", "-")
    names = [flag, *_EXTRA_NAMES.get(name, [])]
    help_text = info.description or ""
    kind = answer_type(name)
    if get_origin(kind) is Literal:  # typer takes a fixed set of choices as an Enum
        kind = StrEnum(name, [(choice, choice) for choice in get_args(kind)])
    metavar = METAVARS.get(name) or (f"[{'|'.join(get_args(answer_type(name)))}]" if kind is not bool else None)
    panel = PANEL_OF[name]
    annotation: Any
    if is_list_field(name):
        annotation = Optional[list[kind]]
        default = typer.Option(None, *names, help=help_text + " Repeatable.", metavar=metavar, rich_help_panel=panel)
    elif kind is bool:
        negative = "--no-" + name.replace("_", "-")
        annotation = Optional[bool]
        default = typer.Option(None, f"{flag}/{negative}", help=help_text, rich_help_panel=panel)
    else:
        annotation = Optional[kind]
        default = typer.Option(None, *names, help=help_text, metavar=metavar, rich_help_panel=panel)
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


INPUT_OPTION = inspect.Parameter(
    "input_file",
    inspect.Parameter.KEYWORD_ONLY,
    default=typer.Option(None, "--input", "-i", metavar="FILE", rich_help_panel=INPUT_PANEL,
                         help="Read the answers from FILE: a JSON intake ('-' for stdin), or a scenario file "
                              "(*.scenario.yaml). Options override it."),
    annotation=Optional[str],
)
CASE_OPTION = inspect.Parameter(
    "case",
    inspect.Parameter.KEYWORD_ONLY,
    default=typer.Option(None, "--case", metavar="NAME", rich_help_panel=INPUT_PANEL,
                         help="With a scenario file of several cases: the case whose answers to use."),
    annotation=Optional[str],
)
SCENARIO_SUFFIXES = (".yaml", ".yml")


def with_intake_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command one option per intake field, ``--input`` and ``--case``; it receives
    ``answers``: the merged, not yet validated mapping of known answers, or ``None`` when neither
    an option nor ``--input`` was given (nothing was said, which is not the same as an empty
    intake). A command with an ``answer_args`` parameter also receives the arguments that give
    the same answers again (``None`` when they cannot: stdin was read)."""
    ours = ("answers", "answer_args")
    own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
           for p in inspect.signature(command).parameters.values() if p.name not in ours]
    wants_args = "answer_args" in inspect.signature(command).parameters
    fields = list(Intake.model_fields)

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        input_file, case = kwargs.pop("input_file"), kwargs.pop("case")
        options = {name: kwargs.pop(name) for name in fields}
        given = input_file is not None or any(value not in (None, []) for value in options.values())
        if case is not None and not _is_scenario(input_file):
            raise IntakeError("--case names a case of a scenario file: give one with --input FILE.scenario.yaml")
        answers = merge_answers(input_file, options, case, kwargs.get("rules")) if given else None
        if wants_args:
            kwargs["answer_args"] = same_answers(input_file, case, options) if given else None
        return command(answers=answers, **kwargs)

    # In --help: the answers by section, then where they come from, then the command's own.
    params = [_option(name) for names in PANELS.values() for name in names] + [INPUT_OPTION, CASE_OPTION] + own
    wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    del wrapper.__wrapped__  # typer must read the new signature, not the original
    return wrapper


def read_input(source: str) -> dict[str, Any]:
    """The JSON intake in a file or on stdin, as a mapping (validated here, re-validated later).
    A file must be a regular file; either is read up to ``MAX_INPUT_BYTES`` and no further."""
    raw = read_bytes(source, IntakeError, MAX_INPUT_BYTES, stdin=True)
    if not raw.strip():
        raise IntakeError("input is empty: expected a JSON object of intake answers")
    return parse_intake_json(raw).answered()


def _is_scenario(source: str | None) -> bool:
    return source is not None and source != "-" and source.lower().endswith(SCENARIO_SUFFIXES)


def read_scenario(source: str, case: str | None, rules: Path | None) -> dict[str, Any]:
    """The answers of one case of a scenario file (checked against the rule pack in use)."""
    from ..scenarios import load_scenario_file

    cases = load_scenario_file(Path(source), _pack(rules))
    names = ", ".join(c.name for c in cases)
    if case is None:
        if len(cases) > 1:
            raise IntakeError(f"{source} holds {len(cases)} cases: choose one with --case NAME ({names})")
        return dict(cases[0].given)
    chosen = [c for c in cases if case in (c.name, c.id)]
    if not chosen:
        raise IntakeError(f"{source} has no case {case!r}; its cases: {names}")
    return dict(chosen[0].given)


def _pack(rules: Path | None) -> Any:
    """The pack the command will triage with (the shipped one is loaded once per process)."""
    from ..api import default_triager
    from .app import load_pack

    return default_triager().pack if rules is None else load_pack(rules)


def merge_answers(input_file: str | None, options: dict[str, Any], case: str | None = None,
                  rules: Path | None = None) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    if _is_scenario(input_file):
        answers = read_scenario(str(input_file), case, rules)
    elif input_file:
        answers = read_input(input_file)
    answers.update(_given(options))
    return answers


def _given(options: dict[str, Any]) -> dict[str, Any]:
    """The options given, as intake answers."""
    return {name: [getattr(v, "value", v) for v in value] if isinstance(value, list) else getattr(value, "value", value)
            for name, value in options.items() if value is not None and value != []}


def same_answers(input_file: str | None, case: str | None, options: dict[str, Any]) -> list[str] | None:
    """Arguments that give these answers again: ``--input FILE`` (and ``--case``) and the
    options given; ``None`` when stdin was read (it cannot be read again)."""
    if input_file == "-":
        return None
    args = ["--input", input_file] if input_file else []
    args += ["--case", case] if case else []
    return args + answer_options(_given(options))


def answer_options(answers: dict[str, Any]) -> list[str]:
    """The command-line options for intake answers: ``{"duration_minutes": 2}`` is
    ``--duration 2``; a list repeats its option."""
    args: list[str] = []
    for name, value in answers.items():
        flag = (_EXTRA_NAMES.get(name) or ["--" + name.replace("_", "-")])[0]
        if isinstance(value, bool):
            args.append(flag if value else "--no-" + name.replace("_", "-"))
        elif isinstance(value, list):
            args += [part for item in value for part in (flag, str(item))]
        else:
            number = isinstance(value, float) and value.is_integer()
            args += [flag, str(int(value)) if number else str(value)]
    return args
