"""Reading what a person types in answer to a question. No I/O.

One rule per kind of answer, not a list of replies:

- **don't know**: ``?``, or a phrase that says so (``not sure``, ``no idea``, ``dunno``).
- **yes/no**: words that say yes (``yeah``, ``yep``, ``sure``, ``of course``) or no (``nope``,
  ``nah``, ``never``, ``not really``), read past words that add nothing (``I``, ``do``,
  ``really``). A no-word turns the reply to no (``of course not``, ``I don't think so``); a
  reply that opens with yes and then says no is refused.
- **one of a few choices**: the choice's own words or their start (``both``), singular or
  plural; a side names a count (``left``: one leg; ``left and right``: both); a no-word is
  ``none`` when that is a choice.
- **places**: each place named (``calves and feet``), a side read past (``left calf``), a part
  of a place read as the place (``toes``: foot); ``all``; ``none`` or ``nowhere``: none of
  the places the intake knows, which it keeps as not known.
- **names**: separated by commas; a no-word (``nothing``, ``I don't take any``) is none.
- **amounts**: numbers with units, ranges and rates (``amounts``), in the question's unit, which
  the field's name gives: ``*_minutes``, ``*_years``, ``*_per_week``.

A reply not typed in its plain form is read back in words (``Reading.read_as``): "0.5
minutes", "one leg", "no". Anything that cannot be read raises ``ValueError`` saying why and
what can be typed; nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import IntakeError
from ..intake import parse_intake
from .questions import Question

if TYPE_CHECKING:
    from .amounts import Dimension

# -- the words (English) --

YES_OPENERS = frozenset({"y", "yes", "yeah", "yea", "yep", "yup", "ya", "yah", "aye", "sure", "ok", "okay"})
YES = YES_OPENERS | {"true", "correct", "right", "definitely", "absolutely", "certainly", "course", "indeed",
                     "affirmative", "so"}
NO = frozenset({"n", "no", "nope", "nah", "never", "not", "false", "none", "nothing", "negative", "dont",
                "doesnt", "isnt", "arent", "havent", "hasnt", "didnt", "wasnt", "werent", "neither", "nowhere"})
# Words that add nothing to a yes or a no: "yes I do", "no, not really", "I don't think so".
FILLERS = frozenset({"i", "im", "ive", "do", "does", "did", "am", "is", "are", "have", "has", "had", "it", "its",
                     "that", "they", "them", "really", "at", "all", "of", "please", "thanks", "thank", "you",
                     "think", "guess", "well", "oh", "um", "uh", "actually", "just", "quite", "very", "way",
                     "any", "my", "the", "a", "an", "only", "in", "on", "side", "sides", "one"})
UNKNOWN_PHRASES = frozenset({"dont know", "do not know", "idk", "dunno", "not sure", "unsure", "unknown", "no idea",
                             "cant say", "cannot say", "cant remember", "cannot remember", "dont remember",
                             "not certain", "cant tell", "cannot tell", "hard to say", "no clue"})
# Sides name a count of legs: one side, or both.
SIDES = {"left": "one", "right": "one", "one": "one", "single": "one", "both": "both", "two": "both"}
# Parts of a place, read as the place (the intake knows calf, foot and thigh).
PLACE_PARTS = {"toe": "foot", "sole": "foot", "arch": "foot", "instep": "foot", "heel": "foot",
               "hamstring": "thigh", "quad": "thigh", "quadricep": "thigh", "quadriceps": "thigh"}
PLACE_FILLERS = FILLERS | {"and", "leg", "muscle", "back", "front", "left", "right", "both", "side"}
ALL_WORDS = frozenset({"all", "everywhere", "every"})
NAME_FILLERS = FILLERS | {"take", "medicine", "medicines", "medication", "medications", "tablet", "tablets",
                          "pill", "pills", "drug", "drugs", "on"}
IRREGULAR_PLURALS = {"feet": "foot", "calves": "calf", "halves": "half", "quadriceps": "quadriceps"}
# The unit a number is in, from the field's name.
UNIT_SUFFIXES: dict[str, Dimension] = {"_minutes": "time", "_years": "age", "_per_week": "rate"}
KEYBOARD_HINTS = {
    "time": "minutes, or say it: 30 sec, 1:30, 2 hours; ? if you don't know",
    "age": "years, or ? if you don't know",
    "rate": "a whole number, or say it: 3 a night, twice a month; ? if you don't know",
}
_WORD = re.compile(r"[a-z0-9]+")


class Unknown:
    """The answer "don't know"."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Reading:
    """An answer as read: its value (or ``UNKNOWN``), and, when the reply was not typed in its
    plain form, the answer in words ("0.5 minutes"), to show the person how it was read."""

    value: Any
    read_as: str | None = None


def parse_answer(question: Question, text: str) -> Any:
    """A typed answer, or ``UNKNOWN``; raises ``ValueError`` with what is allowed."""
    return read_answer(question, text).value


def keyboard_hint(question: Question) -> str:
    """What can be typed, shown after the question in a terminal."""
    dimension = dimension_of(question.field)
    return KEYBOARD_HINTS[dimension] if question.answer_type in ("number", "integer") and dimension in KEYBOARD_HINTS \
        else question.hint


def dimension_of(field: str) -> Dimension:
    """The unit of a number answer, from the field's name (``duration_minutes``: time)."""
    return next((dimension for suffix, dimension in UNIT_SUFFIXES.items() if field.endswith(suffix)), "number")


def read_answer(question: Question, text: str) -> Reading:
    """The answer ``text`` gives to ``question``; raises ``ValueError`` saying why it cannot be
    read and what can be typed."""
    reply = _normal(text)
    words = _WORD.findall(reply)
    if reply.strip("? ") == "" and "?" in reply:
        return Reading(UNKNOWN)
    if " ".join(w for w in words if w not in ("i", "im", "really", "honestly", "well", "um")) in UNKNOWN_PHRASES:
        return Reading(UNKNOWN, "don't know")
    kind = question.answer_type
    if kind == "boolean":
        return _yes_or_no(question, reply, words)
    if kind == "choice" and question.repeats:
        reading = _places(question, reply, words)
    elif kind == "choice":
        reading = _choice(question, reply, words)
    elif kind == "text":
        reading = _names(question, text, words) if question.repeats else Reading(" ".join(text.split()))
    else:
        reading = _amount(question, text)
    if reading.value is not UNKNOWN:
        _check(question, reading)
    return reading


def _normal(text: str) -> str:
    """Lower case, one space between words, apostrophes dropped (``don't``: ``dont``)."""
    return " ".join(text.lower().replace("’", "").replace("'", "").split())


def _check(question: Question, reading: Reading) -> None:
    """The intake's own rules (bounds, lengths): the same message as for a JSON intake, with how
    the reply was read when that was not plain ("read as 1500 minutes")."""
    value = reading.value
    if isinstance(value, (list, str)) and not value and not question.repeats:
        raise ValueError(f"please answer with {question.hint}")
    try:
        parse_intake({question.field: value})
    except IntakeError as error:
        detail = "; ".join(p.message for p in error.problems) or str(error)
        read = f"read as {reading.read_as}: " if reading.read_as else ""
        raise ValueError(f"{read}{detail} ({keyboard_hint(question)})") from None


def _yes_or_no(question: Question, reply: str, words: list[str]) -> Reading:
    said = [word for word in words if word not in FILLERS]
    refused = ValueError("please answer y (yes), n (no) or ? (don't know)")
    if not said or any(word not in YES and word not in NO for word in said):
        raise refused
    if any(word in NO for word in said):
        if said[0] in YES_OPENERS:  # "yes ... not": which is it?
            raise refused
        return Reading(False, None if reply in ("n", "no") else "no")
    return Reading(True, None if reply in ("y", "yes") else "yes")


def _singular(word: str) -> str:
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    return word[:-1] if word.endswith("s") and len(word) > 3 and not word.endswith("ss") else word


def _choice(question: Question, reply: str, words: list[str]) -> Reading:
    """One named answer: as written (``one_leg``), in words (``one leg``), its start (``one``,
    ``both``, ``no``), or said another way (``my left leg``, ``neither``)."""
    values = [str(value) for value in question.allowed_values or []]
    typed = reply.replace(" ", "_")
    if typed in values:
        return Reading(typed)
    refused = ValueError(f"please answer {question.hint}")
    starting = [value for value in values if value.startswith(typed)] if typed else []
    if len(starting) == 1:
        return Reading(starting[0], _words(starting[0]))
    # Each choice is named by the words no other choice has (one_leg: "one"; both_legs: "both");
    # words they share, and the question's own words, say nothing about which.
    owners: dict[str, set[str]] = {}
    for value in values:
        for word in value.split("_"):
            owners.setdefault(_singular(word), set()).add(value)
    own = {word: next(iter(named)) for word, named in owners.items() if len(named) == 1}
    neutral = {word for word, named in owners.items() if len(named) > 1} | FILLERS | _question_words(question)
    sides = {word for word in words if word in ("left", "right")}
    chosen: set[str] = set()
    for word in words:
        if _singular(word) in own:
            chosen.add(own[_singular(word)])
        elif word in SIDES and SIDES[word] in own:  # left and right: both
            chosen.add(own["both" if len(sides) > 1 and "both" in own else SIDES[word]])
        elif word in NO and "none" in values:
            chosen.add("none")
        elif word in YES or (word not in neutral and _singular(word) not in neutral and word not in ("and", "or")):
            raise refused  # "yes": which one? or a word that names none of them
    if len(chosen) != 1:
        raise refused
    value = chosen.pop()
    return Reading(value, _words(value))


def _question_words(question: Question) -> set[str]:
    return set(_WORD.findall(_normal(question.text)))


def _places(question: Question, reply: str, words: list[str]) -> Reading:
    """Several named answers (``calf, foot``), said as a person would (``both calves``)."""
    values = [str(value) for value in question.allowed_values or []]
    plain = [part.strip() for part in re.split(r"[,\s]+", reply) if part.strip() and part.strip() != "and"]
    if plain and all(part in values for part in plain):
        return Reading(list(dict.fromkeys(plain)))
    said = [_singular(word) for word in words]
    if any(word in NO for word in said) and all(word in NO or word in FILLERS for word in said):
        return Reading(UNKNOWN, f"none of {', '.join(values)} (kept as not known)")
    neutral = PLACE_FILLERS | _question_words(question)
    chosen: list[str] = []
    for word in said:
        if word in ALL_WORDS:
            chosen.extend(values)
        elif word in values or PLACE_PARTS.get(word) in values:
            chosen.append(word if word in values else PLACE_PARTS[word])
        elif word not in neutral:
            raise ValueError(f"'{word}' is not one of {', '.join(values)}; please answer {question.hint}")
    if not chosen:
        raise ValueError(f"please answer {question.hint}")
    places = list(dict.fromkeys(chosen))
    side = " (which side is not asked)" if {"left", "right", "both"} & set(words) else ""
    return Reading(places, _listed(places) + side)


def _names(question: Question, text: str, words: list[str]) -> Reading:
    """Names separated by commas, as typed; "none" (or a no said another way) is none."""
    if words and any(word in NO for word in words) and all(word in NO or word in NAME_FILLERS for word in words):
        return Reading([], None if words == ["none"] else "none")
    names = [" ".join(name.split()) for name in re.split(r"[,;\n]", text) if name.strip()]
    if not names:
        raise ValueError(f"please answer with {question.hint}")
    return Reading(names)


def _amount(question: Question, text: str) -> Reading:
    from .amounts import AmountError, is_plain, read_amount  # the grammar, loaded only to read an amount

    dimension = dimension_of(question.field)
    try:
        amount = read_amount(text, dimension)
    except AmountError as error:
        raise ValueError(f"{error}; please type {keyboard_hint(question)}") from None
    value: float | int = amount.value
    if question.answer_type == "integer":
        if not float(value).is_integer():
            raise ValueError(f"{value:g} is not a whole number; please type {keyboard_hint(question)}")
        value = int(value)
    if is_plain(text):
        return Reading(value)
    return Reading(value, _in_words(question.field, value) + (f" ({amount.remark})" if amount.remark else ""))


def _in_words(field: str, value: float) -> str:
    """``0.5 minutes``, ``72 years``, ``3 cramps a week``."""
    number = f"{round(value, 2):g}"
    suffix = next((s for s in UNIT_SUFFIXES if field.endswith(s)), None)
    if suffix is None:
        return number
    name = field[:-len(suffix)] if suffix == "_per_week" else suffix[1:]
    name = name.replace("_", " ")
    if value == 1:
        name = name[:-1] if name.endswith("s") else name
    return f"{number} {name} a week" if suffix == "_per_week" else f"{number} {name}"


def _listed(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def _words(value: str) -> str:
    return value.replace("_", " ")
