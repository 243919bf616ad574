"""Running a case and checking its expectations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..pack import RulePack
from ..result import TriageResult
from .spec import Case, Expect


@dataclass(frozen=True)
class Mismatch:
    """One expectation that did not hold: ``expected`` and ``actual`` as tools read them (ids),
    ``names`` the expected names that failed and ``got`` the names the result holds, for a
    report that describes each (``failure_report``)."""

    expectation: str
    expected: str
    actual: str
    names: tuple[str, ...] = ()
    got: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.expectation}: expected {self.expected}; got {self.actual}"


@dataclass(frozen=True)
class CaseResult:
    case: Case
    result: TriageResult
    mismatches: list[Mismatch] = field(default_factory=list)
    pack: RulePack | None = field(default=None, compare=False)  # to describe names in a report

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
    got = (level.value,)
    if expect.level is not None and level is not expect.level:
        found.append(Mismatch("level", expect.level.value, level.value, (expect.level.value,), got))
    if expect.min_level is not None and level.rank < expect.min_level.rank:
        found.append(Mismatch("min_level", f"at least {expect.min_level.value}", level.value,
                              (expect.min_level.value,), got))
    if expect.max_level is not None and level.rank > expect.max_level.rank:
        found.append(Mismatch("max_level", f"at most {expect.max_level.value}", level.value,
                              (expect.max_level.value,), got))
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
            found.append(Mismatch(key, f"{_names(missing)} among the {what}", _names(actual[what]),
                                  tuple(missing), tuple(actual[what])))
    present = [name for name in expect.causes_exclude if name in actual["causes"]]
    if present:
        found.append(Mismatch("causes_exclude", f"{_names(present)} not among the causes", _names(actual["causes"]),
                              tuple(present), tuple(actual["causes"])))
    # The report lists every rule that fired after the mismatches, so these name only the rules.
    missing = [rule for rule in expect.rules_fired_include if rule not in actual["rules fired"]]
    if missing:
        found.append(Mismatch("rules_fired_include", f"{_names(missing)} fired", "not fired", tuple(missing)))
    present = [rule for rule in expect.rules_not_fired if rule in actual["rules fired"]]
    if present:
        found.append(Mismatch("rules_not_fired", f"{_names(present)} not fired", "fired", tuple(present)))
    missing = [name for name in expect.unanswered_include if name not in result.unanswered_red_flags]
    if missing:
        found.append(Mismatch("unanswered_include", f"{_names(missing)} among the unanswered warning signs",
                              _names(result.unanswered_red_flags), tuple(missing),
                              tuple(result.unanswered_red_flags)))
    text = read_text(result)
    missing = [words for words in expect.text_include if " ".join(words.lower().split()) not in text]
    if missing:
        found.append(Mismatch("text_include", f"{_quoted(missing)} in what the person reads", "not there",
                              tuple(missing)))
    present = [words for words in expect.text_exclude if " ".join(words.lower().split()) in text]
    if present:
        found.append(Mismatch("text_exclude", f"{_quoted(present)} nowhere in what the person reads", "there",
                              tuple(present)))
    return found


def read_text(result: TriageResult) -> str:
    """What the person reads, in lower case with single spaces: what to do now and if it gets
    worse, whom to see and why, the self-care steps."""
    parts = [result.do_now, result.if_worse, *(f"{r.who}: {r.why}" for r in result.see),
             *(step.text for step in result.self_care)]
    return " ".join(" ".join(parts).lower().split())


def _quoted(items: Sequence[str]) -> str:
    return ", ".join(repr(item) for item in items)


def _names(items: Sequence[str]) -> str:
    return ", ".join(items) if items else "none"


def run_case(triager: Any, case: Case) -> CaseResult:
    """Triage a case's answers with ``triager`` and check its expectations."""
    result = triager.triage(case.intake)
    return CaseResult(case, result, check(case.expect, result), pack=getattr(triager, "pack", None))
