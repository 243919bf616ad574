"""The guided interview of `cramp-triage check`, driven through a real pseudo-terminal (pexpect),
and the question flow behind it: prompts and progress, urgent advice said at once, answers in a
person's words read back, Ctrl-C and Ctrl-D, saving the answers for `explain`, colour on and off."""

from __future__ import annotations

import io
import json
import os
import random
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from cramp_triage import Triager, triage
from cramp_triage.interview import UNKNOWN, Interview, load_questions, parse_answer, questions_path
from cramp_triage.pack import default_rules_path

QUESTIONS = {q.field: q for q in load_questions(questions_path(default_rules_path()))}
CLI = [sys.executable, "-m", "cramp_triage.cli"]
ROOT = Path(__file__).resolve().parents[1]
PLAIN = {"NO_COLOR": "1", "TERM": "dumb"}
ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[0-9;]*m")
# The end of a prompt: a question's "[hint] " or the save offer's "(Enter to skip): ", colour or not.
PROMPT = re.compile(r"(\]|\(Enter to skip\):)(\x1b\[[0-9;]*m)* $")
SAVE_OFFER = "(Enter to skip):"


def spawn(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> pexpect.spawn:
    """`cramp-triage ARGS` in a pseudo-terminal; everything it shows is kept in ``child.shown``."""
    environment = {"PATH": "/usr/bin:/bin", "CRAMP_TRIAGE_CACHE": os.environ.get("CRAMP_TRIAGE_CACHE", ""),
                   **(PLAIN if env is None else env)}
    child = pexpect.spawn(CLI[0], [*CLI[1:], *args], encoding="utf-8", timeout=30, env=environment,
                          dimensions=(50, 200), cwd=str(cwd) if cwd else None)
    child.logfile_read = child.shown = io.StringIO()  # type: ignore[attr-defined]
    return child


def shown(child: pexpect.spawn, raw: bool = False) -> str:
    text = child.shown.getvalue().replace("\r\n", "\n")  # type: ignore[attr-defined]
    return text if raw else ESCAPE.sub("", text)


def expect_question(child: pexpect.spawn, field: str) -> None:
    child.expect_exact(QUESTIONS[field].text)
    child.expect(PROMPT)


def next_prompt(child: pexpect.spawn) -> str | None:
    """The next prompt's line (colour removed), or None when the command ended."""
    if child.expect([PROMPT, pexpect.EOF]) == 1:
        return None
    return ESCAPE.sub("", child.before + child.after).splitlines()[-1]


def field_asked(prompt: str) -> str:
    return next(field for field, question in QUESTIONS.items() if prompt.startswith(question.text + " ["))


def finish(child: pexpect.spawn, save_as: str = "") -> None:
    """Answer the offer to save (skip it by default) and wait for the end."""
    child.expect_exact(SAVE_OFFER)
    child.sendline(save_as)
    child.expect(pexpect.EOF)
    child.close()


def progress(text: str) -> list[tuple[int, int]]:
    return [(int(n), int(m)) for n, m in re.findall(r"Question (\d+) of at most (\d+)", text)]


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
    finish(child)
    assert not any(q.text in shown(child) for f, q in QUESTIONS.items() if f != "breathless_or_chest_pain")
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
    while (prompt := next_prompt(child)) is not None and SAVE_OFFER not in prompt:
        asked.append(field_asked(prompt))
        child.sendline("?")
    child.sendline("")
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
    child.expect_exact(SAVE_OFFER)  # on stderr, after the result
    child.sendline("")
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


@pytest.mark.parametrize("stop", ["ctrl-c", "ctrl-d"])
def test_ctrl_c_or_ctrl_d_stops_without_a_result(stop: str) -> None:
    child = spawn("check")
    expect_question(child, "breathless_or_chest_pain")
    child.sendline("n")
    expect_question(child, "leg_swelling")
    child.sendintr() if stop == "ctrl-c" else child.sendeof()
    child.expect_exact("cramp-triage: stopped; nothing was triaged")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in shown(child) and "error" not in shown(child)
    assert "Possible causes" not in shown(child) and SAVE_OFFER not in shown(child)


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


# -- how many questions are left: "question N of at most M" --

def _session(interview: Interview, choose) -> tuple[list[int], int]:
    """Run the flow with ``choose(field)`` giving each answer (UNKNOWN for don't know): every
    ``at_most`` shown, and how many questions were asked in the end."""
    answers: dict[str, object] = {}
    settled: set[str] = set()
    shown_at_most = []
    while (question := interview.next_question(answers, settled)) is not None:
        shown_at_most.append(interview.at_most(answers, settled))
        value = choose(question.field)
        settled.add(question.field)
        if value is not UNKNOWN:
            answers[question.field] = value
    return shown_at_most, len(settled)


def test_at_most_only_shrinks_and_is_never_passed(interview: Interview) -> None:
    # A long cramp whose easing is not known yet is urgent, which closes most questions; the
    # answer "it eases" opens them again. Counting what that answer would open keeps M honest.
    given = {"breathless_or_chest_pain": False, "leg_swelling": "none", "red_warm_skin": False,
             "duration_minutes": 11, "eases_with_movement": True}
    sessions = [_session(interview, lambda field: given.get(field, UNKNOWN))]
    for seed in (1, 2):
        rng = random.Random(seed)
        sessions.append(_session(interview, lambda field: rng.choice([*interview.relevance.values[field], UNKNOWN])))
    for at_most, asked in sessions:
        assert at_most == sorted(at_most, reverse=True), at_most
        assert asked <= at_most[-1]
    assert sessions[0][0][0] == interview.at_most({}, set()) == len(interview.open_questions({}, set()))


def test_a_level_held_up_by_a_dont_know_is_not_yet_said(interview: Interview) -> None:
    # Urgent while the easing is unknown, but "it eases" would lower it: ask first.
    assert interview.could_lower({"duration_minutes": 11}, set())
    assert not interview.could_lower({"duration_minutes": 11}, {"eases_with_movement"})
    assert not interview.could_lower({"leg_swelling": "one_leg"}, set())


def test_progress_counts_each_question_and_at_most_shrinks() -> None:
    child = spawn("check")
    replies = {"breathless_or_chest_pain": "n", "leg_swelling": "none", "duration_minutes": "2"}
    asked = []
    while (prompt := next_prompt(child)) is not None and SAVE_OFFER not in prompt:
        asked.append(field_asked(prompt))
        child.sendline(replies.get(asked[-1], "?"))
    child.sendline("")
    child.expect(pexpect.EOF)
    steps = progress(shown(child))
    assert [n for n, _ in steps] == list(range(1, len(asked) + 1))
    at_most = [m for _, m in steps]
    assert at_most == sorted(at_most, reverse=True) and at_most[0] > at_most[-1] >= len(asked)
    assert steps[0] == (1, Interview(Triager()).at_most({}, set()))


# -- urgent advice at once --

def test_urgent_is_said_at_once_then_the_rest_is_optional() -> None:
    answers = {"breathless_or_chest_pain": False, "leg_swelling": "one_leg"}
    early = triage(answers)
    child = spawn("check")
    expect_question(child, "breathless_or_chest_pain")
    child.sendline("n")
    expect_question(child, "leg_swelling")
    child.sendline("left leg")
    child.expect_exact("read as one leg")
    child.expect_exact(early.level_label.upper())  # before any other question
    assert "Question" not in child.before
    child.expect_exact(" ".join(early.do_now.split()[:8]))
    child.expect_exact("You can stop here: press Enter to finish, or answer a few more")
    prompt = next_prompt(child)
    assert prompt is not None and "(optional: press Enter to finish)" in shown(child).splitlines()[-2]
    child.sendline("")  # Enter: finish now
    finish(child)
    assert child.exitstatus == 0
    text = shown(child)
    result_part = text[text.rindex("Possible causes"):]
    assert early.causes[0].label in result_part
    assert text.count(early.level_label.upper()) == 2  # said at once, then at the top of the result
    assert len(progress(text)) == 3  # the third question was offered, and skipped with Enter


def test_urgent_advice_said_at_once_is_worded_for_the_region(tmp_path: Path) -> None:
    answers = {"breathless_or_chest_pain": False, "leg_swelling": "one_leg"}
    early, home = triage(answers, "AU"), triage(answers)
    assert "healthdirect" in early.do_now and "NHS 111" in home.do_now  # else this test proves nothing
    child = spawn("check", "--region", "au", cwd=tmp_path)
    expect_question(child, "breathless_or_chest_pain")
    child.sendline("n")
    expect_question(child, "leg_swelling")
    child.sendline("one")
    child.expect_exact("You can stop here")
    assert "healthdirect" in " ".join(shown(child).split())
    assert "NHS 111" not in shown(child)
    next_prompt(child)
    child.sendline("")
    finish(child, save_as="mine.json")
    assert child.exitstatus == 0
    assert "cramp-triage explain --input mine.json --region AU" in shown(child)  # the same numbers when explained


def test_a_level_held_up_by_a_dont_know_waits_for_that_answer() -> None:
    child = spawn("check")
    for field, reply in [("breathless_or_chest_pain", "n"), ("leg_swelling", "none"), ("red_warm_skin", "n"),
                         ("duration_minutes", "11 min")]:
        expect_question(child, field)
        child.sendline(reply)
    expect_question(child, "eases_with_movement")  # urgent until this is answered, but not said yet
    assert triage({"duration_minutes": 11}).level == "urgent"
    assert "GET MEDICAL HELP TODAY" not in shown(child) and "optional" not in shown(child)
    child.sendline("yes")
    assert next_prompt(child) is not None
    assert "You can stop here" not in shown(child)
    child.sendintr()
    child.expect(pexpect.EOF)


def test_stopping_after_the_urgent_advice_says_the_advice_stands() -> None:
    child = spawn("check")
    expect_question(child, "breathless_or_chest_pain")
    child.sendline("no")
    expect_question(child, "leg_swelling")
    child.sendline("one")
    child.expect_exact("You can stop here")
    next_prompt(child)
    child.sendeof()
    child.expect_exact("cramp-triage: stopped; no full result, but the advice above stands (GET MEDICAL HELP TODAY)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


# -- answers in a person's words --

def test_natural_answers_are_read_back_and_only_what_cannot_be_read_is_asked_again() -> None:
    child = spawn("check")
    for field, reply, read_as in [("breathless_or_chest_pain", "nope", "read as no"),
                                  ("leg_swelling", "neither", "read as none"),
                                  ("red_warm_skin", "nah", "read as no"),
                                  ("duration_minutes", "half a minute", "read as 0.5 minutes")]:
        expect_question(child, field)
        child.sendline(reply)
        child.expect_exact(read_as)
    expect_question(child, "toxin_or_wound_exposure")
    child.sendline("perhaps")
    child.expect_exact("please answer y (yes), n (no) or ? (don't know)")
    expect_question(child, "toxin_or_wound_exposure")  # the same question again, nothing else
    child.sendline("n")
    prompt = next_prompt(child)
    assert prompt is not None and field_asked(prompt) != "toxin_or_wound_exposure"
    child.sendintr()
    child.expect(pexpect.EOF)
    text = shown(child)
    assert text.count(QUESTIONS["toxin_or_wound_exposure"].text) == 2
    assert "read as" not in text.split(QUESTIONS["toxin_or_wound_exposure"].text)[-1]  # "n" is plain


# -- saving the answers for explain --

def test_the_answers_can_be_saved_and_explain_run_on_them(tmp_path: Path) -> None:
    child = spawn("check", cwd=tmp_path)
    expect_question(child, "breathless_or_chest_pain")
    child.sendline("n")
    expect_question(child, "leg_swelling")
    child.sendline("both legs")
    while (prompt := next_prompt(child)) is not None and SAVE_OFFER not in prompt:
        child.sendline("?" if "How" not in prompt else "2")
    child.sendline("my answers.json")
    child.expect_exact("To see every rule that fired, run:")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    saved = json.loads((tmp_path / "my answers.json").read_text())
    assert saved["leg_swelling"] == "both_legs" and saved["duration_minutes"] == 2
    assert stat.S_IMODE((tmp_path / "my answers.json").stat().st_mode) == 0o600  # health answers: private
    command = shown(child).rstrip().splitlines()[-1].strip()
    assert command == "cramp-triage explain --input 'my answers.json'"
    run = subprocess.run([*CLI, *shlex.split(command)[1:], "--json"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["result"] == triage(saved).model_dump(mode="json")


def test_a_file_there_already_is_replaced_only_when_asked(tmp_path: Path) -> None:
    kept = tmp_path / "answers.json"
    kept.write_text('{"age_years": 40}\n')
    child = spawn("check", cwd=tmp_path)
    expect_question(child, "breathless_or_chest_pain")
    child.sendline("yes")
    child.expect_exact(SAVE_OFFER)
    child.sendline("answers.json")
    child.expect_exact("answers.json exists: replace it?")
    child.sendline("n")
    child.expect_exact(SAVE_OFFER)  # asked for another name
    child.sendline("")
    child.expect(pexpect.EOF)
    assert kept.read_text() == '{"age_years": 40}\n'
    # --save-answers FILE: saved before the result, whose last line names the file
    child = spawn("check", "--save-answers", "answers.json", cwd=tmp_path)
    expect_question(child, "breathless_or_chest_pain")
    child.sendline("y")
    child.expect_exact("answers.json exists: replace it with these answers? [y/N]")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and SAVE_OFFER not in shown(child)
    assert json.loads(kept.read_text()) == {"breathless_or_chest_pain": True}
    assert shown(child).rstrip().endswith("cramp-triage explain --input answers.json")
    assert [p.name for p in tmp_path.iterdir()] == ["answers.json"]  # no temporary file left


# -- colour --

@pytest.mark.parametrize("env, args, coloured", [
    ({"TERM": "xterm-256color"}, [], True),
    ({"TERM": "xterm-256color"}, ["--no-color"], False),
    ({"TERM": "xterm-256color", "NO_COLOR": "1"}, [], False),
    (PLAIN, [], False),
])
def test_colour_in_a_terminal_that_has_it_unless_told_not_to(env: dict[str, str], args: list[str],
                                                            coloured: bool) -> None:
    child = spawn("check", *args, env=env)
    expect_question(child, "breathless_or_chest_pain")
    child.sendline("n")
    expect_question(child, "leg_swelling")
    child.sendline("one")
    child.expect_exact("You can stop here")
    before_result = shown(child, raw=True)
    next_prompt(child)
    child.sendline("")
    finish(child)
    assert child.exitstatus == 0
    # the urgent advice said at once, and the result, in the level's colour (bold red)
    assert bool(COLOUR.search(before_result)) is coloured
    assert bool(COLOUR.search(shown(child, raw=True))) is coloured
    if env is PLAIN:  # a terminal without colour gets plain text: no escape codes at all
        assert "\x1b" not in shown(child, raw=True)


# -- the session shown in docs/cli.md is what a terminal shows --

def test_the_documented_session_is_what_a_terminal_shows(tmp_path: Path) -> None:
    from test_docs import _matches, blocks

    doc = ROOT / "docs" / "cli.md"
    name = "tests/test_cli_interview.py::test_the_documented_session_is_what_a_terminal_shows"
    (block,) = [b for b in blocks(doc) if b.directives.get("covered-by") == name]
    lines = [line.rstrip() for line in block.text.splitlines()]
    assert lines[0] == "$ cramp-triage check"
    expected = lines[1:]
    # The replies, in order: what follows each question's [hint], or the save offer.
    replies = []
    for line in expected:
        question = next((q for q in QUESTIONS.values() if line.startswith(q.text + " [")), None)
        if question is not None:
            replies.append(re.sub(r"^[^\[]*\[[^\]]*\] ?", "", line[len(question.text):]))
        elif SAVE_OFFER in line:
            replies.append(line.split(SAVE_OFFER, 1)[1].strip())
    child = spawn("check", cwd=tmp_path)
    for reply in replies:
        assert next_prompt(child) is not None
        child.sendline(reply)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    actual = [line.rstrip() for line in shown(child).rstrip().splitlines()]
    assert _matches(expected, actual), "\n".join(actual)
    assert (tmp_path / "answers.json").is_file()
