"""What goes into the engine and what comes out, as plain data.

In: ``intake_facts`` turns an ``Intake`` into one ``intake`` fact of the known answers, one
``medication`` fact per class of each medicine taken now (a combination of two classes makes
two), and one ``medication`` fact of group ``unchecked`` when a name taken now could not be
read. A medicine that is not current ("stopped simvastatin") makes no fact: it is never a
cause. Out: an ``Evaluation``, the ``Firing`` of each rule in order. A fact is a dict whose
``fact`` key names its kind (``intake``, ``medication``, ``finding``...); the engine and the
trace use the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .intake import Intake
from .pack.reading import Reader, Reading
from .pack.vocabulary import UNCHECKED, medication_fact
from .result import MedicationMatch


@dataclass(frozen=True)
class Facts:
    """What the engine is given, and how each medicine entry was read."""

    base: list[dict[str, Any]]
    readings: list[Reading] = field(default_factory=list)

    @property
    def medications(self) -> list[MedicationMatch]:
        return [match for reading in self.readings for match in reading.matches]

    @property
    def unrecognised_medications(self) -> list[str]:
        return [reading.given for reading in self.readings if reading.unrecognised]

    @property
    def unchecked(self) -> list[str]:
        """Names taken now that could not be read, so not checked for a link with cramps."""
        return [reading.given for reading in self.readings if reading.unrecognised and reading.current]


def intake_facts(intake: Intake, reader: Reader) -> Facts:
    """The engine facts of an intake; ``reader`` (``RulePack.reader``) reads the medicines."""
    answers = intake.answered()
    readings = reader.read_all(answers.pop("medications", []))
    classes = reader.vocabulary.classes
    base: list[dict[str, Any]] = [{"fact": "intake", **answers}]
    seen: set[tuple[str, str]] = set()
    for reading in readings:
        for match in reading.matches:
            if not match.current:
                continue
            for class_id in match.classes:
                # The same medicine named twice ("Lipitor", "atorvastatin 20 mg") is one fact: the
                # engine refuses an equal fact twice. A class word's fact is named by its class.
                name = match.name or class_id
                if (name, class_id) not in seen:
                    seen.add((name, class_id))
                    base.append(medication_fact(name, class_id, classes[class_id].group))
    if any(reading.unrecognised and reading.current for reading in readings):
        base.append(medication_fact(UNCHECKED, UNCHECKED, UNCHECKED))
    return Facts(base=base, readings=readings)


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
