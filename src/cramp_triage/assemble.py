"""Evaluation -> ``TriageResult``: built only from what the engine concluded, worded from the terms."""

from __future__ import annotations

from typing import Any

from .about import NAME, library_version
from .errors import EngineError, Problem
from .facts import Evaluation, Firing
from .pack import RulePack
from .pack.schema import FindingTerm, Terms
from .pack.vocabulary import UNCHECKED
from .result import Level, TriageResult
from .untrusted import printable


def assemble(pack: RulePack, evaluation: Evaluation, region: str | None = None) -> TriageResult:
    """The result of ``evaluation`` in the words of ``region`` (``None``: the pack's default;
    ``RegionError`` for a region the pack lacks). The firings are the same in every region."""
    words = pack.wording(region)
    terms = words.terms
    level = Level.highest(fact["name"] for fact, _ in evaluation.concluded("level"))
    if level is None:
        raise EngineError("the rule pack concluded no level", [Problem(pack.name, "add a rule that always sets a level")])
    level_term = terms.levels[level]
    # Unanswered questions, as the rules concluded them: one field may stand behind two findings
    # (its plain question, and the same question where it is more pressing); the most pressing
    # words win. Terms order is question order.
    unanswered: dict[str, FindingTerm] = {}
    concluded = {fact["name"] for fact, _ in evaluation.concluded("finding") if fact["kind"] == "unanswered"}
    for name, term in terms.findings.items():
        if name in concluded and term.field is not None:
            held = unanswered.get(term.field)
            if held is None or term.if_so.rank > held.if_so.rank:  # type: ignore[union-attr]
                unanswered[term.field] = term

    # Plain data, validated once as a whole: pydantic-core builds the nested models faster than
    # one constructor call per part.
    serious = [
        {"id": fact["name"], "label": terms.findings[fact["name"]].label, "level": fact["level"],
         "emergency": fact["level"] == Level.emergency.value, "rule": firing.rule}
        for fact, firing in evaluation.concluded("finding")
        if fact["kind"] == "red_flag"
    ]
    serious.sort(key=lambda item: -Level(item["level"]).rank)  # stable: firing order within a level
    causes = []
    for fact, firing in evaluation.concluded("cause"):
        term = terms.causes[fact["name"]]
        causes.append({"category": fact["name"], "type": term.type, "label": term.label,
                       "explanation": term.explanation,
                       "evidence": _cause_evidence(pack, terms, evaluation, fact["name"]),
                       "rule": firing.rule})
    see = [
        {"id": fact["name"], "who": (term := terms.see[fact["name"]]).who, "why": term.why, "when": term.when,
         "rule": firing.rule}
        for fact, firing in evaluation.concluded("see")
    ]
    self_care = [
        {"id": fact["name"], "text": terms.self_care[fact["name"]].text, "rule": firing.rule}
        for fact, firing in evaluation.concluded("self_care")
    ]
    rules = pack.rule_by_id
    trace = [
        {"rule": firing.rule, "title": (rule := rules[firing.rule]).title, "layer": rule.layer,
         "matched": firing.matched, "concluded": firing.concluded, "citations": pack.citations[firing.rule]}
        for firing in evaluation.firings
    ]
    return TriageResult.model_validate({
        "level": level,
        "level_label": level_term.label,
        "do_now": _do_now(terms, level, list(unanswered.values())),
        "if_worse": words.safety_nets[level],
        "serious": serious,
        "unanswered_red_flags": list(unanswered),
        "causes": causes,
        "see": see,
        "self_care": self_care,
        "medications": evaluation.facts.medications,
        "unrecognised_medications": evaluation.facts.unrecognised_medications,
        "medicine_hints": [{"given": r.given, "hint": r.hint} for r in evaluation.facts.readings if r.hint],
        "suggestions": _suggestions(pack, evaluation),
        "trace": trace,
        "disclaimer": words.disclaimer,
        "region": words.region,
        "rule_pack": {"name": pack.name, "version": pack.version},
        "library": {"name": NAME, "version": library_version()},
    })


def _do_now(terms: Terms, level: Level, unanswered: list[FindingTerm]) -> str:
    """What to do now; with signs that could not be checked, each of them and what to do if it
    applies, one sentence per action: the lead of the sign's level when that is more pressing
    than this answer, else this level's own words (at urgent, "tell the doctor you see today")."""
    levels = terms.levels
    term = levels[level]
    if not unanswered or term.unchecked is None:
        return term.do_now
    groups: dict[Level | None, list[str]] = {}
    for sign in sorted(unanswered, key=lambda sign: -sign.if_so.rank):  # type: ignore[union-attr]
        groups.setdefault(sign.if_so if sign.if_so.rank > level.rank else None, []).append(sign.label)  # type: ignore[union-attr]
    sentences = [f"{levels[if_so].lead if if_so is not None else term.mention} {'; '.join(labels)}."
                 for if_so, labels in groups.items()]
    return " ".join([term.do_now, term.unchecked, *sentences])


def _cause_evidence(pack: RulePack, terms: Terms, evaluation: Evaluation, cause: str) -> list[str]:
    """Everything behind a cause: a rule fires once per matching finding, and only its first
    firing concludes the cause, so the evidence of every firing that reaches it is gathered."""
    labels: list[str] = []
    for firing in evaluation.firings:
        # ``c.cause`` is the cause a conclusion names (None for other kinds): a plain attribute,
        # cheaper than ``c.kind``/``c.name`` in this loop over every firing.
        if any(c.cause == cause for c in pack.rule_by_id[firing.rule].then):
            labels.extend(label for label in _evidence(pack, terms, evaluation, firing) if label not in labels)
    return labels


def _evidence(pack: RulePack, terms: Terms, evaluation: Evaluation, firing: Firing) -> list[str]:
    """Plain-language labels of what a firing matched."""
    labels: list[str] = []
    for fact in firing.matched:
        kind = fact["fact"]
        if kind == "intake":
            labels.extend(_answer_label(field, value) for field, value in fact.items() if field != "fact")
        elif kind == "medication":
            labels.extend(_medicine_evidence(pack, evaluation, fact))
        elif kind == "finding":
            labels.append(terms.findings[fact["name"]].label)
        elif kind == "cause":
            labels.append(terms.causes[fact["name"]].label)
    return labels


def _medicine_evidence(pack: RulePack, evaluation: Evaluation, fact: dict[str, Any]) -> list[str]:
    if fact["name"] == UNCHECKED:  # the names, as given: which ones could not be checked
        return [f"could not check: {printable(name)}" for name in evaluation.facts.unchecked]
    label = pack.vocabulary.classes[fact["class"]].label
    if fact["name"] == fact["class"]:  # a class word: the medicine's name was not given
        return [f"takes a {label} (name not given)"]
    return [f"takes {fact['name']} ({label})"]


def _suggestions(pack: RulePack, evaluation: Evaluation) -> list[dict[str, Any]]:
    """Condition questions the medicines taken suggest, unless already answered yes."""
    answered = evaluation.intake.answered()
    return [{"field": field, "text": pack.vocabulary.suggested_conditions[field], "medicines": names}
            for field, names in pack.suggestions(evaluation.facts.medications).items()
            if answered.get(field) is not True]


def _answer_label(field: str, value: Any) -> str:
    return f"{field.replace('_', ' ')}: {answer_words(value)}"


def answer_words(value: Any) -> str:
    """One answer in plain words: yes/no for booleans, lists joined with commas."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
