"""The medicine vocabulary (``rules/vocabulary/medications.yaml``, version 2), validated on load.

It knows products, not just molecules: each product is a generic medicine or a combination,
with the WHO ATC code of the product, its ingredients, international spellings and brands by
region, and the classes linked with cramps (ours, each with its sources). It also holds the
words people type for a class ("water tablet"), for no class in particular ("inhaler"), for no
medicine ("none"), the words that make a medicine not current ("stopped") and the condition
questions a medicine can suggest. Reading free text against it is ``reading.py``
(``RulePack.reader``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._compat import cached_property
from ..errors import Problem, RulePackError

Region = Literal["UK", "US", "EU", "AU"]
NameKind = Literal["exact", "spelling", "brand"]
# Joining words: "ezetimibe and simvastatin" is the name "ezetimibe/simvastatin" is typed as.
# "plus" is not one: it is part of brand names (Coversyl Plus, Atacand Plus).
JOINING_WORDS = frozenset({"and", "with"})
# The medication fact of a name that could not be checked (a rule reads its group).
UNCHECKED = "unchecked"

_WORD = re.compile(r"[a-z]+")


class _Strict(BaseModel):
    # defer_build: built on first validation, which a pack taken from its snapshot never needs.
    # ignored_types: our cached_property (_compat) is a computed value, not a field.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, ignored_types=(cached_property,))


class DrugClass(_Strict):
    group: str = Field(description="Broad group the rules match on, e.g. 'diuretic'.")
    label: str
    atc: str | None
    link: str = Field(description="How strongly the sources link the class to cramps.")
    sources: list[str] = Field(min_length=1)


class Product(_Strict):
    """A generic medicine or a combination product, however it is named."""

    name: str = Field(min_length=1, description="Canonical generic name (BAN/INN, lowercase).")
    atc: str | None = Field(description="WHO ATC code of this product (a combination has its own).")
    classes: list[str] = Field(description="Cramp-linked classes of its ingredients; [] for none.")
    ingredients: list[str]
    spellings: list[str] = Field(default_factory=list)
    brands: dict[Region, list[str]] = Field(default_factory=dict)
    suggests: list[str] = Field(default_factory=list, description="Condition fields taking it suggests.")

    def names(self) -> Iterator[tuple[str, NameKind]]:
        """Every text it is known by, with how: ``exact`` (its name), ``spelling`` or ``brand``."""
        yield self.name, "exact"
        for spelling in self.spellings:
            yield spelling, "spelling"
        for brand in dict.fromkeys(brand for brands in self.brands.values() for brand in brands):
            yield brand, "brand"


class VagueWords(_Strict):
    words: list[str] = Field(min_length=1)
    hint: str = Field(min_length=1)


class Vocabulary(_Strict):
    """The medicine vocabulary. Build it with ``Vocabulary.load(data, where)`` to get every
    problem named by its entry."""

    version: Literal[2]
    classes: dict[str, DrugClass]
    products: list[Product]
    class_words: dict[str, list[str]] = Field(default_factory=dict)
    vague_words: list[VagueWords] = Field(default_factory=list)
    not_current: list[str] = Field(default_factory=list)
    no_medicine: list[str] = Field(default_factory=list)
    suggested_conditions: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def load(cls, data: Any, where: str) -> Vocabulary:
        """Validate ``data`` (the parsed YAML); raise ``RulePackError`` naming each bad entry."""
        try:
            vocabulary = cls.model_validate(data)
        except ValidationError as error:
            raise RulePackError(f"invalid medicine vocabulary {where}",
                                [Problem(_where(where, item["loc"], data), item["msg"])
                                 for item in error.errors(include_url=False)], path=where) from None
        problems = [Problem(f"{where}: {loc}", message) for loc, message in vocabulary.problems()]
        if problems:
            raise RulePackError(f"invalid medicine vocabulary {where}", problems, path=where)
        return vocabulary

    @cached_property
    def product_by_name(self) -> dict[str, Product]:
        return {product.name: product for product in self.products}

    def phrases(self) -> Iterator[tuple[str, str, str]]:
        """Every phrase the vocabulary knows, as (text, what it means, where it is): the meaning
        is ``product:NAME``, ``class:ID``, ``ingredient:NAME``, ``vague:N``, ``no_medicine`` or
        ``not_current``."""
        products = self.product_by_name
        for index, product in enumerate(self.products):
            for text, _ in product.names():
                yield text, f"product:{product.name}", f"products[{index}] ({product.name})"
            for ingredient in product.ingredients:
                if ingredient not in products:
                    yield ingredient, f"ingredient:{ingredient}", f"products[{index}] ({product.name}).ingredients"
        for class_id, words in self.class_words.items():
            for text in words:
                yield text, f"class:{class_id}", f"class_words.{class_id}"
        for index, group in enumerate(self.vague_words):
            for text in group.words:
                yield text, f"vague:{index}", f"vague_words[{index}]"
        for text in self.no_medicine:
            yield text, "no_medicine", "no_medicine"
        for text in self.not_current:
            yield text, "not_current", "not_current"

    def problems(self) -> list[tuple[str, str]]:
        """Cross-checks a schema cannot express, each as (where, what is wrong)."""
        problems: list[tuple[str, str]] = []
        groups = {c.group for c in self.classes.values()}
        if UNCHECKED in self.classes or UNCHECKED in groups:
            problems.append((f"classes.{UNCHECKED}", f"{UNCHECKED!r} is kept for names that could not be checked"))
        seen_products: set[str] = set()
        combinations: dict[frozenset[str], str] = {}
        for index, product in enumerate(self.products):
            where = f"products[{index}] ({product.name})"
            if product.name in seen_products:
                problems.append((where, f"product {product.name!r} is listed twice"))
            seen_products.add(product.name)
            if product.name in self.class_words:
                # The fact of a class word is named by its class id.
                problems.append((where, "a product may not share its name with a class that has class words"))
            for class_id in product.classes:
                if class_id not in self.classes:
                    problems.append((f"{where}.classes", f"unknown class {class_id!r}; known: {sorted(self.classes)}"))
            for field in product.suggests:
                if field not in self.suggested_conditions:
                    problems.append((f"{where}.suggests", f"{field!r} has no words in suggested_conditions"))
            if len(product.ingredients) > 1:
                # "amlodipine/atorvastatin" resolves by its ingredients: one product per set.
                other = combinations.setdefault(frozenset(product.ingredients), product.name)
                if other != product.name:
                    problems.append((f"{where}.ingredients", f"the same ingredients as {other!r}"))
        for class_id in self.class_words:
            if class_id not in self.classes:
                problems.append((f"class_words.{class_id}", f"unknown class; known: {sorted(self.classes)}"))
        given: dict[tuple[str, ...], tuple[str, str]] = {}
        for text, meaning, where in self.phrases():
            key = phrase_key(words_of(text))
            if not key:
                problems.append((where, f"{text!r} has no letters to match on"))
                continue
            first = given.setdefault(key, (meaning, where))
            if first[0] != meaning:
                problems.append((where, f"{text!r} is also given to {first[0].replace(':', ' ')} ({first[1]})"))
        return problems


def medication_fact(name: str, class_id: str, group: str) -> dict[str, Any]:
    """The engine fact of a medicine of one class (a product of two classes makes two)."""
    return {"fact": "medication", "name": name, "class": class_id, "group": group}


def medication_facts(vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """Every medication fact the vocabulary can put in the engine: one per class of a product,
    one per class a class word names (its ``name`` is the class id: the generic is unknown),
    and the one for a name that could not be checked."""
    classes = vocabulary.classes
    facts = [medication_fact(p.name, c, classes[c].group) for p in vocabulary.products for c in p.classes]
    facts += [medication_fact(c, c, classes[c].group) for c in vocabulary.class_words]
    facts.append(medication_fact(UNCHECKED, UNCHECKED, UNCHECKED))
    return facts


def medication_key(fact: dict[str, Any]) -> str:
    """A medication fact's name in ``RulePack.possible_facts``: unique per product and class."""
    return f"{fact['name']} ({fact['class']})"


def words_of(text: str) -> list[str]:
    """The words of letters of a vocabulary text, lowercased (the file holds no accents)."""
    return _WORD.findall(text.lower())


def phrase_key(words: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Order-free, without joining words: "simvastatin and ezetimibe" finds "ezetimibe and
    simvastatin"."""
    return tuple(sorted(word for word in words if word not in JOINING_WORDS))


def _where(where: str, loc: tuple[Any, ...], data: Any) -> str:
    """A pydantic error location with the product's name: ``products[12] (simvastatin).classes``."""
    parts = [str(part) for part in loc]
    if len(loc) >= 2 and loc[0] == "products" and isinstance(loc[1], int) and isinstance(data, dict):
        entries = data.get("products")
        entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
        name = entry.get("name") if isinstance(entry, dict) else None
        parts[:2] = [f"products[{loc[1]}]" + (f" ({name})" if isinstance(name, str) else "")]
    return f"{where}: {'.'.join(parts)}" if parts else where
