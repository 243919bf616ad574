"""Reading what people type as a medicine against the vocabulary.

One entry ("Lipitor 20 mg", "stopped the amlodipine/atorvastatin", "water tablet") is read so:

1. Words are its runs of letters, lowercased with accents dropped ("Furosémide" reads as
   furosemide), so doses, units and punctuation do not count.
2. A word the vocabulary does not know is read as the vocabulary word one typo away, when
   there is one (``fuzzy.py``); when two or more are that near and read differently, none is.
3. An entry that is only "none" (or the like) names no medicine.
4. A negation or past-use phrase anywhere ("stopped", "no longer", "allergic") makes every
   medicine of the entry not current.
5. From the left, the longest known phrase wins (up to the longest name in the vocabulary), in
   any word order and without joining words: "Diovan HCT" is one brand, not Diovan and HCT.
   Phrases include class words and vague words, so "water tablet" is a phrase before "tablet"
   is dropped as an unknown word.
6. Generic names typed separately are one combination product when the vocabulary has one with
   exactly those ingredients ("losartan/HCTZ" is losartan with hydrochlorothiazide, C09DA01);
   brands are taken as typed.
7. A class word names the class with the generic unknown, unless a product of that class was
   found too; a vague word ("inhaler") only gives its hint, when nothing else was found.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, cast

from ..result import MatchKind, MedicationMatch
from .fuzzy import THRESHOLD, Corrector, Threshold, close_pairs
from .vocabulary import JOINING_WORDS, NameKind, Product, Vocabulary, phrase_key, words_of

_LETTERS = re.compile(r"[a-z]+")
_MERGEABLE = frozenset({"exact", "spelling", "ingredient"})  # a brand is taken as typed


class Phrase(NamedTuple):
    """One phrase of the reader's index. A tuple: a pack kept between processes
    (``snapshot.py``) holds one per name in the vocabulary, and tuples unpickle fast."""

    text: str  # as written in the vocabulary
    meaning: str  # product:NAME, class:ID, ingredient:NAME or vague:N
    how: Literal["exact", "brand", "spelling", "ingredient", "class_word", "vague"]
    product: Product | None = None
    ingredients: frozenset[str] = frozenset()  # of a product, or the one an ingredient names
    class_id: str | None = None
    hint: str | None = None


class Token(NamedTuple):
    word: str  # lowercased, accents dropped; the vocabulary word when a typo was read
    start: int  # position in the text as given
    end: int
    typed: str | None = None  # the word as typed, when it was read as another


@dataclass(frozen=True)
class Reading:
    """How one entry was read: the medicines in it, whether they are taken now, and for a name
    too vague to check, the hint."""

    given: str
    matches: tuple[MedicationMatch, ...] = ()
    current: bool = True
    hint: str | None = None
    no_medicine: bool = False

    @property
    def unrecognised(self) -> bool:
        return not self.matches and not self.no_medicine


@dataclass
class _Part:
    """A product found in an entry, with the phrases and words it was read from."""

    ingredients: frozenset[str]
    product: Product | None  # None for an ingredient that is no product of its own
    phrases: list[Phrase]
    tokens: list[Token]
    combined: bool = False
    order: int = 0


class Reader:
    """Reads free text against one vocabulary; ``RulePack.reader`` builds one per pack, on first use."""

    def __init__(self, vocabulary: Vocabulary, threshold: Threshold = THRESHOLD) -> None:
        self.vocabulary = vocabulary
        self.threshold = threshold
        self._index: dict[tuple[str, ...], Phrase] = {}
        self._no_medicine: set[tuple[str, ...]] = set()
        self._no_medicine_words: set[str] = set()
        self._cues: dict[str, list[tuple[str, ...]]] = {}  # by first word
        lexicon: set[str] = set()
        hows = {text: how for product in vocabulary.products for text, how in product.names()}
        for text, meaning, _ in vocabulary.phrases():
            words = words_of(text)
            lexicon.update(words)
            kind = meaning.split(":", 1)[0]
            if kind == "no_medicine":
                self._no_medicine.add(phrase_key(words))
                self._no_medicine_words.update(words)
            elif kind == "not_current":
                self._cues.setdefault(words[0], []).append(tuple(words))
            else:
                self._index.setdefault(phrase_key(words), self._phrase(text, meaning, hows.get(text)))
        self.lexicon = frozenset(lexicon)
        self.phrases = {key: phrase.meaning for key, phrase in self._index.items()}
        self._longest = max(map(len, self._index), default=1)
        self._combinations = {frozenset(p.ingredients): p for p in vocabulary.products if len(p.ingredients) > 1}
        self._corrector: Corrector | None = None
        self._about = {p.name: self._describe(p, None) for p in vocabulary.products}
        self._about.update({c: self._describe(None, c) for c in vocabulary.class_words})

    def _phrase(self, text: str, meaning: str, how: NameKind | None) -> Phrase:
        kind, _, name = meaning.partition(":")
        if kind == "product":
            product = self.vocabulary.product_by_name[name]
            return Phrase(text, meaning, how or "exact", product, frozenset(product.ingredients or [name]))
        if kind == "ingredient":
            return Phrase(text, meaning, "ingredient", ingredients=frozenset([name]))
        if kind == "class":
            return Phrase(text, meaning, "class_word", class_id=name)
        return Phrase(text, meaning, "vague", hint=self.vocabulary.vague_words[int(name)].hint)

    # -- reading --

    def read_all(self, texts: Iterable[str]) -> list[Reading]:
        return [self.read(text) for text in texts]

    def read(self, text: str) -> Reading:
        tokens = self._correct(_tokens(text))
        words = [token.word for token in tokens]
        if self._no_medicine_words.issuperset(words) and phrase_key(words) in self._no_medicine:
            return Reading(text, no_medicine=True)
        current = not self._says_not_current(words)
        matches, hint = self._matches(text, self._scan(tokens), current)
        return Reading(text, tuple(matches), current, None if matches else hint)

    def _says_not_current(self, words: list[str]) -> bool:
        cues = self._cues
        for i, word in enumerate(words):
            for cue in cues.get(word, ()):
                if tuple(words[i:i + len(cue)]) == cue:
                    return True
        return False

    def _scan(self, tokens: list[Token]) -> list[tuple[Phrase, list[Token]]]:
        """Known phrases from the left, the longest first at each place."""
        words = [token for token in tokens if token.word not in JOINING_WORDS]
        lexicon = self.lexicon
        found: list[tuple[Phrase, list[Token]]] = []
        start = 0
        while start < len(words):
            # A phrase holds vocabulary words only: "Lipitor 20 mg tablets" tries "lipitor" alone.
            reach = 0
            while reach < self._longest and start + reach < len(words) and words[start + reach].word in lexicon:
                reach += 1
            for size in range(reach, 0, -1):
                window = words[start:start + size]
                key = (window[0].word,) if size == 1 else tuple(sorted(token.word for token in window))
                phrase = self._index.get(key)
                if phrase is not None:
                    found.append((phrase, window))
                    start += size
                    break
            else:
                start += 1
        return found

    def _matches(self, text: str, found: list[tuple[Phrase, list[Token]]],
                 current: bool) -> tuple[list[MedicationMatch], str | None]:
        products = self._parts([(p, t) for p, t in found if p.ingredients])
        matches = [self._product_match(text, part, current) for part in products]
        covered = {class_id for match in matches for class_id in match.classes}
        for phrase, tokens in found:
            if phrase.class_id is not None and phrase.class_id not in covered:
                covered.add(phrase.class_id)
                matches.append(self._class_match(text, phrase.class_id, phrase, tokens, current))
        return matches, next((p.hint for p, _ in found if p.hint is not None), None)

    def _parts(self, found: list[tuple[Phrase, list[Token]]]) -> list[_Part]:
        """Products found, separate generic names of one combination product made one."""
        parts: list[_Part] = []
        for order, (phrase, tokens) in enumerate(found):
            product = phrase.product
            same = next((p for p in parts if product is not None and p.product is product), None)
            if same is not None:  # "Lipitor (atorvastatin)" is one medicine
                same.tokens += tokens
                continue
            parts.append(_Part(phrase.ingredients, product, [phrase], list(tokens), order=order))
        merged = len(parts) > 1
        while merged:
            merged = False
            mergeable = [p for p in parts if all(ph.how in _MERGEABLE for ph in p.phrases) and not p.combined]
            for size in range(len(mergeable), 1, -1):
                for group in itertools.combinations(mergeable, size):
                    product = self._combinations.get(frozenset().union(*(p.ingredients for p in group)))
                    if product is None:
                        continue
                    combined = _Part(frozenset(product.ingredients), product,
                                     [ph for p in group for ph in p.phrases],
                                     [t for p in group for t in p.tokens], combined=True, order=group[0].order)
                    parts = [p for p in parts if p not in group] + [combined]
                    merged = True
                    break
                if merged:
                    break
        found_products = [p for p in parts if p.product is not None]  # a lone ingredient is no product
        if len(found_products) > 1:
            found_products.sort(key=lambda p: p.order)
        return found_products

    def _product_match(self, text: str, part: _Part, current: bool) -> MedicationMatch:
        assert part.product is not None
        kind = "combination" if part.combined else part.phrases[0].how
        return MedicationMatch(
            given=text, match=cast(MatchKind, "fuzzy" if any(t.typed for t in part.tokens) else kind),
            typed=_span(text, part.tokens), read_as=" + ".join(p.text for p in part.phrases), current=current,
            **self._about[part.product.name])

    def _class_match(self, text: str, class_id: str, phrase: Phrase, tokens: list[Token],
                     current: bool) -> MedicationMatch:
        return MedicationMatch(
            given=text, match="fuzzy" if any(t.typed for t in tokens) else "class_word",
            typed=_span(text, tokens), read_as=phrase.text, current=current, **self._about[class_id])

    def _describe(self, product: Product | None, class_id: str | None) -> dict[str, Any]:
        """What a match of this product (or class word) says whatever was typed, made once."""
        first = product.classes[0] if product is not None and product.classes else class_id
        drug_class = self.vocabulary.classes[first] if first is not None else None
        return {"name": product.name if product is not None else None, "drug_class": first,
                "group": drug_class.group if drug_class else None, "label": drug_class.label if drug_class else None,
                "atc": product.atc if product is not None else drug_class.atc if drug_class else None,
                "classes": list(product.classes) if product is not None else [class_id],
                "suggests": list(product.suggests) if product is not None else []}

    # -- typos --

    def close_pairs(self) -> list[tuple[str, str]]:
        """Names of different medicines or classes within one typo of each other (must be none:
        a typo of one would read as the other)."""
        return close_pairs(self.phrases, lambda meaning: meaning.split(":")[0] in ("product", "class", "ingredient"),
                           self.threshold)

    def _correct(self, tokens: list[Token]) -> list[Token]:
        """Unknown words read as the vocabulary word one typo away, where that is unambiguous."""
        shortest = self.threshold.min_typed
        unknown = [i for i, t in enumerate(tokens) if len(t.word) >= shortest and t.word not in self.lexicon]
        if not unknown:
            return tokens
        if self._corrector is None:
            self._corrector = Corrector(self.lexicon, self.threshold)
        near = {i: self._corrector.nearest(tokens[i].word) for i in unknown}
        chosen = {i: words[0] for i, words in near.items() if len(words) == 1}
        for i, words in near.items():
            if len(words) > 1:
                readings = {tuple(p.meaning for p, _ in self._scan(_replace(tokens, {**chosen, i: w}))) for w in words}
                if len(readings) == 1:  # every candidate reads the same: take one
                    chosen[i] = words[0]
        return _replace(tokens, chosen)


def _tokens(text: str) -> list[Token]:
    folded, where = _fold(text)
    if where is None:
        return [Token(m.group(), m.start(), m.end()) for m in _LETTERS.finditer(folded)]
    return [Token(m.group(), where[m.start()], where[m.end() - 1] + 1) for m in _LETTERS.finditer(folded)]


def _fold(text: str) -> tuple[str, list[int] | None]:
    """Lowercase without accents, and where each character came from (None: the same place)."""
    if text.isascii():
        return text.lower(), None
    chars: list[str] = []
    where: list[int] = []
    for position, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char.casefold()):
            if not unicodedata.combining(part):
                chars.append(part)
                where.append(position)
    return "".join(chars), where


def _replace(tokens: list[Token], chosen: dict[int, str]) -> list[Token]:
    return [Token(chosen[i], t.start, t.end, t.word) if i in chosen else t for i, t in enumerate(tokens)]


def _span(text: str, tokens: list[Token]) -> str:
    return text[min(t.start for t in tokens):max(t.end for t in tokens)]
