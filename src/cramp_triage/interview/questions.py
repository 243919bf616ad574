"""The interview's questions: data (``questions.yaml`` in the rule pack folder, or the shipped one
when a custom pack has none), one per intake field, in plain words. The kind of answer (yes/no,
number, places, medicine names) comes from the intake model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import Problem, RulePackError
from ..files import read_yaml
from ..intake import Intake, Location
from ..pack import INTAKE_FIELD_KINDS, default_rules_path
from ..pack.answer_space import MEDICATIONS
from ..pack.rulepack import choices

QUESTIONS_FILE = "questions.yaml"


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
    kind: str  # yes_no | number | places | choice | medicines

    @property
    def choices(self) -> str:
        """The short reminder of what can be typed, shown after the question."""
        return {
            "yes_no": "y/n/?",
            "number": "a number, or ? if you don't know",
            "places": f"any of {', '.join(loc.value for loc in Location)}, separated by commas, or ?",
            "medicines": "names, or none, or ?",
            "choice": " / ".join(words(self.field)) + " or ?" if self.kind == "choice" else "",
        }[self.kind]


def words(field: str) -> list[str]:
    """A choice field's answers as a person would type them (``one_leg`` -> ``one leg``)."""
    return [value.replace("_", " ") for value in choices(field)]


def _kind(field: str) -> str:
    if field == MEDICATIONS:
        return "medicines"
    return {"bool": "yes_no", "number": "number", "locations": "places", "choice": "choice"}[INTAKE_FIELD_KINDS[field]]


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
