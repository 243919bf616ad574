"""What goes into the engine and what comes out, as plain data.

In: ``intake_facts`` turns an ``Intake`` into one ``intake`` fact of the known answers and one
fact per recognised medicine. Out: an ``Evaluation``, the ``Firing`` of each rule in order.
A fact is a dict whose ``fact`` key names its kind (``intake``, ``medication``, ``finding``...);
the engine and the trace use the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .intake import Intake
from .pack.vocabulary import Vocabulary
from .result import MedicationMatch


@dataclass(frozen=True)
class Facts:
    """What the engine is given, and what the intake said that the engine cannot use."""

    base: list[dict[str, Any]]
    medications: list[MedicationMatch]
    unrecognised_medications: list[str]


def intake_facts(intake: Intake, vocabulary: Vocabulary) -> Facts:
    answers = intake.answered()
    medicine_texts = answers.pop("medications", [])
    matches, unrecognised = vocabulary.classify(medicine_texts)
    base: list[dict[str, Any]] = [{"fact": "intake", **answers}]
    seen: set[str] = set()
    for match in matches:
        # The same medicine named twice ("Lipitor", "atorvastatin 20 mg") is one fact: the engine
        # refuses an equal fact twice.
        if match.name not in seen:
            seen.add(match.name)
            base.append({"fact": "medication", "name": match.name, "class": match.drug_class, "group": match.group})
    return Facts(base=base, medications=matches, unrecognised_medications=unrecognised)


@dataclass(frozen=True)
class Firing:
    """One rule firing: the facts it matched (intake narrowed to the fields it tests) and the new
    facts it concluded."""

    rule: str
    matched: list[dict[str, Any]]
    concluded: list[dict[str, Any]]


@dataclass
class Evaluation:
    """Everything one run of the engine produced, before it is shaped into a ``TriageResult``."""

    intake: Intake
    facts: Facts
    firings: list[Firing] = field(default_factory=list)

    def concluded(self, kind: str) -> list[tuple[dict[str, Any], Firing]]:
        """Facts of one kind in the order they were concluded, each with the firing behind it."""
        return [(fact, firing) for firing in self.firings for fact in firing.concluded if fact["fact"] == kind]
