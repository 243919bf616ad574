"""The safety invariants of a triage, as plain functions shared by the property-based tests and
``cramp-triage rules verify``.

Each ``check_*`` function returns a list of violations in plain words (empty: it holds), so a
caller can report every one at once.

``DIRECTIONS`` states, in one place, which way each intake answer escalates. It is a module
constant, not part of the rule pack, on purpose: it is the yardstick a pack is checked against,
so a (custom or mutated) pack must not be able to redefine it. Meanings:

- ``yes``: answering yes is the alarming answer; no or "don't know" -> yes never lowers the level.
- ``no``: answering no is the alarming answer (e.g. a cramp that does *not* ease on moving).
- ``higher``: a larger number never lowers the level, nor does a number given at or above
  every threshold the rules use where it was "don't know".
- ``more``: adding an item to the list (a location, a medicine) never lowers the level.
- ``neutral``: context, with no direction claimed (e.g. when the cramps come).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from ..result import Level, TriageResult
from ..pack import RulePack

Direction = Literal["yes", "no", "higher", "more", "neutral"]

DIRECTIONS: dict[str, Direction] = {
    "duration_minutes": "higher",
    "eases_with_movement": "no",
    "locations": "more",
    "during_sleep": "neutral",
    "cramps_per_week": "higher",
    "sleep_disrupted": "yes",
    "persistent": "yes",
    # risk factors: "adding a risk factor never lowers the level"
    "pregnant": "yes",
    "medications": "more",
    "liver_disease": "yes",
    "kidney_disease": "yes",
    "underactive_thyroid": "yes",
    "diabetes": "yes",
    "low_fluid_intake": "yes",
    "intense_exercise": "yes",
    "poor_diet": "yes",
    # red-flag answers
    "nerve_symptoms": "yes",
    "numbness": "yes",
    "muscle_weakness": "yes",
    "leg_swelling": "yes",
    "red_warm_skin": "yes",
    "breathless_or_chest_pain": "yes",
    "pain_when_walking": "yes",
    "toxin_or_wound_exposure": "yes",
}

# Words that would mean a remedy the sources warn against (FDA-QUININE, AAN-2010).
_QUININE = re.compile(r"quinine|qualaquin|tonic[\s_-]*water", re.IGNORECASE)


def check_result(result: TriageResult, pack: RulePack) -> list[str]:
    """Every structural and safety invariant of one result."""
    problems: list[str] = []
    if not isinstance(result.level, Level):
        problems.append("the result has no level")
    if not result.causes:
        problems.append("the result names no cause")
    if not result.disclaimer.strip() or result.disclaimer != pack.manifest.disclaimer:
        problems.append("the result lacks the pack's disclaimer")
    if not result.trace:
        problems.append("the result has an empty trace")
    for step in result.trace:
        rule = pack.rule_by_id.get(step.rule)
        if rule is None or rule.status != "active":
            problems.append(f"trace step {step.rule!r} names no active rule of the pack")
        elif not step.citations:
            problems.append(f"trace step {step.rule} has no citation")
    problems.extend(check_serious(result, pack))
    problems.extend(check_no_quinine(result, pack))
    return problems


def check_serious(result: TriageResult, pack: RulePack) -> list[str]:
    """Serious findings and the trace agree, and the level is at least what each one calls for."""
    problems: list[str] = []
    concluded_by = {
        (fact.get("name"), step.rule)
        for step in result.trace
        for fact in step.concluded
        if fact.get("fact") == "finding"
    }
    red_flags_in_trace = {
        fact["name"]
        for step in result.trace
        for fact in step.concluded
        if fact.get("fact") == "finding" and fact.get("kind") == "red_flag"
    }
    serious_ids = {finding.id for finding in result.serious}
    for finding in result.serious:
        if (finding.id, finding.rule) not in concluded_by:
            problems.append(f"serious finding {finding.id} (rule {finding.rule}) is not in the trace")
        if finding.emergency and result.level is not Level.emergency:
            problems.append(f"emergency finding {finding.id} gave level {result.level.value}")
        elif finding.level.rank > result.level.rank:
            problems.append(f"{finding.level.value} finding {finding.id} gave the lower level {result.level.value}")
        term = pack.terms.findings.get(finding.id)
        if term is None or term.level is None or term.level != finding.level:
            problems.append(f"serious finding {finding.id} does not carry its pack level")
    for missing in sorted(red_flags_in_trace - serious_ids):
        problems.append(f"red flag {missing} is in the trace but not among the serious findings")
    return problems


def mentions_quinine(text: str, pack: RulePack) -> bool:
    """Does the text name quinine or tonic water, other than as the id of a cited source (the
    FDA warning is cited *against* quinine)?"""
    for source in pack.manifest.sources:
        text = text.replace(source, "")
    return _QUININE.search(text) is not None


def check_no_quinine(result: TriageResult, pack: RulePack) -> list[str]:
    """Nothing in the result (advice, labels, trace) names quinine or tonic water. The medicines
    the person typed are read back (as given, and as the vocabulary names them, quinine among
    them so that it can be reviewed); they are their medicines, not our advice."""
    own_words = result.model_copy(update={"unrecognised_medications": [], "medications": [], "medicine_hints": []})
    if mentions_quinine(own_words.model_dump_json(), pack):
        return ["the result mentions quinine or tonic water"]
    return []


def check_same(results: Iterable[TriageResult]) -> list[str]:
    """Determinism: every result given is the same answer."""
    dumps = [result.model_dump(mode="json") for result in results]
    return [] if all(dump == dumps[0] for dump in dumps) else ["the same intake gave different results"]


def check_monotone(before: Level, after: Level, field: str, old: Any, new: Any) -> list[str]:
    """One escalation step (``field`` from ``old`` to ``new`` along its direction) keeps the level."""
    if after.rank < before.rank:
        return [f"{field}: {old!r} -> {new!r} lowered the level from {before.value} to {after.value}"]
    return []


def escalations(field: str, value: Any, domain: list[Any]) -> list[Any]:
    """The values one step up from ``value`` along the field's direction, within ``domain`` (the
    values to consider, ``None`` meaning "don't know"). Empty for a neutral field."""
    direction = DIRECTIONS.get(field, "neutral")
    if direction == "yes":
        return [True] if value is not True and True in domain else []
    if direction == "no":
        return [False] if value is not False and False in domain else []
    if direction == "higher":
        known = sorted(v for v in domain if v is not None)
        if value is None:
            return known[-1:]
        return [v for v in known if v > value][:1]
    if direction == "more":
        current = set(value or [])
        return [v for v in domain if v is not None and current < set(v)]
    return []
