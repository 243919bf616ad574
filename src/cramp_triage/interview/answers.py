"""Reading what a person types in answer to a question: yes/no words, numbers, choices, medicine
names, and "don't know"."""

from __future__ import annotations

from typing import Any

from ..errors import IntakeError
from ..intake import parse_intake
from .questions import Question

YES = frozenset({"y", "yes"})
NO = frozenset({"n", "no"})
NONE_WORDS = frozenset({"none", "no", "n"})
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
    kind = question.answer_type
    value: Any
    if kind == "boolean":
        if reply in YES:
            return True
        if reply in NO:
            return False
        raise ValueError("please answer y (yes), n (no) or ? (don't know)")
    if kind == "text":
        if question.repeats and reply in NONE_WORDS:
            return []
        names = [name.strip() for name in text.split(",") if name.strip()]
        value = names if question.repeats else " ".join(text.split())
    elif kind == "choice" and question.repeats:
        value = [word.strip() for word in reply.replace(" and ", ",").replace(" ", ",").split(",") if word.strip()]
    elif kind == "choice":
        return _choice(question, reply)
    else:
        try:
            number = float(reply)
        except ValueError:
            raise ValueError(f"please type {question.hint}") from None
        if kind == "integer" and not number.is_integer():
            raise ValueError(f"please type {question.hint}")
        value = int(number) if kind == "integer" else number
    if isinstance(value, (list, str)) and not value:  # 0 is an answer; an empty list is not
        raise ValueError(f"please answer with {question.hint}")
    try:
        parse_intake({question.field: value})
    except IntakeError as error:
        detail = "; ".join(p.message for p in error.problems) or str(error)
        raise ValueError(f"{detail} ({question.hint})") from None
    return value


def _choice(question: Question, reply: str) -> str:
    """One named answer: as written (``one_leg``), in words (``one leg``) or its start
    (``one``, ``both``, ``no``), as long as only one answer starts that way."""
    typed = reply.replace(" ", "_")
    values = [str(value) for value in question.allowed_values or []]
    matching = [value for value in values if value == typed] or [value for value in values if value.startswith(typed)]
    if len(matching) != 1:
        raise ValueError(f"please answer {question.hint}")
    return matching[0]
