"""``rules diff OLD NEW``: what changing the rule pack does to the answers, before release.

Two weightings give one table (``DiffReport``):

- **The answer space** (``diff_space``): the discretised space of both packs together
  (``pruning.discretise(old, new)``: every field either pack tests, each with the values either
  pack can tell apart, and "don't know"), counted in full. An outcome depends only on what its
  *cone* sees of an intake (``pruning``), so for the level, and for each cause, referral and
  self-care step, the components are combined through what the two cones (old and new) see
  together, carrying how many intakes of the full product reach each combination and the
  smallest of them. Each combination's outcome is decided by running its smallest intake
  through both packs' engines. The counts are exact over the full product; the examples are the
  smallest intakes (fewest answers) showing each change.
- **A corpus** (``diff_corpus``): real intakes, each run through both packs, each counted once.

Levels go ``up``, ``down`` or stay (``same``); a cause, referral or self-care step ``appears``
(given by the new pack, not the old) or ``vanishes`` (the reverse). Same words as
``scenarios compare``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from ..errors import CrampTriageError
from ..facts import intake_facts
from ..intake import Intake, answer_type
from ..pack import RulePack
from ..pack.answer_space import MEDICATIONS, tests_on
from ..pack.conditions import Test
from ..pack.rulepack import INTAKE_FIELD_KINDS
from ..result import Level, TriageResult
from ..triager import Triager
from .pruning import Answers, Cone, Key, Keyer, Space, discretise, make_cone, merge_keys, rule_cones, sweep

# The parts of a result compared besides the level: the kind of conclusion, and its name in output.
ITEMS = {"cause": "causes", "see": "referrals", "self_care": "self_care"}
DIRECTIONS = ("up", "down", "same")


@dataclass(frozen=True)
class Outcome:
    """What a diff compares of one result."""

    level: Level
    items: frozenset[tuple[str, str]]  # (kind, name): every cause, referral and self-care step

    @classmethod
    def of(cls, result: TriageResult) -> Outcome:
        items = {("cause", c.category) for c in result.causes} | {("see", s.id) for s in result.see}
        items |= {("self_care", s.id) for s in result.self_care}
        return cls(result.level, frozenset(items))

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level.value,
                **{plural: sorted(name for kind, name in self.items if kind == k) for k, plural in ITEMS.items()}}


def direction(old: Level, new: Level) -> str:
    return "up" if new > old else "down" if new < old else "same"


def size(answers: Answers) -> tuple[int, int]:
    """How big an intake is: answers given, then list items (the smallest example is shown)."""
    return len(answers), sum(len(v) for v in answers.values() if isinstance(v, list))


@dataclass
class Example:
    intake: Answers
    line: int | None = None  # the corpus row, when it came from one

    def better_than(self, other: Example | None) -> bool:
        if other is None:
            return True
        return (size(self.intake), self.line or 0) < (size(other.intake), other.line or 0)

    def to_json(self) -> dict[str, Any]:
        return {"intake": self.intake, **({"line": self.line} if self.line is not None else {})}


@dataclass
class Tally:
    """A count and the smallest example of one kind of change; tallies merge (corpus partitions)."""

    intakes: int = 0
    example: Example | None = None

    def add(self, count: int, example: Example) -> None:
        self.intakes += count
        if example.better_than(self.example):
            self.example = example

    def merge(self, other: Tally) -> None:
        if other.example is not None:
            self.add(other.intakes, other.example)


@dataclass
class DiffReport:
    """The table of a diff; ``merge`` adds another one of the same two packs (a corpus partition)."""

    old: str
    new: str
    over: str  # "answer space" or "corpus"
    intakes: int = 0
    rejected: int = 0  # corpus rows that are not intakes (each still counted here)
    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIRECTIONS, 0))
    moves: dict[tuple[str, str], Tally] = field(default_factory=dict)  # (old level, new level) -> tally
    by_field: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)  # (field, value) -> directions
    items: dict[tuple[str, str, str], Tally] = field(default_factory=dict)  # (kind, name, appears|vanishes)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, name) -> words
    space_size: int | None = None
    combinations: int | None = None  # outcomes decided by the engines (answer space)

    @property
    def lower(self) -> bool:
        """Does any intake get a less urgent level?"""
        return self.levels["down"] > 0

    @property
    def changed(self) -> bool:
        return self.levels["up"] + self.levels["down"] > 0 or any(t.intakes for t in self.items.values())

    def add_level(self, old: Level, new: Level, count: int, example: Example) -> None:
        way = direction(old, new)
        self.levels[way] += count
        if way != "same":
            self.moves.setdefault((old.value, new.value), Tally()).add(count, example)

    def add_field(self, name: str, value: str, way: str, count: int) -> None:
        self.by_field.setdefault((name, value), dict.fromkeys(DIRECTIONS, 0))[way] += count

    def add_item(self, kind: str, name: str, change: str, count: int, example: Example) -> None:
        self.items.setdefault((kind, name, change), Tally()).add(count, example)

    def merge(self, other: DiffReport) -> None:
        self.intakes += other.intakes
        self.rejected += other.rejected
        for way, count in other.levels.items():
            self.levels[way] += count
        for key, tally in other.moves.items():
            self.moves.setdefault(key, Tally()).merge(tally)
        for key, ways in other.by_field.items():
            mine = self.by_field.setdefault(key, dict.fromkeys(DIRECTIONS, 0))
            for way, count in ways.items():
                mine[way] += count
        for key3, tally in other.items.items():
            self.items.setdefault(key3, Tally()).merge(tally)
        self.labels.update(other.labels)

    def to_json(self) -> dict[str, Any]:
        def ordered_moves() -> list[tuple[tuple[str, str], Tally]]:
            return sorted(self.moves.items(), key=lambda kv: (Level(kv[0][1]) < Level(kv[0][0]), kv[0][0], kv[0][1]))

        return {
            "old": self.old, "new": self.new, "over": self.over, "intakes": self.intakes,
            **({"rejected": self.rejected} if self.over == "corpus" else {}),
            **({"space_size": self.space_size, "combinations": self.combinations} if self.space_size else {}),
            "levels": self.levels,
            "lower": self.lower,
            "moves": [{"from": a, "to": b, "direction": direction(Level(a), Level(b)), "intakes": t.intakes,
                       "example": t.example.to_json() if t.example else None} for (a, b), t in ordered_moves()],
            "by_field": [{"field": f, "value": v, **ways} for (f, v), ways in sorted(self.by_field.items())
                         if ways["up"] or ways["down"]],
            "items": [{"kind": ITEMS[kind], "name": name, "label": self.labels.get((kind, name), name),
                       "change": change, "intakes": t.intakes, "example": t.example.to_json() if t.example else None}
                      for (kind, name, change), t in sorted(self.items.items()) if t.intakes],
        }


# --- labels: a value as the table shows it --------------------------------------------------------


class Labeler:
    """A field's value as a row of the by-field table: yes/no, a choice, places, a band of a
    number between the thresholds either pack uses, the medicine groups the new pack reads."""

    def __init__(self, old: RulePack, new: RulePack) -> None:
        self.new = new
        self.thresholds: dict[str, list[float]] = {}
        for name, kind in INTAKE_FIELD_KINDS.items():
            if kind == "number":
                tests = tests_on(old, name, new)
                self.thresholds[name] = sorted({float(t.value) for t in tests if isinstance(t, Test) and t.operator != "known"}
                                               | {float(t) for t in tests if not isinstance(t, Test)})

    def label(self, name: str, value: Any) -> str:
        if value is None:
            return "not known"
        if name == MEDICATIONS:
            return self._medicines(value)
        if value is True or value is False:
            return "yes" if value else "no"
        if isinstance(value, list):
            return " + ".join(sorted(map(str, value)))
        if name in self.thresholds and isinstance(value, (int, float)):
            return _band(float(value), self.thresholds[name], answer_type(name) is int)
        return str(value)

    def _medicines(self, names: list[str]) -> str:
        facts = intake_facts(Intake(medications=names), self.new.reader).base[1:]
        groups = sorted({fact["group"] for fact in facts})
        return " + ".join(groups) if groups else "none linked with cramps"


def _band(value: float, thresholds: list[float], whole: bool) -> str:
    def words(number: float) -> str:
        return str(int(number)) if number.is_integer() else str(number)

    if not thresholds:
        return "any"
    if value in thresholds:
        return words(value)
    if value < thresholds[0]:
        return f"under {words(thresholds[0])}"
    if value > thresholds[-1]:
        return f"over {words(thresholds[-1])}"
    below = max(t for t in thresholds if t < value)
    above = min(t for t in thresholds if t > value)
    return f"between {words(below)} and {words(above)}"


# --- over a corpus ------------------------------------------------------------------------------


class Comparer:
    """Runs intakes through both packs (one ``Triager`` each) and adds them to a report."""

    def __init__(self, old: RulePack, new: RulePack) -> None:
        self.old_pack, self.new_pack = old, new
        self.triagers = (Triager(old), Triager(new))
        self.labeler = Labeler(old, new)

    def report(self, over: str) -> DiffReport:
        report = DiffReport(old=_name(self.old_pack), new=_name(self.new_pack), over=over)
        report.labels.update(item_labels(self.old_pack, self.new_pack))
        return report

    def outcomes(self, answers: Intake | Answers) -> tuple[Outcome, Outcome]:
        old, new = self.triagers
        return Outcome.of(old.triage(answers)), Outcome.of(new.triage(answers))

    def add_row(self, report: DiffReport, line: int, answers: Intake | Answers | CrampTriageError
                ) -> tuple[Answers, Outcome, Outcome] | None:
        """Count one corpus row; return its intake and outcomes when they differ."""
        report.intakes += 1
        if isinstance(answers, CrampTriageError):
            report.rejected += 1
            return None
        try:
            old, new = self.outcomes(answers)
        except CrampTriageError:
            report.rejected += 1
            return None
        intake = answers.answered() if isinstance(answers, Intake) else Intake.model_validate(answers).answered()
        example = Example(intake, line)
        report.add_level(old.level, new.level, 1, example)
        way = direction(old.level, new.level)
        for name in Intake.model_fields:
            report.add_field(name, self.labeler.label(name, intake.get(name)), way, 1)
        for kind, name in sorted(new.items - old.items):
            report.add_item(kind, name, "appears", 1, example)
        for kind, name in sorted(old.items - new.items):
            report.add_item(kind, name, "vanishes", 1, example)
        return (intake, old, new) if old != new else None

    def close(self) -> None:
        for triager in self.triagers:
            triager.close()


def changed_record(line: int, intake: Answers, old: Outcome, new: Outcome) -> str:
    """One JSON line of ``--changed-out``: the row, its intake, and both outcomes."""
    return json.dumps({"line": line, "intake": intake, "old": old.to_json(), "new": new.to_json(),
                       "direction": direction(old.level, new.level)}, ensure_ascii=False) + "\n"


def diff_corpus(old: RulePack, new: RulePack, rows: Iterable[tuple[int, Any]],
                changed: Callable[[str], Any] | None = None) -> DiffReport:
    """Every row (line number, answers or the error reading them) through both packs; each
    changed row is passed to ``changed`` as a JSON line."""
    comparer = Comparer(old, new)
    try:
        report = comparer.report("corpus")
        for line, answers in rows:
            differs = comparer.add_row(report, line, answers)
            if differs is not None and changed is not None:
                changed(changed_record(line, *differs))
        return report
    finally:
        comparer.close()


# --- over the answer space ----------------------------------------------------------------------

Cell = tuple[int, Answers]  # how many intakes of the full product, and the smallest of them


def _tag(side: int, key: Key) -> Key:
    """A pack's key with each rule id tagged by its side (0 old, 1 new), so two keys merge as one."""
    return cast(Key, (frozenset(((side, rid), i) for rid, i in key[0]),
                      frozenset(((side, rid), i, truth) for rid, i, truth in key[1])))


def _joint_cone(cones: tuple[Cone, Cone]) -> Cone:
    rules: Any = frozenset((side, rid) for side, cone in enumerate(cones) for rid in cone.rules)
    patterns: Any = frozenset(((side, rid), i) for side, cone in enumerate(cones) for rid, i in cone.patterns)
    return Cone(rules, patterns)


class _Space:
    """The joint space of two packs, its rows component by component with their joint keys."""

    def __init__(self, old: RulePack, new: RulePack) -> None:
        self.packs = (old, new)
        self.space: Space = discretise(old, new)
        self.keyers = tuple(Keyer(pack, self.space, observe_entries=True) for pack in self.packs)
        self.rows: list[list[tuple[Answers, Key]]] = [[] for _ in self.space.components]
        for index, answers in sweep(self.space):
            key = merge_keys([_tag(side, keyer.local(index, answers)) for side, keyer in enumerate(self.keyers)])
            self.rows[index].append((answers, key))
        self.constant = merge_keys([_tag(side, keyer.constant) for side, keyer in enumerate(self.keyers)])
        self.by_rule = [rule_cones(pack, keyer) for pack, keyer in zip(self.packs, self.keyers)]

    def cone(self, kind: str, names: Iterable[str]) -> Cone:
        """What the outcome ``kind`` (``level``, or one item) depends on, in both packs."""
        cones = []
        for side, pack in enumerate(self.packs):
            rules: set[str] = set()
            for name in names:
                for rule in pack.producers.get((kind, name), []):
                    rules |= self.by_rule[side].get(rule.id, {rule.id})  # an entry rule: itself
            cones.append(make_cone(self.keyers[side], frozenset(rules)))
        return _joint_cone((cones[0], cones[1]))

    def tables(self, cone: Cone) -> list[dict[Key, Cell]]:
        """Per component: what the cone sees of each row -> (rows, the smallest row)."""
        return [self.table(cone, index) for index in range(len(self.rows))]

    def table(self, cone: Cone, index: int, where: Callable[[Answers], bool] | None = None) -> dict[Key, Cell]:
        table: dict[Key, Cell] = {}
        for answers, key in self.rows[index]:
            if where is not None and not where(answers):
                continue
            seen = cone.project(key)
            held = table.get(seen)
            if held is None:
                table[seen] = (1, answers)
            else:
                table[seen] = (held[0] + 1, answers if size(answers) < size(held[1]) else held[1])
        return table

    def combine(self, cone: Cone, tables: list[dict[Key, Cell]]) -> dict[Key, Cell]:
        """Every reachable key as the cone sees it, with how many intakes of the full product reach
        it and the smallest of them: components multiply, keys merge (``pruning`` explains why
        what a cone sees of the parts decides what it sees of the whole)."""
        combined: dict[Key, Cell] = {cone.project(self.constant): (1, {})}
        for table in tables:
            step: dict[Key, Cell] = {}
            for key, (count, answers) in combined.items():
                for local, (local_count, local_answers) in table.items():
                    merged = cone.project(merge_keys([key, local]))
                    candidate = {**answers, **local_answers}
                    held = step.get(merged)
                    if held is None:
                        step[merged] = (count * local_count, candidate)
                    else:
                        smaller = candidate if size(candidate) < size(held[1]) else held[1]
                        step[merged] = (held[0] + count * local_count, smaller)
            combined = step
        return combined


def diff_space(old: RulePack, new: RulePack,
               progress: Callable[[str], None] | None = None) -> DiffReport:
    """The diff over the whole discretised answer space of both packs (see the module docstring)."""
    joint = _Space(old, new)
    comparer = Comparer(old, new)
    memo: dict[str, tuple[Outcome, Outcome]] = {}

    def outcomes(answers: Answers) -> tuple[Outcome, Outcome]:
        text = json.dumps(answers, sort_keys=True)
        if text not in memo:
            memo[text] = comparer.outcomes(answers)
        return memo[text]

    try:
        report = comparer.report("answer space")
        report.space_size = joint.space.size
        level_names = [level.value for level in Level]
        cone = joint.cone("level", level_names)
        if progress:
            progress("levels")
        levels: dict[Key, tuple[Level, Level]] = {}
        for key, (count, answers) in joint.combine(cone, joint.tables(cone)).items():
            before, after = outcomes(answers)
            levels[key] = (before.level, after.level)
            report.add_level(before.level, after.level, count, Example(answers))
            report.intakes += count
        _levels_by_field(report, joint, cone, levels, comparer.labeler, outcomes)
        for kind in ITEMS:
            names = sorted(set(old.terms.table(kind)) | set(new.terms.table(kind)))
            for name in names:
                if progress:
                    progress(f"{kind} {name}")
                item_cone = joint.cone(kind, [name])
                for key, (count, answers) in joint.combine(item_cone, joint.tables(item_cone)).items():
                    before, after = outcomes(answers)
                    had, has = (kind, name) in before.items, (kind, name) in after.items
                    if had != has:
                        report.add_item(kind, name, "appears" if has else "vanishes", count, Example(answers))
        report.combinations = len(memo)
        return report
    finally:
        comparer.close()


def _levels_by_field(report: DiffReport, joint: _Space, cone: Cone, levels: dict[Key, tuple[Level, Level]],
                     labeler: Labeler, outcomes: Callable[[Answers], tuple[Outcome, Outcome]]) -> None:
    """Up, down and same for each field's value: the level count again, with the field's rows
    held to that value (a field outside every component is never answered: 'not known')."""
    base = joint.tables(cone)
    for index, names in enumerate(joint.space.components):
        for name in names:
            values = dict.fromkeys(labeler.label(name, answers.get(name)) for answers, _ in joint.rows[index])
            for value in values:
                tables = list(base)
                tables[index] = joint.table(cone, index, lambda a: labeler.label(name, a.get(name)) == value)
                for key, (count, answers) in joint.combine(cone, tables).items():
                    before, after = levels.get(key) or tuple(o.level for o in outcomes(answers))  # type: ignore[assignment]
                    report.add_field(name, value, direction(before, after), count)


# --- shared -------------------------------------------------------------------------------------


def _name(pack: RulePack) -> str:
    return f"{pack.name} {pack.version}"


def item_labels(old: RulePack, new: RulePack) -> dict[tuple[str, str], str]:
    """Each cause, referral and self-care step in words (the new pack's, else the old's)."""
    labels: dict[tuple[str, str], str] = {}
    for pack in (old, new):
        labels.update({("cause", name): cause.label for name, cause in pack.terms.causes.items()})
        labels.update({("see", name): see.who for name, see in pack.terms.see.items()})
        labels.update({("self_care", name): step.text for name, step in pack.terms.self_care.items()})
    return labels
