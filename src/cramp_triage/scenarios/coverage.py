"""What a scenario library reaches: rules no case fires, and pack terms no case checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..pack import RulePack
from ..result import Level
from .run import CaseResult


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
