"""Saving a what-if variant into its scenario file as a new case (``what-if --save-case NAME``).

The file is edited as text, so its comments and layout stay: a new item is added at the end of
its ``cases:`` list, or, for a one-case file, its ``expect:`` block moves into a first case
named ``as-written`` and ``cases:`` is added at the end. The new case's ``expect`` is what the
changed case gives (level, warning signs, causes, whom to see). The new text is loaded and the
new case run before anything is written: the file still loads, and the new case passes.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from ..errors import Problem, ScenarioError
from ..files import read_text
from ..yamlfile import YamlDocument, parse_yaml_document
from .load import load_scenario_text
from .run import run_case
from .spec import SLUG, Case
from .what_if import WhatIf
from .words import as_yaml

AS_WRITTEN = "as-written"  # the first case's name when a one-case file gets `cases:`


def save_case(outcome: WhatIf, name: str, triager: Any) -> Case:
    """Add ``outcome``'s changed case to its file as case ``name``; the new case, as loaded."""
    path = outcome.case.path
    text = read_text(path, ScenarioError)
    document = parse_yaml_document(text, str(path), ScenarioError, keep_traps=True)
    data = document.data
    if not re.match(SLUG, name):
        _refuse(path, f"case name {name!r}: use lower-case letters and digits in words joined by hyphens, "
                      "e.g. not-pregnant")
    taken = [case.get("name") for case in data.get("cases") or [] if isinstance(case, dict)]
    taken += [] if "cases" in data else [AS_WRITTEN, data.get("id")]
    if name in taken:
        _refuse(path, f"this file already has a case named {name!r}; choose another name")
    lines = text.splitlines()
    item = _item(name, outcome, data.get("given") or {})
    if "cases" in data:
        new_text = _append_case(lines, document, item, path)
    else:
        new_text = _convert(lines, document, item, path)
    cases = load_scenario_text(new_text, path, triager.pack)  # raises if the edit broke the file
    case = next(case for case in cases if case.name == name)
    if not run_case(triager, case).passed:  # its expect is what it gives: it can only fail by a bug
        raise ScenarioError(f"cannot save case {name!r} to {path}", [Problem(name, "it does not pass as saved")])
    _write(path, new_text)
    return case


def _refuse(path: Path, message: str) -> NoReturn:
    raise ScenarioError(f"cannot save a case to {path}", [Problem("--save-case", message)])


def _item(name: str, outcome: WhatIf, shared: dict[str, Any]) -> list[str]:
    """The new case as lines of a block list item, indented from column 0."""
    given = {key: value for key, value in outcome.given.items() if key not in shared or shared[key] != value}
    given.update({key: None for key in shared if key not in outcome.given})  # now "don't know"
    after = outcome.after
    expect: dict[str, Any] = {"level": after.level.value}
    for key, names in (("serious_include", [f.id for f in after.serious]),
                       ("causes_include", [c.category for c in after.causes]),
                       ("see_include", [r.id for r in after.see])):
        if names:
            expect[key] = list(dict.fromkeys(names))
    changed = ", ".join(f"{field} {_known(new)} instead of {_known(old)}" for field, (old, new) in outcome.changes.items())
    note = (f"What if: {changed}. Saved by `cramp-triage scenarios what-if`; "
            "write here what the change teaches.")
    item = [f"- name: {name}"]
    if given:
        item.append(f"  given: {as_yaml(given)}")
    item.append("  expect:")
    item += [f"    {key}: {as_yaml(value)}" for key, value in expect.items()]
    item.append(f"  teaching_note: {as_yaml(note)}")
    return item


def _known(value: Any) -> str:
    return "not known" if value is None else as_yaml(value)


def _top_level_lines(document: YamlDocument) -> list[int]:
    return sorted(line for loc, line in document.lines.items() if len(loc) == 1)


def _block(lines: list[str], document: YamlDocument, key: str, path: Path, *,
           trailing_comments: bool) -> tuple[int, int]:
    """The 0-based first and last line of a top-level key's block, written in block style. Blank
    lines and comments at column 0 just before the next key are left to that key, and so are
    indented ones unless ``trailing_comments`` (a comment after the last item stays last)."""
    start = document.lines[(key,)]
    if not lines[start - 1].startswith(f"{key}:"):
        _refuse(path, f"`{key}` is not written in block style at the start of line {start}; "
                      "write the file as `scenarios new` does")
    following = [line for line in _top_level_lines(document) if line > start]
    end = (following[0] - 1 if following else len(lines)) - 1
    while end > start - 1 and (not lines[end].strip() or lines[end].startswith("#")
                               or (not trailing_comments and lines[end].lstrip().startswith("#"))):
        end -= 1
    return start - 1, end


def _append_case(lines: list[str], document: YamlDocument, item: list[str], path: Path) -> str:
    first, last = _block(lines, document, "cases", path, trailing_comments=False)
    first_item = document.lines.get(("cases", 0))
    dash = lines[first_item - 1] if first_item is not None else ""
    if first_item is None or first_item - 1 == first or not dash.lstrip().startswith("-"):
        _refuse(path, "its `cases:` are not a block list (one `- name: ...` item per case); "
                      "write them as `scenarios new` shows")
    indent = " " * (len(dash) - len(dash.lstrip()))
    return _joined(lines[:last + 1] + [indent + line for line in item] + lines[last + 1:])


def _convert(lines: list[str], document: YamlDocument, item: list[str], path: Path) -> str:
    first, last = _block(lines, document, "expect", path, trailing_comments=True)
    expect = ["    " + line if line.strip() else "" for line in lines[first:last + 1]]
    rest = lines[:first] + lines[last + 1:]
    while rest and not rest[-1].strip():
        rest.pop()
    cases = ["", "cases:", f"  - name: {AS_WRITTEN}", *expect, *("  " + line for line in item)]
    return _joined(rest + cases)


def _joined(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    """Replace the file in one step: a reader never sees half of it."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, os.stat(path).st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
