"""Case sheets: one page per case that a learner can print or hand in (``scenarios report``).

Per case: the answers (each question in plain words with its answer), what the case expects and
whether each expectation holds, what the rules concluded (the level, warning signs and reasons
to see a doctor, causes, whom to see), every rule that fired with its title, reasoning and
sources, the teaching note, and the unknown answers that could change the outcome. The rules
and the unknowns come from the library's explanation (``cramp_triage.explain``), handed in by
the caller, so the sheet shows exactly what ``explain`` shows. ``sheet_html`` and ``sheet_md``
write the sheets; the text in them is the file's and the pack's, escaped there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..interview import interview_for
from ..result import Level
from . import words
from .run import CaseResult
from .spec import Case
from .what_if import expectation_keys, expected_text

Explain = Callable[[Case], Mapping[str, Any]]  # a case -> cramp_triage.explain's answer for its intake

ASPECTS = {"level": "the level", "causes": "the causes", "see": "whom to see", "self_care": "self-care"}


@dataclass(frozen=True)
class Answer:
    field: str
    question: str
    answer: str  # in plain words: yes, no, not known, 12, calf, one leg


@dataclass(frozen=True)
class Expectation:
    key: str  # as the file writes it, e.g. causes_include
    expected: str
    line: int | None
    holds: bool
    got: str  # what the result has, when it does not hold


@dataclass(frozen=True)
class Source:
    title: str
    section: str | None
    url: str | None  # only an http(s) address; anything else is not shown as a link


@dataclass(frozen=True)
class FiredRule:
    id: str
    title: str
    explanation: str
    sources: list[Source]


@dataclass(frozen=True)
class Unknown:
    question: str
    could_change: list[str]  # in words: the level, the causes, whom to see, self-care


@dataclass(frozen=True)
class CaseSheet:
    id: str
    title: str
    file: str
    tags: list[str]
    passed: bool
    answers: list[Answer]
    expectations: list[Expectation]
    level: Level
    level_label: str
    found: list[tuple[str, str]]  # (warning sign | reason to see a doctor, what it is)
    causes: list[str]
    see: list[str]
    rules: list[FiredRule]
    teaching_note: str
    unknowns: list[Unknown]


@dataclass(frozen=True)
class Report:
    sheets: list[CaseSheet]
    rule_pack: str  # name and version
    disclaimer: str

    @property
    def passed(self) -> int:
        return sum(sheet.passed for sheet in self.sheets)


def report(outcomes: Sequence[CaseResult], explain: Explain, triager: Any) -> Report:
    """The case sheets of ``outcomes`` (run with ``triager``)."""
    questions = {question.field: question.text for question in interview_for(triager).questions}
    sheets = [case_sheet(outcome, explain(outcome.case), questions) for outcome in outcomes]
    pack = triager.pack
    disclaimer = outcomes[0].result.disclaimer if outcomes else pack.manifest.disclaimer
    return Report(sheets, f"{pack.name} {pack.version}", disclaimer)


def case_sheet(outcome: CaseResult, explanation: Mapping[str, Any], questions: Mapping[str, str]) -> CaseSheet:
    case, result = outcome.case, outcome.result
    failed = {mismatch.expectation: mismatch for mismatch in outcome.mismatches}
    expect = case.expect
    expectations = [Expectation(key, expected_text(expect, key), case.expect_lines.get(key), key not in failed,
                                failed[key].actual if key in failed else "")
                    for key in expectation_keys(case)]
    order = list(questions)
    # The answers as the intake reads them (a legacy `leg_swelling: true` is one leg), in question order.
    answers = [Answer(field, questions.get(field, field), _answer(field, getattr(case.intake, field)))
               for field in sorted(case.given, key=lambda field: _position(order, field))]
    return CaseSheet(
        id=case.id, title=_line(case.title), file=str(case.path), tags=list(case.tags), passed=outcome.passed,
        answers=answers, expectations=expectations, level=result.level, level_label=result.level_label,
        found=[(words.finding_kind(f.level), _line(f.label)) for f in result.serious],
        causes=[_line(c.label) for c in result.causes], see=[_line(r.who) for r in result.see],
        rules=_rules(explanation["steps"]), teaching_note=_line(case.teaching_note),
        unknowns=[Unknown(_line(u["question"]), [ASPECTS.get(a, a) for a in u["could_change"]])
                  for u in explanation["unknown_that_matter"]])


def _rules(steps: Sequence[Mapping[str, Any]]) -> list[FiredRule]:
    rules: dict[str, FiredRule] = {}
    for step in steps:  # a rule may fire more than once (one firing per matching fact): show it once
        if step["rule"] not in rules:
            sources = [Source(_line(s["title"]), s.get("section"), _web_address(s.get("url"))) for s in step["sources"]]
            rules[step["rule"]] = FiredRule(step["rule"], _line(step["title"]), _line(step["explanation"]), sources)
    return list(rules.values())


def _web_address(url: Any) -> str | None:
    # A custom pack's manifest is text like any other: only a plain http(s) address becomes a link.
    if isinstance(url, str) and url.startswith(("https://", "http://")) and not any(
            c.isspace() or c in "<>\"'`\\" for c in url):
        return url
    return None


def _answer(field: str, value: Any) -> str:
    if field == "duration_minutes" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:g} minutes"
    return words.answer(value)


def _position(order: list[str], field: str) -> int:
    return order.index(field) if field in order else len(order)


def _line(text: str) -> str:
    return " ".join(str(text).split())
