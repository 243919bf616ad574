"""Exhaustive verification of a rule pack over its discretised answer space.

``pruning`` says how the space is covered: every component of fields in full (the *sweep*),
and one representative intake for every reachable combination of what each later rule, and the
level, depends on. Every representative and every sweep intake runs through the durable-rules
engine and through the plain-Python reference evaluator, which must agree (rules fired, facts
concluded, level), and every result is checked against ``invariants.check_result`` with its
answers.

The level of any intake is fixed by its key as the level cone sees it; the pruning is
self-checked: two intakes with one level key that get different levels are reported. Monotone
escalation is checked for every checked intake and every field with a direction: each one-step
escalation of the field (``invariants.escalations``) is keyed, and the level of its key must not
be lower. "Don't know" is checked the same way: for every checked intake and every field a red
flag depends on that it leaves unanswered, the same intake with the field's benign answer
(``invariants.benign``) must not get a higher level.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import CrampTriageError
from ..pack import RulePack
from ..result import Level
from ..triager import Triager
from .invariants import benign, check_monotone, check_result, check_unknown, escalations
from .pruning import Answers, Cone, Key, Keyer, Space, cones, discretise, representatives, sweep
from .reference import ReferenceEvaluator


# --- running the checks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    kind: str  # "invariant", "disagreement", "monotone", "unknown", "pruning", "error"
    message: str
    intake: Answers
    other: Answers | None = None  # the escalated (monotone) or benign (unknown) intake compared with it

    def render(self) -> str:
        lines = [f"[{self.kind}] {self.message}", f"  intake: {json.dumps(self.intake, sort_keys=True)}"]
        if self.other is not None:
            label = "benign intake" if self.kind == "unknown" else "escalated intake"
            lines.append(f"  {label}: {json.dumps(self.other, sort_keys=True)}")
        return "\n".join(lines)


@dataclass
class VerifyReport:
    pack: str
    space_size: int
    components: int
    representatives: int
    checked: int = 0
    monotone_steps: int = 0
    unknown_steps: int = 0
    violations: list[Violation] = field(default_factory=list)
    stopped: bool = False  # stopped early: ``max_violations`` were found

    @property
    def ok(self) -> bool:
        return not self.violations


def verify(pack: RulePack, *, triager: Triager | None = None, max_violations: int = 20,
           progress: Callable[[int, int], None] | None = None) -> VerifyReport:
    """Run every representative and sweep intake through the engine and the reference, checking
    the invariants; stop after ``max_violations``."""
    space = discretise(pack)
    keyer = Keyer(pack, space)
    later, level_cone = cones(pack, keyer)
    reps: dict[Key, Answers] = {}
    for cone in [level_cone, *later]:
        for answers in representatives(space, keyer, cone).values():
            reps.setdefault(keyer.key(answers), answers)
    swept = [answers for _, answers in sweep(space)]
    intakes = list(reps.values()) + swept

    def level_key(answers: Answers) -> Key:
        return level_cone.project(keyer.key(answers))

    report = VerifyReport(pack=f"{pack.name} {pack.version}", space_size=space.size,
                          components=len(space.components), representatives=len(reps))
    own = triager is None
    engine = triager if triager is not None else Triager(pack, cache_size=0)  # every intake through the engine
    reference = ReferenceEvaluator(pack)
    levels: dict[Key, tuple[Level, Answers]] = {}
    red_flag_fields = [name for name in pack.red_flag_fields if name in space.domains]

    def add(violation: Violation) -> None:
        if len(report.violations) < max_violations:
            report.violations.append(violation)
        report.stopped = len(report.violations) >= max_violations

    try:
        for number, answers in enumerate(intakes):
            if report.stopped:
                break
            if progress is not None:
                progress(number, len(intakes))
            report.checked += 1
            level = _check_one(pack, engine, reference, answers, add)
            if level is None:
                continue
            seen = levels.setdefault(level_key(answers), (level, answers))
            if seen[0] is not level:
                add(Violation("pruning", f"two intakes the rules cannot tell apart got {seen[0].value} and "
                              f"{level.value}", answers, seen[1]))
        for answers in intakes:
            before = levels.get(level_key(answers))
            if before is None or report.stopped:
                continue
            for name, domain in space.domains.items():
                for value in escalations(name, answers.get(name), domain):
                    raised = {**answers, name: value}
                    after = levels.get(level_key(raised))
                    report.monotone_steps += 1
                    if after is None:
                        add(Violation("pruning", f"escalating {name} reached a key no representative has",
                                      answers, raised))
                        continue
                    for message in check_monotone(before[0], after[0], name, answers.get(name), value):
                        add(Violation("monotone", message, answers, raised))
            for name in red_flag_fields:
                answer = benign(name, space.domains[name])
                if name in answers or answer is None:
                    continue
                settled = {**answers, name: answer}
                after = levels.get(level_key(settled))
                report.unknown_steps += 1
                if after is None:
                    add(Violation("pruning", f"a benign {name} reached a key no representative has", answers, settled))
                    continue
                for message in check_unknown(before[0], after[0], name, answer):
                    add(Violation("unknown", message, answers, settled))
    finally:
        if own:
            engine.close()
    return report


def _check_one(pack: RulePack, engine: Triager, reference: ReferenceEvaluator, answers: Answers,
               add: Callable[[Violation], None]) -> Level | None:
    try:
        result = engine.triage(answers)
    except CrampTriageError as error:
        add(Violation("error", str(error), answers))
        return None
    for message in check_result(result, pack, answers):
        add(Violation("invariant", message, answers))
    expected = reference.evaluate(answers)
    fired = {step.rule for step in result.trace}
    concluded = {(fact["fact"], fact["name"]) for step in result.trace for fact in step.concluded}
    if fired != expected.fired:
        add(Violation("disagreement", f"engine fired {sorted(fired ^ expected.fired)} differently from the "
                      "reference", answers))
    elif concluded != expected.concluded:
        add(Violation("disagreement", "engine and reference concluded different facts", answers))
    elif result.level.value != expected.level:
        add(Violation("disagreement", f"engine level {result.level.value}, reference {expected.level}", answers))
    return result.level


__all__ = ["Cone", "Space", "Keyer", "Violation", "VerifyReport", "cones", "discretise", "representatives", "sweep",
           "verify"]
