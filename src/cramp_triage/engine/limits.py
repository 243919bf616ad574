"""What durable-rules 2.0.28 can run, checked on a compiled pack before it runs.

Past each of these limits the engine does not refuse the pack: it hangs for ever holding the
GIL, fails on some intakes only with a bare error code, or reads past the end of a table. The
numbers come from its C source (``rete.c``, ``events.c``, ``rules.h``) and were each reproduced:

- A test's followers sit in a 512-slot table, probed until an empty slot: with 512 the probe
  never ends (492 thresholds on one field, next to the shipped pack's own tests, hang it).
- ``known: false`` tests and the ends of ``any_intake`` alternatives sit in a 128-slot list;
  the conditions that end on one test, in a 256-slot list (one past the end is read).
- One condition holds at most 31 expression entries: two for each group of tests, that is the
  condition itself, each ``any_intake`` and each alternative of several tests, each ``neq``
  (error 113 from 15 ``neq`` tests on one rule).
- A rule joins at most 16 conditions, counting the stage condition of a rule with ``not``
  (error 304, then 307, from 17 conditions).
- One fact may pass at most 64 tests at once (error 303 from 70 thresholds that one number
  passes); the bound here counts the tests that can hold together, whatever the answers.
- Numbers must be finite and, if whole, fit in 64 bits (its parser reads ``inf`` and ``nan``
  as garbage or as nothing: a ``nan`` threshold silently never holds).

``check`` models the alpha network the engine builds from the ruleset definition (its node
sharing, ``$or`` forward nodes, ``$iany`` nodes) and reports each limit reached with the rules
that reach it. What this cannot prove is smoke-run (``runnable.py``).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem
from .compile import CompiledPack

MAX_FOLLOWERS = 511
MAX_ABSENCE_FOLLOWERS = 127
MAX_CONDITIONS_ENDING = 255
MAX_EXPRESSIONS = 31
MAX_JOIN = 16
MAX_PASSED_AT_ONCE = 64
MAX_PRIORITY = 65_535
MAX_WHOLE = 2**63 - 1

_LOGICAL = ("$and", "$or")
_OPERATORS = {"$lt": "lt", "$lte": "lte", "$gt": "gt", "$gte": "gte", "$neq": "neq", "$ex": "ex", "$nex": "nex",
              "$mt": "mt", "$imt": "imt", "$iany": "iany", "$iall": "iall"}


@dataclass(eq=False)
class _Node:
    """One alpha node: a test on one property, with what follows it."""

    property: str
    operator: str
    value: Any
    origin: str = ""  # the rule whose condition made this node
    followers: dict[tuple[str, str, str], _Node] = field(default_factory=dict)  # the 512-slot table
    fresh: list[_Node] = field(default_factory=list)  # $iany nodes: never shared, also in that table
    absences: list[_Node] = field(default_factory=list)  # $nex and $or ends: the 128-slot list
    ending: list[str] = field(default_factory=list)  # rules whose conditions end here: the 256-slot list

    def table(self) -> list[_Node]:
        return list(self.followers.values()) + self.fresh

    def describe(self) -> str:
        if self.operator == "root":
            return "the start of every condition"
        if self.operator == "forward":
            return "the end of an any_intake (or a list of names)"
        value = json.dumps(self.value) if self.operator not in ("ex", "nex") else ""
        return f"the test {self.property} {self.operator} {value}".rstrip()


class _Network:
    def __init__(self) -> None:
        self.root = _Node("", "root", None)
        self.expressions = 0

    def add(self, test: Any, parent: _Node, rule: str) -> _Node:
        """The node a test ends on, built below ``parent`` as the engine builds it."""
        if not isinstance(test, dict) or len(test) != 1:
            raise ValueError(f"a test must be a mapping with one key: {test!r}")
        ((key, body),) = test.items()
        if key == "$and":
            self.expressions += 2
            node = parent
            for item in body:
                node = self.add(item, node, rule)
            return node
        if key == "$or":
            self.expressions += 2
            forward = _Node("", "forward", None, rule)
            for item in body:
                self.add(item, parent, rule).absences.append(forward)
            return forward
        if key in ("$iany", "$iall"):
            ((name, inner),) = body.items()
            node = _Node(name, _OPERATORS[key], inner, rule)
            parent.fresh.append(node)
            return node
        if key in _OPERATORS:
            ((name, value),) = body.items()
            operator = _OPERATORS[key]
        else:
            name, value, operator = key, body, "eq"
        slot = (name, operator, json.dumps(value))
        if operator == "nex":
            node = next((n for n in parent.absences if (n.property, n.operator) == (name, "nex")), None)
            if node is None:
                node = _Node(name, operator, value, rule)
                parent.absences.append(node)
        else:
            node = parent.followers.get(slot) or parent.followers.setdefault(slot, _Node(name, operator, value, rule))
        return node


def check(compiled: CompiledPack, where: Callable[[str], str] | None = None) -> list[Problem]:
    """Every engine limit the compiled pack reaches, each naming the rules that reach it."""
    where = where or _where_in(compiled)
    definition = compiled.patterns  # read only
    network = _Network()
    problems: list[Problem] = []
    for rule, spec in definition.items():
        problems += [Problem(where(rule), message) for message in _number_problems(spec["all"])]
        if spec["pri"] > MAX_PRIORITY:
            problems.append(Problem(where(rule), f"the rule's priority {spec['pri']} is over the engine's "
                                    f"{MAX_PRIORITY}: the pack chains too many rules one after another"))
        if len(spec["all"]) > MAX_JOIN:
            problems.append(Problem(where(rule), f"joins {len(spec['all'])} conditions; the engine joins at most "
                                    f"{MAX_JOIN} (a rule with `not` uses one more for its stage): split the rule"))
        for pattern in spec["all"]:
            ((_alias, test),) = pattern.items()
            network.expressions = 0
            try:
                end = network.add(test, network.root, rule)
            except (ValueError, AttributeError, TypeError) as error:
                problems.append(Problem(where(rule), f"the engine cannot read this condition: {error}"))
                continue
            end.ending.append(rule)
            if network.expressions > MAX_EXPRESSIONS:
                problems.append(Problem(where(rule), f"a condition needs {network.expressions} engine expressions; "
                                        f"the engine allows {MAX_EXPRESSIONS} (each neq test, each any_intake and "
                                        "each alternative of several tests takes 2): split the rule"))
    problems += _table_problems(network.root, where)
    deepest, path = _deepest(network.root)
    if deepest > MAX_PASSED_AT_ONCE:
        widest = max(path, key=_at_once)
        followers = widest.table() + widest.absences
        problems.append(Problem(where(followers[-1].origin), f"one fact can pass {deepest} tests at once, most "
                                f"of them after {widest.describe()} ({_by_field(followers)}); the engine allows "
                                f"{MAX_PASSED_AT_ONCE}: use fewer thresholds or tests on the same answers"))
    return list(dict.fromkeys(problems))


def _where_in(compiled: CompiledPack) -> Callable[[str], str]:
    def where(rule: str) -> str:
        if rule in compiled.rules:
            return f"{compiled.pack.file_of(rule)}: {rule}"
        return f"the engine's own rule {rule}"

    return where


def _walk(node: _Node, seen: set[int] | None = None) -> Iterator[_Node]:
    seen = set() if seen is None else seen
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack += current.table() + current.absences


def _table_problems(root: _Node, where: Callable[[str], str]) -> list[Problem]:
    problems = []
    for node in _walk(root):
        for members, limit, what in ((node.table(), MAX_FOLLOWERS, "tests follow"),
                                     (node.absences, MAX_ABSENCE_FOLLOWERS, "`known: false` tests and any_intake "
                                      "ends follow")):
            if len(members) > limit:
                problems.append(Problem(where(members[limit].origin), f"{len(members)} {what} {node.describe()} "
                                        f"({_by_field(members)}), the {limit + 1}th from this rule; the engine takes "
                                        f"at most {limit} (beyond that it hangs or misreads its tables)"))
        if len(node.ending) > MAX_CONDITIONS_ENDING:
            problems.append(Problem(where(node.ending[MAX_CONDITIONS_ENDING]), f"{len(node.ending)} conditions "
                                    f"end on {node.describe()}, the {MAX_CONDITIONS_ENDING + 1}th from this rule; "
                                    f"the engine takes at most {MAX_CONDITIONS_ENDING}: merge the rules"))
    return problems


def _by_field(nodes: list[_Node]) -> str:
    counts: dict[str, int] = {}
    for node in nodes:
        name = node.property or "any_intake ends"
        counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts, key=lambda name: -counts[name])
    return ", ".join(f"{counts[name]} on {name}" for name in ranked[:3]) + (", ..." if len(ranked) > 3 else "")


# --- tests passed at once -----------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Tests:
    """The tests on one property, counted fast: how many can one value pass together?"""

    def __init__(self, tests: list[_Node]) -> None:
        self.always = 0  # tests any present value may pass ($ex, $iany, patterns; a comparison with text)
        self.equal: dict[str, int] = {}  # eq bounds, by how the engine compares them
        self.unequal: dict[str, int] = {}
        self.bounds: dict[str, list[float]] = {"lt": [], "lte": [], "gt": [], "gte": []}
        for test in tests:
            if test.operator in ("eq", "neq"):
                table = self.equal if test.operator == "eq" else self.unequal
                table[_same(test.value)] = table.get(_same(test.value), 0) + 1
            elif test.operator in self.bounds and _is_number(test.value):
                self.bounds[test.operator].append(test.value)
            else:
                self.always += 1
        for values in self.bounds.values():
            values.sort()
        self.neq_total = sum(self.unequal.values())
        self.values = [test.value for test in tests]

    def passed_by(self, value: Any) -> int:
        key = _same(value)
        count = self.always + self.equal.get(key, 0) + self.neq_total - self.unequal.get(key, 0)
        if _is_number(value):
            bounds = self.bounds
            count += bisect_left(bounds["gt"], value) + bisect_right(bounds["gte"], value)
            count += len(bounds["lt"]) - bisect_right(bounds["lt"], value)
            count += len(bounds["lte"]) - bisect_left(bounds["lte"], value)
        return count

    def most(self) -> int:
        """The most of these tests one value passes (each bound, either side of it, and beyond)."""
        numbers = sorted({v for v in self.values if _is_number(v)})
        candidates: list[Any] = [*self.values, _Other()]
        candidates += [n + d for n in numbers for d in (-1e-9 * max(1, abs(n)), 1e-9 * max(1, abs(n)))]
        if numbers:
            candidates += [numbers[0] - 1, numbers[-1] + 1]
        return max(self.passed_by(value) for value in candidates)


class _Other:
    """A value equal to none of the bounds."""


def _same(value: Any) -> str:
    """A key equal for values the engine takes as equal: 1 and 1.0 alike, true and 1 not."""
    if _is_number(value):
        return f"n{float(value)!r}"
    if isinstance(value, _Other):
        return "other"
    return f"{type(value).__name__}{value!r}"


def _at_once(node: _Node) -> int:
    """How many of the nodes that follow ``node`` one fact can pass together, at most."""
    by_property: dict[str, list[_Node]] = {}
    for follower in node.table():
        by_property.setdefault(follower.property, []).append(follower)
    absent: dict[str, int] = {}
    forwards = 0
    for follower in node.absences:
        if follower.operator == "forward":
            forwards += 1  # an $or end is passed whenever what precedes it is
        else:
            absent[follower.property] = absent.get(follower.property, 0) + 1
    total = forwards
    for name in set(by_property) | set(absent):
        tests = by_property.get(name, [])
        present = _Tests(tests).most() if tests else 0
        total += max(present, absent.get(name, 0))
    return total


def _deepest(root: _Node) -> tuple[int, list[_Node]]:
    """A bound on the engine's matching stack: a node is popped, then what passes after it is
    pushed, depth first. Over the network (a DAG), the deepest any path can go, and that path."""
    best: dict[int, tuple[int, list[_Node]]] = {}
    stack: list[tuple[_Node, bool]] = [(root, False)]
    while stack:  # post-order, without recursion: every follower is done before the node it follows
        node, expanded = stack.pop()
        if id(node) in best:
            continue
        followers = node.table() + node.absences
        if not expanded:
            stack.append((node, True))
            stack += [(follower, False) for follower in followers if id(follower) not in best]
            continue
        pushed = _at_once(node)
        depth, path = pushed, [node]
        for follower in followers:
            below, below_path = best[id(follower)]
            if pushed - 1 + below > depth:
                depth, path = pushed - 1 + below, [node, *below_path]
        best[id(node)] = (depth, path)
    return best[id(root)]


# --- numbers --------------------------------------------------------------------------------------


def _number_problems(value: Any) -> Iterator[str]:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, float) and not math.isfinite(value):
        yield f"the number {value} is not one the engine can read: use a finite number"
    elif isinstance(value, int) and abs(value) > MAX_WHOLE:
        yield f"the number {value} is too large for the engine (at most {MAX_WHOLE})"
    elif isinstance(value, dict):
        for item in value.values():
            yield from _number_problems(item)
    elif isinstance(value, list):
        for item in value:
            yield from _number_problems(item)
