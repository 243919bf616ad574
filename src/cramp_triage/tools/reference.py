"""A plain-Python reading of a rule pack, independent of durable-rules.

Used only to check the engine (tests, ``rules verify``) and as the speed floor in benchmarks;
``triage()`` never uses it. Rules run stratum by stratum: every fact a rule reads comes from a
lower stratum, so one pass in stratum order reaches the same conclusions as forward chaining.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..pack.conditions import Pattern, intake_holds, selector_attributes
from ..facts import intake_facts
from ..intake import Intake, parse_intake
from ..result import Level
from ..pack import RulePack


@dataclass(frozen=True)
class ReferenceOutcome:
    fired: frozenset[str]
    concluded: frozenset[tuple[str, str]]  # (kind, name)
    level: str | None


# One condition of a rule, read once: ("intake", groups) or ("fact", kind, attribute -> allowed
# values, negated).
_Condition = tuple[Any, ...]


class ReferenceEvaluator:
    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        strata = pack.strata
        rules = sorted(pack.active_rules, key=lambda rule: strata[rule.id])
        self._rules = [(rule, [_condition(pattern) for pattern in rule.when]) for rule in rules]

    def evaluate(self, intake: Intake | dict[str, Any]) -> ReferenceOutcome:
        facts_in = intake_facts(parse_intake(intake), self.pack.reader)
        answers = {k: v for k, v in facts_in.base[0].items() if k != "fact"}
        facts: dict[str, list[dict[str, Any]]] = {}  # kind -> facts of that kind
        for fact in facts_in.base[1:]:
            facts.setdefault(fact["fact"], []).append(fact)
        concluded: set[tuple[str, str]] = set()
        fired: set[str] = set()
        for rule, conditions in self._rules:
            if all(_holds(condition, answers, facts) for condition in conditions):
                fired.add(rule.id)
                for conclusion in rule.then:
                    key = (conclusion.kind, conclusion.name)
                    if key not in concluded:
                        concluded.add(key)
                        fact = self.pack.fact_for(*key)
                        facts.setdefault(fact["fact"], []).append(fact)
        highest = Level.highest(name for kind, name in concluded if kind == "level")
        return ReferenceOutcome(frozenset(fired), frozenset(concluded), highest.value if highest else None)


def _condition(pattern: Pattern) -> _Condition:
    target = pattern.negated or pattern
    if target.fact_kind is None:
        return ("intake", pattern.intake_groups())
    attributes = selector_attributes(target.fact_kind, target.selector)
    return ("fact", target.fact_kind, attributes, pattern.negated is not None)


def _holds(condition: _Condition, answers: dict[str, Any], facts: dict[str, list[dict[str, Any]]]) -> bool:
    if condition[0] == "intake":
        return intake_holds(condition[1], answers)
    _, kind, attributes, negated = condition
    present = any(all(fact.get(attr) in values for attr, values in attributes.items()) for fact in facts.get(kind, ()))
    return present != negated
