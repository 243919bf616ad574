"""``TriageResult`` and its parts: the stable JSON shape of an answer (``model_dump(mode="json")``)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Level(str, Enum):
    """How urgent, least to most. Compare with ``Level.rank``."""

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
        return max((cls(level) for level in levels), key=lambda level: level.rank, default=None)


_RANKS = {level: rank for rank, level in enumerate(Level)}


class When(str, Enum):
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


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Citation(_Frozen):
    source: str = Field(description="Short source name from the pack manifest, e.g. 'NHS-DVT' or 'article'.")
    section: str | None = Field(default=None, description="Article section heading, where the source is the article.")


class MedicationMatch(BaseModel):
    """A medicine recognised in the intake."""

    model_config = ConfigDict(frozen=True)

    given: str = Field(description="The text as given.")
    name: str = Field(description="Generic name.")
    drug_class: str = Field(description="Class id in the vocabulary, e.g. 'statin'.")
    group: str
    label: str
    atc: str | None


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


class TriageResult(_Frozen):
    """The answer: level first, then why, causes, whom to see, self-care, and the trace."""

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
    trace: list[TraceStep]
    disclaimer: str
    rule_pack: RulePackInfo
