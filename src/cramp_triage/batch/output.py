"""Where a batch writes: a temporary file beside the output, renamed over it only when the run
is complete, so a failed or interrupted run leaves the previous output exactly as it was (and a
``.partial`` file only when asked for)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Any

from ..errors import BatchInputError, Problem

PARTIAL_SUFFIX = ".partial"


def same_file(source: IO[bytes], output: str | Path) -> bool:
    """Is ``output`` the very file ``source`` reads (the same inode: a hard link, or stdin
    redirected from it)?"""
    try:
        read = os.fstat(source.fileno())
        written = os.stat(output)
    except (OSError, ValueError, AttributeError):  # no output yet, or a source without a file
        return False
    return (read.st_dev, read.st_ino) == (written.st_dev, written.st_ino)


class AtomicOutput:
    """A text stream to ``path`` that replaces it only on ``commit()``. Nothing is created until
    the first write, so an input refused at its header leaves no trace."""

    def __init__(self, path: str | Path, binary: bool = False) -> None:
        # Through a symbolic link to the file it names: replacing the link would detach it.
        self.path = Path(os.path.realpath(path))
        self.binary = binary  # bytes (Parquet) rather than text
        self._file: IO[Any] | None = None
        self._temp: Path | None = None
        problem = _unwritable(self.path)
        if problem:
            raise BatchInputError(f"cannot write {path}", [Problem(str(path), problem)])

    def _open(self) -> IO[Any]:
        if self._file is None:
            fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
            self._temp = Path(name)
            self._file = os.fdopen(fd, "wb") if self.binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self._file

    def stream(self) -> IO[Any]:
        """The temporary file itself, for a writer that wants a file (pyarrow's ParquetWriter)."""
        return self._open()

    def write(self, text: Any) -> int:
        try:
            return self._open().write(text)
        except OSError as error:  # a full disk, say: name the output, not the temporary file
            raise OSError(error.errno, error.strerror, str(self.path)) from None

    def flush(self) -> None:
        if self._file is not None:
            try:
                self._file.flush()
            except OSError as error:
                raise OSError(error.errno, error.strerror, str(self.path)) from None

    def commit(self) -> None:
        """Make the output whole and put it in place of the old one, in one rename."""
        try:
            file = self._open()
            file.flush()
            os.fsync(file.fileno())
            os.chmod(file.fileno(), _mode_for(self.path))
            file.close()
            assert self._temp is not None
            os.replace(self._temp, self.path)
        except OSError as error:
            raise OSError(error.errno, error.strerror, str(self.path)) from None
        self._file = self._temp = None

    def discard(self, keep_partial: bool = False) -> Path | None:
        """Drop what was written (or keep it as ``OUT.partial``); the output is left as it was."""
        if self._file is not None:
            self._file.close()
        temp, self._file, self._temp = self._temp, None, None
        if temp is None:
            return None
        if keep_partial:
            partial = self.path.with_name(self.path.name + PARTIAL_SUFFIX)
            os.replace(temp, partial)
            return partial
        temp.unlink(missing_ok=True)
        return None

    def __enter__(self) -> AtomicOutput:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.discard()


def _unwritable(path: Path) -> str | None:
    """Why ``path`` cannot be written by a rename into its folder, or None."""
    if path.exists() and not path.is_file():
        return "not a regular file (write to a file, or '-' for stdout)"
    folder = path.parent
    if not folder.is_dir():
        return f"no such folder: {folder}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    return None


def _mode_for(path: Path) -> int:
    """The old output's permissions, or what a new file would get under this umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
