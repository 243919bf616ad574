"""Finding and loading scenario files, checked against the rule pack in use: every problem is
reported with its file, field and line, so one run shows them all."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import Problem, ScenarioError
from ..yamlfile import YamlDocument, parse_yaml_document, read_yaml_document
from ..intake import TYPE_MESSAGES, Intake
from ..pack import RulePack
from ..result import Level
from .spec import SCENARIO_SUFFIX, Case, CaseSpec, Expect, ScenarioSpec
from .words import FINDING, did_you_mean, suggest


def find_scenario_files(paths: Iterable[str | Path]) -> list[Path]:
    """The scenario files named, or found (``*.scenario.yaml``, recursively) in the folders named."""
    files: list[Path] = []
    problems: list[Problem] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(path.rglob("*" + SCENARIO_SUFFIX))
            if not found:
                problems.append(Problem(str(path), f"no *{SCENARIO_SUFFIX} files in this folder"))
            files.extend(found)
        elif path.exists():  # a file; the reader refuses anything but a regular one, saying why
            files.append(path)
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    if not files and not problems:
        problems.append(Problem("paths", "give at least one scenario file or folder"))
    if problems:
        raise ScenarioError("cannot find scenarios", problems)
    return list(dict.fromkeys(files))


def load_cases(paths: Iterable[str | Path], pack: RulePack) -> list[Case]:
    """Every case in the files and folders given, checked against ``pack``.

    Raises ``ScenarioError`` naming every problem in every file (file, line, field), so that
    one run shows them all.
    """
    cases: list[Case] = []
    errors: list[ScenarioError] = []
    for path in find_scenario_files(paths):
        try:
            cases.extend(load_scenario_file(path, pack))
        except ScenarioError as error:
            errors.append(error)
    seen: dict[str, Path] = {}
    for case in cases:
        if case.id in seen and not any(error.path == str(case.path) for error in errors):
            errors.append(ScenarioError(f"invalid scenario file {case.path}", [
                Problem(_where("id", case.line), f"scenario id {case.id!r} is also used by {seen[case.id]}")],
                path=str(case.path)))
        seen.setdefault(case.id, case.path)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        problems = [problem for error in errors for problem in _with_path(error)]
        raise ScenarioError(f"{len(errors)} scenario files are invalid", problems)
    return cases


def load_scenario_file(path: Path, pack: RulePack) -> list[Case]:
    """The cases of one scenario file, checked against ``pack``; raises ``ScenarioError`` naming
    every problem of the file at once (a bad value, an unknown name, a YAML 1.1 trap)."""
    return _load(read_yaml_document(path, ScenarioError, keep_traps=True), Path(path), pack)


def load_scenario_text(text: str, path: Path, pack: RulePack) -> list[Case]:
    """The cases of scenario file text not yet written to ``path`` (checked as a file is)."""
    return _load(parse_yaml_document(text, str(path), ScenarioError, keep_traps=True), Path(path), pack)


def _load(document: YamlDocument, path: Path, pack: RulePack) -> list[Case]:
    data = document.data
    where = f"invalid scenario file {path}"
    if not isinstance(data, dict):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        expected = "expected a mapping with id, title, given, expect, teaching_note"
        raise ScenarioError(where, [Problem("file", f"{expected}; got {got}")], path=str(path))
    # Every check runs on what was read, so one misspelt name hides nothing else: YAML 1.1 traps,
    # names the pack does not define, intake answers, then the file's shape (where not said yet).
    found = _Found(document)
    for loc, (_, why) in document.traps.items():
        found.add(loc, why)
    for loc, message in _pack_problems(data, pack):
        found.add(loc, message)
    for loc, message in _intake_problems(data, document):
        found.add(loc, message)
    spec = None
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as error:
        for item in error.errors(include_url=False):
            found.add(tuple(item["loc"]), _message(item), unless_inside=True)
    if found.problems or spec is None:
        raise ScenarioError(where, found.sorted(), path=str(path))
    return _cases(spec, path, document)


class _Found:
    """The problems of one file, one per place, reported in line order."""

    def __init__(self, document: YamlDocument) -> None:
        self.document = document
        self.problems: dict[tuple[str | int, ...], str] = {}

    def add(self, loc: tuple[str | int, ...], message: str, *, unless_inside: bool = False) -> None:
        # A shape error inside a place already reported (a bad value, an unknown name) says it again.
        if loc in self.problems or (unless_inside and any(loc[:len(seen)] == seen for seen in self.problems if seen)):
            return
        self.problems[loc] = message

    def sorted(self) -> list[Problem]:
        placed = [(self.document.line(loc), loc, message) for loc, message in self.problems.items()]
        placed.sort(key=lambda item: item[0] or 0)  # stable: file-wide problems first, then by line
        return [Problem(_where(_dotted(loc), line), message) for line, loc, message in placed]


def _cases(spec: ScenarioSpec, path: Path, document: YamlDocument) -> list[Case]:
    def lines_of(prefix: tuple[str | int, ...], keys: Iterable[str]) -> dict[str, int]:
        return {key: line for key in keys if (line := document.lines.get(prefix + (key,))) is not None}

    shared_lines = lines_of(("given",), spec.given)
    if spec.expect is not None:
        return [Case(spec.id, spec.id, spec.title, tuple(spec.tags), path, document.line(("id",)), dict(spec.given),
                     Intake.model_validate(spec.given), spec.expect, spec.teaching_note,
                     given_lines=shared_lines, expect_lines=lines_of(("expect",), spec.expect.model_fields_set))]
    cases = []
    for index, variant in enumerate(spec.cases or []):
        given = {**spec.given, **variant.given}
        cases.append(Case(f"{spec.id}[{variant.name}]", variant.name, spec.title, tuple(spec.tags), path,
                          document.line(("cases", index)), given, Intake.model_validate(given), variant.expect,
                          variant.teaching_note or spec.teaching_note,
                          given_lines={**shared_lines, **lines_of(("cases", index, "given"), variant.given)},
                          expect_lines=lines_of(("cases", index, "expect"), variant.expect.model_fields_set)))
    return cases


Loc = tuple[str | int, ...]


def _parts(data: dict[Any, Any], key: str) -> Iterator[tuple[Loc, dict[Any, Any]]]:
    """Each mapping written under ``key``: the file's own, and each case's."""
    if isinstance(data.get(key), dict):
        yield (key,), data[key]
    cases = data.get("cases")
    for index, case in enumerate(cases if isinstance(cases, list) else []):
        if isinstance(case, dict) and isinstance(case.get(key), dict):
            yield ("cases", index, key), case[key]


def _intake_problems(data: dict[Any, Any], document: YamlDocument) -> Iterator[tuple[Loc, str]]:
    # Each part is checked on its own (every intake field stands alone), so a fault is reported
    # where it was written; merging valid parts then gives a valid intake. A YAML 1.1 trap is
    # reported as such, not as the text it was read as.
    for prefix, given in _parts(data, "given"):
        answers = {name: value for name, value in given.items()
                   if isinstance(name, str) and prefix + (name,) not in document.traps}
        try:
            Intake.model_validate(answers)
        except ValidationError as error:
            for item in error.errors(include_url=False):
                loc = prefix + tuple(item["loc"])
                yield loc, _message(dict(item, loc=loc))


def _pack_problems(data: dict[Any, Any], pack: RulePack) -> Iterator[tuple[Loc, str]]:
    """Names under ``expect`` (the file's and each case's) that the pack in use does not define."""
    allowed = {
        "causes_include": list(pack.terms.causes),
        "causes_exclude": list(pack.terms.causes),
        "serious_include": pack.red_flags,
        "see_include": list(pack.terms.see),
        "unanswered_include": [f for f in pack.red_flag_fields if f != "medications"],
    }
    levels = [level.value for level in Level]
    for prefix, expect in _parts(data, "expect"):
        for key in ("level", "min_level", "max_level"):
            name = expect.get(key)
            if isinstance(name, str) and name not in levels:
                yield prefix + (key,), f"unknown level {name!r}{suggest(name, levels)}"
        for key, names in allowed.items():
            for index, name in _strings(expect.get(key)):
                if name not in names:
                    yield prefix + (key, index), f"unknown {_KIND[key]} {name!r} in rule pack {pack.name}{suggest(name, names)}"
        for key in ("rules_fired_include", "rules_not_fired"):
            for index, rule_id in _strings(expect.get(key)):
                message = _rule_problem(rule_id, pack, must_fire=key == "rules_fired_include")
                if message:
                    yield prefix + (key, index), message


def _strings(value: Any) -> Iterator[tuple[int, str]]:
    """The text items of a list, with their places (other values are the shape check's to report)."""
    for index, item in enumerate(value if isinstance(value, list) else []):
        if isinstance(item, str):
            yield index, item


_KIND = {"causes_include": "cause", "causes_exclude": "cause", "serious_include": FINDING,
         "see_include": "referral", "unanswered_include": "warning-sign question"}


def _rule_problem(rule_id: str, pack: RulePack, *, must_fire: bool) -> str | None:
    rule = pack.rule_by_id.get(rule_id)
    if rule is None:
        hint = did_you_mean(rule_id, pack.rule_by_id) or f"; the rule ids are in {pack.path}"
        return f"unknown rule id {rule_id!r} in rule pack {pack.name}{hint}"
    if must_fire and rule.status != "active":
        return f"rule {rule_id} ({' '.join(rule.title.split())}) is {rule.status} in rule pack {pack.name}, " \
               "so it can never fire"
    return None


# --- where a fault is: field paths (their lines come from ``read_yaml_document``) ----------------


def _dotted(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "file"


def _where(field_path: str, line: int | None) -> str:
    return f"{field_path} (line {line})" if line is not None else field_path


def _message(item: Any) -> str:
    """A pydantic error in plain words, with the value read where that helps (\"got '1:30' (read as text)\")."""
    loc = tuple(item["loc"])
    message = str(item["msg"]).removeprefix("Value error, ")
    kind = item["type"]
    message = TYPE_MESSAGES.get(kind, message)
    if kind == "extra_forbidden":
        fields = _allowed_fields(loc)
        return f"unknown field{suggest(str(loc[-1]), fields)}"
    if kind == "missing":
        return "required field is missing"
    if kind in ("bool_type", "bool_parsing"):
        message = "expected true or false (leave the field out, or write null, when not known)"
    elif kind in ("enum", "literal_error") and loc[:1] == ("given",) and len(loc) == 2:
        message = f"expected {item['ctx']['expected']} (leave the field out, or write null, when not known)"
    elif kind == "string_pattern_mismatch":
        message = "use lower-case letters and digits in words joined by hyphens, e.g. typical-night-cramp"
    return message + _got(item.get("input"), message)


def _got(value: Any, message: str) -> str:
    """``; got 12 (read as a number)``: the value as read, for a value that is one plain thing."""
    if isinstance(value, bool):
        shown, kind = ("true" if value else "false"), "true or false"
    elif isinstance(value, (int, float)):
        shown, kind = str(value), "a number"
    elif isinstance(value, str):
        shown, kind = repr(value), "text"
    elif value is None:
        shown, kind = "null", "not known"
    else:  # a list or mapping: the message names what was expected of it
        return ""
    return "" if shown in message else f"; got {shown} (read as {kind})"


def _allowed_fields(loc: tuple[str | int, ...]) -> list[str]:
    parent = [part for part in loc[:-1] if isinstance(part, str)]
    if parent and parent[-1] == "given":
        return list(Intake.model_fields)
    if parent and parent[-1] == "expect":
        return list(Expect.model_fields)
    if parent and parent[-1] == "cases":
        return list(CaseSpec.model_fields)
    return list(ScenarioSpec.model_fields)


def _with_path(error: ScenarioError) -> list[Problem]:
    """An error's problems with the file named in each (for a report covering several files).
    Errors from ``read_yaml`` already name the file in each problem and carry no ``path``."""
    if error.path is None:
        return list(error.problems)
    return [Problem(f"{error.path}: {p.loc}", p.message) for p in error.problems]
