"""Mutation testing of a rule pack: does the test suite notice when a rule is wrong?

Mutants, each one change to the pack:

- ``delete``: one active rule removed;
- ``threshold``: one numeric test moved across its boundary (the value one step up, one step
  down, and the strict/non-strict operator swapped: ``gt 10`` -> ``gt 11``, ``gt 9``, ``gte 10``);
- ``flip``: one yes/no test flipped (``true`` <-> ``false``, ``known: true`` <-> ``known: false``),
  or one choice test moved to each other answer (``leg_swelling: one_leg`` -> ``both_legs``, ``none``).

Each mutant runs, through the durable-rules engine, against *checks*: callables that take a
``Triager`` and return what failed (the rule-level assertions of the test suite, the shipped
scenarios, the invariants). A mutant is *killed* when a check fails or the mutant pack errors;
the score is killed / all. Every deletion and every threshold move must be killed. On a mutant a
check stops at its first failure (one is enough to kill it); on the unmutated pack it reports
every failure.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..triager import Triager
from ..errors import CrampTriageError, Problem
from .invariants import check_result
from ..pack import INTAKE_FIELD_KINDS, Rule, RulePack
from ..pack.rulepack import choices

Kind = Literal["delete", "threshold", "flip"]
# A check: (triager, first_only, focus) -> what failed. With first_only it may stop at the first
# failure, and it tries first what names the rule ``focus`` (the one a mutant changed): the same
# verdict, sooner.
Check = Callable[[Triager, bool, str], list[str]]
_STRICT_SWAP = {"gt": "gte", "gte": "gt", "lt": "lte", "lte": "lt"}


@dataclass(frozen=True)
class Mutant:
    kind: Kind
    description: str
    pack: RulePack
    rule: str = ""  # the rule it changes


@dataclass(frozen=True)
class MutantOutcome:
    mutant: Mutant
    killed_by: tuple[str, ...]  # every check (or error) that noticed; empty if it survived


@dataclass
class MutationReport:
    outcomes: list[MutantOutcome] = field(default_factory=list)

    labels: tuple[str, ...] = ()

    @property
    def killed(self) -> int:
        return sum(bool(outcome.killed_by) for outcome in self.outcomes)

    @property
    def score(self) -> float:
        return self.killed / len(self.outcomes) if self.outcomes else 1.0

    def survivors(self, *kinds: Kind, label: str | None = None) -> list[Mutant]:
        """Mutants no check killed (or, with ``label``, that this one check did not kill)."""
        return [o.mutant for o in self.outcomes if (label not in o.killed_by if label else not o.killed_by)
                and (not kinds or o.mutant.kind in kinds)]

    def summary(self) -> str:
        total = len(self.outcomes)
        lines = [f"mutation score {self.killed}/{total} = {self.score:.1%}"]
        for kind in ("delete", "threshold", "flip"):
            mine = [o for o in self.outcomes if o.mutant.kind == kind]
            lines.append(f"  {kind}: {sum(bool(o.killed_by) for o in mine)}/{len(mine)} killed")
        for label in self.labels:
            alone = total - len(self.survivors(label=label))
            lines.append(f"  by {label} alone: {alone}/{total} = {alone / total if total else 1:.1%}")
        lines.extend(f"  survived: {m.description}" for m in self.survivors())
        return "\n".join(lines)


# --- making mutants -----------------------------------------------------------------------------


def mutants(pack: RulePack, kinds: Iterable[Kind] = ("delete", "threshold", "flip")) -> Iterator[Mutant]:
    kinds = set(kinds)
    for rule in pack.active_rules:
        if "delete" in kinds:
            yield Mutant("delete", f"delete {rule.id}", _with_rules(pack, [r for r in pack.rules if r.id != rule.id]),
                         rule.id)
        for kind, description, changed in _test_mutations(rule):
            if kind in kinds:
                rules = [changed if r.id == rule.id else r for r in pack.rules]
                yield Mutant(kind, f"{rule.id}: {description}", _with_rules(pack, rules), rule.id)


def _with_rules(pack: RulePack, rules: list[Rule]) -> RulePack:
    files = {rule.id: pack.file_of(rule.id) for rule in rules}
    return RulePack(pack.path, pack.manifest, pack.terms, pack.vocabulary, rules, files, pack.regions)


def _test_mutations(rule: Rule) -> Iterator[tuple[Kind, str, Rule]]:
    """Each single-test change of a rule's answer conditions."""
    data = rule.model_dump(mode="json", by_alias=True, exclude_none=True)
    for p_index, pattern in enumerate(data["when"]):
        groups = [pattern["intake"]] if "intake" in pattern else pattern.get("any_intake", [])
        for g_index, group in enumerate(groups):
            for name, test in group.items():
                for kind, description, new in _changes(name, test):
                    yield kind, f"{name} {_show(test)} -> {_show(new)}", _replace(data, p_index, g_index, name, new)


def _changes(name: str, test: Any) -> Iterator[tuple[Kind, str, Any]]:
    op, value = next(iter(test.items())) if isinstance(test, dict) else ("eq", test)
    if op == "known":
        yield "flip", "known", {"known": not value}
    elif isinstance(value, bool):
        yield "flip", "bool", {op: not value} if isinstance(test, dict) else (not value)
    elif INTAKE_FIELD_KINDS.get(name) == "choice":
        for other in choices(name):
            if other != value:
                yield "flip", "choice", {op: other} if isinstance(test, dict) else other
    elif INTAKE_FIELD_KINDS.get(name) == "number" and isinstance(value, (int, float)):
        step = 1
        yield "threshold", "up", {op: value + step}
        yield "threshold", "down", {op: value - step}
        if op in _STRICT_SWAP:
            yield "threshold", "strictness", {_STRICT_SWAP[op]: value}


def _replace(data: dict[str, Any], p_index: int, g_index: int, name: str, new: Any) -> Rule:
    when = [dict(p) for p in data["when"]]
    pattern = when[p_index]
    if "intake" in pattern:
        pattern["intake"] = {**pattern["intake"], name: new}
    else:
        groups = [dict(g) for g in pattern["any_intake"]]
        groups[g_index] = {**groups[g_index], name: new}
        pattern["any_intake"] = groups
    return Rule.model_validate({**data, "when": when})


def _show(test: Any) -> str:
    if isinstance(test, dict):
        return " ".join(f"{k} {_number(v)}" for k, v in test.items())
    return str(test).lower()


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


# --- checks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FiringCase:
    """A rule-level assertion: on these answers these rules fire and those do not."""

    answers: dict[str, Any]
    fires: frozenset[str] = frozenset()
    not_fires: frozenset[str] = frozenset()
    name: str = ""


def _collect(failures: Iterator[str], first_only: bool) -> list[str]:
    return list(itertools.islice(failures, 1)) if first_only else list(failures)


def _focused(items: Sequence[Any], names: Callable[[Any], Iterable[str]], focus: str) -> list[Any]:
    """``items`` with those that name ``focus`` first (a stable sort, so otherwise in order)."""
    return sorted(items, key=lambda item: focus not in names(item)) if focus else list(items)


def firing_check(cases: Sequence[FiringCase], label: str = "rule-level assertions") -> tuple[str, Check]:
    def failures(triager: Triager, focus: str) -> Iterator[str]:
        for case in _focused(cases, lambda case: case.fires | case.not_fires, focus):
            fired = {step.rule for step in triager.triage(case.answers).trace}
            missing, extra = case.fires - fired, case.not_fires & fired
            if missing or extra:
                yield f"{case.name or case.answers}: missing {sorted(missing)}, unexpected {sorted(extra)}"

    return label, lambda triager, first_only=False, focus="": _collect(failures(triager, focus), first_only)


def scenario_check(paths: Sequence[str | Path], pack: RulePack, label: str = "shipped scenarios") -> tuple[str, Check]:
    """The scenario files' expectations (loaded once, against the unmutated pack)."""
    from ..scenarios import load_cases, run_case

    cases = load_cases(paths, pack)

    def failures(triager: Triager, focus: str) -> Iterator[str]:
        named = _focused(cases, lambda case: case.expect.rules_fired_include + case.expect.rules_not_fired, focus)
        return (f"{case.id}: {'; '.join(map(str, outcome.mismatches))}"
                for case in named for outcome in [run_case(triager, case)] if not outcome.passed)

    return label, lambda triager, first_only=False, focus="": _collect(failures(triager, focus), first_only)


def invariant_check(intakes: Sequence[dict[str, Any]], label: str = "invariants") -> tuple[str, Check]:
    def failures(triager: Triager) -> Iterator[str]:
        return (f"{answers}: {problem}" for answers in intakes
                for problem in check_result(triager.triage(answers), triager.pack, answers))

    return label, lambda triager, first_only=False, focus="": _collect(failures(triager), first_only)


# --- running ------------------------------------------------------------------------------------


def run_mutation(pack: RulePack, checks: Sequence[tuple[str, Check]],
                 kinds: Iterable[Kind] = ("delete", "threshold", "flip"), limit: int | None = None) -> MutationReport:
    """Run every check against every mutant (the first ``limit`` only, if given); the unmutated
    pack must pass them all first."""
    with Triager(pack) as original:
        for label, check in checks:
            failures = check(original, False, "")
            if failures:
                raise CrampTriageError(f"{label} fail on the unmutated pack",
                                       [Problem(label, str(failure)) for failure in failures])
    report = MutationReport(labels=tuple(label for label, _ in checks))
    for mutant in itertools.islice(mutants(pack, kinds), limit):
        report.outcomes.append(MutantOutcome(mutant, _killer(mutant, checks)))
    return report


def _killer(mutant: Mutant, checks: Sequence[tuple[str, Check]]) -> tuple[str, ...]:
    """Every check that notices the mutant; a mutant pack that cannot load is noticed by all."""
    try:
        problems = mutant.pack.check()
        triager = Triager(mutant.pack)
    except CrampTriageError:
        problems = ["invalid"]
    if problems:
        return tuple(label for label, _ in checks)
    killers = []
    with triager:
        for label, check in checks:
            try:
                if check(triager, True, mutant.rule):
                    killers.append(label)
            except CrampTriageError:  # e.g. no level concluded: the suite errors, so it notices
                killers.append(label)
    return tuple(killers)
