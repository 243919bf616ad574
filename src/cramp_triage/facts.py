"""Intake -> engine facts: one ``intake`` fact of the known answers, one fact per recognised medicine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .intake import Intake
from .medications import MedicationMatch, Vocabulary


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
    base: list[dict[str, Any]] = [{"t": "intake", **answers}]
    seen: set[str] = set()
    for match in matches:
        # The same medicine named twice ("Lipitor", "atorvastatin 20 mg") is one fact: the engine
        # refuses an equal fact twice.
        if match.name not in seen:
            seen.add(match.name)
            base.append({"t": "medication", "name": match.name, "class": match.drug_class, "group": match.group})
    return Facts(base=base, medications=matches, unrecognised_medications=unrecognised)
