"""The guided interview: which question to ask next, and how to read the answer. No I/O here.

The questions are data (``questions.yaml`` in the rule pack folder, or the shipped one when a
custom pack has none). The rules decide the flow: questions that red-flag rules read come first,
and a question is skipped when no answer to it can change the outcome any more (see
``relevance``). Once the level is the most urgent one, nothing else is asked: the person should
call for help now, and no answer can change the level.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .engine import Triager
from .errors import IntakeError, Problem, RulePackError
from .intake import Intake, Location, answer_type, parse_intake
from .relevance import MEDICATIONS, Relevance, fields_read
from .result import Level
from .rulepack import INTAKE_FIELD_KINDS, LAYERS, default_rules_path
from .yamlfile import read_yaml

QUESTIONS_FILE = "questions.yaml"
YES = frozenset({"y", "yes"})
NO = frozenset({"n", "no"})
UNKNOWN_WORDS = frozenset({"?", "don't know", "dont know", "not sure", "unknown"})


class Unknown:
    """The answer "don't know"."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


class _QuestionText(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    ask: str = Field(min_length=1)


class _QuestionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    questions: dict[str, _QuestionText]


@dataclass(frozen=True)
class Question:
    field: str
    ask: str
    kind: str  # yes_no | number | places | medicines

    @property
    def choices(self) -> str:
        """The short reminder of what can be typed, shown after the question."""
        return {
            "yes_no": "y/n/?",
            "number": "a number, or ? if you don't know",
            "places": f"any of {', '.join(loc.value for loc in Location)}, separated by commas, or ?",
            "medicines": "names, or none, or ?",
        }[self.kind]


def _kind(field: str) -> str:
    if field == MEDICATIONS:
        return "medicines"
    return {"bool": "yes_no", "number": "number", "locations": "places"}[INTAKE_FIELD_KINDS[field]]


def questions_path(pack_path: Path) -> Path:
    """The pack's own ``questions.yaml``, or the shipped one when the pack has none."""
    own = Path(pack_path) / QUESTIONS_FILE
    return own if own.is_file() else default_rules_path() / QUESTIONS_FILE


def load_questions(path: Path) -> list[Question]:
    """Read and check a questions file: exactly one question for every intake field."""
    data = read_yaml(path, RulePackError)
    try:
        parsed = _QuestionsFile.model_validate(data)
    except ValidationError as error:
        problems = [Problem(f"{path.name}: {'.'.join(map(str, e['loc']))}", e["msg"]) for e in error.errors()]
        raise RulePackError(f"invalid questions file {path}", problems, path=str(path)) from None
    fields = list(Intake.model_fields)
    problems = [Problem(f"{path.name}: {name}", f"not an intake field; known: {', '.join(fields)}")
                for name in parsed.questions if name not in Intake.model_fields]
    problems += [Problem(path.name, f"no question for intake field {name!r}")
                 for name in fields if name not in parsed.questions]
    if problems:
        raise RulePackError(f"invalid questions file {path}", problems, path=str(path))
    return [Question(name, " ".join(text.ask.split()), _kind(name)) for name, text in parsed.questions.items()]


class Interview:
    """Chooses the next question for the answers so far; ``settled`` holds fields already asked
    (including those answered "don't know")."""

    def __init__(self, triager: Triager, questions: list[Question] | None = None) -> None:
        self.relevance = Relevance(triager)
        pack = triager.pack
        loaded = questions if questions is not None else load_questions(questions_path(pack.path))
        position = {question.field: index for index, question in enumerate(loaded)}
        first_layer = {question.field: len(LAYERS) for question in loaded}
        for rule in pack.active_rules:
            for pattern in rule.when:
                for field in fields_read(pattern.negated or pattern) & set(first_layer):
                    first_layer[field] = min(first_layer[field], LAYERS.index(rule.layer))
        # Red-flag questions first; the file's order within a layer.
        self.questions = sorted(loaded, key=lambda q: (first_layer[q.field], position[q.field]))

    def level(self, answers: dict[str, Any]) -> str:
        return self.relevance.outcome(answers).level

    def next_question(self, answers: dict[str, Any], settled: set[str]) -> Question | None:
        """The first question, in order, whose answer could still change the outcome; ``None``
        when there is none (or the level is already the most urgent)."""
        if self.level(answers) == list(Level)[-1].value:
            return None  # nothing can raise the most urgent level, and nothing else matters then
        for question in self.questions:
            if question.field in answers or question.field in settled:
                continue
            if self.relevance.could_change(question.field, answers):
                return question
        return None


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
