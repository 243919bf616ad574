"""Intake answers on the command line: one option per ``Intake`` field, derived from the model so
the CLI, the library and scenario files share one vocabulary; plus ``--input FILE|-``.
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


def _option(name: str) -> inspect.Parameter:
    info = Intake.model_fields[name]
    flag = "--" + name.replace("_", "-")
    names = [flag, *_EXTRA_NAMES.get(name, [])]
    help_text = info.description or ""
    kind = answer_type(name)
    if get_origin(kind) is Literal:  # typer takes a fixed set of choices as an Enum
        kind = StrEnum(name, [(choice, choice) for choice in get_args(kind)])
    annotation: Any
    if is_list_field(name):
        annotation, default = Optional[list[kind]], typer.Option(None, *names, help=help_text + " Repeatable.")
    elif kind is bool:
        negative = "--no-" + name.replace("_", "-")
        annotation = Optional[bool]
        default = typer.Option(None, f"{flag}/{negative}", help=help_text + " Leave out if not known.")
    else:
        annotation, default = Optional[kind], typer.Option(None, *names, help=help_text)
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


INPUT_OPTION = inspect.Parameter(
    "input_file",
    inspect.Parameter.KEYWORD_ONLY,
    default=typer.Option(None, "--input", "-i", metavar="FILE", help="Read a JSON intake from FILE ('-' for stdin). Options override it."),
    annotation=Optional[str],
)


def with_intake_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command one option per intake field and ``--input``; it receives ``answers``: the
    merged, not yet validated mapping of known answers, or ``None`` when neither an option nor
    ``--input`` was given (nothing was said, which is not the same as an empty intake)."""
    own = [p for p in inspect.signature(command).parameters.values() if p.name != "answers"]
    fields = list(Intake.model_fields)

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        input_file = kwargs.pop("input_file")
        options = {name: kwargs.pop(name) for name in fields}
        given = input_file is not None or any(value not in (None, []) for value in options.values())
        return command(answers=merge_answers(input_file, options) if given else None, **kwargs)

    params = own + [INPUT_OPTION] + [_option(name) for name in fields]
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


def merge_answers(input_file: str | None, options: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = read_input(input_file) if input_file else {}
    for name, value in options.items():
        if value is None or value == []:
            continue
        answers[name] = [getattr(v, "value", v) for v in value] if isinstance(value, list) else value
    return answers
