"""The guided interview of `cramp-triage check`, driven through a real pseudo-terminal (pexpect),
and the question flow behind it."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pexpect
import pytest

from cramp_triage import Triager, triage
from cramp_triage.interview import UNKNOWN, Interview, load_questions, parse_answer, questions_path
from cramp_triage.pack import default_rules_path

QUESTIONS = {q.field: q for q in load_questions(questions_path(default_rules_path()))}
CLI = [sys.executable, "-m", "cramp_triage.cli"]


def spawn(*args: str) -> pexpect.spawn:
    child = pexpect.spawn(CLI[0], [*CLI[1:], *args], encoding="utf-8", timeout=30,
                          env={"NO_COLOR": "1", "TERM": "dumb", "PATH": "/usr/bin:/bin"}, dimensions=(50, 200))
    return child


def expect_question(child: pexpect.spawn, field: str) -> None:
    child.expect_exact(QUESTIONS[field].text)
    child.expect_exact("]")


@pytest.fixture(scope="module")
def interview() -> Interview:
    return Interview(Triager())


def test_red_flags_come_first(interview: Interview) -> None:
    first = interview.next_question({}, set())
    assert first is not None
    reading = [r for r in interview.relevance.pack.active_rules
               if any(first.field in g for p in r.when for g in (p.negated or p).intake_groups())]
    # read by red-flag rules (and, since pack 2.0, by the rule noting it unanswered)
    assert reading and {r.layer for r in reading} <= {"red_flag", "finding"}
    assert any(r.layer == "red_flag" for r in reading)
    order = [q.field for q in interview.questions]
    assert order.index("breathless_or_chest_pain") < order.index("leg_swelling") < order.index("poor_diet")


def test_an_emergency_ends_the_interview_at_once() -> None:
    child = spawn("check")
    expect_question(child, "breathless_or_chest_pain")
    child.sendline("y")
    child.expect_exact("No more questions: this needs emergency help now.")
    child.expect_exact(triage({"breathless_or_chest_pain": True}).level_label.upper())
    before_result = child.before
    child.expect(pexpect.EOF)
    assert not any(q.text in before_result for f, q in QUESTIONS.items() if f != "breathless_or_chest_pain")
    child.close()
    assert child.exitstatus == 0


def test_questions_that_cannot_change_anything_are_skipped(interview: Interview) -> None:
    # A swollen leg makes it urgent; red, warm skin leads to the same finding, so it is not asked,
    # nor is whether the cramp eases (with no long cramp it can no longer change anything).
    child = spawn("check")
    expect_question(child, "breathless_or_chest_pain")
    child.sendline("n")
    expect_question(child, "leg_swelling")
    child.sendline("y")  # a choice question: y is no answer, and it says what is
    child.expect_exact("please answer one leg / both legs / none or ?")
    expect_question(child, "leg_swelling")
    child.sendline("one")
    asked = []
    answers = {"breathless_or_chest_pain": False, "leg_swelling": "one_leg"}
    while True:
        index = child.expect([re.escape("]"), re.escape(triage(answers).level_label.upper()), pexpect.EOF])
        if index != 0:
            break
        text = " ".join(child.before.split())
        field = next(f for f, q in QUESTIONS.items() if q.text in text)
        asked.append(field)
        child.sendline("?")
    child.expect(pexpect.EOF)
    assert asked, "some questions can still change the advice"
    assert "red_warm_skin" not in asked and "eases_with_movement" not in asked
    assert "poor_diet" in asked  # it can still name a cause
    remaining = [f for f in QUESTIONS if f not in answers]
    assert set(asked) == {f for f in remaining if interview.relevance.could_change(f, answers)}


def test_json_output_stays_clean_while_prompts_go_to_stderr(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    child = pexpect.spawn("/bin/bash", ["-c", f"{' '.join(CLI)} check --json > {out}"], encoding="utf-8",
                          timeout=30, env={"NO_COLOR": "1", "TERM": "dumb", "PATH": "/usr/bin:/bin"})
    expect_question(child, "breathless_or_chest_pain")
    child.sendline("maybe")
    child.expect_exact("please answer y (yes), n (no) or ? (don't know)")
    expect_question(child, "breathless_or_chest_pain")
    child.sendline("yes")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert json.loads(out.read_text()) == triage({"breathless_or_chest_pain": True}).model_dump(mode="json")


def test_no_input_never_prompts_in_a_terminal() -> None:
    child = spawn("check", "--no-input", "--json", "--duration", "2")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert all(q.text not in child.before for q in QUESTIONS.values())
    assert '"level"' in child.before
    # with no answer at all it does not answer nothing either (issue 9): it says why, exit 2
    child = spawn("check", "--no-input", "--json")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "no answers given" in child.before and '"level"' not in child.before


def test_ending_the_input_stops_without_a_result() -> None:
    child = spawn("check")
    expect_question(child, "breathless_or_chest_pain")
    child.sendeof()
    child.expect_exact("cramp-triage: error: the questions were stopped before the end")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2


@pytest.mark.parametrize("field, text, value", [
    ("pregnant", "Y", True), ("pregnant", " no ", False), ("pregnant", "?", UNKNOWN),
    ("leg_swelling", "one", "one_leg"), ("leg_swelling", "Both legs", "both_legs"), ("leg_swelling", "no", "none"),
    ("leg_swelling", "one_leg", "one_leg"), ("age_years", "72", 72),
    ("duration_minutes", "2.5", 2.5), ("cramps_per_week", "4", 4),
    ("locations", "calf, foot", ["calf", "foot"]), ("medications", "Lipitor 20 mg, salbutamol",
                                                    ["Lipitor 20 mg", "salbutamol"]),
    ("medications", "none", []),
])
def test_answers_are_read_as_typed(field: str, text: str, value: object) -> None:
    assert parse_answer(QUESTIONS[field], text) == value


@pytest.mark.parametrize("field, text", [
    ("pregnant", "perhaps"), ("duration_minutes", "long"), ("duration_minutes", "-1"),
    ("cramps_per_week", "2.5"), ("locations", "knee"), ("leg_swelling", "y"), ("leg_swelling", "yes"),
    ("age_years", "12.5"), ("age_years", "130"),
])
def test_bad_answers_say_what_is_allowed(field: str, text: str) -> None:
    with pytest.raises(ValueError, match="."):
        parse_answer(QUESTIONS[field], text)


def test_an_answer_that_matters_only_with_another_is_still_asked(interview: Interview) -> None:
    relevance = interview.relevance
    # Whether a cramp eases changes nothing alone: only a cramp over 10 minutes that does not
    # ease is urgent. With the duration unknown it is still worth asking; with a short cramp not.
    assert relevance.could_change("eases_with_movement", {})
    assert not relevance.could_change("eases_with_movement", {"duration_minutes": 2})
    assert "level" in relevance.effects("eases_with_movement", {"duration_minutes": 12})
    level = {value: triage({"duration_minutes": 12, "eases_with_movement": value}).level for value in (True, False)}
    assert level[True] != level[False]


def test_ctrl_c_stops_without_a_result() -> None:
    child = spawn("check")
    expect_question(child, "breathless_or_chest_pain")
    child.sendintr()
    child.expect_exact("cramp-triage: stopped; nothing was triaged")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in child.before


def test_the_pack_2_questions_are_asked_only_when_they_can_change_the_outcome(interview: Interview) -> None:
    relevance = interview.relevance
    # the statin questions matter only to someone on a cholesterol-lowering medicine
    for field in ("muscle_pain", "dark_urine"):
        assert not relevance.could_change(field, {"medications": ["paracetamol"]})
        assert relevance.could_change(field, {"medications": ["Lipitor"]})
    # pregnancy raises swollen legs to urgent; the age decides the adult advice
    assert "level" in relevance.effects("pregnant", {"leg_swelling": "both_legs"})
    assert "level" in relevance.effects("age_years", {})
    assert relevance.could_change("bladder_or_bowel_change", {})
    # a fluid limit changes the self-care words, which an urgent answer does not give
    assert "self_care" in relevance.effects("fluid_restriction", {"duration_minutes": 2})
    assert not relevance.could_change("fluid_restriction", {"toxin_or_wound_exposure": True})
    assert QUESTIONS["red_warm_skin"].text.count("normal") == 1  # soreness after a cramp does not count
