"""What if: run a case as written and with some answers changed, side by side."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import Problem, ScenarioError
from ..files import parse_yaml
from ..intake import LIST_FIELDS, Intake
from ..result import TriageResult
from .spec import Case


def parse_change(text: str) -> tuple[str, Any]:
    """``field=value`` -> (field, value). The value is read as YAML (``true``, ``12``,
    ``[calf, foot]``); an empty value or ``null`` means "don't know"."""
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
    if name in LIST_FIELDS and value is not None and not isinstance(value, list):
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
