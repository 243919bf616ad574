"""What the CLI writes to a terminal or a pipe: text that cannot take the terminal over, and that
any stream can carry.

Medicine names, scenario titles, rule texts of a custom pack and anything else a person typed
may hold control characters (an escape sequence can retitle the window, recolour it or hide
text) and bidirectional overrides (which reorder what is shown). ``printable`` writes each as
``\\uXXXX``; while a command runs, stdout and stderr pass through ``SafeText``, which does the
same to everything and also writes ``\\uXXXX`` for what the stream's encoding cannot carry, so
``--json`` to an ASCII-only stream is still valid JSON (a JSON string reads ``\\uXXXX`` as the
character itself). Colour goes to the stream underneath (``for_rich``), from rich only.
"""

from __future__ import annotations

import codecs
import errno
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from ..untrusted import ESCAPES, escape, printable

_ERRORS = "cramp_triage_escape"
codecs.register_error(_ERRORS, lambda e: ("".join(escape(c) for c in e.object[e.start:e.end]), e.end))  # type: ignore[attr-defined]


class PipeClosed(Exception):
    """The reader of stdout went away (``cramp-triage ... | head``). Not an ``OSError``, on
    purpose: click turns a broken pipe into exit code 1 before the CLI's own mapping sees it."""


class SafeText(io.TextIOBase):
    """A text stream that writes control and bidi characters (unless ``controls`` is False: rich
    writes colour codes), and characters its encoding lacks, as ``\\uXXXX``."""

    def __init__(self, stream: TextIO, controls: bool = True) -> None:
        self.unescaped = stream
        self._table = ESCAPES if controls else {}

    def write(self, text: str) -> int:
        safe = text.translate(self._table)
        try:
            try:
                self.unescaped.write(safe)
            except UnicodeEncodeError:
                encoding = self.unescaped.encoding or "ascii"
                self.unescaped.write(safe.encode(encoding, _ERRORS).decode(encoding))
        except BrokenPipeError:
            raise PipeClosed() from None
        return len(text)

    def flush(self) -> None:
        try:
            self.unescaped.flush()
        except BrokenPipeError:
            raise PipeClosed() from None

    def isatty(self) -> bool:
        return self.unescaped.isatty()

    def close(self) -> None:
        """Nothing: the stream underneath is not this one's to close (its owner may have closed
        it already, and io's finaliser would flush it again)."""

    def fileno(self) -> int:
        return self.unescaped.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.unescaped.encoding

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unescaped, name)


class ClosedStream(io.TextIOBase):
    """Standard output when the process was started with it closed (``>&-``): Python then sets
    ``sys.stdout`` to None and print() writes nothing, so a command would exit 0 having said
    nothing. Writing here fails instead, and the failure becomes exit code 2."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


@contextmanager
def safe_streams() -> Iterator[None]:
    """stdout and stderr as ``SafeText`` while a command runs (put back afterwards)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = SafeText(out) if out is not None else ClosedStream()
    if err is not None:
        sys.stderr = SafeText(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def for_rich(stream: Any) -> Any:
    """The stream under a ``SafeText``, for rich, which writes colour codes of its own (callers
    pass it ``printable`` text): still with ``\\uXXXX`` for what the encoding lacks."""
    return SafeText(getattr(stream, "unescaped", stream), controls=False)
