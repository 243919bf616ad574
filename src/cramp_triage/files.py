"""Safe YAML reading for rule and scenario files: no tags, no aliases, bounded size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import CrampTriageError, Problem

MAX_YAML_BYTES = 1_000_000

# A safe loader (no tags that build objects); the C one where libyaml is there.
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, error: type[CrampTriageError] = CrampTriageError) -> Any:
    """Parse one YAML file; raise ``error`` naming the file (and line) on any fault."""
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise error(f"cannot read {path}", [Problem(str(path), f"file is {size} bytes; the limit is {MAX_YAML_BYTES}")])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {path}", [Problem(str(path), str(exc))]) from None
    return parse_yaml(text, str(path), error)


def parse_yaml(text: str, where: str, error: type[CrampTriageError] = CrampTriageError) -> Any:
    if len(text) > MAX_YAML_BYTES:
        raise error(f"cannot read {where}", [Problem(where, f"text is over {MAX_YAML_BYTES} characters")])
    try:
        # Hand-written rule and scenario files never need aliases; refusing them from the event
        # stream, before anything is built, rules out "billion laughs" alias bombs.
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                raise yaml.composer.ComposerError(
                    None, None, "aliases (*name) are not allowed in this file", event.start_mark
                )
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"invalid YAML in {where}", [Problem(f"{where}{line}", str(problem))]) from None
