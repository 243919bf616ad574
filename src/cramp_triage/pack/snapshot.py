"""A loaded rule pack kept between processes, used while its files are unchanged.

Loading the shipped pack (parsing its YAML, validating every rule, the cross-checks, the
medicine reader's index) takes longer than the triage it serves, on every start. So a pack that
loaded is kept, once, in the cache folder (``cache.py``: ``$CRAMP_TRIAGE_CACHE``, ``off`` keeps
nothing), and the next load of the same folder takes it from there when, and only when:

- it is ours: sealed with this user's key (``cache.seal``), so a file someone else put there is
  never unpickled;
- it was made by this code: its name is a digest of the library's version, its source files
  (path, size, time), Python's and pydantic's versions and the pack folder, so an upgrade, an
  edited checkout or another folder finds nothing;
- every file the loader read then (whichever it chose to read: they are noted as they are read,
  ``files.recording_reads``) has the same bytes now, and the folders they are in hold the same
  names (a file added beside them, which a loader might read, counts as a change).

Anything else (missing, damaged, foreign, stale, unreadable) is a miss: the pack is loaded and
checked from its files as before, and kept again.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import pydantic_core

from .. import cache
from ..about import __version__
from ..errors import CrampTriageError
from ..files import read_bytes

FORMAT = 1  # raise it when what is kept changes shape
KIND = "snapshots"
LIMIT = 32_000_000  # bytes; the shipped pack's snapshot is under 1 MB
KEEP = 16  # snapshots kept (one per pack folder), the least recently written dropped first
_PACKAGE = Path(__file__).resolve().parents[1]


def restore(root: Path) -> Any | None:
    """What ``save`` kept for the pack folder ``root``, if still true of its files; else None."""
    name = _name(root)
    if name is None:
        return None
    data = cache.unseal(KIND, name, LIMIT)
    if data is None:
        return None
    try:
        end = data.index(b"\n")
        header = json.loads(data[:end])
        if header["format"] != FORMAT or not _unchanged(root, header):
            return None
        return pickle.loads(data[end + 1:])  # noqa: S301 - sealed with this user's key: we wrote it
    except Exception:  # noqa: BLE001 - a snapshot that does not read is a miss, never an error
        return None


def save(root: Path, kept: Any, reads: list[tuple[str, bytes]]) -> None:
    """Keep ``kept``, built from the files ``reads`` (name, bytes), for ``root``."""
    name = _name(root)
    if name is None:
        return
    files = {os.path.relpath(path, root): _digest(data) for path, data in reads}
    header = {"format": FORMAT, "files": files,
              "folders": {folder: _listing(root / folder) for folder in sorted({os.path.dirname(f) for f in files})}}
    try:
        payload = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - something in it that does not pickle: simply not kept
        return
    cache.seal(KIND, name, json.dumps(header).encode("utf-8") + b"\n" + payload)
    _prune()


def enabled() -> bool:
    """Is there a cache folder to keep snapshots in?"""
    return cache.folder() is not None


def _unchanged(root: Path, header: dict[str, Any]) -> bool:
    for path, digest in header["files"].items():
        try:
            data = read_bytes(root / path, CrampTriageError)
        except CrampTriageError:
            return False
        if _digest(data) != digest:
            return False
    return all(_listing(root / folder) == names for folder, names in header["folders"].items())


def _listing(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _name(root: Path) -> str | None:
    """The snapshot's file name for ``root`` with this code; None when caching is off."""
    if not enabled():
        return None
    try:
        where = str(root.resolve())
    except OSError:
        return None
    key = [FORMAT, __version__, _code_stamp(), sys.implementation.cache_tag, sys.version,
           pydantic_core.__version__, where]
    return hashlib.sha256(json.dumps(key).encode("utf-8")).hexdigest() + ".pack"


_stamp: str | None = None


def _code_stamp() -> str:
    """A digest of the package's source files (path, size, modification time): a checkout
    edited under the same version number must not read what older code kept."""
    global _stamp
    if _stamp is None:
        entries: list[str] = []
        folders = [_PACKAGE]
        while folders:
            with os.scandir(folders.pop()) as scan:
                for entry in scan:
                    if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                        folders.append(Path(entry.path))
                    elif entry.name.endswith(".py"):
                        status = entry.stat()
                        entries.append(f"{entry.path}\0{status.st_size}\0{status.st_mtime_ns}")
        _stamp = hashlib.sha256("\n".join(sorted(entries)).encode("utf-8")).hexdigest()
    return _stamp


def _prune() -> None:
    """Drop the oldest snapshots beyond ``KEEP`` (a test suite loads many packs from many folders)."""
    root = cache.folder()
    if root is None:
        return
    try:
        with os.scandir(root / KIND) as scan:
            found = [(entry.stat().st_mtime_ns, entry.path) for entry in scan if entry.name.endswith(".pack")]
        for _, path in sorted(found, reverse=True)[KEEP:]:
            os.unlink(path)
    except OSError:
        pass
