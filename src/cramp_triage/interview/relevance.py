"""Which unanswered questions could still change the outcome, decided by the rules themselves.

Used by the interview (skip a question no answer to which can change anything) and by
``explain`` (which unknown answers could have changed the outcome). Nothing here is a hand
list: a field matters when running the pack with each possible answer to it gives different
outcomes (level, causes, whom to see, self-care).

An answer can matter only together with others: ``duration_minutes`` over 10 says more when
``eases_with_movement`` is no. So each field is tried against the answers to its *partners*:
the other fields that some rule it feeds joins it with (another test in the same condition
group, or another positive condition of that rule). Every other unanswered field stays unknown:
an unknown answer fails every value test, so it adds no fact that could hide the field's
effect (``not`` conditions only hold more often). Numbers are tried at each threshold the
rules use and either side of it; a field with too many partner combinations is assumed to
matter, the safe side for an interview.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from ..pack.answer_space import MEDICATIONS, known_values
from ..pack.conditions import Pattern
from ..triager import Triager
from ..intake import Intake
from ..result import Level
from ..pack import FactKey, Rule, RulePack

ASPECTS = ("level", "causes", "see", "self_care")
# Above this many partner combinations a field is assumed to matter (the safe side: ask it).
MAX_COMBINATIONS = 2000
# Outcomes remembered (well under 1 KiB each); when full, all are forgotten and found again.
OUTCOME_CACHE_SIZE = 50_000


@dataclass(frozen=True)
class Outcome:
    level: str
    causes: frozenset[str]
    see: frozenset[str]
    self_care: frozenset[str]

    def differs(self, other: Outcome) -> set[str]:
        return {aspect for aspect in ASPECTS if getattr(self, aspect) != getattr(other, aspect)}


def fields_read(pattern: Pattern) -> set[str]:
    """Intake fields a positive pattern reads directly (medication facts come from ``medications``)."""
    if pattern.fact_kind == "medication":
        return {MEDICATIONS}
    return {field for group in pattern.intake_groups() for field in group}


class Relevance:
    """Answers "could this question still change the outcome?" for one rule pack."""

    def __init__(self, triager: Triager) -> None:
        self.triager = triager
        self.pack: RulePack = triager.pack
        self._cache: dict[str, Outcome] = {}
        self.values = {field: known_values(self.pack, field) for field in self.fields}
        self.partners = {field: self._partners(field) for field in self.fields}

    @property
    def fields(self) -> list[str]:
        return list(Intake.model_fields)

    # -- outcomes --

    def outcome(self, answers: dict[str, Any]) -> Outcome:
        key = repr(sorted(answers.items()))
        found = self._cache.get(key)
        if found is None:
            evaluation = self.triager.evaluate(answers)
            concluded = {kind: frozenset(fact["name"] for fact, _ in evaluation.concluded(kind))
                         for kind in ("level", "cause", "see", "self_care")}
            highest = Level.highest(concluded["level"])
            level = highest.value if highest is not None else ""
            found = Outcome(level, concluded["cause"], concluded["see"], concluded["self_care"])
            if len(self._cache) >= OUTCOME_CACHE_SIZE:
                self._cache.clear()  # a long-running service must not grow without end
            self._cache[key] = found
        return found

    def effects(self, field: str, answers: dict[str, Any], aspects: tuple[str, ...] = ASPECTS,
                first_only: bool = False) -> set[str]:
        """The aspects of the outcome that some answer to ``field`` could change, given ``answers``
        (the other unanswered fields stay unknown except ``field``'s partners, which are tried)."""
        free = [p for p in self.partners[field] if p not in answers]
        choices = [[None, *self.values[p]] for p in free]
        if _product_size(choices) > MAX_COMBINATIONS:
            return set(aspects)
        found: set[str] = set()
        for combination in itertools.product(*choices):
            base = dict(answers)
            base.update({p: v for p, v in zip(free, combination) if v is not None})
            base.pop(field, None)
            reference = self.outcome(base)
            for value in self.values[field]:
                found |= reference.differs(self.outcome({**base, field: value})) & set(aspects)
                if found and (first_only or found == set(aspects)):
                    return found
        return found

    def could_change(self, field: str, answers: dict[str, Any], aspects: tuple[str, ...] = ASPECTS) -> bool:
        return bool(self.effects(field, answers, aspects, first_only=True))

    # -- what to try, from the rules --

    def _rules_reading(self, field: str) -> list[Rule]:
        return [rule for rule in self.pack.active_rules
                if any(field in fields_read(p) for p in rule.when if p.negated is None)]

    def _partners(self, field: str) -> set[str]:
        partners: set[str] = set()
        fed_rules: list[Rule] = []
        downstream: set[FactKey] = set()
        frontier = self._rules_reading(field)
        while frontier:
            rule = frontier.pop()
            if rule in fed_rules:
                continue
            fed_rules.append(rule)
            downstream |= self.pack.produces(rule)
            frontier.extend(r for r in self.pack.active_rules if r not in fed_rules and any(
                p.negated is None and p.fact_kind not in (None, "medication")
                and self.pack.matching_facts(p) & downstream for p in r.when))
        for rule in fed_rules:
            for pattern in rule.when:
                if pattern.negated is not None:
                    continue  # an unknown partner never creates the fact a `not` refuses
                reads = fields_read(pattern)
                if field in reads:
                    partners |= {f for group in pattern.intake_groups() if field in group for f in group}
                elif pattern.fact_kind in (None, "medication"):
                    partners |= reads
                elif not self.pack.matching_facts(pattern) & downstream:
                    partners |= self.pack.upstream_fields(self.pack.matching_facts(pattern))
        partners.discard(field)
        return partners


def _product_size(choices: list[list[Any]]) -> int:
    size = 1
    for options in choices:
        size *= len(options)
    return size
