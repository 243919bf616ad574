"""Reading what a person types in answer to a question: yes/no words, numbers, places, medicine
names, and "don't know"."""

from __future__ import annotations

from typing import Any

from ..errors import IntakeError
from ..intake import answer_type, parse_intake
from ..pack import INTAKE_FIELD_KINDS
from ..pack.rulepack import choices
from .questions import Question

YES = frozenset({"y", "yes"})
NO = frozenset({"n", "no"})
UNKNOWN_WORDS = frozenset({"?", "don't know", "dont know", "not sure", "unknown"})


class Unknown:
    """The answer "don't know"."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


def parse_answer(question: Question, text: str) -> Any:
    """A typed answer, or ``UNKNOWN``; raises ``ValueError`` with what is allowed."""
    reply = " ".join(text.strip().lower().split())
    if reply in UNKNOWN_WORDS:
        return UNKNOWN
    if question.kind == "yes_no":
        if reply in YES:
            return True
        if reply in NO:
            return False
        raise ValueError("please answer y (yes), n (no) or ? (don't know)")
    if question.kind == "choice":
        return _choice(question, reply)
    if question.kind == "medicines":
        if reply in {"none", "no", "n"}:
            return []
        names = [name.strip() for name in text.split(",") if name.strip()]
        value: Any = names
    elif question.kind == "places":
        value = [place.strip() for place in reply.replace(" and ", ",").replace(" ", ",").split(",") if place.strip()]
    else:
        try:
            value = float(reply)
        except ValueError:
            raise ValueError("please type a number, or ? if you don't know") from None
        if question.field in INTAKE_FIELD_KINDS and answer_type(question.field) is int:
            if not value.is_integer():
                raise ValueError("please type a whole number, or ? if you don't know")
            value = int(value)
    if not value:
        raise ValueError(f"please answer with {question.choices}")
    try:
        parse_intake({question.field: value})
    except IntakeError as error:
        detail = "; ".join(p.message for p in error.problems) or str(error)
        raise ValueError(f"{detail} ({question.choices})") from None
    return value


def _choice(question: Question, reply: str) -> str:
    """One named answer: as written (``one_leg``), in words (``one leg``) or its start
    (``one``, ``both``, ``no``), as long as only one answer starts that way."""
    typed = reply.replace(" ", "_")
    values = choices(question.field)
    matching = [value for value in values if value == typed] or [value for value in values if value.startswith(typed)]
    if len(matching) != 1:
        raise ValueError(f"please answer {question.choices}")
    return matching[0]
