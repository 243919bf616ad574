"""Amounts as people type them: ``30 sec``, ``half a minute``, ``1:30``, ``an hour and a half``,
``2-3 minutes``, ``twice a week``, ``3 a night``, ``seventy-two``. No I/O.

A small grammar, not a list of phrases:

- a *number* is digits (``2``, ``0.5``, ``1/2``, ``1½``), words (``seventy two``, ``a``,
  ``half``, ``three quarters``) or either with ``and a half``;
- a *term* is a number and a unit (``90s``, ``2 hours``, ``half an hour``) or a clock time
  (``1:30``, minutes and seconds); terms add up (``1 minute 30 seconds``, ``1h30``: a bare
  number after a unit is in the next smaller unit);
- a *range* (``2-3``, ``2 to 3``, ``2 or 3``, ``between 2 and 3``) is read at its higher end,
  the cautious side; a unit given once serves both ends;
- a *rate* (``3 a night``, ``twice a month``, ``every night``, ``nightly``) is turned into the
  field's period (a week), rounded up to a whole number (the cautious side again);
- ``about`` and its kind are read past; ``up to`` and ``under`` give the number itself (the most
  it could be); ``over`` and ``at least`` are refused: they give no number to read.

A number typed alone is in the question's own unit (minutes, years, cramps a week).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

Dimension = Literal["time", "age", "rate", "number"]

# Each unit word, by dimension, with its size in the dimension's base unit (a minute; a year).
UNITS: dict[str, dict[str, float]] = {
    "time": {
        **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1 / 60),
        **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 1.0),
        **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 60.0),
    },
    "age": dict.fromkeys(("y", "yr", "yrs", "year", "years"), 1.0),
}
# The unit a bare number after a term is in: "1h30" is 1 hour 30 minutes.
NEXT_SMALLER = {60.0: 1.0, 1.0: 1 / 60}
# A rate's period, in weeks.
PERIODS = {"night": 1 / 7, "day": 1 / 7, "evening": 1 / 7, "week": 1.0, "fortnight": 2.0,
           "month": 365.25 / 12 / 7, "year": 365.25 / 7}
PERIOD_ADVERBS = {"nightly": "night", "daily": "day", "weekly": "week", "fortnightly": "fortnight",
                  "monthly": "month", "yearly": "year"}
PER_WORDS = frozenset({"a", "an", "per", "each", "every", "/", "in"})
COUNT_WORDS = {"once": 1, "twice": 2, "thrice": 3}

SMALL = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
TENS = {word: 10 * n for n, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
FRACTIONS = {"half": 0.5, "halves": 0.5, "quarter": 0.25, "quarters": 0.25, "½": 0.5, "¼": 0.25, "¾": 0.75}
GLYPHS = frozenset("½¼¾")
NONE_WORDS = frozenset({"none", "no", "never", "nil", "nothing", "zero"})

# Multi-word qualifiers, read before the words are split. "no more than" before "more than".
_QUALIFIERS = [
    ("about", r"give or take|more or less|or so|on average|about|around|roughly|approximately|approx|nearly"
              r"|almost|maybe|perhaps|probably|usually|normally|typically|generally|ish|~"),
    ("most", r"no more than|not more than|no longer than|up to|less than|fewer than|shorter than|under|at most"
             r"|below|within|max(?:imum)?"),
    ("least", r"more than|longer than|greater than|at least|or more|or longer|upwards of|over|above|plus|\+"),
]
_QUALIFIER = re.compile("(?<![a-z])(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _QUALIFIERS)
                        + ")(?![a-z])")
_TOKEN = re.compile(r"\d+:\d\d(?::\d\d)?|\d+(?:\.\d+)?/\d+|\d*\.\d+|\d+|[a-z]+|[½¼¾/,–-]")
# Words that carry no amount: "it lasts for about 2 minutes", "I get 3 cramps a week".
FILLERS = {
    "time": frozenset({"it", "they", "for", "lasts", "last", "lasting", "takes", "take", "just", "only", "each",
                       "cramp", "cramps", "one", "the", "of"}) - SMALL.keys(),
    "age": frozenset({"i", "im", "am", "i'm", "aged", "age", "old", "just", "turned", "nearly"}),
    "rate": frozenset({"i", "get", "have", "times", "time", "x", "cramps", "cramp", "episodes", "just", "only",
                       "the", "of"}),
    "number": frozenset(),
}
VAGUE = frozenset({"few", "several", "some", "many", "lots", "lot", "couple", "loads", "ages", "while", "bit",
                   "most", "often", "sometimes", "occasionally", "rarely"})


class AmountError(ValueError):
    """What could not be read, in words for the person who typed it."""


@dataclass(frozen=True)
class Amount:
    value: float
    remark: str | None = None  # how the value was chosen, when not simply read: "the higher end"


def is_plain(text: str) -> bool:
    """A bare number, read with no interpretation: nothing to echo back."""
    return re.fullmatch(r"\s*\d+(?:\.\d+)?\s*", text) is not None


def read_amount(text: str, dimension: Dimension) -> Amount:
    """The amount in ``text`` in the dimension's base unit (minutes, years, a week for a rate);
    raises ``AmountError`` saying what could not be read."""
    reply = text.lower().replace("’", "").replace("'", "")  # i'm: im
    reply = re.sub(r"(?<=\d),(?=\d)", ".", reply)  # 2,5: a decimal comma
    remarks: list[str] = []
    found = {match.lastgroup for match in _QUALIFIER.finditer(reply)}
    if re.match(r"\s*-\s*\d", reply):
        raise AmountError("it cannot be less than 0")
    if "least" in found:
        raise AmountError("'more than' or 'at least' gives no number to go by: please type one number, "
                          "the most it usually is")
    if "most" in found:
        remarks.append("the most it could be")
    reply = _QUALIFIER.sub(" ", reply)
    reply = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", reply)  # seventy-two
    reply = re.sub(r"(?<=\d)(?=[a-z½¼¾])|(?<=[a-z])(?=\d)", " ", reply)  # 90s, 1h30, 1½
    tokens = [t for t in _TOKEN.findall(reply) if t not in FILLERS[dimension]]
    vague = sorted(set(tokens) & VAGUE)
    if vague:
        raise AmountError(f"'{vague[0]}' is not a number: please type one (for example 3)")
    if not tokens:
        raise AmountError("no number found")
    parser = _Parser(tokens, dimension)
    value, ranged, converted = parser.read()
    if ranged:
        remarks.append("the higher end")
    if converted and not float(value).is_integer():  # twice a month: once a week, not 0.46
        value = float(math.ceil(value - 1e-9))
        remarks.append("rounded up to a whole number")
    return Amount(value, ", ".join(remarks) or None)


class _Parser:
    """Recursive descent over the tokens of one reply."""

    def __init__(self, tokens: list[str], dimension: Dimension) -> None:
        self.tokens = tokens
        self.at = 0
        self.dimension = dimension
        self.units = UNITS.get(dimension, {})

    def peek(self, ahead: int = 0) -> str | None:
        index = self.at + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def fail(self) -> AmountError:
        rest = " ".join(self.tokens[self.at:]) or " ".join(self.tokens)
        return AmountError(f"cannot read '{rest}'")

    # -- the whole reply --

    def read(self) -> tuple[float, bool, bool]:
        """The value, whether it was the higher end of a range, and whether a rate was turned into
        the question's period."""
        if self.dimension == "rate" and len(self.tokens) == 1 and self.tokens[0] in NONE_WORDS:
            self.take()
            return 0.0, False, False
        between = self.peek() == "between"
        if between:
            self.take()
        if self.dimension == "rate" and (self.peek() in PERIOD_ADVERBS or self.peek() in ("every", "each")):
            left: list[tuple[float, float | None]] = [(1.0, None)]  # "every night", "nightly": once
        else:
            left = self.terms(stop_at_and=between)
        ranged = self.peek() in ("-", "–", "to", "or") or (between and self.peek() == "and")
        right: list[tuple[float, float | None]] = []
        if ranged:
            self.take()
            right = self.terms()
        if between and not ranged:
            raise self.fail()
        per_week = self.period() if self.dimension == "rate" else 1.0
        if self.peek() is not None:
            raise self.fail()
        if not left or (ranged and not right):
            raise self.fail()
        unit = next((u for _, u in right if u is not None), None) if ranged else None
        low = self.total(left, fallback=unit)
        value = max(low, self.total(right, fallback=None)) if ranged else low
        return value / per_week, ranged, per_week != 1.0

    def total(self, terms: list[tuple[float, float | None]], fallback: float | None) -> float:
        """Terms added up; a bare number is in the unit before it steps down to, or ``fallback``,
        or the question's own unit."""
        total, previous = 0.0, None  # the unit of the term before, when it was written
        for index, (number, unit) in enumerate(terms):
            if unit is None and index:
                unit = NEXT_SMALLER.get(previous) if previous is not None else None
                if unit is None:
                    raise AmountError("cannot tell what unit a number after another is in")
                previous = None
            elif unit is None:
                unit = fallback or 1.0
            else:
                previous = unit
            total += number * unit
        return total

    def terms(self, stop_at_and: bool = False) -> list[tuple[float, float | None]]:
        found: list[tuple[float, float | None]] = []
        while True:
            term = self.term()
            if term is None:
                return found
            found.extend(term)
            if self.peek() == "," or (self.peek() == "and" and not stop_at_and):
                self.take()

    # -- a term: a number and its unit, or a clock time --

    def term(self) -> list[tuple[float, float | None]] | None:
        token = self.peek()
        if token is not None and ":" in token and self.dimension == "time":
            self.take()
            parts = [int(part) for part in token.split(":")]
            if any(part >= 60 for part in parts[1:]):
                raise AmountError(f"'{token}' is not a time: minutes and seconds go up to 59")
            sizes = (60.0, 1.0, 1 / 60)[-len(parts):]  # m:ss, or h:mm:ss
            return [(float(part), size) for part, size in zip(parts, sizes)]
        number = self.number()
        if number is None:
            return None
        skip = 0
        while self.peek(skip) in ("of", "a", "an"):  # half an hour, a quarter of an hour
            skip += 1
        if skip and self.peek(skip) in self.units:
            self.at += skip
        unit = self.units.get(self.peek() or "")
        if unit is not None:
            self.take()
            number += self.and_a_fraction()
        return [(number, unit)]

    def number(self) -> float | None:
        token = self.peek()
        if token is None:
            return None
        value: float
        if re.fullmatch(r"\d*\.?\d+", token):
            value = float(self.take())
            if re.fullmatch(r"\d+/\d+", self.peek() or ""):
                value += self.fraction(self.take())  # 1 1/2
        elif "/" in token and re.fullmatch(r"\d+(?:\.\d+)?/\d+", token):
            value = self.fraction(self.take())
        elif token in COUNT_WORDS and self.dimension == "rate":
            return float(COUNT_WORDS[self.take()])
        elif token in SMALL or token in TENS or token == "hundred":
            value = self.words()
        elif token in ("a", "an") and (self.peek(1) in self.units or self.peek(1) in FRACTIONS
                                       or self.peek(1) == "hundred"):
            self.take()
            value = 1.0 if self.peek() != "hundred" else self.words()
        elif token in FRACTIONS:
            value = 0.0 if token in GLYPHS else 1.0  # "½": no number before it; "half": one half
        else:
            return None
        if self.peek() in GLYPHS:  # 1½
            value += FRACTIONS[self.take()]
        elif self.peek() in FRACTIONS:  # three quarters, a half
            value *= FRACTIONS[self.take()]
        return value + self.and_a_fraction()

    def and_a_fraction(self) -> float:
        """``and a half``, ``and a quarter`` after a number or a unit."""
        if self.peek() == "and" and self.peek(1) in ("a", "an", "one") and self.peek(2) in FRACTIONS:
            self.take(), self.take()
            return FRACTIONS[self.take()]
        return 0.0

    @staticmethod
    def fraction(token: str) -> float:
        top, bottom = token.split("/")
        if float(bottom) == 0:
            raise AmountError(f"'{token}' divides by zero")
        return float(top) / float(bottom)

    def words(self) -> float:
        """A number in words, up to the hundreds: ``seventy two``, ``a hundred and five``."""
        value = 0
        if self.peek() in TENS:
            value = TENS[self.take()]
            if self.peek() in SMALL and 0 < SMALL[self.peek() or ""] < 10:
                value += SMALL[self.take()]
        elif self.peek() in SMALL:
            value = SMALL[self.take()]
        if self.peek() == "hundred":
            self.take()
            value = (value or 1) * 100
            if self.peek() == "and" and (self.peek(1) in SMALL or self.peek(1) in TENS):
                self.take()
            if self.peek() in SMALL or self.peek() in TENS:
                value += int(self.words())
        return float(value)

    # -- a rate's period --

    def period(self) -> float:
        """The period of a rate in weeks (a week when none is given: the question's own)."""
        token = self.peek()
        if token in PERIOD_ADVERBS:
            self.take()
            return PERIODS[PERIOD_ADVERBS[token or ""]]
        if token in PER_WORDS:
            self.take()
            while self.peek() in ("a", "an", "per", "each", "every"):
                self.take()
            name = _singular(self.peek() or "")
            if name in PERIODS:
                self.take()
                return PERIODS[name]
            raise self.fail()
        return 1.0


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in PERIODS else word
