"""Typo tolerance: a word the vocabulary does not know is read as the vocabulary word one typo
away (rapidfuzz; imported only when such a word is met, so a list of known names never loads it).

``THRESHOLD``, chosen on ``tests/data/medicines.tsv`` (docs/medicines.md shows the figures):
one edit in the optimal-string-alignment sense (a letter deleted, added or changed, or two
neighbours swapped), into a vocabulary word of at least 7 letters. It reads every typo of the
list; words of 8 letters or more only would miss some, and two edits or words of 6 letters would
bring names of different medicines within one typo of each other (``close_pairs``, checked by
``cramp-triage rules lint`` and the tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

_CACHE_LIMIT = 4096  # distinct unknown words remembered; each costs one rapidfuzz scan


@dataclass(frozen=True)
class Threshold:
    max_edits: int = 1
    min_letters: int = 7  # of the vocabulary word: a typo is read into words this long or longer

    @property
    def min_typed(self) -> int:
        """The shortest typed word that can be within reach."""
        return self.min_letters - self.max_edits


THRESHOLD = Threshold()


class Corrector:
    """Finds, for an unknown word, the nearest vocabulary words within the threshold."""

    def __init__(self, words: Iterable[str], threshold: Threshold = THRESHOLD) -> None:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        self.threshold = threshold
        self._extract = process.extract
        self._scorer = OSA.distance
        by_length: dict[int, list[str]] = {}
        for word in sorted(set(words)):
            if len(word) >= threshold.min_letters:
                by_length.setdefault(len(word), []).append(word)
        # Only words whose length is within reach are compared.
        edits = threshold.max_edits
        self._choices = {length: [w for near in range(length - edits, length + edits + 1)
                                  for w in by_length.get(near, [])]
                         for length in range(threshold.min_typed, max(by_length, default=0) + edits + 1)}
        self._cache: dict[str, tuple[str, ...]] = {}

    # rapidfuzz's functions do not pickle: a compiled pack goes to a fresh interpreter for its
    # trial when this process has threads (a Dask worker), after a typo may have been read.
    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_extract", "_scorer")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        self.__dict__.update(state, _extract=process.extract, _scorer=OSA.distance)

    def _scored(self, word: str) -> list[tuple[str, int]]:
        found = self._extract(word, self._choices.get(len(word), []), scorer=self._scorer,
                              score_cutoff=self.threshold.max_edits, limit=None)
        return [(choice, int(score)) for choice, score, _ in found if choice != word]

    def within(self, word: str) -> list[str]:
        """Every other vocabulary word within the threshold of ``word``."""
        return [choice for choice, _ in self._scored(word)]

    def nearest(self, word: str) -> tuple[str, ...]:
        """The vocabulary words nearest to ``word`` within the threshold (empty: none)."""
        found = self._cache.get(word)
        if found is None:
            scored = self._scored(word)
            best = min((score for _, score in scored), default=None)
            found = tuple(choice for choice, score in scored if score == best)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[word] = found
        return found


def close_pairs(phrases: dict[tuple[str, ...], str], is_drug: Callable[[str], bool],
                threshold: Threshold = THRESHOLD) -> list[tuple[str, str]]:
    """Phrases of different medicines (or classes) that one typo could turn into each other:
    changing one word of one into a word within the threshold gives the other. ``phrases`` maps
    each phrase key (sorted words) to its meaning; ``is_drug`` says which meanings count (a
    vague word read instead of a medicine is not a different medicine)."""
    words = sorted({w for key in phrases for w in key})
    corrector = Corrector(words, threshold)
    keys_with: dict[str, list[tuple[str, ...]]] = {}
    for key in phrases:
        for word in set(key):
            keys_with.setdefault(word, []).append(key)
    found: set[tuple[str, str]] = set()
    for a in words:
        if len(a) < threshold.min_typed:
            continue
        for b in corrector.within(a):
            for key in keys_with.get(a, []):
                other = tuple(sorted(b if w == a else w for w in key))
                meaning, other_meaning = phrases[key], phrases.get(other)
                if (other_meaning is not None and other_meaning != meaning
                        and is_drug(meaning) and is_drug(other_meaning)):
                    found.add((" ".join(min(key, other)), " ".join(max(key, other))))
    return sorted(found)
