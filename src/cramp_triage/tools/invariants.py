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
- ``lower``: a smaller number never lowers the level (age: a child is referred).
- a tuple of answers, least to most alarming: each step along it never lowers the level
  (``leg_swelling``: none, both legs, one leg).
- ``more``: adding an item to the list (a location, a medicine) never lowers the level.
- ``neutral``: context, with no direction claimed (e.g. when the cramps come).

The same directions say which answer is the *benign* one (no, yes for ``no``, the smallest or
largest number, the first answer of a tuple): for every field a red flag depends on, "don't
know" is never less cautious than the benign answer (``check_unknown``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, Union

from ..result import LEVEL_WHEN, Level, TriageResult, most_pressing
from ..pack import RulePack
from .unanswered import expected_unanswered
from .wording import check_fits_person, check_no_quinine, check_wording, mentions_quinine

Direction = Union[Literal["yes", "no", "higher", "lower", "more", "neutral"], tuple[str, ...]]

DIRECTIONS: dict[str, Direction] = {
    "duration_minutes": "higher",
    "eases_with_movement": "no",
    "locations": "more",
    "during_sleep": "neutral",
    "cramps_per_week": "higher",
    "sleep_disrupted": "yes",
    "persistent": "yes",
    "age_years": "lower",
    # risk factors: "adding a risk factor never lowers the level"
    "pregnant": "yes",
    "medications": "more",
    "liver_disease": "yes",
    "kidney_disease": "yes",
    "fluid_restriction": "yes",
    "underactive_thyroid": "yes",
    "diabetes": "yes",
    "low_fluid_intake": "yes",
    "intense_exercise": "yes",
    "poor_diet": "yes",
    # red-flag answers
    "nerve_symptoms": "yes",
    "numbness": "yes",
    "muscle_weakness": "yes",
    "muscle_pain": "yes",
    "dark_urine": "yes",
    "bladder_or_bowel_change": "yes",
    "leg_swelling": ("none", "both_legs", "one_leg"),
    "red_warm_skin": "yes",
    "breathless_or_chest_pain": "yes",
    "pain_when_walking": "yes",
    "toxin_or_wound_exposure": "yes",
}

__all__ = ["DIRECTIONS", "benign", "check_answers", "check_monotone", "check_referrals", "check_region", "check_result",
           "check_same", "check_serious", "check_unknown", "escalations", "mentions_quinine"]


def check_result(result: TriageResult, pack: RulePack, answers: dict[str, Any] | None = None) -> list[str]:
    """Every structural and safety invariant of one result; with the ``answers`` it came from,
    those that need them too (``check_answers``)."""
    problems: list[str] = []
    if not isinstance(result.level, Level):
        problems.append("the result has no level")
    if not result.causes:
        problems.append("the result names no cause")
    problems.extend(check_region(result, pack))
    if not result.trace:
        problems.append("the result has an empty trace")
    for step in result.trace:
        rule = pack.rule_by_id.get(step.rule)
        if rule is None or rule.status != "active":
            problems.append(f"trace step {step.rule!r} names no active rule of the pack")
        elif not step.citations:
            problems.append(f"trace step {step.rule} has no citation")
    problems.extend(check_serious(result, pack))
    problems.extend(check_referrals(result))
    problems.extend(check_safety_net(result, pack))
    problems.extend(check_wording(result))
    problems.extend(check_no_quinine(result, pack))
    if answers is not None:
        problems.extend(check_answers(result, pack, answers))
    return problems


def check_answers(result: TriageResult, pack: RulePack, answers: dict[str, Any]) -> list[str]:
    """The invariants that need the answers: ``unanswered_red_flags`` is exactly the unanswered
    questions that could still raise a warning sign (``unanswered.expected_unanswered``, a plain
    reading of the red-flag rules), and the advice fits the person."""
    problems = []
    expected = expected_unanswered(pack, answers)
    got = set(result.unanswered_red_flags)
    if got != expected:
        missing, extra = sorted(expected - got), sorted(got - expected)
        problems.append(f"unanswered_red_flags: missing {missing}, not expected {extra}")
    return problems + check_fits_person(result, answers)


def check_referrals(result: TriageResult) -> list[str]:
    """The level and the most pressing referral say the same (``result.LEVEL_WHEN``):
    emergency <-> now, urgent <-> today, see_professional <-> within_days or routine,
    self_care <-> routine or nobody."""
    pressing = most_pressing(referral.when for referral in result.see)
    if pressing not in LEVEL_WHEN[result.level]:
        said = pressing.value if pressing is not None else "nobody to see"
        return [f"level {result.level.value} but the most pressing referral is {said}"]
    return []


def check_region(result: TriageResult, pack: RulePack) -> list[str]:
    """The words follow the result's region: the pack's disclaimer for it, which names its
    emergency number, and at emergency or urgent level, ``do_now`` names where to go."""
    region = pack.regions.regions.get(result.region)
    if region is None:
        return [f"the result's region {result.region!r} is not one of the pack's"]
    problems = []
    if not result.disclaimer.strip() or result.disclaimer != pack.wording(result.region).disclaimer:
        problems.append(f"the result lacks the pack's disclaimer for {result.region}")
    if region.emergency not in result.disclaimer:
        problems.append(f"the disclaimer does not name the emergency number of {result.region}")
    service = {Level.emergency: region.emergency, Level.urgent: region.urgent}.get(result.level)
    if service is not None and service not in " ".join(result.do_now.split()):
        problems.append(f"do_now at {result.level.value} does not name {service!r} ({result.region})")
    return problems


def check_safety_net(result: TriageResult, pack: RulePack) -> list[str]:
    """At self-care and see-a-doctor, "if it gets worse" names the sign of every urgent and
    emergency red flag the pack knows."""
    if result.level.rank > Level.see_professional.rank:
        return []
    said = " ".join(result.if_worse.split())
    findings = pack.wording(result.region).terms.findings if result.region in pack.regions.regions else {}
    missing = sorted(name for name, term in findings.items()
                     if term.kind == "red_flag" and term.level.rank >= Level.urgent.rank  # type: ignore[union-attr]
                     and " ".join((term.sign or "").split()) not in said)
    return [f"if_worse does not name the sign of {', '.join(missing)}"] if missing else []


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


def check_same(results: Iterable[TriageResult]) -> list[str]:
    """Determinism: every result given is the same answer."""
    dumps = [result.model_dump(mode="json") for result in results]
    return [] if all(dump == dumps[0] for dump in dumps) else ["the same intake gave different results"]


def check_monotone(before: Level, after: Level, field: str, old: Any, new: Any) -> list[str]:
    """One escalation step (``field`` from ``old`` to ``new`` along its direction) keeps the level."""
    if after.rank < before.rank:
        return [f"{field}: {old!r} -> {new!r} lowered the level from {before.value} to {after.value}"]
    return []


def check_unknown(unknown: Level, benign_level: Level, field: str, benign_answer: Any) -> list[str]:
    """"Don't know" for ``field`` is never less cautious than its benign answer."""
    if unknown.rank < benign_level.rank:
        return [f"{field}: don't know gave {unknown.value}, less cautious than {benign_answer!r} "
                f"({benign_level.value})"]
    return []


def benign(field: str, domain: list[Any]) -> Any:
    """The least alarming answer to ``field`` within ``domain`` along its direction; ``None``
    where none is defined (a list, whose empty answer is the same as "don't know", or a neutral
    field)."""
    direction = DIRECTIONS.get(field, "neutral")
    known = [value for value in domain if value is not None]
    candidates: list[Any]
    if direction == "yes":
        candidates = [False]
    elif direction == "no":
        candidates = [True]
    elif direction == "higher":
        candidates = sorted(known)[:1]
    elif direction == "lower":
        candidates = sorted(known)[-1:]
    elif isinstance(direction, tuple):
        candidates = [direction[0]]
    else:
        return None
    return next((value for value in candidates if value in known), None)


def escalations(field: str, value: Any, domain: list[Any]) -> list[Any]:
    """The values one step up from ``value`` along the field's direction, within ``domain`` (the
    values to consider, ``None`` meaning "don't know"). Empty for a neutral field."""
    direction = DIRECTIONS.get(field, "neutral")
    if isinstance(direction, tuple):
        steps = [answer for answer in direction if answer in domain]
        if value is None:
            return steps[-1:]
        return steps[steps.index(value) + 1:][:1] if value in steps else []
    if direction == "lower":
        known = sorted((v for v in domain if v is not None), reverse=True)
        if value is None:
            return known[-1:]
        return [v for v in known if v < value][:1]
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
