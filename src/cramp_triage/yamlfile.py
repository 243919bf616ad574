"""Reading YAML files, the one way: YAML 1.2 (core schema) on libyaml's C parser.

``yes``/``no``/``on``/``off``, ``1:30`` (base 60), ``012`` (octal) and ``1_000`` mean different
things in YAML 1.1, so they are refused with a hint rather than guessed (every one in the file,
not only the first; a caller that checks the data further can take them as problems of their
own, with the value read as YAML 1.2 reads it: text). No tags, no aliases, no merge keys, no
duplicate keys, nesting at most ``MAX_DEPTH`` deep; each key's and item's line comes from the same
parse. Files are read as ``files.py`` reads them (regular files, bounded).

A module of its own: a start that takes its rule pack from the cache reads no YAML, and neither
PyYAML nor the patterns below are loaded for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CrampTriageError, Problem
from .files import MAX_FILE_BYTES, ErrorType, read_text

if TYPE_CHECKING:
    import yaml

MAX_DEPTH = 64  # lists and mappings inside each other; the deepest real file nests 6

Loc = tuple[str | int, ...]

_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCTAL = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN = re.compile(r"\.(nan|NaN|NAN)\Z")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]")
# Plain words and numbers that YAML 1.1 (PyYAML's reading) and YAML 1.2 read differently.
_TRAPS = (
    (re.compile(r"(yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)\Z"),
     "is yes/no in YAML 1.1 but text in YAML 1.2: write true or false, or quote it if you mean the word"),
    (re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?\Z"),
     "is a base-60 number in YAML 1.1 (1:30 would be read as 90): write the number you mean (1.5 for one and "
     "a half), or quote it if it is text"),
    (re.compile(r"[-+]?(0b[01_]+|[0-9][0-9_]*_[0-9_]*(\.[0-9_]*)?)\Z"),
     "is a number in YAML 1.1 but text in YAML 1.2: write plain digits, or quote it"),
)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its data, and the line of each mapping key and list item in it.

    ``traps`` (only with ``keep_traps``): each plain value that YAML 1.1 reads differently
    (``1:30``, ``yes``, ``012``), by where it is, with its line and why; ``data`` holds it as text.
    """

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    traps: dict[Loc, tuple[int, str]] = field(default_factory=dict)

    def line(self, loc: Loc) -> int | None:
        """The line of ``loc`` (e.g. ``("given", "pregnant")``), or of its nearest parent in the file."""
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return None


class _Refused(Exception):
    def __init__(self, event: Any, message: str) -> None:
        super().__init__(message)
        self.line = event.start_mark.line + 1


class _Trap(_Refused):
    """A plain value YAML 1.1 reads as something else: YAML 1.2 reads it as text."""


def _scalar(event: yaml.ScalarEvent) -> Any:
    """A scalar's value by the YAML 1.2 core schema; YAML 1.1 readings that differ are refused."""
    value = event.value
    if event.tag not in (None, "!"):
        if event.tag == _STR:
            return value
        raise _Refused(event, f"tags ({event.tag}) are not allowed in this file")
    if event.style or not event.implicit[0]:  # quoted, or a block of text: always text
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value) or _FLOAT.match(value):
        if _LEADING_ZERO.match(value):
            raise _Trap(event, f"{value!r} has a leading zero (an octal number in YAML 1.1): "
                                  "write it without the zero, or quote it")
        return int(value) if _INT.match(value) else float(value)
    if _OCTAL.match(value):
        return int(value[2:], 8)
    if _HEX.match(value):
        return int(value[2:], 16)
    if _INF.match(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.match(value):
        return float("nan")
    for pattern, why in _TRAPS:
        if pattern.match(value):
            raise _Trap(event, f"{value!r} {why}")
    return value


class _Open:
    """A list or mapping being read: where it is, and the key waiting for its value."""

    __slots__ = ("key", "loc", "value")

    def __init__(self, value: list[Any] | dict[Any, Any], loc: Loc) -> None:
        self.value = value
        self.loc = loc
        self.key: Any = _NO_KEY


_NO_KEY = object()


def _build(events: Any, traps: dict[Loc, tuple[int, str]]) -> tuple[Any, dict[Loc, int]]:
    """Python values from libyaml's event stream, in one pass and without recursion, with the
    line of every key and item. An alias is refused where it stands, before anything expands;
    YAML 1.1 traps are noted in ``traps`` (read as text), so every one in the file is found."""
    import yaml

    lines: dict[Loc, int] = {}
    stack: list[_Open] = []
    root: Any = None
    documents = 0
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Refused(event, "a file holds one YAML document; remove the second '---'")
            continue
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event, "aliases (*name) are not allowed in this file")
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            value: Any = stack.pop().value
        elif isinstance(event, yaml.ScalarEvent):
            try:
                value = _scalar(event)
            except _Trap as trap:
                value = event.value
                traps[_scalar_loc(stack, value)] = (trap.line, str(trap))
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            kind = yaml.SequenceStartEvent if isinstance(event, yaml.SequenceStartEvent) else None
            if event.tag not in (None, "!", _SEQ if kind else _MAP):
                raise _Refused(event, f"tags ({event.tag}) are not allowed in this file")
            parent = stack[-1] if stack else None
            if parent is not None and isinstance(parent.value, dict) and parent.key is _NO_KEY:
                raise _Refused(event, "a key must be a plain word or number, not a list or mapping")
            loc = _child_loc(parent, event, lines) if parent is not None else ()
            if len(stack) >= MAX_DEPTH:
                raise _Refused(event, f"nested more than {MAX_DEPTH} levels deep")
            stack.append(_Open([] if kind else {}, loc))
            continue
        else:  # stream start and end, document end
            continue
        if not stack:
            root = value
            continue
        top = stack[-1]
        if isinstance(top.value, list):
            if isinstance(event, yaml.ScalarEvent):
                _child_loc(top, event, lines)
            top.value.append(value)
        elif top.key is _NO_KEY:
            if value in top.value:
                first = lines.get(top.loc + (value,))
                raise _Refused(event, f"key {value!r} is given twice (first on line {first}); keep one")
            top.key = value
            lines[top.loc + (value,)] = event.start_mark.line + 1
        else:
            top.value[top.key] = value
            top.key = _NO_KEY
    return root, lines


def _scalar_loc(stack: list[_Open], value: Any) -> Loc:
    """Where a scalar about to be added to the top of ``stack`` will be (a key: its own place)."""
    if not stack:
        return ()
    top = stack[-1]
    if isinstance(top.value, list):
        return top.loc + (len(top.value),)
    return top.loc + (value if top.key is _NO_KEY else top.key,)


def _child_loc(parent: _Open, event: Any, lines: dict[Loc, int]) -> Loc:
    """The path of the value starting at ``event`` inside ``parent``; a list item's line is noted."""
    if isinstance(parent.value, list):
        loc = parent.loc + (len(parent.value),)
        lines[loc] = event.start_mark.line + 1
        return loc
    return parent.loc + (parent.key,)


def parse_yaml_document(text: str, where: str, error: ErrorType = CrampTriageError, *,
                        keep_traps: bool = False) -> YamlDocument:
    """Parse YAML text (see the module docstring); ``where`` names it in errors. Values YAML 1.1
    reads differently are refused, all at once; with ``keep_traps`` they are kept as text and
    listed in ``traps`` instead, for a caller that reports them with its own problems."""
    if len(text) > MAX_FILE_BYTES:
        raise error(f"cannot read {where}", [Problem(where, f"text is over {MAX_FILE_BYTES} characters")])
    # Imported here, not above: a start that takes its rule pack from the cache reads no YAML,
    # and PyYAML's import (about 20 ms) was a tenth of such a start.
    import yaml

    traps: dict[Loc, tuple[int, str]] = {}
    try:
        data, lines = _build(yaml.parse(text, Loader=_loader(yaml)), traps)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"invalid YAML in {where}", [Problem(f"{where}{line}", str(problem))]) from None
    except _Refused as exc:
        raise error(f"invalid YAML in {where}", [Problem(f"{where} (line {exc.line})", str(exc))]) from None
    if traps and not keep_traps:
        raise error(f"invalid YAML in {where}", [Problem(f"{where} (line {line})", why)
                                                 for line, why in sorted(traps.values())])
    return YamlDocument(data, lines, traps if keep_traps else {})


def parse_yaml(text: str, where: str, error: ErrorType = CrampTriageError) -> Any:
    return parse_yaml_document(text, where, error).data


def read_yaml_document(path: str | Path, error: ErrorType = CrampTriageError, *,
                       keep_traps: bool = False) -> YamlDocument:
    """One YAML file with its line numbers; ``error`` names the file (and line) on any fault."""
    return parse_yaml_document(read_text(path, error), str(path), error, keep_traps=keep_traps)


def read_yaml(path: str | Path, error: ErrorType = CrampTriageError) -> Any:
    return read_yaml_document(path, error).data


def _loader(yaml: Any) -> type:
    # libyaml's C parser where it is there (the pure-Python one also rejects some files libyaml
    # accepts); only its events are used, so no PyYAML typing (YAML 1.1) is applied.
    return getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # type: ignore[no-any-return]
