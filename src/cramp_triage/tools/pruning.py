"""The answer space of a rule pack, and how ``rules verify`` covers it without running all of it.

The space comes from the rules' own conditions (``answer_space``: each tested field takes the
values the rules can tell apart, plus "don't know"), so a new rule is covered without editing
this file. Fields no rule tests are left unanswered: no rule can tell their values apart.

The full product of these values is far too large to run (about 10^15 intakes for the shipped
pack), so it is pruned without losing a behaviour of any rule:

1. Fields that some rule tests together form a *component* (union-find over each rule's fields;
   ``medications`` counts as a field). Every rule's answer-conditions lie inside one component,
   and each component is enumerated in full on its own (the *sweep*).
2. A rule that reads answers and medicines only is an *entry* rule; every other rule is a
   *later* rule. What a later rule's fact pattern can see of the entry rules' conclusions is
   whether some conclusion matches it: patterns ask "is there such a fact", never "how many" or
   "which one". The *key* of an intake is the set of fact patterns its entry conclusions match,
   with the truth of every later rule's answer-conditions.
3. A later rule depends only on its *cone*: its own patterns and those of the later rules whose
   conclusions it reads, recursively. For each cone, the components are combined through what
   the cone can see of them, keeping one representative intake per reachable key *as the cone
   sees it*: so every later rule meets every reachable combination of everything it depends on.
   The *level cone* (what the rules that conclude a level depend on) is covered the same way, so
   every reachable level key has a representative. The number of representatives grows with the
   cones, not with the product of independent answers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import CrampTriageError
from ..facts import intake_facts
from ..intake import Intake
from ..pack import Rule, RulePack
from ..pack.answer_space import MEDICATIONS, known_values
from ..pack.conditions import Pattern, fact_holds, intake_holds

MAX_COMPONENT_GRID = 200_000

Answers = dict[str, Any]
Key = tuple[frozenset[tuple[str, int]], frozenset[tuple[str, int, bool]]]


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


def discretise(pack: RulePack, *others: RulePack) -> Space:
    """The space of one pack; with ``others``, of them together (``rules diff``): every field
    any of them tests, with the values each of them can tell apart."""
    parent: dict[str, str] = {}

    def find(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    for rule in (rule for each in (pack, *others) for rule in each.active_rules):
        fields = _rule_fields(rule)
        for name in fields:
            find(name)
        for first, other in zip(fields, fields[1:]):
            parent[find(other)] = find(first)
    domains: dict[str, list[Any]] = {}
    for name in sorted(parent):
        domains[name] = [None, *known_values(pack, name, *others)]
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
    """Computes an intake's key (see the module docstring) in plain Python, component by component.

    ``observe_entries``: the key also says which entry rules fire (``(rule id, -1, True)``), for a
    cone that must see an entry rule's own conclusion (``rules diff``: a cause an entry rule
    concludes). ``space`` may be a joint space of several packs (``discretise(a, b)``)."""

    def __init__(self, pack: RulePack, space: Space, observe_entries: bool = False) -> None:
        self.pack = pack
        self.observe_entries = observe_entries
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
        self._cache: dict[tuple[int | None, tuple[Any, ...]], Key] = {}
        self.constant = self.local(None, {})

    def key(self, answers: Answers) -> Key:
        return merge_keys([self.local(owner, answers) for owner in self.owned])

    def local(self, owner: int | None, answers: Answers) -> Key:
        """The part of the key decided by the rules reading one component's fields (cached: the
        component's own values decide it)."""
        fields = self.fields[owner]
        # Fields come in a fixed order, so the values alone key the cache (lists as tuples).
        cache_key = (owner, tuple(tuple(v) if isinstance(v := answers.get(name), list) else v for name in fields))
        found = self._cache.get(cache_key)
        if found is None:
            own = {name: answers[name] for name in fields if answers.get(name) is not None}
            found = self._cache[cache_key] = self._local(owner, own)
        return found

    def _local(self, owner: int | None, answers: Answers) -> Key:
        facts = intake_facts(Intake(**answers), self.pack.reader)
        known = {k: v for k, v in facts.base[0].items() if k != "fact"}
        medicines = facts.base[1:]
        matched: set[tuple[str, int]] = set()
        truths: set[tuple[str, int, bool]] = set()
        for rule, entry in self.owned.get(owner, []):
            if entry:
                if all(_pattern_holds(p, known, medicines) for p in rule.when):
                    for c in rule.then:
                        matched |= self._class[(c.kind, c.name)]
                    if self.observe_entries:
                        truths.add((rule.id, -1, True))
                continue
            truths.update((rule.id, i, _pattern_holds(p, known, medicines)) for i, p in enumerate(rule.when)
                          if p.negated is None and p.fact_kind in (None, "medication"))
        return frozenset(matched), frozenset(truths)


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


@dataclass(frozen=True)
class Cone:
    """A later rule with every later rule whose conclusions it reads (through any fact pattern,
    ``not`` too), and the fact patterns and answer-conditions they test: all it can depend on."""

    rules: frozenset[str]
    patterns: frozenset[tuple[str, int]]

    def project(self, key: Key) -> Key:
        """The part of a key this cone can see."""
        return key[0] & self.patterns, frozenset(truth for truth in key[1] if truth[0] in self.rules)


def rule_cones(pack: RulePack, keyer: Keyer) -> dict[str, frozenset[str]]:
    """Each later rule -> its cone's rules: itself and every later rule whose conclusions it
    reads (through any fact pattern, ``not`` too), recursively."""
    later = later_rules(keyer)
    made_by: dict[tuple[str, str], list[str]] = {}
    for rule in later.values():
        for key in pack.produces(rule):
            made_by.setdefault(key, []).append(rule.id)

    def cone_of(rule_id: str) -> frozenset[str]:
        found, frontier = {rule_id}, [rule_id]
        while frontier:
            for key, _ in pack.consumes(later[frontier.pop()]):
                for producer in made_by.get(key, []):
                    if producer not in found:
                        found.add(producer)
                        frontier.append(producer)
        return frozenset(found)

    return {rule_id: cone_of(rule_id) for rule_id in later}


def later_rules(keyer: Keyer) -> dict[str, Rule]:
    return {rule.id: rule for rules in keyer.owned.values() for rule, entry in rules if not entry}


def make_cone(keyer: Keyer, rule_ids: frozenset[str]) -> Cone:
    """The cone of these rules: the fact patterns of the later ones among them (entry rules add
    no pattern; with ``observe_entries`` the key says whether they fired)."""
    later = later_rules(keyer)
    patterns = frozenset((rid, i) for rid in rule_ids if rid in later for i, p in enumerate(later[rid].when)
                         if (p.negated or p).fact_kind is not None)
    return Cone(rule_ids, patterns)


def cones(pack: RulePack, keyer: Keyer) -> tuple[list[Cone], Cone]:
    """One cone per later rule (the same cone once), and the *level cone*: everything the level
    can depend on (the union of the cones of the rules that conclude a level)."""
    later = later_rules(keyer)
    by_rule = rule_cones(pack, keyer)
    level_rules = [rid for rid, rule in later.items() if any(c.kind == "level" for c in rule.then)]
    level = make_cone(keyer, frozenset().union(*(by_rule[rid] for rid in level_rules)))
    return [make_cone(keyer, rules) for rules in dict.fromkeys(by_rule.values())], level


def representatives(space: Space, keyer: Keyer, cone: Cone) -> dict[Key, Answers]:
    """One intake per reachable key *as the cone sees it*, built component by component (see the
    module docstring): a component is combined only through what the cone can see of it."""
    local: list[dict[Key, Answers]] = [{} for _ in space.components]
    for index, answers in sweep(space):
        local[index].setdefault(cone.project(keyer.local(index, answers)), answers)
    reps: dict[Key, Answers] = {cone.project(keyer.constant): {}}
    for options in local:
        if len(options) == 1:
            continue  # the cone cannot tell this component's answers apart
        combined: dict[Key, Answers] = {}
        for key, answers in reps.items():
            for local_key, local_answers in options.items():
                combined.setdefault(cone.project(merge_keys([key, local_key])), {**answers, **local_answers})
        reps = combined
    return reps
