"""Typo tolerance: a word the vocabulary does not know, read as the vocabulary word one letter
away (rapidfuzz, imported only when such a word is met).

The threshold was chosen on ``tests/data/medicines.tsv`` (see docs/medicines.md): one edit in
the optimal-string-alignment sense (a letter deleted, added or changed, or two letters swapped),
into a vocabulary word of at least 7 letters. It reads every typo in the list and no plain word
in it; two edits, or shorter words, read English words as medicines and bring names of
different medicines within reach of one another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

MAX_EDITS = 1
MIN_NAME_LETTERS = 7
MIN_TYPED_LETTERS = MIN_NAME_LETTERS - MAX_EDITS
_CACHE_LIMIT = 4096  # distinct unknown words remembered; each costs one rapidfuzz scan


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance (a swap of two neighbours is one edit)."""
    from rapidfuzz.distance import OSA

    return int(OSA.distance(a, b))


class Corrector:
    """Finds, for an unknown word, the nearest vocabulary words within the threshold."""

    def __init__(self, words: Iterable[str]) -> None:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        self._extract = process.extract
        self._scorer = OSA.distance
        by_length: dict[int, list[str]] = {}
        for word in sorted(set(words)):
            if len(word) >= MIN_NAME_LETTERS:
                by_length.setdefault(len(word), []).append(word)
        # Only words whose length is within reach are compared.
        self._choices = {length: [w for near in range(length - MAX_EDITS, length + MAX_EDITS + 1)
                                  for w in by_length.get(near, [])]
                         for length in range(MIN_TYPED_LETTERS, max(by_length, default=0) + MAX_EDITS + 1)}
        self._cache: dict[str, tuple[str, ...]] = {}

    def within(self, word: str) -> list[str]:
        """Every other vocabulary word within the threshold of ``word``."""
        scored = self._extract(word, self._choices.get(len(word), []), scorer=self._scorer,
                               score_cutoff=MAX_EDITS, limit=None)
        return [choice for choice, _, _ in scored if choice != word]

    def nearest(self, word: str) -> tuple[str, ...]:
        """The vocabulary words nearest to ``word`` within the threshold (empty: none)."""
        found = self._cache.get(word)
        if found is None:
            choices = self._choices.get(len(word), [])
            scored = self._extract(word, choices, scorer=self._scorer, score_cutoff=MAX_EDITS, limit=None)
            best = min((score for _, score, _ in scored), default=None)
            found = tuple(choice for choice, score, _ in scored if score == best)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[word] = found
        return found


def close_pairs(phrases: dict[tuple[str, ...], str], is_drug: Callable[[str], bool]) -> list[tuple[str, str]]:
    """Phrases of different medicines (or classes) that one typo could turn into each other:
    changing one word of one into a word within the threshold gives the other. ``phrases`` maps
    each phrase key (sorted words) to its meaning; ``is_drug`` says which meanings count (a
    vague word read instead of a medicine is not a different medicine)."""
    words = sorted({w for key in phrases for w in key})
    corrector = Corrector(words)
    keys_with: dict[str, list[tuple[str, ...]]] = {}
    for key in phrases:
        for word in set(key):
            keys_with.setdefault(word, []).append(key)
    found: set[tuple[str, str]] = set()
    for a in words:
        if len(a) < MIN_NAME_LETTERS:
            continue
        for b in corrector.within(a):
            for key in keys_with.get(a, []):
                other = tuple(sorted(b if w == a else w for w in key))
                meaning, other_meaning = phrases[key], phrases.get(other)
                if (other_meaning is not None and other_meaning != meaning
                        and is_drug(meaning) and is_drug(other_meaning)):
                    found.add((" ".join(min(key, other)), " ".join(max(key, other))))
    return sorted(found)
