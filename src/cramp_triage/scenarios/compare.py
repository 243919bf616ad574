"""Comparing two rule packs over a scenario library (``scenarios compare``): for each case, the
level, causes and referrals each pack concludes, and which of them changed; whether the case's
expectations hold under each. For a teacher updating a pack: which vignettes now teach
something else. (``rules diff`` compares two packs over every possible answer; this compares
them over the cases a teacher wrote, in the same words: level, causes, referrals changed.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..result import Level, TriageResult
from .run import run_case
from .spec import Case

ASPECTS = ("level", "causes", "referrals")


@dataclass(frozen=True)
class Outcome:
    """What one pack concludes for one case."""

    level: Level
    causes: list[str]
    referrals: list[str]
    passed: bool  # the case's expectations hold

    @classmethod
    def of(cls, result: TriageResult, passed: bool) -> Outcome:
        return cls(result.level, list(dict.fromkeys(c.category for c in result.causes)), [r.id for r in result.see],
                   passed)

    def json(self) -> dict[str, Any]:
        return {"level": self.level.value, "causes": self.causes, "referrals": self.referrals, "passed": self.passed}


@dataclass(frozen=True)
class CaseChange:
    case: Case
    old: Outcome
    new: Outcome

    @property
    def changed(self) -> list[str]:
        """Which of level, causes, referrals differ (the order of causes or referrals does not count)."""
        differs = {"level": self.old.level is not self.new.level,
                   "causes": set(self.old.causes) != set(self.new.causes),
                   "referrals": set(self.old.referrals) != set(self.new.referrals)}
        return [aspect for aspect in ASPECTS if differs[aspect]]


def compare(cases: Sequence[Case], old: Any, new: Any) -> list[CaseChange]:
    """Each case run with the ``old`` and the ``new`` triager."""
    changes = []
    for case in cases:
        before, after = run_case(old, case), run_case(new, case)
        changes.append(CaseChange(case, Outcome.of(before.result, before.passed), Outcome.of(after.result, after.passed)))
    return changes
