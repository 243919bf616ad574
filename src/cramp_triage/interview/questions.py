"""The interview's questions: data (``questions.yaml`` in the rule pack folder, or the shipped one
when a custom pack has none), one per intake field, in plain words. The kind of answer (yes/no,
number, choice, text; one or a list) and what it allows come from the intake model."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..answer_shape import AnswerType
from ..errors import Problem, RulePackError
from ..yamlfile import read_yaml
from ..intake import Intake, answer_shapes
from ..pack import default_rules_path

QUESTIONS_FILE = "questions.yaml"


# defer_build on the three models: built when the interview is first used, not on every import.
class _QuestionText(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    ask: str = Field(min_length=1)


class _QuestionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    questions: dict[str, _QuestionText]


class Question(BaseModel):
    """One question of the interview, as an app shows it: the words, and the answers it takes.

    The answer goes into the intake under ``field`` (a list of them when ``repeats``). Its type
    and allowed values come from the intake model, the words from the rule pack's questions.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str = Field(description="The question's id in the pack's questions file.")
    field: str = Field(description="The intake field the answer goes into.")
    text: str = Field(description="The question in plain words.")
    answer_type: AnswerType = Field(
        description="boolean (yes/no: true or false), number, integer (a whole number), choice (one of "
                    "allowed_values) or text.")
    repeats: bool = Field(description="The answer is a list: several places, several medicine names.")
    allowed_values: list[str | bool] | None = Field(
        default=None, description="The answers to choose from (true and false for a yes/no question).")
    minimum: float | None = Field(default=None, description="The smallest number allowed.")
    maximum: float | None = Field(default=None, description="The largest number allowed.")
    max_length: int | None = Field(default=None, description="The longest text allowed, in characters.")
    max_items: int | None = Field(default=None, description="The most answers a list may hold.")
    suggested_by: list[str] = Field(
        default_factory=list,
        description="Medicines taken that suggest this question (metformin: diabetes); the answer is still the person's.")

    @property
    def hint(self) -> str:
        """The short reminder of what can be typed at the keyboard, shown after the question."""
        if self.answer_type == "boolean":
            return "y/n/?"
        if self.answer_type in ("number", "integer"):
            return ("a whole number" if self.answer_type == "integer" else "a number") + ", or ? if you don't know"
        if self.answer_type == "choice":
            if self.repeats:
                return f"any of {', '.join(map(str, self.allowed_values or []))}, separated by commas, or ?"
            # A single choice as a person would type it: one leg / both legs / none.
            return " / ".join(str(value).replace("_", " ") for value in self.allowed_values or []) + " or ?"
        return "names, or none, or ?" if self.repeats else "text, or ?"


def question_for(field: str, text: str) -> Question:
    """The question for one intake field, its answer's shape taken from the intake model."""
    shape = answer_shapes()[field]
    return Question(id=field, field=field, text=text, answer_type=shape.type, repeats=shape.repeats,
                    allowed_values=shape.allowed_values, minimum=shape.minimum, maximum=shape.maximum,
                    max_length=shape.max_length, max_items=shape.max_items)


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
    return [question_for(name, " ".join(text.ask.split())) for name, text in parsed.questions.items()]
