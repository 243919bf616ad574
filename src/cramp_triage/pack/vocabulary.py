"""The medicine vocabulary: free-text names and brands -> drug class with its ATC code.

The vocabulary is data (``rules/vocabulary/medications.yaml``); this module only loads it and
matches text against it. Matching is case-insensitive and ignores doses, units and forms:
only words made of letters are compared, and the longest known name wins. A combination is
found however it is written ("ezetimibe/simvastatin", "simvastatin and ezetimibe"): joining
words are ignored and the words of a multi-word name may come in any order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from ..result import MedicationMatch

_WORD = re.compile(r"[a-z]+")
_JOINING_WORDS = frozenset({"and", "with", "plus"})
_MAX_NAME_WORDS = 4


class DrugClass(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    group: str = Field(description="Broad group the rules match on, e.g. 'diuretic'.")
    label: str
    atc: str | None
    link: str = Field(description="How strongly the sources link the class to cramps.")
    sources: list[str] = Field(min_length=1)


class Medicine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str
    drug_class: str = Field(alias="class")
    atc: str | None = None
    brands: list[str] = Field(default_factory=list)


class Vocabulary(BaseModel):
    """The medicine vocabulary, validated on load."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    classes: dict[str, DrugClass]
    medicines: list[Medicine]
    _index: dict[tuple[str, ...], Medicine] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _build_index(self) -> Vocabulary:
        for medicine in self.medicines:
            if medicine.drug_class not in self.classes:
                raise ValueError(f"medicine {medicine.name!r} names unknown class {medicine.drug_class!r}")
            for text in (medicine.name, *medicine.brands):
                key = _key(_words(text))
                if not key:
                    raise ValueError(f"name {text!r} has no letters to match on")
                if key in self._index and self._index[key] != medicine:
                    raise ValueError(f"name {text!r} is given to both {self._index[key].name!r} and {medicine.name!r}")
                self._index[key] = medicine
        return self

    def match(self, text: str) -> list[MedicationMatch]:
        """Every known medicine named in ``text`` (a combination can name two); empty if none."""
        index = self._index
        words = _words(text)
        found: list[MedicationMatch] = []
        start = 0
        while start < len(words):
            for size in range(min(_MAX_NAME_WORDS, len(words) - start), 0, -1):
                medicine = index.get(_key(words[start : start + size]))
                if medicine is not None:
                    found.append(self._as_match(text, medicine))
                    start += size
                    break
            else:
                start += 1
        return found

    def _as_match(self, text: str, medicine: Medicine) -> MedicationMatch:
        drug_class = self.classes[medicine.drug_class]
        return MedicationMatch(
            given=text,
            name=medicine.name,
            drug_class=medicine.drug_class,
            group=drug_class.group,
            label=drug_class.label,
            atc=medicine.atc or drug_class.atc,
        )

    def classify(self, texts: Iterable[str]) -> tuple[list[MedicationMatch], list[str]]:
        """Split medicine texts into recognised matches and the texts nothing matched (kept as given)."""
        matches: list[MedicationMatch] = []
        unrecognised: list[str] = []
        for text in texts:
            found = self.match(text)
            if found:
                matches.extend(found)
            else:
                unrecognised.append(text)
        return matches, unrecognised


def _words(text: str) -> tuple[str, ...]:
    return tuple(word for word in _WORD.findall(text.lower()) if word not in _JOINING_WORDS)


def _key(words: tuple[str, ...]) -> tuple[str, ...]:
    # Order-free, so "simvastatin + ezetimibe" finds "ezetimibe and simvastatin".
    return tuple(sorted(words))
