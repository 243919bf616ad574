"""A second, tighter floor: the same plain-Python reading of the pack as
``cramp_triage.tools.reference.ReferenceEvaluator`` (same stratum order, same condition semantics,
checked to agree with it on every intake of the run), with each rule's conditions turned into
small closures once instead of re-reading the pydantic rule models on every call.

It shows how much of the reference's time is the pure-Python cost of the rules and how much is
its own overhead of walking the rule models.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from cramp_triage.pack.conditions import Test, _same, selector_attributes
from cramp_triage.facts import intake_facts
from cramp_triage.intake import parse_intake
from cramp_triage.tools.reference import ReferenceOutcome
from cramp_triage.intake import LIST_FIELDS
from cramp_triage.pack import RulePack

Check = Callable[..., bool]
_ORDER = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


def _field_test(field: str, test: Any) -> Callable[[dict[str, Any]], bool]:
    op, bound = (test.operator, test.value) if isinstance(test, Test) else ("eq", test)
    listed = field in LIST_FIELDS
    if op == "known":
        return lambda answers: (answers.get(field) is not None) == bound
    if op in ("eq", "neq"):
        if listed:
            holds: Callable[[Any], bool] = lambda value: bound in value
        else:
            holds = lambda value: _same(value, bound)
        if op == "eq":
            return lambda answers: (value := answers.get(field)) is not None and holds(value)
        return lambda answers: (value := answers.get(field)) is not None and not holds(value)
    compare = _ORDER[op]
    return lambda answers: (
        (value := answers.get(field)) is not None and not isinstance(value, bool)
        and isinstance(value, (int, float)) and compare(value, bound))


def _fact_test(kind: str, selector: Any) -> Check:
    """Is there a fact of ``kind`` with these attributes? ``present`` indexes (kind, attribute, value)."""
    attributes = [(name, set(values)) for name, values in selector_attributes(kind, selector).items()]
    if len(attributes) == 1:
        name, values = attributes[0]
        keys = [(kind, name, value) for value in values]
        return lambda present, facts: any(key in present for key in keys)
    return lambda present, facts: any(
        fact.get("fact") == kind and all(fact.get(name) in values for name, values in attributes) for fact in facts)


def _pattern(pattern: Any) -> Check:
    if pattern.negated is not None:
        target = pattern.negated
        test = _fact_test(target.fact_kind, target.selector)
        return lambda answers, present, facts: not test(present, facts)
    if pattern.fact_kind is not None:
        test = _fact_test(pattern.fact_kind, pattern.selector)
        return lambda answers, present, facts: test(present, facts)
    groups = [[_field_test(field, t) for field, t in group.items()] for group in pattern.intake_groups()]
    if len(groups) == 1:
        group = groups[0]
        return lambda answers, present, facts: all(check(answers) for check in group)
    return lambda answers, present, facts: any(all(check(answers) for check in group) for group in groups)


def _index(present: set[tuple[str, str, Any]], fact: dict[str, Any]) -> None:
    kind = fact["fact"]
    for name, value in fact.items():
        if name != "fact":
            present.add((kind, name, value))


class PlainFloor:
    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        strata = pack.strata
        self._rules = [
            (rule.id, [_pattern(p) for p in rule.when], [(c.kind, c.name) for c in rule.then])
            for rule in sorted(pack.active_rules, key=lambda rule: strata[rule.id])
        ]
        self._facts = {key: fact for key, fact in pack.possible_facts.items()}
        self._rank = {name: fact["rank"] for (kind, name), fact in pack.possible_facts.items() if kind == "level"}

    def evaluate(self, answers_in: dict[str, Any]) -> ReferenceOutcome:
        base = intake_facts(parse_intake(answers_in), self.pack.vocabulary).base
        answers = base[0]
        facts = list(base[1:])
        present: set[tuple[str, str, Any]] = set()
        for fact in facts:
            _index(present, fact)
        concluded: set[tuple[str, str]] = set()
        fired: set[str] = set()
        for rule_id, checks, then in self._rules:
            for check in checks:
                if not check(answers, present, facts):
                    break
            else:
                fired.add(rule_id)
                for key in then:
                    if key not in concluded:
                        concluded.add(key)
                        fact = self._facts.get(key) or self.pack.fact_for(*key)
                        facts.append(fact)
                        _index(present, fact)
        levels = [name for kind, name in concluded if kind == "level"]
        level = max(levels, key=self._rank.__getitem__) if levels else None
        return ReferenceOutcome(frozenset(fired), frozenset(concluded), level)
