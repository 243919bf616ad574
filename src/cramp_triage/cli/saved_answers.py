"""Saving the answers of a ``check`` as the JSON intake ``--input`` reads, so that ``explain`` can
be run on the very same answers, and the command that does it.

A file is written whole or not at all: a temporary file beside it, then a hard link to the name
(which fails if a file of that name appeared meanwhile) or, when replacing was agreed, a rename.
The file is readable by its owner only: it holds health answers.
"""

from __future__ import annotations

import errno
import json
import os
import shlex
import tempfile
from pathlib import Path
from typing import Any


def explain_command(args: list[str], rules: Path | None, region: str | None = None) -> str:
    """The ``cramp-triage explain`` command for these answer arguments, ready to paste."""
    more = ["--rules", str(rules)] if rules is not None else []
    more += ["--region", region] if region is not None else []
    return shlex.join(["cramp-triage", "explain", *args, *more])


def write_answers(path: Path, answers: dict[str, Any], *, replace: bool = False) -> None:
    """Write ``answers`` to ``path`` as a JSON intake. Raises ``FileExistsError`` when ``path``
    exists and ``replace`` is false; ``IsADirectoryError`` (an ``OSError``) when it is not a
    regular file; other ``OSError`` as the system gives them."""
    target = Path(os.path.realpath(path))  # through a link, to the file it names
    if target.exists() and not target.is_file():
        raise IsADirectoryError(errno.EISDIR, "not a regular file", str(path))
    text = json.dumps(answers, indent=2, ensure_ascii=False) + "\n"
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, target)
        else:
            _link_new(temporary, target)
    except OSError as error:
        raise type(error)(error.errno, error.strerror, str(path)) from None
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _link_new(temporary: str, target: Path) -> None:
    """Give the written file its name only if no file has it: atomic where hard links work."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename (a small window)
        if target.exists():
            raise FileExistsError(errno.EEXIST, "file exists", str(target)) from None
        os.replace(temporary, target)
