"""What if: run a case as written and with some answers changed, side by side."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem, ScenarioError
from ..yamlfile import parse_yaml
from ..intake import LIST_FIELDS, Intake
from ..result import Level, TriageResult
from .run import Mismatch, check
from .spec import Case, Expect
from .words import suggest


def parse_change(text: str) -> tuple[str, Any]:
    """``field=value`` -> (field, value). The value is read as YAML (``true``, ``12``,
    ``[calf, foot]``); an empty value or ``null`` means "don't know"."""
    name, sep, raw = text.partition("=")
    name = name.strip().replace("-", "_")
    if not sep or not name:
        raise ScenarioError("invalid change", [Problem(text, "write it as field=value, e.g. pregnant=false")])
    if name not in Intake.model_fields:
        raise ScenarioError("invalid change", [Problem(
            text, f"unknown intake field {name!r}{suggest(name, Intake.model_fields)}")])
    value = parse_yaml(raw, f"--change {name}", ScenarioError)
    if name in LIST_FIELDS and value is not None and not isinstance(value, list):
        value = [value]
    return name, value


@dataclass(frozen=True)
class Held:
    """One expectation of the case: whether it holds as written and after the change."""

    expectation: str  # the expect key, e.g. "level"
    expected: str  # what it asks, as the file says it
    line: int | None
    as_written: Mismatch | None  # None: it holds
    what_if: Mismatch | None


@dataclass(frozen=True)
class WhatIf:
    case: Case
    changes: dict[str, tuple[Any, Any]]  # field -> (before, after); None means not known
    before: TriageResult
    after: TriageResult
    given: dict[str, Any] = field(default_factory=dict)  # every answer of the changed case

    @property
    def expectations(self) -> list[Held]:
        """Each expectation the case lists, in the file's order of keys, held as written or not."""
        before = {m.expectation: m for m in check(self.case.expect, self.before)}
        after = {m.expectation: m for m in check(self.case.expect, self.after)}
        return [Held(key, expected_text(self.case.expect, key), self.case.expect_lines.get(key),
                     before.get(key), after.get(key))
                for key in expectation_keys(self.case)]

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
    return WhatIf(case, changed, triager.triage(case.intake), triager.triage(given), given)


def expectation_keys(case: Case) -> list[str]:
    """The expectations a case lists, in the order the file writes them."""
    keys = [key for key in type(case.expect).model_fields if key in case.expect.model_fields_set]
    return sorted(keys, key=lambda key: case.expect_lines.get(key, 0))


def expected_text(expect: Expect, key: str) -> str:
    """What one expectation asks, as the file says it: ``self_care``, ``RF-DVT, RF-PE``, ``'words'``."""
    value = getattr(expect, key)
    if value is None:
        return "none"
    if isinstance(value, Level):
        return value.value
    if key.startswith("text_"):
        return ", ".join(repr(item) for item in value)
    return ", ".join(value) or "none"
