"""``TriageResult`` and its parts: the stable JSON shape of an answer (``model_dump(mode="json")``)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Level(StrEnum):
    """How urgent, least to most. Levels compare by urgency (``Level.emergency > Level.urgent``,
    ``max``, ``sorted``), also against their names (``level >= "urgent"``); ``str(level)`` and
    JSON give the name."""

    self_care = "self_care"
    see_professional = "see_professional"
    urgent = "urgent"
    emergency = "emergency"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @classmethod
    def highest(cls, levels: Iterable[Level | str]) -> Level | None:
        """The most urgent of ``levels`` (names or members); ``None`` when there are none."""
        return max((cls(level) for level in levels), default=None)

    # str would compare the names as text ("emergency" < "self_care"): compare ranks instead.
    def __lt__(self, other: str) -> bool:
        rank = _rank_of(other)
        return NotImplemented if rank is None else self.rank < rank

    def __le__(self, other: str) -> bool:
        rank = _rank_of(other)
        return NotImplemented if rank is None else self.rank <= rank

    def __gt__(self, other: str) -> bool:
        rank = _rank_of(other)
        return NotImplemented if rank is None else self.rank > rank

    def __ge__(self, other: str) -> bool:
        rank = _rank_of(other)
        return NotImplemented if rank is None else self.rank >= rank


_RANKS = {level: rank for rank, level in enumerate(Level)}


def _rank_of(other: object) -> int | None:
    """The rank of a level or a level's name. Any other text is an error, never a comparison as
    text: an app's ``level >= "urgnet"`` must fail, not quietly compare letters."""
    if not isinstance(other, str):
        return None
    try:
        return _RANKS[Level(other)]
    except ValueError:
        raise ValueError(f"{other!r} is not a level; levels are {', '.join(Level)}") from None


class When(StrEnum):
    """How soon to see someone, least to most pressing: at the next routine contact (or a
    pharmacist), within a few days, today, now (emergency services)."""

    routine = "routine"
    within_days = "within_days"
    today = "today"
    now = "now"

    @property
    def rank(self) -> int:
        return _WHEN_RANKS[self]


_WHEN_RANKS = {when: rank for rank, when in enumerate(When)}

# The level and the most pressing referral say the same thing: emergency <-> now, urgent <-> today,
# see_professional <-> within_days or routine, self_care <-> routine or nobody at all. The pack
# loader holds red flags to it, and the invariants hold every result to it.
LEVEL_WHEN: dict[Level, frozenset[When | None]] = {
    Level.self_care: frozenset({None, When.routine}),
    Level.see_professional: frozenset({When.routine, When.within_days}),
    Level.urgent: frozenset({When.today}),
    Level.emergency: frozenset({When.now}),
}


def most_pressing(whens: Iterable[When | str]) -> When | None:
    """The most pressing of ``whens`` (names or members); ``None`` when there are none."""
    return max((When(when) for when in whens), key=lambda when: when.rank, default=None)


def _no_items() -> list[Any]:
    # A default factory in Python, not ``list``: pydantic reads the factory's signature, and a
    # builtin's is parsed from text (the first parse compiles the tokenizer, 2 ms of a start).
    return []


class _Frozen(BaseModel):
    # defer_build: the parts are built with TriageResult, inside it, rather than each on its own
    # as well (fewer validators built per start); a triage never builds a part alone.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Citation(_Frozen):
    """A source a rule rests on, with its address from the rule pack's manifest. (Titles stay in
    the manifest and ``explain``: one names quinine, which no result ever does.)"""

    source: str = Field(description="Short source name from the pack manifest, e.g. 'NHS-DVT' or 'article'.")
    section: str | None = Field(default=None, description="Article section heading, where the source is the article.")
    url: str | None = Field(default=None, description="Where to read the source, when it is on the web.")


MatchKind = Literal["exact", "brand", "spelling", "combination", "fuzzy", "class_word"]


class MedicationMatch(BaseModel):
    """A medicine recognised in the intake: a product (generic or combination), or a class
    named without a medicine ("water tablet": ``name`` is then ``None``)."""

    # Built at import, like TriageResult: a validator built on first use is built under
    # pydantic's one global lock, and a process forked while another thread held it gave its
    # child that lock held for ever (the child hung on its first result).
    model_config = ConfigDict(frozen=True)

    given: str = Field(description="The text as given.")
    name: str | None = Field(description="Generic name of the product; null for a class word (generic unknown).")
    drug_class: str | None = Field(description="The first cramp-linked class id, e.g. 'statin'; null for a medicine with no link.")
    group: str | None = Field(description="Group of drug_class the rules match on, e.g. 'diuretic'.")
    label: str | None = Field(description="drug_class in plain words.")
    atc: str | None = Field(description="WHO ATC code of the product (of the class, for a class word).")
    classes: list[str] = Field(default_factory=_no_items, description="Every cramp-linked class of the product (a combination can have two).")
    match: MatchKind = Field(default="exact", description="How it was read: its generic name, a brand, a spelling, "
                             "separate names of one combination, a typo (fuzzy), or a class word.")
    typed: str = Field(default="", description="The part of `given` that was read.")
    read_as: str = Field(default="", description="The vocabulary name(s) it was read as, e.g. 'atorvastatin' for 'atorvastatn'.")
    current: bool = Field(default=True, description="False when the text says it is not taken now (stopped, allergic...): never a cause.")
    suggests: list[str] = Field(default_factory=_no_items, description="Condition questions (intake fields) taking it suggests.")


class MedicineHint(_Frozen):
    """A medicine name too vague to check ("inhaler"), with what to look for."""

    given: str = Field(description="The text as given.")
    hint: str


class ConditionSuggestion(_Frozen):
    """A condition question a medicine taken suggests (metformin: diabetes). It never answers it."""

    field: str = Field(description="The intake field of the condition, e.g. 'diabetes'.")
    text: str = Field(description="In plain words, what to check.")
    medicines: list[str] = Field(description="Names of the medicines that suggest it.")


class SeriousFinding(_Frozen):
    id: str
    label: str
    level: Level
    emergency: bool
    rule: str = Field(description="The rule that found it.")


class Cause(_Frozen):
    category: str = Field(description="e.g. idiopathic, dehydration_electrolytes, medication, pregnancy.")
    type: str = Field(description="idiopathic or secondary.")
    label: str
    explanation: str
    evidence: list[str] = Field(description="Labels of the answers and findings behind it.")
    rule: str


class Referral(_Frozen):
    id: str
    who: str
    why: str
    when: When = Field(description="How soon: now (emergency services), today, within_days, or routine "
                                   "(at the next routine contact, or a pharmacist).")
    rule: str


class SelfCareStep(_Frozen):
    id: str
    text: str
    rule: str


class TraceStep(_Frozen):
    """One rule firing, in firing order."""

    rule: str
    title: str
    layer: str
    matched: list[dict[str, Any]] = Field(description="The facts the rule matched.")
    concluded: list[dict[str, Any]] = Field(description="New facts the rule asserted.")
    citations: list[Citation]


class RulePackInfo(_Frozen):
    name: str
    version: str


class LibraryInfo(_Frozen):
    name: str = Field(description="Always 'cramp-triage'.")
    version: str = Field(description="The cramp-triage release that gave the result.")


class TriageResult(_Frozen):
    """The answer: level first, then why, causes, whom to see, self-care, and the trace."""

    model_config = ConfigDict(defer_build=False)  # built at import (with its parts): see MedicationMatch

    level: Level
    level_label: str
    do_now: str = Field(description="What to do now, in plain words.")
    if_worse: str = Field(description="Safety-netting: what to do if things get worse.")
    serious: list[SeriousFinding] = Field(description="The findings that drove the level, most urgent first.")
    unanswered_red_flags: list[str] = Field(
        description="Intake fields that warning-sign rules read, left unanswered, whose answer could still "
                    "raise a warning sign, in question order (empty when none). Not empty: no reassurance, "
                    "and do_now names each sign that could not be checked.")
    causes: list[Cause]
    see: list[Referral]
    self_care: list[SelfCareStep]
    medications: list[MedicationMatch] = Field(description="Medicines recognised in the intake.")
    unrecognised_medications: list[str] = Field(description="Medicine names not in the vocabulary, kept as given.")
    medicine_hints: list[MedicineHint] = Field(default_factory=_no_items, description="For vague names: what to look for.")
    suggestions: list[ConditionSuggestion] = Field(default_factory=_no_items, description="Condition questions a medicine suggests.")
    trace: list[TraceStep]
    disclaimer: str
    region: str = Field(description="The region whose emergency number and same-day services the words name "
                                    "(a code of the rule pack's regions, e.g. 'UK'): the one asked for, or the "
                                    "pack's default.")
    rule_pack: RulePackInfo
    library: LibraryInfo

