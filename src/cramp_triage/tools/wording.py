"""Checks on the words a person reads: never quinine or tonic water as a remedy, no reassurance
where a warning sign could not be checked, and advice that fits the person. The patterns are
the yardstick, so they live in code, not in the rule pack a (custom or mutated) pack could edit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..pack import RulePack
from ..result import TriageResult

# Words that would name a remedy the sources warn against (FDA-QUININE, AAN-2010).
QUININE = re.compile(r"quinine|qualaquin|tonic[\s_-]*water", re.IGNORECASE)
# A text that names quinine may only ask for a review: it says "review", and nowhere (so no
# pronoun can carry the advice into the next sentence) a word that could present it as a help,
# even negated ("does not help" is as good as refused: the neutral wording needs none of these).
_REVIEW = re.compile(r"\breview\b", re.IGNORECASE)
_REMEDY = re.compile(
    r"\b(try|tries|trying|drink\w*|take|takes|taking|taken|took|use|uses|using|used|help\w*|relie\w*|"
    r"eas(e|es|ed|ing)|prevent\w*|treat\w*|cure\w*|works?|effective|recommend\w*|advis\w*|suggest\w*|keep|"
    r"continu\w*|start\w*|dose\w*|remed\w*|benefit\w*|good|safe\w*|best|should|tonight|bed(time)?)\b",
    re.IGNORECASE)
# Reassurance: wrong while a warning-sign question is unanswered.
REASSURANCE = re.compile(r"not a warning sign|no warning sign|none of them applies|usually harmless|nothing to worry",
                         re.IGNORECASE)
STRETCH = re.compile(r"\bstretch", re.IGNORECASE)
STEP_EDGE = re.compile(r"\bon a step\b|\bof the step\b|edge of (a|the) step|heels hanging", re.IGNORECASE)
DRINK_MORE = re.compile(r"\bdrink (enough|more|plenty)\b|\ba little more\b|rich in minerals|mineral-rich",
                        re.IGNORECASE)
NOBODY = re.compile(r"(do not|don't|no) need to see|\bnobody\b|\bno one\b|not need a doctor", re.IGNORECASE)
CHIROPRACTOR = re.compile(r"chiropract", re.IGNORECASE)


def mentions_quinine(text: str, pack: RulePack) -> bool:
    """Does the text name quinine or tonic water, other than as the id of a cited source (the
    FDA warning is cited *against* quinine)?"""
    if QUININE.search(text) is None:
        return False
    for source in pack.manifest.sources:
        text = text.replace(source, "")
    return QUININE.search(text) is not None


def quinine_as_remedy(text: str, pack: RulePack) -> bool:
    """Does the text name quinine or tonic water other than in a neutral request to review it?"""
    return mentions_quinine(text, pack) and (not _REVIEW.search(text) or _REMEDY.search(text) is not None)


def check_no_quinine(result: TriageResult, pack: RulePack) -> list[str]:
    """Nothing in the result names quinine or tonic water, except a referral's ``why`` that
    neutrally asks for it to be reviewed. What the person typed, and the names of what it was
    recognised as (the medicine list, the medicine facts the rules matched), name what they
    take, not our advice, and are left out; every other word, id and label is checked."""
    if QUININE.search(result.model_dump_json()) is None:
        return []  # the usual case, settled in one search
    data = result.model_dump(mode="json")
    data["unrecognised_medications"] = []
    data["medications"] = []
    data["medicine_hints"] = [{"given": "", "hint": hint["hint"]} for hint in data.get("medicine_hints", [])]
    for step in data["trace"]:
        step["matched"] = [fact for fact in step["matched"] if fact.get("fact") != "medication"]
    problems = []
    for path, text in _strings(data):
        if not mentions_quinine(text, pack):
            continue
        if len(path) == 3 and path[0] == "see" and path[2] == "why" and not quinine_as_remedy(text, pack):
            continue
        problems.append(f"the result mentions quinine or tonic water at {'.'.join(map(str, path))}")
    return problems


def _strings(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string in a JSON value (keys too), with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path + (key,), str(key)
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


def check_wording(result: TriageResult) -> list[str]:
    """Words that must not stand together: reassurance or a stretch beside an unchecked sign,
    "nobody needs to be seen" beside a referral."""
    problems = []
    steps = [step.text for step in result.self_care]
    if result.unanswered_red_flags:
        if any(REASSURANCE.search(text) for text in [result.do_now, *steps]):
            problems.append(f"reassurance although {', '.join(result.unanswered_red_flags)} were not answered")
        unchecked_clot = [f for f in CLOT_SIGN_FIELDS if f in result.unanswered_red_flags]
        if unchecked_clot and any(STRETCH.search(text) for text in steps):
            problems.append(f"a stretch is offered although the clot sign {', '.join(unchecked_clot)} was not answered")
    if result.see and NOBODY.search(result.do_now):
        problems.append("do_now says nobody needs to be seen, but `see` lists someone")
    return problems


# The clot signs, which withhold stretching and massage (NHS-DVT): intake field names, part of
# the yardstick like DIRECTIONS.
CLOT_SIGN_FIELDS = ("leg_swelling", "red_warm_skin")


def check_fits_person(result: TriageResult, answers: dict[str, Any]) -> list[str]:
    """Advice that fits the person: no "drink more" against a fluid limit, no step edge unless
    an adult under 65 who is not pregnant, no adult self-care for a child, no chiropractor
    unless weakness, numbness and bladder or bowel trouble were each answered no."""
    problems = []
    steps = [step.text for step in result.self_care]
    if answers.get("fluid_restriction") is True or answers.get("kidney_disease") is True:
        if any(DRINK_MORE.search(text) for text in steps):
            problems.append("self-care says to drink more or eat mineral-rich food despite a fluid limit")
    age = answers.get("age_years")
    step_safe = age is not None and 16 <= age < 65 and answers.get("pregnant") is False
    if not step_safe and any(STEP_EDGE.search(text) for text in steps):
        problems.append("a stretch on the edge of a step for someone it may not be safe for")
    if age is not None and age < 16:
        if steps:
            problems.append("adult self-care for a child")
        if not result.see or result.level.rank < 1:
            problems.append("a child is not referred")
    cleared = all(answers.get(name) is False for name in ("muscle_weakness", "numbness", "bladder_or_bowel_change"))
    if not cleared and any(CHIROPRACTOR.search(referral.who) for referral in result.see):
        problems.append("a chiropractor although weakness, numbness or bladder trouble was not ruled out")
    return problems
