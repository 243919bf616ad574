"""The guided interview's flow: which question to ask next. No I/O here.

The rules decide the flow: questions that red-flag rules read come first,
and a question is skipped when no answer to it can change the outcome any more (see
``relevance``), unless a medicine the person takes suggests it (metformin: diabetes); the
medicine never answers it. Once the level is the most urgent one, nothing else is asked: the
person should call for help now, and no answer can change the level.
"""

from __future__ import annotations

from typing import Any

from ..pack import LAYERS
from ..pack.answer_space import MEDICATIONS
from ..result import Level
from ..triager import Triager
from .questions import Question, load_questions, questions_path
from .relevance import Relevance, fields_read


class Interview:
    """Chooses the next question for the answers so far; ``settled`` holds fields already asked
    (including those answered "don't know")."""

    def __init__(self, triager: Triager, questions: list[Question] | None = None) -> None:
        self.relevance = Relevance(triager)
        self.pack = pack = triager.pack
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

    def suggested(self, answers: dict[str, Any]) -> dict[str, list[str]]:
        """Condition questions the medicines answered so far suggest, each with the medicines."""
        readings = self.pack.reader.read_all(answers.get(MEDICATIONS) or [])
        return self.pack.suggestions(match for reading in readings for match in reading.matches)

    def next_question(self, answers: dict[str, Any], settled: set[str]) -> Question | None:
        """The first question, in order, whose answer could still change the outcome or that a
        medicine taken suggests; ``None`` when there is none (or the level is already the most
        urgent)."""
        if self.level(answers) == list(Level)[-1].value:
            return None  # nothing can raise the most urgent level, and nothing else matters then
        suggested = self.suggested(answers)
        for question in self.questions:
            if question.field in answers or question.field in settled:
                continue
            if question.field in suggested or self.relevance.could_change(question.field, answers):
                return question
        return None
