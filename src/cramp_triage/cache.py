"""The one cache folder, and sealed files in it.

The folder is ``$CRAMP_TRIAGE_CACHE``, else ``$XDG_CACHE_HOME/cramp-triage`` or
``~/.cache/cramp-triage``; ``CRAMP_TRIAGE_CACHE=off`` keeps nothing on disk. What is kept there
only saves work: a file that is missing, unreadable, cut short or not ours reads as missing,
and a cache that cannot be written is skipped, never an error.

A *sealed* file (``seal``/``unseal``) carries an HMAC-SHA256 of its bytes under a random key
kept in the folder (``key``, readable by this user only), so it is trusted only if this user's
processes wrote it. Every file is written whole: to a temporary file, then renamed over the
old one, so a reader, or another process writing at the same time, never sees half of one.
"""

from __future__ import annotations

import hmac
import os
from pathlib import Path

from .errors import CrampTriageError
from .files import read_bytes, read_private

KEY_BYTES = 32
_TAG = 32  # bytes of an HMAC-SHA256
_keys: dict[Path, bytes] = {}


def folder() -> Path | None:
    """The cache folder, or None when caching is off."""
    chosen = os.environ.get("CRAMP_TRIAGE_CACHE")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cramp-triage"


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed over it (raises OSError)."""
    import tempfile  # only when writing: a start that finds its cache pays nothing for it

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _key(root: Path) -> bytes | None:
    """This user's sealing key in ``root``, made on first use; None if it cannot be had safely."""
    held = _keys.get(root)
    if held is not None:
        return held
    path = root / "key"
    try:
        key = read_private(path, KEY_BYTES)
    except CrampTriageError:
        key = None
    if key is None or len(key) != KEY_BYTES:
        if path.exists() or path.is_symlink():
            return None  # someone else's, or damaged: trust nothing sealed with it
        key = _new_key(path)
        if key is None:
            return None
    _keys[root] = key
    return key


def _new_key(path: Path) -> bytes | None:
    """Create the key file, or read the one another process created first."""
    import secrets
    import tempfile

    key = secrets.token_bytes(KEY_BYTES)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key.")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(key)
            os.link(temporary, path)  # fails if the key exists: never two keys
        finally:
            os.unlink(temporary)
        return key
    except FileExistsError:
        try:
            key = read_private(path, KEY_BYTES)
        except CrampTriageError:
            return None
        return key if len(key) == KEY_BYTES else None
    except OSError:
        return None


def seal(kind: str, name: str, data: bytes) -> None:
    """Keep ``data`` as ``kind/name`` with its HMAC in front; silently skipped when the cache is
    off or cannot be written."""
    root = folder()
    if root is None:
        return
    try:
        key = _key(root)
        if key is not None:
            write_whole(root / kind / name, hmac.digest(key, data, "sha256") + data)
    except OSError:
        pass  # a cache that cannot be written only means the work is done again next time


def unseal(kind: str, name: str, limit: int) -> bytes | None:
    """The data kept as ``kind/name`` by this user's processes; None when it is missing, over
    ``limit`` bytes, damaged or sealed with another key."""
    root = folder()
    if root is None:
        return None
    try:
        sealed = read_bytes(root / kind / name, CrampTriageError, limit + _TAG)
    except CrampTriageError:
        return None
    key = _key(root)
    if key is None or len(sealed) < _TAG:
        return None
    tag, data = sealed[:_TAG], sealed[_TAG:]
    return data if hmac.compare_digest(tag, hmac.digest(key, data, "sha256")) else None


def mark(kind: str, name: str) -> None:
    """Remember that ``name`` holds (an empty file ``kind/name``); skipped when it cannot be."""
    root = folder()
    if root is None:
        return
    try:
        (root / kind).mkdir(mode=0o700, parents=True, exist_ok=True)
        (root / kind / name).touch()
    except OSError:
        pass


def marked(kind: str, name: str) -> bool:
    root = folder()
    return root is not None and (root / kind / name).is_file()
