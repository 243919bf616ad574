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
from dataclasses import dataclass, field

from ..result import MedicationMatch
from .fuzzy import THRESHOLD, Corrector, Threshold, close_pairs
from .vocabulary import JOINING_WORDS, Product, Vocabulary, phrase_key, words_of

_LETTERS = re.compile(r"[a-z]+")
_MERGEABLE = frozenset({"exact", "spelling", "ingredient"})  # a brand is taken as typed


@dataclass(frozen=True)
class Phrase:
    text: str  # as written in the vocabulary
    meaning: str  # product:NAME, class:ID, ingredient:NAME or vague:N
    how: str  # exact, brand, spelling, ingredient, class_word or vague


@dataclass(frozen=True)
class Token:
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
    order: int = field(default=0)


class Reader:
    """Reads free text against one vocabulary. Built once per vocabulary (``Vocabulary.reader``)."""

    def __init__(self, vocabulary: Vocabulary, threshold: Threshold = THRESHOLD) -> None:
        self.vocabulary = vocabulary
        self.threshold = threshold
        self._index: dict[tuple[str, ...], Phrase] = {}
        self._no_medicine: set[tuple[str, ...]] = set()
        self._cues: dict[str, list[tuple[str, ...]]] = {}  # by first word
        lexicon: set[str] = set()
        hows = {text: how for product in vocabulary.products for text, how in product.names()}
        for text, meaning, _ in vocabulary.phrases():
            words = words_of(text)
            lexicon.update(words)
            kind = meaning.split(":", 1)[0]
            if kind == "no_medicine":
                self._no_medicine.add(phrase_key(words))
            elif kind == "not_current":
                self._cues.setdefault(words[0], []).append(tuple(words))
            else:
                how = hows[text] if kind == "product" else "class_word" if kind == "class" else kind
                self._index.setdefault(phrase_key(words), Phrase(text, meaning, how))
        self.lexicon = frozenset(lexicon)
        self.phrases = {key: phrase.meaning for key, phrase in self._index.items()}
        self._longest = max(map(len, self._index), default=1)
        self._combinations = {frozenset(p.ingredients): p for p in vocabulary.products if len(p.ingredients) > 1}
        self._corrector: Corrector | None = None

    # -- reading --

    def read_all(self, texts: Iterable[str]) -> list[Reading]:
        return [self.read(text) for text in texts]

    def read(self, text: str) -> Reading:
        tokens = self._correct(_tokens(text))
        words = [token.word for token in tokens]
        if phrase_key(words) in self._no_medicine:
            return Reading(text, no_medicine=True)
        current = not self._says_not_current(words)
        matches, hint = self._matches(text, self._scan(tokens), current)
        return Reading(text, tuple(matches), current, None if matches else hint)

    def _says_not_current(self, words: list[str]) -> bool:
        cues = self._cues
        return any(tuple(words[i:i + len(cue)]) == cue
                   for i, word in enumerate(words) if word in cues for cue in cues[word])

    def _scan(self, tokens: list[Token]) -> list[tuple[Phrase, list[Token]]]:
        """Known phrases from the left, the longest first at each place."""
        words = [token for token in tokens if token.word not in JOINING_WORDS]
        found: list[tuple[Phrase, list[Token]]] = []
        start = 0
        while start < len(words):
            for size in range(min(self._longest, len(words) - start), 0, -1):
                window = words[start:start + size]
                phrase = self._index.get(tuple(sorted(token.word for token in window)))
                if phrase is not None:
                    found.append((phrase, window))
                    start += size
                    break
            else:
                start += 1
        return found

    def _matches(self, text: str, found: list[tuple[Phrase, list[Token]]],
                 current: bool) -> tuple[list[MedicationMatch], str | None]:
        products = self._parts([(p, t) for p, t in found if p.how in ("exact", "brand", "spelling", "ingredient")])
        matches = [self._product_match(text, part, current) for part in products]
        covered = {class_id for match in matches for class_id in match.classes}
        for phrase, tokens in found:
            class_id = phrase.meaning[len("class:"):] if phrase.how == "class_word" else None
            if class_id is not None and class_id not in covered:
                covered.add(class_id)
                matches.append(self._class_match(text, class_id, phrase, tokens, current))
        vague = [int(p.meaning.split(":")[1]) for p, _ in found if p.how == "vague"]
        hint = self.vocabulary.vague_words[vague[0]].hint if vague else None
        return matches, hint

    def _parts(self, found: list[tuple[Phrase, list[Token]]]) -> list[_Part]:
        """Products found, separate generic names of one combination product made one."""
        by_name = self.vocabulary.product_by_name
        parts: list[_Part] = []
        for order, (phrase, tokens) in enumerate(found):
            name = phrase.meaning.split(":", 1)[1]
            product = by_name.get(name) if phrase.how != "ingredient" else None
            same = next((p for p in parts if product is not None and p.product is product), None)
            if same is not None:  # "Lipitor (atorvastatin)" is one medicine
                same.tokens += tokens
                continue
            ingredients = frozenset(product.ingredients or [name]) if product is not None else frozenset([name])
            parts.append(_Part(ingredients, product, [phrase], list(tokens), order=order))
        merged = True
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
        return sorted((p for p in parts if p.product is not None), key=lambda p: p.order)

    def _product_match(self, text: str, part: _Part, current: bool) -> MedicationMatch:
        product = part.product
        assert product is not None
        first = product.classes[0] if product.classes else None
        drug_class = self.vocabulary.classes[first] if first is not None else None
        kind = part.phrases[0].how if not part.combined else "combination"
        return MedicationMatch(
            given=text, name=product.name, drug_class=first,
            group=drug_class.group if drug_class else None, label=drug_class.label if drug_class else None,
            atc=product.atc, classes=list(product.classes),
            match="fuzzy" if any(t.typed for t in part.tokens) else kind,  # type: ignore[arg-type]
            typed=_span(text, part.tokens), read_as=" + ".join(p.text for p in part.phrases),
            current=current, suggests=list(product.suggests))

    def _class_match(self, text: str, class_id: str, phrase: Phrase, tokens: list[Token],
                     current: bool) -> MedicationMatch:
        drug_class = self.vocabulary.classes[class_id]
        return MedicationMatch(
            given=text, name=None, drug_class=class_id, group=drug_class.group, label=drug_class.label,
            atc=drug_class.atc, classes=[class_id], match="fuzzy" if any(t.typed for t in tokens) else "class_word",
            typed=_span(text, tokens), read_as=phrase.text, current=current)

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
