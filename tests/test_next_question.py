"""``next_question``: the public "which question next?" that the CLI's interview, the HTTP
service and apps share. It asks red flags first, skips what cannot change the outcome, never
asks a question twice (answered or "don't know"), and stops at an emergency."""

from __future__ import annotations

from typing import Any

import pytest

from cramp_triage import Intake, IntakeError, Level, Question, next_question, triage
from cramp_triage.interview import Relevance


@pytest.fixture(scope="module")
def relevance(triager) -> Relevance:
    return Relevance(triager)


def _answer(question: Question) -> Any:
    """A plain, benign answer of the right type."""
    if question.answer_type == "choice":
        first = (question.allowed_values or [])[0]
        return [first] if question.repeats else first
    return {"boolean": False, "number": 2, "integer": 1, "text": ["paracetamol"]}[question.answer_type]


def test_the_first_question_is_a_red_flag_with_its_words_and_answers():
    question = next_question(Intake())
    assert question is not None
    assert question.id == question.field == "breathless_or_chest_pain"
    assert question.text.startswith("Are you breathless")
    assert (question.answer_type, question.repeats, question.allowed_values) == ("boolean", False, [True, False])
    assert set(question.model_dump()) == {"id", "field", "text", "answer_type", "repeats", "allowed_values",
                                          "minimum", "maximum", "max_length", "max_items", "suggested_by"}


def test_a_mapping_of_json_fields_works_like_an_intake():
    assert next_question({"breathless_or_chest_pain": False}) == next_question(Intake(breathless_or_chest_pain=False))


def test_nothing_more_is_asked_at_an_emergency():
    answers = {"breathless_or_chest_pain": True}
    assert triage(answers).level is Level.emergency
    assert next_question(answers) is None


def test_asked_and_unknown_is_not_asked_again_and_stays_unknown():
    first = next_question({})
    assert first is not None
    second = next_question({}, asked=[first.field])
    assert second is not None and second.field != first.field


def test_a_whole_interview_asks_each_question_once_and_ends(triager, relevance):
    answers: dict[str, Any] = {}
    asked: list[str] = []
    for _ in range(len(Intake.model_fields) + 1):
        question = next_question(answers, triager, asked=asked)
        if question is None:
            break
        assert question.field not in answers and question.field not in asked
        # Every question asked could still change the outcome, as the rules decide.
        assert relevance.could_change(question.field, answers)
        if len(asked) % 3 == 2:
            asked.append(question.field)  # "don't know"
        else:
            answers[question.field] = _answer(question)
    else:
        pytest.fail("the interview never ended")
    # At the end, no unanswered question could change anything.
    left = [f for f in Intake.model_fields if f not in answers and f not in asked]
    assert not [f for f in left if relevance.could_change(f, answers)]


def test_a_question_that_cannot_change_the_outcome_is_skipped(relevance):
    # A 2-minute cramp: whether it eases with movement no longer matters to any rule.
    answers = {"breathless_or_chest_pain": False, "leg_swelling": False, "red_warm_skin": False,
               "duration_minutes": 2}
    assert not relevance.could_change("eases_with_movement", answers)
    asked = []
    for _ in range(len(Intake.model_fields)):
        question = next_question(answers, asked=asked)
        if question is None:
            break
        assert question.field != "eases_with_movement"
        asked.append(question.field)


@pytest.mark.parametrize("field", list(Intake.model_fields))
def test_each_fields_question_carries_its_answer_shape(field):
    from cramp_triage.interview import load_questions, questions_path
    from cramp_triage import default_rules_path

    question = next(q for q in load_questions(questions_path(default_rules_path())) if q.field == field)
    schema = Intake.model_json_schema()["properties"][field]["anyOf"][0]
    item = schema.get("items", schema)
    assert question.repeats == (schema.get("type") == "array")
    if "enum" in item:
        assert question.answer_type == "choice" and question.allowed_values == item["enum"]
    else:
        assert question.answer_type == {"boolean": "boolean", "number": "number", "integer": "integer",
                                        "string": "text"}[item["type"]]
    assert (question.minimum, question.maximum) == (item.get("minimum"), item.get("maximum"))


def test_an_unknown_field_in_asked_is_an_error_naming_it():
    with pytest.raises(IntakeError) as caught:
        next_question({}, asked=["pregant"])
    assert [(p.loc, "'pregant' is not an intake field" in p.message) for p in caught.value.problems] == [("asked", True)]


def test_a_bad_intake_is_an_error_naming_the_field():
    with pytest.raises(IntakeError) as caught:
        next_question({"pregnant": "yes"})
    assert [p.loc for p in caught.value.problems] == ["pregnant"]


def test_explain_gives_its_documented_shape_and_the_cli_prints_the_same(triager):
    import json

    from typer.testing import CliRunner

    from cramp_triage.cli import app
    from cramp_triage.explain import Explanation, explain

    answers = {"duration_minutes": 12, "eases_with_movement": False, "locations": ["calf"]}
    data = explain(answers, triager)
    Explanation.model_validate(data)
    assert data["result"] == triage(answers).model_dump(mode="json")
    printed = CliRunner().invoke(app, ["explain", "--json", "--duration", "12", "--no-eases-with-movement",
                                       "--location", "calf"])
    assert printed.exit_code == 0
    assert json.loads(printed.stdout) == data


def test_a_question_a_medicine_suggests_says_which_medicine():
    """The interview asks the diabetes question of someone on metformin, and says why; the
    medicine never answers it."""
    asked: list[str] = []
    answers = {"medications": ["metformin 500 mg"], "breathless_or_chest_pain": False}
    while (question := next_question(answers, asked=asked)) is not None and question.field != "diabetes":
        asked.append(question.field)
    assert question is not None and question.field == "diabetes"
    assert question.suggested_by == ["metformin"]
    assert "diabetes" not in answers
