"""Reading input files, the one way: a text reader, a YAML reader and a JSON reader.

- Every read takes a regular file (or stdin, where the caller allows ``-``), opened without
  blocking so a named pipe cannot hang it, and reads at most ``limit`` bytes: a device such as
  ``/dev/zero``, a FIFO or a file that keeps growing is refused with an error naming the file.
- YAML is read as YAML 1.2 (core schema) on libyaml's C parser: ``yes``/``no``/``on``/``off``,
  ``1:30`` (base 60), ``012`` (octal) and ``1_000`` mean different things in YAML 1.1, so they
  are refused with a hint rather than guessed (every one in the file, not only the first; a
  caller that checks the data further can take them as problems of their own, with the value
  read as YAML 1.2 reads it: text). No tags, no aliases, no merge keys, no duplicate keys,
  nesting at most ``MAX_DEPTH`` deep; each key's and item's line comes from the same parse.
- JSON refuses duplicate keys and bounds nesting.

Every fault is a ``CrampTriageError`` (or the subclass the caller names) naming the file.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .errors import CrampTriageError, Problem

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 64  # lists and mappings inside each other; the deepest real file nests 6

if TYPE_CHECKING:
    import yaml

ErrorType = type[CrampTriageError]
Loc = tuple[str | int, ...]

# --- bytes and text ---------------------------------------------------------------------------


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def open_regular(source: str | Path, error: ErrorType = CrampTriageError) -> BinaryIO:
    """A regular file opened for reading; anything else (a device, a FIFO, a folder) is refused,
    without waiting: a named pipe is opened non-blocking, then refused."""
    name = str(source)
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise error(f"cannot read {name}", [Problem(name, exc.strerror or str(exc))]) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise error(f"cannot read {name}", [Problem(name, f"{_kind(mode)}, not a regular file")])
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(source: str | Path, error: ErrorType = CrampTriageError, limit: int = MAX_FILE_BYTES,
               *, stdin: bool = False) -> bytes:
    """The bytes of a regular file (or of stdin for ``-`` when ``stdin`` is set), at most ``limit``."""
    name = str(source)
    if stdin and name == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise error(f"cannot read {name}", [Problem("stdin", f"input is over {limit} bytes; the limit is {limit}")])
        return data
    with open_regular(name, error) as file:
        try:
            size = os.fstat(file.fileno()).st_size
            if size > limit:
                raise error(f"cannot read {name}", [Problem(name, f"file is {size} bytes; the limit is {limit}")])
            data = file.read(limit + 1)
        except OSError as exc:
            raise error(f"cannot read {name}", [Problem(name, exc.strerror or str(exc))]) from None
    if len(data) > limit:  # it grew while we read it, or its size is not known (/proc)
        raise error(f"cannot read {name}", [Problem(name, f"file is over {limit} bytes; the limit is {limit}")])
    reads = _reads.get()
    if reads is not None:
        reads.append((name, data))
    return data


_reads: ContextVar[list[tuple[str, bytes]] | None] = ContextVar("cramp_triage_reads", default=None)


@contextmanager
def recording_reads() -> Iterator[list[tuple[str, bytes]]]:
    """Note every file read through this module in the block (in this thread or task), as its
    name and the bytes read: what was built from files can then be keyed by exactly those
    files (``pack/snapshot.py``), however the code that read them chose them."""
    reads: list[tuple[str, bytes]] = []
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


def read_private(path: str | Path, limit: int, error: ErrorType = CrampTriageError) -> bytes:
    """``read_bytes`` for a file only this user may read or write (a key): one owned by someone
    else, or open to others, is refused."""
    name = str(path)
    with open_regular(name, error) as file:
        try:
            status = os.fstat(file.fileno())
            getuid = getattr(os, "getuid", None)
            if (getuid is not None and status.st_uid != getuid()) or status.st_mode & 0o077:
                raise error(f"cannot read {name}", [Problem(name, "not a private file of this user")])
            data = file.read(limit + 1)
        except OSError as exc:
            raise error(f"cannot read {name}", [Problem(name, exc.strerror or str(exc))]) from None
    if len(data) > limit:
        raise error(f"cannot read {name}", [Problem(name, f"file is over {limit} bytes; the limit is {limit}")])
    return data


def read_text(source: str | Path, error: ErrorType = CrampTriageError, limit: int = MAX_FILE_BYTES,
              *, stdin: bool = False) -> str:
    """A UTF-8 text file (a leading byte-order mark is dropped), read as ``read_bytes`` reads."""
    data = read_bytes(source, error, limit, stdin=stdin)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        name = str(source)
        raise error(f"cannot read {name}", [Problem(name, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) from None


# --- YAML -------------------------------------------------------------------------------------

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


# --- JSON -------------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise _DuplicateKey(key)
        mapping[key] = value
    return mapping


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _NotJson:
    """Where Python's JSON reader met NaN, Infinity or -Infinity (JavaScript, not JSON)."""

    def __init__(self, name: str) -> None:
        self.name = name


def parse_json(text: str | bytes, where: str, error: ErrorType = CrampTriageError) -> Any:
    """Parse one strict JSON document: a key given twice in an object is refused, naming the key,
    and so are NaN and Infinity (not JSON), naming the key of a top-level one."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_NotJson)
    except _DuplicateKey as exc:
        raise error(f"invalid {where}", [Problem(exc.key, "given twice; give each key once")]) from None
    except RecursionError:
        raise error(f"invalid {where}", [Problem(where, "nested too deeply (lists or objects inside each other)")]) from None
    except ValueError as exc:  # JSONDecodeError, and bad UTF-8 in bytes
        raise error(f"invalid {where}", [Problem(where, f"not valid JSON ({exc})")]) from None
    if isinstance(data, dict):
        bad = [Problem(key, f"{value.name} is not a JSON number") for key, value in data.items()
               if isinstance(value, _NotJson)]
        if bad:
            raise error(f"invalid {where}", bad)
    return data  # a NaN deeper down fails validation as the wrong type, at its own place
