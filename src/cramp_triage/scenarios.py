"""Teaching scenarios: patient vignettes in YAML, what the rules should conclude, and the runner.

A scenario file (``<name>.scenario.yaml``) holds one vignette: ``id``, ``title``, ``tags``,
``given`` (intake answers, the library's field names), ``expect`` (only what is listed is
checked) and ``teaching_note``. Variants go under ``cases:``: each has a ``name``, its own
``expect`` and answers that change the shared ``given``. Files are checked against the rule pack
in use, so a typo in a rule id, cause, red flag, referral or level is an error, never a check
that silently passes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import Problem, ScenarioError
from .intake import Intake
from .result import Level, TriageResult
from .rulepack import RulePack
from .yamlfile import read_yaml

SCENARIO_SUFFIX = ".scenario.yaml"
_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_LEVELS = ", ".join(level.value for level in Level)


# --- the file model -----------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(_Strict):
    """What the rules should conclude. Only what is listed is checked."""

    level: Level | None = Field(default=None, description="The level exactly.")
    min_level: Level | None = Field(default=None, description="At least this level.")
    max_level: Level | None = Field(default=None, description="At most this level.")
    causes_include: list[str] = Field(default_factory=list, description="Cause categories that must be named.")
    causes_exclude: list[str] = Field(default_factory=list, description="Cause categories that must not be named.")
    serious_include: list[str] = Field(default_factory=list, description="Red flags that must be among `serious`.")
    see_include: list[str] = Field(default_factory=list, description="Referrals that must be among `see`.")
    rules_fired_include: list[str] = Field(default_factory=list, description="Rule ids that must fire.")
    rules_not_fired: list[str] = Field(default_factory=list, description="Rule ids that must not fire.")

    @field_validator("level", "min_level", "max_level", mode="before")
    @classmethod
    def _known_level(cls, value: Any) -> Any:
        if value is not None and value not in {level.value for level in Level}:
            raise ValueError(f"unknown level {value!r}; allowed: {_LEVELS}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Expect:
        if not self.model_fields_set:
            keys = ", ".join(type(self).model_fields)
            raise ValueError(f"expect lists nothing to check; give at least one of {keys}")
        low, high = self.min_level, self.max_level
        if low is not None and high is not None and low.rank > high.rank:
            raise ValueError(f"min_level {low.value} is above max_level {high.value}")
        if self.level is not None and (low is not None or high is not None):
            raise ValueError("give either level or min_level/max_level, not both")
        both = set(self.causes_include) & set(self.causes_exclude)
        if both:
            raise ValueError(f"causes both included and excluded: {', '.join(sorted(both))}")
        both = set(self.rules_fired_include) & set(self.rules_not_fired)
        if both:
            raise ValueError(f"rules both expected to fire and not to fire: {', '.join(sorted(both))}")
        return self


class CaseSpec(_Strict):
    """One variant of a vignette: its answers change the shared ``given``."""

    name: str = Field(pattern=_SLUG, description="Short name in lower-case words joined by hyphens.")
    given: dict[str, Any] = Field(default_factory=dict)
    expect: Expect
    teaching_note: str | None = Field(default=None, min_length=1)


class ScenarioSpec(_Strict):
    """One scenario file."""

    id: str = Field(pattern=_SLUG, description="Lower-case words joined by hyphens, unique in a library.")
    title: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    given: dict[str, Any] = Field(default_factory=dict)
    expect: Expect | None = None
    teaching_note: str = Field(min_length=1)
    cases: list[CaseSpec] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _expect_or_cases(self) -> ScenarioSpec:
        if (self.expect is None) == (self.cases is None):
            raise ValueError("give either `expect` (one case) or `cases` (several variants), not both")
        names = [case.name for case in self.cases or []]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"case names must be unique; repeated: {', '.join(repeated)}")
        return self


@dataclass(frozen=True)
class Case:
    """One runnable case: a vignette (or one of its variants) with its merged answers."""

    id: str  # "scenario-id", or "scenario-id[case-name]" for a variant
    name: str  # the case name, or the scenario id when the file has one case
    title: str
    tags: tuple[str, ...]
    path: Path
    line: int | None
    given: dict[str, Any]
    intake: Intake
    expect: Expect
    teaching_note: str


# --- loading ------------------------------------------------------------------------------------


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
        elif path.is_file():
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
    data = read_yaml(path, ScenarioError)  # its errors name the file in each problem
    where = f"invalid scenario file {path}"
    if not isinstance(data, dict):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        expected = "expected a mapping with id, title, given, expect, teaching_note"
        raise ScenarioError(where, [Problem("file", f"{expected}; got {got}")], path=str(path))
    lines = _LineIndex(path)
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(where, [_problem(item, lines) for item in error.errors(include_url=False)],
                            path=str(path)) from None
    problems = _pack_problems(spec, pack, lines) + _intake_problems(spec, lines)
    if problems:
        raise ScenarioError(where, problems, path=str(path))
    return _cases(spec, path, lines)


def _cases(spec: ScenarioSpec, path: Path, lines: _LineIndex) -> list[Case]:
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


def _intake_problems(spec: ScenarioSpec, lines: _LineIndex) -> list[Problem]:
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


def _pack_problems(spec: ScenarioSpec, pack: RulePack, lines: _LineIndex) -> list[Problem]:
    """Names in ``expect`` that the pack in use does not define."""
    allowed = {
        "causes_include": list(pack.terms.causes),
        "causes_exclude": list(pack.terms.causes),
        "serious_include": pack.red_flags,
        "see_include": list(pack.terms.see),
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


_KIND = {"causes_include": "cause", "causes_exclude": "cause", "serious_include": "red flag", "see_include": "referral"}


def _rule_problem(rule_id: str, pack: RulePack, *, must_fire: bool) -> str | None:
    rule = pack.rule_by_id.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, list(pack.rule_by_id), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; the rule ids are in {pack.path}"
        return f"unknown rule id {rule_id!r} in rule pack {pack.name}{hint}"
    if must_fire and rule.status != "active":
        return f"rule {rule_id} is {rule.status} in rule pack {pack.name}, so it can never fire"
    return None


# --- where a fault is: field paths and YAML lines ---------------------------------------------


class _LineIndex:
    """Field path -> line number in the file, read from the YAML node tree (for error messages).

    Only built when there is something to report or a case to place; the file has already passed
    ``read_yaml`` (size, no aliases), so composing it again is safe.
    """

    def __init__(self, path: Path) -> None:
        self._lines: dict[tuple[str | int, ...], int] = {}
        try:
            import yaml

            # The C composer, as read_yaml uses: the pure-Python one refuses some plain scalars
            # libyaml accepts (a '?' inside a flow mapping), which would lose every line number.
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            root = yaml.compose(path.read_text(encoding="utf-8"), Loader=loader)
        except Exception:  # noqa: BLE001 - line numbers are a courtesy; the data already loaded
            return
        self._walk(root, ())

    def _walk(self, node: Any, loc: tuple[str | int, ...]) -> None:
        import yaml

        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = loc + (key.value,)
                self._lines[child] = key.start_mark.line + 1
                self._walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._lines[loc + (index,)] = item.start_mark.line + 1
                self._walk(item, loc + (index,))

    def line(self, loc: tuple[str | int, ...]) -> int | None:
        """The line of ``loc``, or of its nearest parent that is in the file."""
        while loc:
            if loc in self._lines:
                return self._lines[loc]
            loc = loc[:-1]
        return None


def _dotted(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "file"


def _where(field_path: str, line: int | None) -> str:
    return f"{field_path} (line {line})" if line is not None else field_path


def _problem(item: Any, lines: _LineIndex) -> Problem:
    loc = tuple(item["loc"])
    message = str(item["msg"]).removeprefix("Value error, ")
    kind = item["type"]
    if kind == "extra_forbidden":
        message = f"unknown field; allowed: {', '.join(_allowed_fields(loc))}"
    elif kind == "missing":
        message = "required field is missing"
    elif kind == "bool_parsing":
        message = "expected true or false (leave the field out, or write null, when not known)"
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


# --- running and checking -----------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    """One expectation that did not hold."""

    expectation: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.expectation}: expected {self.expected}; got {self.actual}"


@dataclass(frozen=True)
class CaseResult:
    case: Case
    result: TriageResult
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.mismatches

    @property
    def rules_fired(self) -> list[str]:
        return [step.rule for step in self.result.trace]


def check(expect: Expect, result: TriageResult) -> list[Mismatch]:
    """Every listed expectation that ``result`` does not meet (empty when all hold)."""
    found: list[Mismatch] = []
    level = result.level
    if expect.level is not None and level is not expect.level:
        found.append(Mismatch("level", expect.level.value, level.value))
    if expect.min_level is not None and level.rank < expect.min_level.rank:
        found.append(Mismatch("min_level", f"at least {expect.min_level.value}", level.value))
    if expect.max_level is not None and level.rank > expect.max_level.rank:
        found.append(Mismatch("max_level", f"at most {expect.max_level.value}", level.value))
    actual = {
        "causes": [cause.category for cause in result.causes],
        "serious findings": [finding.id for finding in result.serious],
        "referrals": [referral.id for referral in result.see],
        "rules fired": [step.rule for step in result.trace],
    }
    for key, what, wanted in (
        ("causes_include", "causes", expect.causes_include),
        ("serious_include", "serious findings", expect.serious_include),
        ("see_include", "referrals", expect.see_include),
    ):
        missing = [name for name in wanted if name not in actual[what]]
        if missing:
            found.append(Mismatch(key, f"{_names(missing)} among the {what}", _names(actual[what])))
    present = [name for name in expect.causes_exclude if name in actual["causes"]]
    if present:
        found.append(Mismatch("causes_exclude", f"{_names(present)} not among the causes", _names(actual["causes"])))
    # The report lists every rule that fired after the mismatches, so these name only the rules.
    missing = [rule for rule in expect.rules_fired_include if rule not in actual["rules fired"]]
    if missing:
        found.append(Mismatch("rules_fired_include", f"{_names(missing)} fired", "not fired"))
    present = [rule for rule in expect.rules_not_fired if rule in actual["rules fired"]]
    if present:
        found.append(Mismatch("rules_not_fired", f"{_names(present)} not fired", "fired"))
    return found


def _names(items: Sequence[str]) -> str:
    return ", ".join(items) if items else "none"


def run_case(triager: Any, case: Case) -> CaseResult:
    """Triage a case's answers with ``triager`` and check its expectations."""
    result = triager.triage(case.intake)
    return CaseResult(case, result, check(case.expect, result))


def failure_report(outcome: CaseResult) -> str:
    """A failed case in plain lines: each expectation missed, then the rules that fired."""
    lines = [f"{outcome.case.id} ({outcome.case.path}): {outcome.case.title}"]
    lines += [f"  {mismatch}" for mismatch in outcome.mismatches]
    lines.append(f"  rules fired: {_names(outcome.rules_fired)}")
    return "\n".join(lines)


# --- what if: change answers and compare ---------------------------------------------------------


def parse_change(text: str) -> tuple[str, Any]:
    """``field=value`` -> (field, value). The value is read as YAML (``true``, ``12``,
    ``[calf, foot]``); an empty value or ``null`` means "don't know"."""
    from .yamlfile import parse_yaml

    name, sep, raw = text.partition("=")
    name = name.strip().replace("-", "_")
    if not sep or not name:
        raise ScenarioError("invalid change", [Problem(text, "write it as field=value, e.g. pregnant=false")])
    if name not in Intake.model_fields:
        close = difflib.get_close_matches(name, list(Intake.model_fields), n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise ScenarioError("invalid change", [Problem(
            text, f"unknown intake field {name!r}; {hint}allowed: {', '.join(Intake.model_fields)}")])
    value = parse_yaml(raw, f"--change {name}", ScenarioError)
    if name in ("locations", "medications") and value is not None and not isinstance(value, list):
        value = [value]
    return name, value


@dataclass(frozen=True)
class WhatIf:
    case: Case
    changes: dict[str, tuple[Any, Any]]  # field -> (before, after); None means not known
    before: TriageResult
    after: TriageResult

    @property
    def rules_stopped(self) -> list[str]:
        """Rules that fired as written but not after the change, in firing order, once each."""
        return _fired_only_in(self.before, self.after)

    @property
    def rules_started(self) -> list[str]:
        return _fired_only_in(self.after, self.before)


def _fired_only_in(result: TriageResult, other: TriageResult) -> list[str]:
    # A rule can fire more than once (one firing per matching fact); list it once.
    excluded = {step.rule for step in other.trace}
    return list(dict.fromkeys(step.rule for step in result.trace if step.rule not in excluded))


def what_if(triager: Any, case: Case, changes: Iterable[tuple[str, Any]]) -> WhatIf:
    """Run ``case`` as written and with its answers changed; raises ``IntakeError`` for a bad value."""
    given = dict(case.given)
    changed: dict[str, tuple[Any, Any]] = {}
    for name, value in changes:
        before = changed[name][0] if name in changed else given.get(name)
        if value is None:
            given.pop(name, None)
        else:
            given[name] = value
        changed[name] = (before, value)
    return WhatIf(case, changed, triager.triage(case.intake), triager.triage(given))


# --- coverage -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """What a scenario library reaches: rules no case fires, and pack terms no case checks."""

    rules: list[str]
    fired_by: dict[str, list[str]]  # rule id -> ids of the cases that fire it
    unchecked: dict[str, list[str]]  # expectation key -> pack names no case lists there

    @property
    def rules_not_fired(self) -> list[str]:
        return [rule for rule in self.rules if not self.fired_by[rule]]


def coverage(outcomes: Sequence[CaseResult], pack: RulePack) -> Coverage:
    rules = [rule.id for rule in pack.active_rules]
    fired_by: dict[str, list[str]] = {rule: [] for rule in rules}
    for outcome in outcomes:
        for rule in dict.fromkeys(outcome.rules_fired):
            fired_by.setdefault(rule, []).append(outcome.case.id)
    expects = [outcome.case.expect for outcome in outcomes]
    levels_checked = {getattr(e, key) for e in expects for key in ("level", "min_level", "max_level")}
    universe = {
        "level": [level.value for level in Level],
        "causes_include": list(pack.terms.causes),
        "serious_include": pack.red_flags,
        "see_include": list(pack.terms.see),
        "rules_fired_include": rules,
    }
    checked = {
        "level": {level.value for level in levels_checked if level is not None},
        "causes_include": {name for e in expects for name in e.causes_include},
        "serious_include": {name for e in expects for name in e.serious_include},
        "see_include": {name for e in expects for name in e.see_include},
        "rules_fired_include": {name for e in expects for name in e.rules_fired_include},
    }
    unchecked = {key: [name for name in names if name not in checked[key]] for key, names in universe.items()}
    return Coverage(rules, fired_by, unchecked)


# --- reports for tools --------------------------------------------------------------------------


def junit_xml(outcomes: Sequence[CaseResult], suite: str = "cramp-triage scenarios") -> str:
    """JUnit XML for CI dashboards: one testcase per case, a failure element per failed case."""
    import xml.etree.ElementTree as ET

    failures = sum(not outcome.passed for outcome in outcomes)
    root = ET.Element("testsuites", name=suite, tests=str(len(outcomes)), failures=str(failures))
    element = ET.SubElement(root, "testsuite", name=suite, tests=str(len(outcomes)), failures=str(failures),
                            errors="0", skipped="0")
    for outcome in outcomes:
        case = outcome.case
        testcase = ET.SubElement(element, "testcase", classname=_classname(case.path), name=case.id,
                                 file=str(case.path))
        if not outcome.passed:
            failure = ET.SubElement(testcase, "failure", message="; ".join(str(m) for m in outcome.mismatches))
            failure.text = failure_report(outcome)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _classname(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", path.name.removesuffix(SCENARIO_SUFFIX))


def outcome_json(outcome: CaseResult) -> dict[str, Any]:
    case = outcome.case
    return {
        "id": case.id,
        "file": str(case.path),
        "title": case.title,
        "tags": list(case.tags),
        "passed": outcome.passed,
        "level": outcome.result.level.value,
        "mismatches": [{"expectation": m.expectation, "expected": m.expected, "actual": m.actual}
                       for m in outcome.mismatches],
        "rules_fired": outcome.rules_fired,
        "teaching_note": case.teaching_note,
    }


TEMPLATE = """\
# A teaching scenario: one patient vignette and what the rules should conclude.
# Run it with:  cramp-triage scenarios run {file}
# Explore it:   cramp-triage scenarios what-if {file} --change pregnant=true

# A short name, lower-case words joined by hyphens, unique in your library.
id: {id}
title: A short calf cramp that wakes her at night
tags: [typical, idiopathic]

# The answers, with the same field names as the library (`cramp-triage schema intake` lists
# them). Leave a field out when the answer is not known: "don't know" is not the same as "no".
given:
  duration_minutes: 2          # how long one cramp lasts
  locations: [calf]            # any of calf, foot, thigh
  during_sleep: true
  eases_with_movement: true
  cramps_per_week: 1
  leg_swelling: false
  breathless_or_chest_pain: false
  # medications: ["Lipitor 20 mg"]

# What the rules should conclude. Only what you list is checked.
expect:
  level: self_care             # or min_level / max_level: self_care, see_professional, urgent, emergency
  causes_include: [idiopathic] # cause categories that must be named (causes_exclude: must not)
  # serious_include: [possible_dvt]        # red flags that must drive the level
  # see_include: [gp]                      # whom the person must be told to see
  rules_fired_include: [OB-TYPICAL, SC-REASSURE]
  rules_not_fired: [RF-DVT]

# Shown with the result: what this case teaches, in plain words.
teaching_note: >-
  A short cramp in the calf at night that eases when she moves is the ordinary picture of
  night cramps. Nothing points to a cause, so the cramps are called idiopathic, and
  self-care is enough.

# Several variants of one vignette: replace `expect` above with `cases`, each with a name,
# the answers it changes and its own expectations, for example:
# cases:
#   - name: as-written
#     expect: {{level: self_care}}
#   - name: with-a-swollen-calf
#     given: {{leg_swelling: true}}
#     expect: {{level: urgent, serious_include: [possible_dvt]}}
"""


def template(scenario_id: str = "my-first-scenario", file: str = "my-first-scenario.scenario.yaml") -> str:
    """A commented scenario file to start from; it is valid and passes on the shipped pack."""
    return TEMPLATE.format(id=scenario_id, file=file)
