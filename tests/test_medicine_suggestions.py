"""A medicine taken that suggests a condition the pack reads (levothyroxine: an underactive
thyroid; metformin or insulin: diabetes; lactulose or rifaximin: liver disease; sevelamer:
kidney disease) is shown as a suggestion, and the interview asks the condition question. It
never answers it: the condition stays unknown until the person says."""

from __future__ import annotations

import sys

import pexpect
import pytest

from cramp_triage import Intake, Triager, triage
from cramp_triage.interview import Interview

CLI = [sys.executable, "-m", "cramp_triage.cli"]


@pytest.mark.parametrize(("medicine", "field"), [
    ("levothyroxine 100mcg", "underactive_thyroid"), ("Eltroxin", "underactive_thyroid"),
    ("metformin 500mg", "diabetes"), ("Lantus", "diabetes"), ("lactulose", "liver_disease"),
    ("rifaximin 550mg", "liver_disease"), ("sevelamer", "kidney_disease"),
])
def test_the_suggestion_is_shown_and_the_condition_left_unanswered(pack, medicine, field):
    result = triage({"medications": [medicine]})
    [suggestion] = result.suggestions
    assert suggestion.field == field
    assert suggestion.text == pack.vocabulary.suggested_conditions[field]
    assert suggestion.medicines == [result.medications[0].name]
    intake = next(f for step in result.trace for f in step.matched if f["fact"] == "intake")
    assert field not in intake
    assert [c.category for c in result.causes] == ["idiopathic"]  # the medicine itself has no link


def test_no_suggestion_once_answered_yes_nor_for_a_medicine_stopped():
    assert triage({"medications": ["metformin"], "diabetes": True}).suggestions == []
    assert [s.field for s in triage({"medications": ["metformin"], "diabetes": False}).suggestions] == ["diabetes"]
    assert triage({"medications": ["stopped metformin"]}).suggestions == []
    assert triage({"medications": ["empagliflozin"]}).suggestions == []  # also given for the heart: no suggestion


def test_several_medicines_suggesting_one_condition_are_listed_together():
    [suggestion] = triage({"medications": ["metformin", "insulin glargine", "Lipitor"]}).suggestions
    assert suggestion.medicines == ["metformin", "insulin glargine"]


def test_the_interview_asks_a_suggested_question_it_would_otherwise_skip():
    interview = Interview(Triager())
    # Kidney disease already names the same cause and referral as diabetes would: by the rules
    # alone the diabetes question can change nothing and is skipped.
    settled = set(Intake.model_fields) - {"diabetes"}
    plain = {"kidney_disease": True, "medications": ["Lipitor"]}
    assert interview.next_question(plain, settled) is None
    taking = {"kidney_disease": True, "medications": ["Lipitor", "metformin 500 mg"]}
    question = interview.next_question(taking, settled)
    assert question is not None and question.field == "diabetes"
    assert interview.suggested(taking) == {"diabetes": ["metformin"]}


def test_the_terminal_interview_says_why_it_asks():
    child = pexpect.spawn(CLI[0], [*CLI[1:], "check"], encoding="utf-8", timeout=30,
                          env={"NO_COLOR": "1", "TERM": "dumb", "PATH": "/usr/bin:/bin"}, dimensions=(50, 200))
    asked: list[str] = []
    for _ in range(40):
        found = child.expect([r"\[([^\]]*)\] $", r"\(Enter to skip\): $", pexpect.EOF])
        if found == 1:  # the offer to save the answers, after the result
            child.sendline("")
            continue
        if found == 2:
            break
        question = child.before.strip().splitlines()[-1]
        asked.append(child.before)
        if "Which medicines" in question:
            child.sendline("metformin 500 mg")
        elif "diabetes" in question:
            assert "(Asked because you take metformin.)" in child.before
            child.sendline("n")
        else:
            child.sendline("n" if "y/n/?" in child.after else "?")
    child.close()
    assert any("Do you have diabetes" in text for text in asked)
