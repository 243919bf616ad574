"""Exhaustive verification of a rule pack over its discretised answer space.

The space comes from the rules' own conditions (``answer_space``: each tested field takes the
values the rules can tell apart, plus "don't know"), so a new rule is covered without editing
this file. Fields no rule tests are left unanswered: no rule can tell their values apart.

The full product of these values is far too large to run (about 10^11 intakes for the shipped
pack), so it is pruned without losing a behaviour:

1. Fields that some rule tests together form a *component* (union-find over each rule's fields;
   ``medications`` counts as a field). Every rule's answer-conditions lie inside one component.
2. A rule that reads answers and medicines only is an *entry* rule. What the rest of the pack
   can see of an entry rule's conclusion is its *class*: the set of fact patterns, across all
   rules, that match it. Facts in one class (e.g. every red flag at the see-a-doctor level) are
   interchangeable for every later rule, because patterns ask "is there such a fact", never
   "how many".
3. The *key* of an intake is the set of classes its entry rules conclude, with the truth of
   every other rule's answer-conditions. Two intakes with the same key fire the same later rules
   and get the same level. Each component is enumerated in full on its own (the *sweep*); the
   components are then combined by key, keeping one representative intake per reachable key.

Every representative and every sweep intake runs through the durable-rules engine and through
the plain-Python reference evaluator, which must agree (rules fired, facts concluded, level),
and every result is checked against ``invariants.check_result``. The pruning is self-checked:
two intakes with one key that get different levels are reported. Monotone escalation is checked
for every checked intake and every field with a direction: each one-step escalation of the field
(``invariants.escalations``) is keyed, and the level of its key must not be lower.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


from ..pack.answer_space import MEDICATIONS, known_values
from ..pack.conditions import Pattern, fact_holds, intake_holds
from ..triager import Triager
from ..errors import CrampTriageError
from ..facts import intake_facts
from ..intake import Intake
from .invariants import check_monotone, check_result, escalations
from .reference import ReferenceEvaluator
from ..result import Level
from ..pack import Rule, RulePack

MAX_COMPONENT_GRID = 200_000

Answers = dict[str, Any]
Key = tuple[frozenset[frozenset[tuple[str, int]]], frozenset[tuple[str, int, bool]]]


# --- the discretised space ----------------------------------------------------------------------


@dataclass(frozen=True)
class Space:
    """The values each tested field takes, and the components of fields rules test together."""

    domains: dict[str, list[Any]]
    components: list[list[str]]

    @property
    def size(self) -> int:
        """How many intakes the full product of the domains holds."""
        return math.prod(len(values) for values in self.domains.values())


def discretise(pack: RulePack) -> Space:
    parent: dict[str, str] = {}

    def find(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    for rule in pack.active_rules:
        fields = _rule_fields(rule)
        for name in fields:
            find(name)
        for first, other in zip(fields, fields[1:]):
            parent[find(other)] = find(first)
    domains: dict[str, list[Any]] = {}
    for name in sorted(parent):
        domains[name] = [None, *known_values(pack, name)]
    groups: dict[str, list[str]] = {}
    for name in domains:
        groups.setdefault(find(name), []).append(name)
    return Space(domains=domains, components=sorted(groups.values()))


def _rule_fields(rule: Rule) -> list[str]:
    fields = [name for p in rule.when for group in p.intake_groups() for name in group]
    if any((p.negated or p).fact_kind == "medication" for p in rule.when):
        fields.append(MEDICATIONS)
    return list(dict.fromkeys(fields))


# --- keys: what the rules can tell apart ---------------------------------------------------------


class Keyer:
    """Computes an intake's key (see the module docstring) in plain Python, component by component."""

    def __init__(self, pack: RulePack, space: Space) -> None:
        self.pack = pack
        component_of = {name: i for i, names in enumerate(space.components) for name in names}
        # rule -> the component whose fields it reads (None: it reads none, so it is constant)
        self.owned: dict[int | None, list[tuple[Rule, bool]]] = {}
        for rule in pack.active_rules:
            fields = _rule_fields(rule)
            owner = component_of[fields[0]] if fields else None
            entry = not any(p.negated is not None or p.fact_kind not in (None, "medication") for p in rule.when)
            self.owned.setdefault(owner, []).append((rule, entry))
        patterns = [(rule.id, i, p.negated or p) for rule in pack.active_rules for i, p in enumerate(rule.when)
                    if (p.negated or p).fact_kind is not None]
        self._class: dict[tuple[str, str], frozenset[tuple[str, int]]] = {
            key: frozenset((rid, i) for rid, i, p in patterns if fact_holds(p.fact_kind or "", p.selector, fact))
            for key, fact in pack.possible_facts.items()
        }
        self.fields: dict[int | None, tuple[str, ...]] = {i: tuple(names) for i, names in enumerate(space.components)}
        self.fields[None] = ()
        self._cache: dict[tuple[int | None, str], Key] = {}
        self.constant = self.local(None, {})

    def key(self, answers: Answers) -> Key:
        return merge_keys([self.local(owner, answers) for owner in self.owned])

    def local(self, owner: int | None, answers: Answers) -> Key:
        """The part of the key decided by the rules reading one component's fields (cached: the
        component's own values decide it)."""
        own = {name: answers[name] for name in self.fields[owner] if answers.get(name) is not None}
        cache_key = (owner, json.dumps(own, sort_keys=True))
        found = self._cache.get(cache_key)
        if found is None:
            found = self._cache[cache_key] = self._local(owner, own)
        return found

    def _local(self, owner: int | None, answers: Answers) -> Key:
        facts = intake_facts(Intake(**answers), self.pack.reader)
        known = {k: v for k, v in facts.base[0].items() if k != "fact"}
        medicines = facts.base[1:]
        classes: set[frozenset[tuple[str, int]]] = set()
        truths: set[tuple[str, int, bool]] = set()
        for rule, entry in self.owned.get(owner, []):
            if entry:
                if all(_pattern_holds(p, known, medicines) for p in rule.when):
                    classes.update(self._class[(c.kind, c.name)] for c in rule.then)
                continue
            truths.update((rule.id, i, _pattern_holds(p, known, medicines)) for i, p in enumerate(rule.when)
                          if p.negated is None and p.fact_kind in (None, "medication"))
        return frozenset(c for c in classes if c), frozenset(truths)


def merge_keys(parts: list[Key]) -> Key:
    return (frozenset().union(*(p[0] for p in parts)), frozenset().union(*(p[1] for p in parts)))


def _pattern_holds(pattern: Pattern, known: Answers, medicines: list[dict[str, Any]]) -> bool:
    if pattern.fact_kind == "medication":
        return any(fact_holds("medication", pattern.selector, fact) for fact in medicines)
    return intake_holds(pattern.intake_groups(), known)


def sweep(space: Space) -> Iterator[tuple[int, Answers]]:
    """Every value combination within each component, the other fields unanswered."""
    for index, names in enumerate(space.components):
        grid = math.prod(len(space.domains[n]) for n in names)
        if grid > MAX_COMPONENT_GRID:
            raise CrampTriageError(
                f"fields {', '.join(names)} are tested together in {grid} combinations "
                f"(limit {MAX_COMPONENT_GRID}); split the rules that join them")
        for values in itertools.product(*(space.domains[n] for n in names)):
            yield index, {n: v for n, v in zip(names, values) if v is not None}


def representatives(space: Space, keyer: Keyer) -> dict[Key, Answers]:
    """One intake per reachable key, built component by component (see the module docstring)."""
    local: list[dict[Key, Answers]] = [{} for _ in space.components]
    for index, answers in sweep(space):
        local[index].setdefault(keyer.local(index, answers), answers)
    reps: dict[Key, Answers] = {keyer.constant: {}}
    for options in local:
        combined: dict[Key, Answers] = {}
        for key, answers in reps.items():
            for local_key, local_answers in options.items():
                combined.setdefault(merge_keys([key, local_key]), {**answers, **local_answers})
        reps = combined
    return reps


# --- running the checks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    kind: str  # "invariant", "disagreement", "monotone", "pruning", "error"
    message: str
    intake: Answers
    other: Answers | None = None  # the escalated intake of a monotone violation

    def render(self) -> str:
        lines = [f"[{self.kind}] {self.message}", f"  intake: {json.dumps(self.intake, sort_keys=True)}"]
        if self.other is not None:
            lines.append(f"  escalated intake: {json.dumps(self.other, sort_keys=True)}")
        return "\n".join(lines)


@dataclass
class VerifyReport:
    pack: str
    space_size: int
    components: int
    representatives: int
    checked: int = 0
    monotone_steps: int = 0
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
    reps = representatives(space, keyer)
    swept = [answers for _, answers in sweep(space)]
    intakes = list(reps.values()) + swept
    report = VerifyReport(pack=f"{pack.name} {pack.version}", space_size=space.size,
                          components=len(space.components), representatives=len(reps))
    own = triager is None
    engine = triager if triager is not None else Triager(pack, cache_size=0)  # every intake through the engine
    reference = ReferenceEvaluator(pack)
    levels: dict[Key, tuple[Level, Answers]] = {}

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
            key = keyer.key(answers)
            seen = levels.setdefault(key, (level, answers))
            if seen[0] is not level:
                add(Violation("pruning", f"two intakes the rules cannot tell apart got {seen[0].value} and "
                              f"{level.value}", answers, seen[1]))
        for answers in intakes:
            before = levels.get(keyer.key(answers))
            if before is None or report.stopped:
                continue
            for name, domain in space.domains.items():
                for value in escalations(name, answers.get(name), domain):
                    raised = {**answers, name: value}
                    after = levels.get(keyer.key(raised))
                    report.monotone_steps += 1
                    if after is None:
                        add(Violation("pruning", f"escalating {name} reached a key no representative has",
                                      answers, raised))
                        continue
                    for message in check_monotone(before[0], after[0], name, answers.get(name), value):
                        add(Violation("monotone", message, answers, raised))
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
    for message in check_result(result, pack):
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


__all__ = ["Space", "Keyer", "Violation", "VerifyReport", "discretise", "representatives", "sweep", "verify"]
