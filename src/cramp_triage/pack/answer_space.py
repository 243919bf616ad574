"""The answers worth trying for each intake field, read from the rules' own conditions.

Shared by ``verify`` (the whole discretised answer space) and ``relevance`` (which unanswered
questions can still change the outcome), so both try the same values:

- a yes/no field: yes and no;
- a number: each threshold the rules compare it with, and a value either side of it, within
  the bounds the intake allows;
- a choice (``leg_swelling``): each of its named answers;
- ``locations``: every non-empty set of the places the rules name, plus one place they do not;
- ``medications``: one medicine for each medicine condition of the rules (a product's name, or
  a class word), all of those together, and a name the vocabulary does not know.

"Don't know" (``None``) is not among them: callers add it where they need it.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from annotated_types import Ge, Le

from .conditions import Test
from ..intake import Intake, Location, answer_type
from .rulepack import INTAKE_FIELD_KINDS, FactKey, RulePack, choices
from .vocabulary import UNCHECKED

MEDICATIONS = "medications"
UNKNOWN_MEDICINE = "an unlisted medicine"


def tests_on(pack: RulePack, field: str, *others: RulePack) -> list[Any]:
    """Every test the pack's (and ``others``') active rules make on one intake field."""
    return [
        group[field]
        for each in (pack, *others)
        for rule in each.active_rules
        for pattern in rule.when
        for group in pattern.intake_groups()
        if field in group
    ]


def known_values(pack: RulePack, field: str, *others: RulePack) -> list[Any]:
    """The answers to try for ``field`` (``None``, "don't know", excluded); with ``others``,
    those of every pack together, so that each pack's distinctions are tried on the others."""
    if field == MEDICATIONS:
        return _medicines(pack, *others)
    tests = tests_on(pack, field, *others)
    kind = INTAKE_FIELD_KINDS[field]
    if kind == "bool":
        return [True, False]
    if kind == "choice":
        return choices(field)
    if kind == "locations":
        named = {str(t.value if isinstance(t, Test) else t) for t in tests
                 if not (isinstance(t, Test) and t.operator == "known")}
        others = [loc.value for loc in Location if loc.value not in named]
        places = sorted(named) + others[:1]
        return [list(c) for size in range(1, len(places) + 1) for c in itertools.combinations(places, size)]
    if kind == "number":
        return _numbers(field, tests)
    raise ValueError(f"cannot discretise field {field!r} of kind {kind}")


def _numbers(field: str, tests: list[Any]) -> list[float | int]:
    info = Intake.model_fields[field]
    low = next((m.ge for m in info.metadata if isinstance(m, Ge)), 0)
    high = next((m.le for m in info.metadata if isinstance(m, Le)), math.inf)
    whole = answer_type(field) is int
    thresholds = sorted({float(t.value) for t in tests if isinstance(t, Test) and t.operator != "known"}
                        | {float(t) for t in tests if not isinstance(t, Test)})
    points: set[float] = set()
    for index, t in enumerate(thresholds):
        if whole:
            points.update({math.floor(t) - 1, math.floor(t), math.ceil(t), math.ceil(t) + 1})
            continue
        # Either side, but never past the midpoint to the next threshold.
        gaps = [abs(t - other) / 2 for other in thresholds[:index] + thresholds[index + 1:]]
        step = min([1.0, *gaps])
        points.update({t - step, t, t + step})
    if not points:
        points.add(low)
    kept = sorted(p for p in points if low <= p <= high)
    return [int(p) if whole or float(p).is_integer() else p for p in kept]


def _medicines(pack: RulePack, *others: RulePack) -> list[Any]:
    texts = list(dict.fromkeys(text for each in (pack, *others) for text in _medicine_texts(each)))
    values: list[Any] = [[text] for text in texts]
    if len(texts) > 1:
        values.append(list(texts))
    if UNKNOWN_MEDICINE not in texts:
        values.append([UNKNOWN_MEDICINE])
    return values


def _medicine_texts(pack: RulePack) -> list[str]:
    """One medicine text per distinct medicine condition of the pack's rules."""
    chosen: list[FactKey] = []
    seen: set[frozenset[Any]] = set()
    for rule in pack.active_rules:
        for pattern in rule.when:
            target = pattern.negated or pattern
            if target.fact_kind != "medication":
                continue
            matching = frozenset(pack.matching_facts(target))
            if matching in seen:
                continue
            seen.add(matching)
            if not any(key in matching for key in chosen):
                # A product first (its name reads back into the fact), the shortest name.
                chosen.append(min(matching, key=lambda key: (
                    pack.possible_facts[key]["name"] not in pack.vocabulary.product_by_name, len(key[1]), key)))
    return list(dict.fromkeys(_text(pack, key) for key in chosen))


def _text(pack: RulePack, key: FactKey) -> str:
    """A medicine text that reads back into the fact ``key``: the product's name, a class word
    for a class named without a medicine, or a name the vocabulary does not know."""
    fact = pack.possible_facts[key]
    vocabulary = pack.vocabulary
    if fact["name"] == UNCHECKED:
        return UNKNOWN_MEDICINE
    if fact["name"] not in vocabulary.product_by_name and fact["name"] in vocabulary.class_words:
        return vocabulary.class_words[fact["name"]][0]
    return str(fact["name"])
