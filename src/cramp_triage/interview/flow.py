"""The guided interview's flow: which question to ask next. No I/O here.

The rules decide the flow: questions that red-flag rules read come first,
and a question is skipped when no answer to it can change the outcome any more (see
``relevance``), unless a medicine the person takes suggests it (metformin: diabetes); the
medicine never answers it. Once the level is the most urgent one, nothing else is asked: the
person should call for help now, and no answer can change the level.

``next_question`` is the public door: the CLI's interview, the HTTP service and apps all ask it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any
from weakref import WeakKeyDictionary

from ..api import default_triager
from ..errors import IntakeError, Problem
from ..intake import Intake, parse_intake
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

    def rank(self, answers: dict[str, Any]) -> int:
        """How urgent the level for ``answers`` is: -1 with no level, then least to most urgent."""
        level = self.level(answers)
        return _RANKS.get(level, -1)

    def open_questions(self, answers: dict[str, Any], settled: set[str]) -> list[Question]:
        """Every question not yet asked whose answer could still change the outcome, or that a
        medicine taken suggests, in the order they would be asked (none at the most urgent
        level). The first is ``next_question``'s."""
        if self.level(answers) == list(Level)[-1].value:
            return []
        suggested = self.suggested(answers)
        return [question for question in self.questions
                if question.field not in answers and question.field not in settled
                and (question.field in suggested or self.relevance.could_change(question.field, answers))]

    def at_most(self, answers: dict[str, Any], settled: set[str]) -> int:
        """How many questions the interview asks at most, as far as the answers so far tell: those
        asked and those still open. An unanswered question can hold the level up ("don't know" is
        never the benign answer: a long cramp whose easing is not yet known is urgent), which
        closes questions its answer may open again; so the questions that an answer to the next
        question would open, by lowering the level, count too."""
        still_open = self.open_questions(answers, settled)
        if not still_open:
            return len(settled)
        fields = {question.field for question in still_open}
        first = still_open[0].field
        rank = self.rank(answers)
        for value in self.relevance.values[first]:
            after = {**answers, first: value}
            if self.rank(after) < rank:
                fields |= {question.field for question in self.open_questions(after, settled | {first})}
        return len(settled) + len(fields)

    def could_lower(self, answers: dict[str, Any], settled: set[str]) -> bool:
        """Could one answer to a question still open lower the level? Until none can, the level
        reached is only where a "don't know" would leave it."""
        rank = self.rank(answers)
        return any(self.rank({**answers, question.field: value}) < rank
                   for question in self.open_questions(answers, settled)
                   for value in self.relevance.values[question.field])

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


_RANKS = {level.value: rank for rank, level in enumerate(Level)}

# One Interview per Triager, built on first use: building one reads the questions and works out
# each field's partners, work that every question after the first can reuse.
_interviews: WeakKeyDictionary[Triager, Interview] = WeakKeyDictionary()
_interviews_lock = threading.Lock()


def interview_for(triager: Triager) -> Interview:
    with _interviews_lock:
        interview = _interviews.get(triager)
        if interview is None:
            interview = _interviews[triager] = Interview(triager)
        return interview


def next_question(
    intake: Intake | Mapping[str, Any],
    triager: Triager | None = None,
    *,
    asked: Iterable[str] = (),
) -> Question | None:
    """The question the interview would ask next, or ``None`` when no answer left to give can
    change the outcome (or the level is already an emergency: nothing more should be asked).

    ``intake`` holds the answers so far (an ``Intake`` or its JSON fields). ``asked`` names the
    fields already asked and answered "don't know": they stay unknown in the intake, and are
    not asked again. The rules decide: red-flag questions come first, and a question whose
    answer could not change the level, the causes, whom to see or the self-care is skipped.
    Uses the shipped rule pack, or ``triager``'s.
    """
    answers = parse_intake(intake).answered()
    settled = set(asked) if not isinstance(asked, str) else {asked}
    unknown = sorted(settled - set(Intake.model_fields))
    if unknown:
        raise IntakeError("invalid list of questions asked", [
            Problem("asked", f"{name!r} is not an intake field; fields are listed by `cramp-triage schema intake`")
            for name in unknown])
    guide = interview_for(triager if triager is not None else default_triager())
    question = guide.next_question(answers, settled)
    because = guide.suggested(answers).get(question.field) if question is not None else None
    return question.model_copy(update={"suggested_by": list(because)}) if question and because else question
