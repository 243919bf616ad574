"""Finding and loading scenario files, checked against the rule pack in use: every problem is
reported with its file, field and line, so one run shows them all."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import Problem, ScenarioError
from ..files import YamlDocument, read_yaml_document
from ..intake import TYPE_MESSAGES, Intake
from ..pack import RulePack
from .spec import SCENARIO_SUFFIX, Case, CaseSpec, Expect, ScenarioSpec


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
    """The cases of one scenario file, checked against ``pack``; raises ``ScenarioError``."""
    lines = read_yaml_document(path, ScenarioError)  # its errors name the file in each problem
    data = lines.data
    where = f"invalid scenario file {path}"
    if not isinstance(data, dict):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        expected = "expected a mapping with id, title, given, expect, teaching_note"
        raise ScenarioError(where, [Problem("file", f"{expected}; got {got}")], path=str(path))
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(where, [_problem(item, lines) for item in error.errors(include_url=False)],
                            path=str(path)) from None
    problems = _pack_problems(spec, pack, lines) + _intake_problems(spec, lines)
    if problems:
        raise ScenarioError(where, problems, path=str(path))
    return _cases(spec, path, lines)


def _cases(spec: ScenarioSpec, path: Path, lines: YamlDocument) -> list[Case]:
    if spec.expect is not None:
        return [Case(spec.id, spec.id, spec.title, tuple(spec.tags), path, lines.line(("id",)), dict(spec.given),
                     Intake.model_validate(spec.given), spec.expect, spec.teaching_note)]
    cases = []
    for index, variant in enumerate(spec.cases or []):
        given = {**spec.given, **variant.given}
        cases.append(Case(f"{spec.id}[{variant.name}]", variant.name, spec.title, tuple(spec.tags), path,
                          lines.line(("cases", index)), given, Intake.model_validate(given), variant.expect,
                          variant.teaching_note or spec.teaching_note))
    return cases


def _intake_problems(spec: ScenarioSpec, lines: YamlDocument) -> list[Problem]:
    # Each part is checked on its own (every intake field stands alone), so a fault is reported
    # where it was written; merging valid parts then gives a valid intake.
    parts: list[tuple[tuple[str | int, ...], dict[str, Any]]] = [(("given",), spec.given)]
    parts += [(("cases", i, "given"), case.given) for i, case in enumerate(spec.cases or [])]
    problems = []
    for prefix, given in parts:
        try:
            Intake.model_validate(given)
        except ValidationError as error:
            for item in error.errors(include_url=False):
                item = dict(item, loc=prefix + tuple(item["loc"]))
                problems.append(_problem(item, lines))
    return problems


def _pack_problems(spec: ScenarioSpec, pack: RulePack, lines: YamlDocument) -> list[Problem]:
    """Names in ``expect`` that the pack in use does not define."""
    allowed = {
        "causes_include": list(pack.terms.causes),
        "causes_exclude": list(pack.terms.causes),
        "serious_include": pack.red_flags,
        "see_include": list(pack.terms.see),
        "unanswered_include": [f for f in pack.red_flag_fields if f != "medications"],
    }
    expects = [(("expect",), spec.expect)] if spec.expect is not None else []
    expects += [(("cases", i, "expect"), case.expect) for i, case in enumerate(spec.cases or [])]
    problems = []
    for prefix, expect in expects:
        assert expect is not None
        for key, names in allowed.items():
            for index, name in enumerate(getattr(expect, key)):
                if name not in names:
                    problems.append(Problem(
                        _where(_dotted(prefix + (key, index)), lines.line(prefix + (key, index))),
                        f"unknown {_KIND[key]} {name!r} in rule pack {pack.name}; allowed: {', '.join(names)}"))
        for key in ("rules_fired_include", "rules_not_fired"):
            for index, rule_id in enumerate(getattr(expect, key)):
                message = _rule_problem(rule_id, pack, must_fire=key == "rules_fired_include")
                if message:
                    loc = prefix + (key, index)
                    problems.append(Problem(_where(_dotted(loc), lines.line(loc)), message))
    return problems


_KIND = {"causes_include": "cause", "causes_exclude": "cause", "serious_include": "red flag", "see_include": "referral",
         "unanswered_include": "warning-sign question"}


def _rule_problem(rule_id: str, pack: RulePack, *, must_fire: bool) -> str | None:
    rule = pack.rule_by_id.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, list(pack.rule_by_id), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; the rule ids are in {pack.path}"
        return f"unknown rule id {rule_id!r} in rule pack {pack.name}{hint}"
    if must_fire and rule.status != "active":
        return f"rule {rule_id} is {rule.status} in rule pack {pack.name}, so it can never fire"
    return None


# --- where a fault is: field paths (their lines come from ``read_yaml_document``) ----------------


def _dotted(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "file"


def _where(field_path: str, line: int | None) -> str:
    return f"{field_path} (line {line})" if line is not None else field_path


def _problem(item: Any, lines: YamlDocument) -> Problem:
    loc = tuple(item["loc"])
    message = str(item["msg"]).removeprefix("Value error, ")
    kind = item["type"]
    message = TYPE_MESSAGES.get(kind, message)
    if kind == "extra_forbidden":
        message = f"unknown field; allowed: {', '.join(_allowed_fields(loc))}"
    elif kind == "missing":
        message = "required field is missing"
    elif kind in ("bool_type", "bool_parsing"):
        message = "expected true or false (leave the field out, or write null, when not known)"
    elif kind in ("enum", "literal_error") and loc[:1] == ("given",) and len(loc) == 2:
        message = f"expected {item['ctx']['expected']} (leave the field out, or write null, when not known)"
    elif kind == "string_pattern_mismatch":
        message = "use lower-case letters and digits in words joined by hyphens, e.g. typical-night-cramp"
    return Problem(_where(_dotted(loc), lines.line(loc)), message)


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
