"""Rule pack -> durable-rules ruleset definition (plain dicts).

Salience (``pri``, lower fires first) follows the pack's strata, then its layers, so red flags
fire before anything reads them and every conclusion exists before a rule asks for its absence.

durable-rules does not withdraw a queued activation when a fact it negates arrives later, so a
rule with ``not`` also waits for a *stage* fact, asserted by an internal gate rule that fires
only once every lower stratum is done. Its match, and so its ``not``, is taken after that.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from .._compat import cached_property
from typing import Any

from ..intake import LIST_FIELDS
from ..pack import RulePack
from ..pack.conditions import FieldTests, Scalar, Selector, Test, selector_attributes

RULESET = "cramp_triage"
STAGE = "stage"
GATE_PREFIX = "gate-"
INTAKE_PATTERN = "answers"
OBSERVE_RULES = {"observe-intake": "intake", "observe-medication": "medication"}

Action = Callable[[Any], None]
# Within a stratum: red flags, then the level they set, then everything else. So the level is
# fixed by the red flags before any cause is named.
SALIENCE = ("red_flag", "level", "finding", "cause", "advice")


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    pri: int
    conclusions: tuple[dict[str, Any], ...]
    tested_fields: frozenset[str]  # intake fields its conditions test
    stage: int | None  # the stage fact it waits for, when it has a `not`


@dataclass(frozen=True)
class CompiledPack:
    pack: RulePack
    rules: dict[str, CompiledRule]
    gates: dict[str, int]  # gate rule name -> stage it asserts

    @cached_property
    def patterns(self) -> dict[str, dict[str, Any]]:
        """Each rule's priority and patterns: the ruleset definition without its actions. Built
        once per compiled pack; read only (``definition`` gives a fresh one to consume)."""
        rules: dict[str, Any] = {}
        for rule_id, compiled in self.rules.items():
            rules[rule_id] = {"pri": compiled.pri, "all": _patterns(compiled)}
        for gate, stage in self.gates.items():
            rules[gate] = {"pri": stage * 10 - 1, "all": [{"i": {"fact": "intake"}}]}
        # Every base fact must match some rule: the engine refuses a fact nothing matches, and
        # deleting a state whose first fact matched nothing crashes it. These rules do nothing.
        last = max((c.pri for c in self.rules.values()), default=0) + 1
        for name, kind in OBSERVE_RULES.items():
            rules[name] = {"pri": last, "all": [{"o": {"fact": kind}}]}
        return rules

    @cached_property
    def patterns_text(self) -> str:
        """``patterns`` as the engine's C module reads them, encoded once: every ruleset of this
        pack is created from it, and the runnable proof's digest covers it."""
        from ._durable import encode

        return encode(self.patterns)

    def definition(self, action_for: Callable[[str], Action]) -> dict[str, Any]:
        """A fresh ruleset definition (durable-rules consumes it: build a new one per host)."""
        return {RULESET: {name: {**spec, "all": copy.deepcopy(spec["all"]), "run": action_for(name)}
                          for name, spec in self.patterns.items()}}


def _patterns(compiled: CompiledRule) -> list[dict[str, Any]]:
    positive: list[dict[str, Any]] = []
    negative: list[dict[str, Any]] = []
    if compiled.stage is not None:
        positive.append({"g": {"$and": [{"fact": STAGE}, {"n": compiled.stage}]}})
    # All intake conditions of a rule test the one intake fact: they become one pattern, since
    # durable-rules will not match the same fact to two patterns of a rule.
    intake = [p for p in compiled.rule.when if p.negated is None and p.fact_kind is None]
    if intake:
        positive.append({INTAKE_PATTERN: durable_intake([p.intake_groups() for p in intake])})
    for index, pattern in enumerate(compiled.rule.when):
        if pattern.negated is not None:
            target = pattern.negated
            assert target.fact_kind is not None
            negative.append({f"n{index}$not": durable_fact(target.fact_kind, target.selector)})
        elif pattern.fact_kind is not None:
            positive.append({f"p{index}": durable_fact(pattern.fact_kind, pattern.selector)})
    # A `not` pattern placed first never fires in durable-rules: positives go first.
    return positive + negative


def compile_pack(pack: RulePack) -> CompiledPack:
    strata = pack.strata
    rules: dict[str, CompiledRule] = {}
    stages: set[int] = set()
    for rule in pack.active_rules:
        stratum = strata[rule.id]
        has_not = any(p.negated is not None for p in rule.when)
        if has_not:
            stages.add(stratum + 1)
        tested = frozenset(field for p in rule.when for group in p.intake_groups() for field in group)
        rules[rule.id] = CompiledRule(
            rule=rule,
            pri=10 * (stratum + 1) + SALIENCE.index(rule.layer),
            conclusions=tuple(pack.fact_for(c.kind, c.name) for c in rule.then),
            tested_fields=tested,
            stage=stratum + 1 if has_not else None,
        )
    gates = {f"{GATE_PREFIX}{stage}": stage for stage in sorted(stages)}
    return CompiledPack(pack=pack, rules=rules, gates=gates)


# --- durable-rules pattern text --------------------------------------------------------------


def _durable_test(field: str, test: Scalar | Test, list_field: bool) -> dict[str, Any]:
    if not isinstance(test, Test):
        if list_field:
            return {"$iany": {field: {"$i": test}}}
        return {field: test}
    op, value = test.operator, test.value
    if op == "known":
        return {"$ex": {field: 1}} if value else {"$nex": {field: 1}}
    if op == "eq":
        return _durable_test(field, value, list_field)
    if op == "neq":
        # durable's $neq also holds for a missing field; "don't know" must not count as "not X".
        return {"$and": [{"$ex": {field: 1}}, {"$neq": {field: value}}]}
    return {f"${op}": {field: value}}


def durable_intake(conditions: list[list[FieldTests]]) -> dict[str, Any]:
    """One durable-rules pattern on the intake fact for all of a rule's intake conditions; each
    condition is a list of alternative test groups (one group for ``intake``)."""
    tests: list[dict[str, Any]] = [{"fact": "intake"}]
    for groups in conditions:
        alternatives = [
            [_durable_test(field, test, field in LIST_FIELDS) for field, test in group.items()] for group in groups
        ]
        if len(alternatives) == 1:
            tests.extend(alternatives[0])
        else:
            tests.append({"$or": [{"$and": alt} if len(alt) > 1 else alt[0] for alt in alternatives]})
    return {"$and": tests}


def durable_fact(kind: str, selector: Selector) -> dict[str, Any]:
    """The durable-rules pattern for a fact condition."""
    tests: list[dict[str, Any]] = [{"fact": kind}]
    for attribute, values in selector_attributes(kind, selector).items():
        options = [{attribute: value} for value in values]
        tests.append(options[0] if len(options) == 1 else {"$or": options})
    return {"$and": tests}
