"""Reading input files, the one way: bytes and text with limits, and strict JSON (YAML: ``yamlfile.py``).

- Every read takes a regular file (or stdin, where the caller allows ``-``), opened without
  blocking so a named pipe cannot hang it, and reads at most ``limit`` bytes: a device such as
  ``/dev/zero``, a FIFO or a file that keeps growing is refused with an error naming the file.
- JSON refuses duplicate keys and bounds nesting.

Every fault is a ``CrampTriageError`` (or the subclass the caller names) naming the file.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, BinaryIO

from .errors import CrampTriageError, Problem

MAX_FILE_BYTES = 1_000_000

ErrorType = type[CrampTriageError]

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
