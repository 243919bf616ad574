"""Which unanswered questions could still raise a warning sign: a plain reading of the red-flag
rules, independent of the pack's own "unanswered" rules, to check them against (``rules verify``
over the whole answer space, and the property tests).

A rule that concludes a red flag *could still fire* when every condition could hold once the
unanswered questions are answered:

- a test on an answered field must hold; a test on an unanswered one may (a ``known: false``
  test holds, a ``known: true`` test does not);
- a medicine condition must hold: a medicine nobody listed is not asked about;
- a fact condition holds if some rule that concludes the fact could still fire;
- a ``not`` condition may hold either way, so it never rules a red flag out.

The unanswered fields such a rule reads (directly, or through the rules behind the facts it
reads) are the ones whose answer could still raise the warning sign.
"""

from __future__ import annotations

import weakref
from typing import Any

from ..facts import intake_facts
from ..intake import parse_intake
from ..pack import Rule, RulePack
from ..pack.conditions import FieldTests, Test, fact_holds, intake_holds


def expected_unanswered(pack: RulePack, answers: dict[str, Any]) -> set[str]:
    """The intake fields that should be in ``unanswered_red_flags`` for these answers."""
    facts = intake_facts(parse_intake(answers), pack.reader)
    known = {key: value for key, value in facts.base[0].items() if key != "fact"}
    medicines = facts.base[1:]
    red_flag_rules, producers = _plan(pack)
    memo: dict[str, set[str] | None] = {}

    def could_fire(rule: Rule) -> set[str] | None:
        """None: it cannot fire, whatever the unanswered questions say; else the unanswered
        fields behind it."""
        if rule.id in memo:
            return memo[rule.id]
        memo[rule.id] = None  # a rule never needs itself
        fields: set[str] = set()
        for pattern in rule.when:
            if pattern.negated is not None:
                continue
            if pattern.fact_kind == "medication":
                if not any(fact_holds("medication", pattern.selector, fact) for fact in medicines):
                    return None
            elif pattern.fact_kind is None:
                groups = [group for group in pattern.intake_groups() if _could_hold(group, known)]
                if not groups:
                    return None
                fields |= {field for group in groups for field in group if field not in known}
            else:
                behind = [could_fire(producer) for producer in producers[id(pattern)]]
                reachable = [found for found in behind if found is not None]
                if not reachable:
                    return None
                if all(reachable):  # no producer is certain: each one's questions could matter
                    fields |= set().union(*reachable)
        memo[rule.id] = fields
        return fields

    found: set[str] = set()
    for rule in red_flag_rules:
        found |= could_fire(rule) or set()
    return found


_PLANS: weakref.WeakKeyDictionary[RulePack, tuple[list[Rule], dict[int, list[Rule]]]] = weakref.WeakKeyDictionary()


def _plan(pack: RulePack) -> tuple[list[Rule], dict[int, list[Rule]]]:
    """The rules that conclude a red flag, and for each fact pattern the rules that conclude
    what it reads: worked out once per pack (verify asks for thousands of intakes)."""
    plan = _PLANS.get(pack)
    if plan is None:
        red_flags = set(pack.red_flags)
        rules = [rule for rule in pack.active_rules if any(c.kind == "finding" and c.name in red_flags for c in rule.then)]
        producers = {id(pattern): [producer for key in sorted(pack.matching_facts(pattern))
                                   for producer in pack.producers.get(key, [])]
                     for rule in pack.active_rules for pattern in rule.when
                     if pattern.negated is None and pattern.fact_kind not in (None, "medication")}
        plan = _PLANS[pack] = (rules, producers)
    return plan


def _could_hold(group: FieldTests, known: dict[str, Any]) -> bool:
    for field, test in group.items():
        if field in known:
            if not intake_holds([{field: test}], known):
                return False
        elif isinstance(test, Test) and test.operator == "known" and test.value:
            return False
    return True
