"""A plain-Python reading of a rule pack, independent of durable-rules.

Used only to check the engine (tests, ``rules verify``) and as the speed floor in benchmarks;
``triage()`` never uses it. Rules run stratum by stratum: every fact a rule reads comes from a
lower stratum, so one pass in stratum order reaches the same conclusions as forward chaining.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..pack.conditions import fact_holds, intake_holds
from ..facts import intake_facts
from ..intake import Intake, parse_intake
from ..result import Level
from ..pack import Rule, RulePack


@dataclass(frozen=True)
class ReferenceOutcome:
    fired: frozenset[str]
    concluded: frozenset[tuple[str, str]]  # (kind, name)
    level: str | None


class ReferenceEvaluator:
    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        strata = pack.strata
        self._rules = sorted(pack.active_rules, key=lambda rule: strata[rule.id])

    def evaluate(self, intake: Intake | dict[str, Any]) -> ReferenceOutcome:
        facts_in = intake_facts(parse_intake(intake), self.pack.reader)
        answers = {k: v for k, v in facts_in.base[0].items() if k != "fact"}
        facts: list[dict[str, Any]] = list(facts_in.base[1:])
        concluded: set[tuple[str, str]] = set()
        fired: set[str] = set()
        for rule in self._rules:
            if self._holds(rule, answers, facts):
                fired.add(rule.id)
                for conclusion in rule.then:
                    key = (conclusion.kind, conclusion.name)
                    if key not in concluded:
                        concluded.add(key)
                        facts.append(self.pack.fact_for(*key))
        highest = Level.highest(name for kind, name in concluded if kind == "level")
        return ReferenceOutcome(frozenset(fired), frozenset(concluded), highest.value if highest else None)

    @staticmethod
    def _holds(rule: Rule, answers: dict[str, Any], facts: list[dict[str, Any]]) -> bool:
        for pattern in rule.when:
            if pattern.negated is not None:
                target = pattern.negated
                if any(fact_holds(target.fact_kind or "", target.selector, fact) for fact in facts):
                    return False
            elif pattern.fact_kind is not None:
                if not any(fact_holds(pattern.fact_kind, pattern.selector, fact) for fact in facts):
                    return False
            elif not intake_holds(pattern.intake_groups(), answers):
                return False
        return True
