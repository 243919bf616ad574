"""A failed case in plain lines for a learner: each expectation missed (with the line it was read
from, and each name described: a rule with its title, a finding as a warning sign or a reason to
see a doctor), the answers as they were read, what was found, and every rule that fired."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby

from ..pack import RulePack
from .run import CaseResult, Mismatch
from . import words
from .spec import Case


def failure_report(outcome: CaseResult) -> str:
    """The first line names the case; the others are indented two spaces (rules four)."""
    case, result, pack = outcome.case, outcome.result, outcome.pack
    title = " ".join(case.title.split())  # one line, whatever the file says
    lines = [f"{case.id} ({case.path}): {title}"]
    lines += [f"  {_mismatch(mismatch, case, pack)}" for mismatch in outcome.mismatches]
    lines.append(f"  answers read: {answers_read(case)}")
    for kind, heading in ((words.WARNING_SIGN, "warning signs"), (words.REASON_TO_SEE_A_DOCTOR, "reasons to see a doctor")):
        found = [f"{f.id} ({' '.join(f.label.split())})" for f in result.serious if words.finding_kind(f.level) == kind]
        if found:
            lines.append(f"  {heading} found: {'; '.join(found)}")
    titles = {step.rule: step.title for step in result.trace}
    lines.append("  rules fired:" + ("" if titles else " none"))
    lines += [f"    {rule} ({' '.join(title.split())})" for rule, title in titles.items()]
    return "\n".join(lines)


def answers_read(case: Case) -> str:
    """``duration_minutes: 12, locations: [calf] (line 3)``: each answer as read, with its line."""
    if not case.given:
        return "none (every answer is not known)"
    parts = []
    for line, group in groupby(case.given.items(), key=lambda item: case.given_lines.get(item[0])):
        text = ", ".join(f"{name}: {words.as_yaml(value)}" for name, value in group)
        parts.append(f"{text} (line {line})" if line is not None else text)
    return "; ".join(parts)


def _mismatch(mismatch: Mismatch, case: Case, pack: RulePack | None) -> str:
    key = mismatch.expectation
    line = case.expect_lines.get(key)
    where = f"{key} (line {line})" if line is not None else key
    describe = _DESCRIBE.get(key)
    if describe is None or pack is None:
        return f"{where}: expected {mismatch.expected}; got {mismatch.actual}"
    expected, got = _joined(describe, pack, mismatch.names), _joined(describe, pack, mismatch.got)
    return f"{where}: " + _SAYS[key].format(expected=expected, got=got)


def _joined(describe: Callable[[RulePack, str], str], pack: RulePack, names: Sequence[str]) -> str:
    return "; ".join(describe(pack, name) for name in names) or "none"


_DESCRIBE: dict[str, Callable[[RulePack, str], str]] = {
    "level": words.level, "min_level": words.level, "max_level": words.level,
    "causes_include": words.cause, "causes_exclude": words.cause,
    "serious_include": words.finding, "see_include": words.referral,
    "rules_fired_include": words.rule, "rules_not_fired": words.rule,
}
_SAYS = {
    "level": "expected {expected}; got {got}",
    "min_level": "expected at least {expected}; got {got}",
    "max_level": "expected at most {expected}; got {got}",
    "causes_include": "expected {expected} among the causes; got {got}",
    "causes_exclude": "expected {expected} not among the causes; got {got}",
    "serious_include": f"expected {{expected}} among the {words.FINDINGS} found; got {{got}}",
    "see_include": "expected {expected} among whom to see; got {got}",
    "rules_fired_include": "expected {expected} to fire; got not fired",
    "rules_not_fired": "expected {expected} not to fire; got fired",
}
