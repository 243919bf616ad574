"""Lint a rule pack folder: everything ``RulePack.load`` refuses (schema errors with file and
rule id, unknown intake fields, duplicate ids, missing or unknown citations, cycles), what the
rule engine cannot run (``engine.prove_runnable``: its limits, then a trial run), and the
chaining problems a loadable pack can still have. Used by ``cramp-triage rules lint``.

Errors make a pack wrong; warnings point at something probably unintended.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..engine import compile_pack, prove_runnable
from ..errors import RulePackError
from ..pack import FactKey, RulePack


@dataclass(frozen=True)
class LintProblem:
    severity: Literal["error", "warning"]
    where: str  # "file: rule id" or a file
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}: {self.message}"


def lint_pack(path: str | Path) -> list[LintProblem]:
    """Every problem found in the pack at ``path``, errors first."""
    from ..interview import QUESTIONS_FILE, load_questions

    try:
        pack = RulePack.load(path)
    except RulePackError as error:
        return [LintProblem("error", p.loc, p.message) for p in error.problems] or [
            LintProblem("error", error.path or str(path), error.message)]
    problems = chaining_problems(pack) + vocabulary_problems(pack)
    try:
        prove_runnable(compile_pack(pack))
    except RulePackError as error:
        problems += [LintProblem("error", p.loc, p.message) for p in error.problems]
    questions = Path(path) / QUESTIONS_FILE
    if questions.is_file():
        try:
            load_questions(questions)
        except RulePackError as error:
            problems += [LintProblem("error", p.loc, p.message) for p in error.problems]
    return sorted(problems, key=lambda p: p.severity != "error")


def vocabulary_problems(pack: RulePack) -> list[LintProblem]:
    """Names of different medicines within one typo of each other: a typo of one would read as
    the other, so the typo threshold (``pack/fuzzy.py``) would not be safe for them."""
    return [LintProblem("error", pack.manifest.vocabulary, f"{a!r} and {b!r} name different medicines (or classes) "
                        "within one typo of each other; a typo of one could be read as the other")
            for a, b in pack.reader.close_pairs()]


def chaining_problems(pack: RulePack) -> list[LintProblem]:
    """Conclusions nothing reads and conditions nothing can make true, among active rules.

    Levels, whom to see, self-care steps and causes reach the result directly; a finding
    reaches it only through a rule that reads it (a red flag through a level rule), so a
    finding nothing reads is an error.
    """
    problems: list[LintProblem] = []
    produced: set[FactKey] = set()
    consumed: set[FactKey] = set()
    for rule in pack.active_rules:
        produced |= pack.produces(rule)
        consumed |= {key for key, _ in pack.consumes(rule)}
    for rule in pack.active_rules:
        where = f"{pack.file_of(rule.id)}: {rule.id}"
        for conclusion in rule.then:
            if conclusion.kind == "finding" and ("finding", conclusion.name) not in consumed:
                problems.append(LintProblem("error", where, f"concludes finding {conclusion.name!r} but no active "
                                            "rule reads it, so it reaches neither a level nor a cause"))
        for pattern in rule.when:
            target = pattern.negated or pattern
            if target.fact_kind in (None, "medication") or pack.matching_facts(target) & produced:
                continue
            if pattern.negated is not None:
                problems.append(LintProblem("warning", where, f"`not {target.fact_kind}: {target.selector}` always "
                                            "holds: no active rule concludes such a fact"))
            else:
                problems.append(LintProblem("error", where, f"condition `{target.fact_kind}: {target.selector}` can "
                                            "never hold: no active rule concludes such a fact"))
    for kind in ("finding", "cause", "see", "self_care"):
        for name in pack.terms.table(kind):
            if (kind, name) not in produced:
                problems.append(LintProblem("warning", pack.manifest.terms,
                                            f"{kind} {name!r} is defined but no active rule concludes it"))
    return problems
