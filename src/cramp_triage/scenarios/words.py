"""Plain words for learners: what a finding is ("a warning sign", "a reason to see a doctor"),
each rule with its title, each cause, referral and level with its label, and "did you mean".

The JSON keys and the file's keys keep their names (``serious_include``); only what a person
reads uses these words.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from typing import Any

from ..pack import RulePack
from ..result import Level

# A red flag's level says what it asks of the person: help today or now, or a doctor's visit.
WARNING_SIGN = "warning sign"
REASON_TO_SEE_A_DOCTOR = "reason to see a doctor"
FINDING = "warning sign or reason to see a doctor"
FINDINGS = "warning signs or reasons to see a doctor"


def did_you_mean(name: str, names: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``names``, or nothing when none is close."""
    close = difflib.get_close_matches(str(name), list(names), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def suggest(name: str, names: Iterable[str]) -> str:
    """``"; did you mean 'x'? allowed: a, b"``, or ``"; allowed: a, b"`` when none is close."""
    names = list(names)
    return f"{did_you_mean(name, names) or ';'} allowed: {', '.join(names)}"


def finding_kind(level: Level | str) -> str:
    """A red flag's kind as a learner would name it, from the level it sets."""
    return REASON_TO_SEE_A_DOCTOR if Level(level) <= Level.see_professional else WARNING_SIGN


def finding(pack: RulePack, name: str) -> str:
    """``possible_dvt (warning sign: Swelling of one leg, ...)``; an unknown name as it is."""
    term = pack.terms.findings.get(name)
    if term is None or term.level is None:
        return name
    return f"{name} ({finding_kind(term.level)}: {_one_line(term.label)})"


def rule(pack: RulePack, rule_id: str) -> str:
    """``RF-DVT (A swollen leg or red, warm skin: possible clot)``: the id with its title."""
    found = pack.rule_by_id.get(rule_id)
    return f"{rule_id} ({_one_line(found.title)})" if found is not None else rule_id


def cause(pack: RulePack, category: str) -> str:
    term = pack.terms.causes.get(category)
    return f"{category} ({_one_line(term.label)})" if term is not None else category


def referral(pack: RulePack, name: str) -> str:
    term = pack.terms.see.get(name)
    return f"{name} ({_one_line(term.who)})" if term is not None else name


def level(pack: RulePack, name: Level | str) -> str:
    term = pack.terms.levels.get(Level(name)) if str(name) in Level.__members__ else None
    return f"{name} ({_one_line(term.label)})" if term is not None else str(name)


def answer(value: Any, *, names: bool = False) -> str:
    """An answer as a person reads it: yes, no, not known, a list joined (or none), a choice's
    words (``one leg``; with ``names``, as the file names it: ``one_leg``)."""
    if value is None:
        return "not known"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(answer(item, names=names) for item in value) or "none"
    if isinstance(value, str) and not names:
        return value.replace("_", " ")
    return str(value)


# Text that YAML 1.2 reads back as the same text without quotes (and that YAML 1.1 reads alike).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*( [A-Za-z0-9_.-]+)*\Z")
_WORDS_YAML_READS_OTHERWISE = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def as_yaml(value: Any) -> str:
    """A value in YAML flow style, as a scenario file writes it (``12``, ``true``, ``[calf, foot]``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(as_yaml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{as_yaml(key)}: {as_yaml(item)}" for key, item in value.items()) + "}"
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _WORDS_YAML_READS_OTHERWISE:
        return text
    return json.dumps(text)  # a JSON string (ASCII, escaped) is a YAML double-quoted one


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
