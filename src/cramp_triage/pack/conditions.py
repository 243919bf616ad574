"""The condition language of rule files, and its plain-Python reading.

A rule's ``when`` is a list of patterns that must all hold (a join). A pattern is one of:

- ``intake: {field: test, ...}``: the person's answers; every test must hold.
- ``any_intake: [{field: test}, ...]``: at least one of the listed groups holds.
- ``finding | cause | level | see | self_care | medication: selector``: a fact of that kind
  exists. The selector is a name, a list of names (any of them), or a mapping of attributes.
  For ``medication`` a plain name means the medicine's group (``statin``, ``diuretic``...).
- ``not: <fact pattern>``: no such fact exists (evaluated after everything that could make one).

A test is a value (equality; for ``locations`` it means "includes") or one of
``{gt|gte|lt|lte|eq|neq: value}`` or ``{known: true|false}``. An unanswered field never
satisfies a value test: "don't know" is not "no".
"""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..intake import LIST_FIELDS

Scalar = Union[bool, int, float, str]
FACT_KINDS = ("finding", "cause", "level", "see", "self_care", "medication")
FactKind = Literal["finding", "cause", "level", "see", "self_care", "medication"]


class Test(BaseModel):
    """A comparison on one intake field; exactly one operator is given."""

    # defer_build here and on Pattern: built on first validation (see schema._Strict).
    # A .nan threshold never holds (it silently turned a red flag off); .inf is no threshold.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)

    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    eq: Scalar | None = None
    neq: Scalar | None = None
    known: bool | None = None

    @model_validator(mode="after")
    def _one_operator(self) -> Test:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"a test takes exactly one of gt, gte, lt, lte, eq, neq, known (got {given or 'none'})")
        return self

    @property
    def operator(self) -> str:
        return next(name for name in type(self).model_fields if getattr(self, name) is not None)

    @property
    def value(self) -> Any:
        return getattr(self, self.operator)


FieldTests = dict[str, Union[Scalar, Test]]
Selector = Union[str, list[str], dict[str, Union[Scalar, list[Scalar]]]]


class Pattern(BaseModel):
    """One condition of a rule: exactly one key is given."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    intake: FieldTests | None = None
    any_intake: list[FieldTests] | None = Field(default=None, min_length=1)
    finding: Selector | None = None
    cause: Selector | None = None
    level: Selector | None = None
    see: Selector | None = None
    self_care: Selector | None = None
    medication: Selector | None = None
    negated: Pattern | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_key(self) -> Pattern:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "a pattern takes exactly one of intake, any_intake, finding, cause, level, see, "
                f"self_care, medication, not (got {given or 'none'})"
            )
        if self.negated is not None and self.negated.fact_kind is None:
            raise ValueError("`not` takes a fact pattern (finding, cause, level, see, self_care, medication)")
        return self

    @property
    def fact_kind(self) -> FactKind | None:
        for kind in FACT_KINDS:
            if getattr(self, kind) is not None:
                return kind  # type: ignore[return-value]
        return None

    @property
    def selector(self) -> Selector:
        kind = self.fact_kind
        assert kind is not None
        return getattr(self, kind)

    def intake_groups(self) -> list[FieldTests]:
        """The intake test groups (one for ``intake``, several alternatives for ``any_intake``)."""
        if self.intake is not None:
            return [self.intake]
        return list(self.any_intake or [])


def selector_attributes(kind: str, selector: Selector) -> dict[str, list[Scalar]]:
    """A selector as attribute -> allowed values (a fact matches when each attribute is one of them)."""
    if isinstance(selector, str):
        return {("group" if kind == "medication" else "name"): [selector]}
    if isinstance(selector, list):
        return {("group" if kind == "medication" else "name"): list(selector)}
    return {key: (list(value) if isinstance(value, list) else [value]) for key, value in selector.items()}


# --- plain-Python reading of the same conditions (reference evaluation, tests, verify) -----------


def _holds(value: Any, test: Scalar | Test, list_field: bool) -> bool:
    if isinstance(test, Test) and test.operator == "known":
        return (value is not None) == test.value
    if value is None:
        return False
    if not isinstance(test, Test) or test.operator == "eq":
        expected = test.value if isinstance(test, Test) else test
        return expected in value if list_field else _same(value, expected)
    op, bound = test.operator, test.value
    if op == "neq":
        return bound not in value if list_field else not _same(value, bound)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return {"gt": value > bound, "gte": value >= bound, "lt": value < bound, "lte": value <= bound}[op]


def _same(value: Any, expected: Any) -> bool:
    # True == 1 in Python but not in the engine: a bool only equals a bool.
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value == expected
    return value == expected


def intake_holds(groups: list[FieldTests], answers: dict[str, Any]) -> bool:
    """Does the intake (known answers only) satisfy an ``intake``/``any_intake`` condition?"""
    return any(
        all(_holds(answers.get(field), test, field in LIST_FIELDS) for field, test in group.items())
        for group in groups
    )


def fact_holds(kind: str, selector: Selector, fact: dict[str, Any]) -> bool:
    """Does one fact dict satisfy a fact condition?"""
    if fact.get("fact") != kind:
        return False
    return all(fact.get(attribute) in values for attribute, values in selector_attributes(kind, selector).items())
