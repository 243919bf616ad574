"""The one reader (``files.py``): YAML 1.2 without its 1.1 traps, duplicate keys refused in YAML
and JSON, every read capped and limited to regular files, nesting bounded. Issue 15, items 3
and 7: each case here silently kept the last value, hung, grew without bound or crashed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cli_helpers import assert_one_line_error, copy_pack, run
from cramp_triage import IntakeError, RulePack, RulePackError, parse_intake_json
from cramp_triage.errors import CrampTriageError, ScenarioError
from cramp_triage.files import MAX_FILE_BYTES, read_bytes
from cramp_triage.yamlfile import MAX_DEPTH, parse_yaml, parse_yaml_document
from cramp_triage.interview import load_questions
from cramp_triage.scenarios import load_scenario_file

GOOD_SCENARIO = """\
id: swollen-calf
title: A swollen calf
given: {leg_swelling: true}
expect:
  level: urgent
teaching_note: A swollen calf may be a clot.
"""


def scenario(tmp_path: Path, text: str, name: str = "case") -> Path:
    path = tmp_path / f"{name}.scenario.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- duplicate keys ---------------------------------------------------------------------------


def test_a_second_status_on_the_emergency_rule_is_refused_naming_file_and_line(tmp_path):
    pack_dir = copy_pack(tmp_path)
    levels = (pack_dir / "levels.yaml").read_text(encoding="utf-8")
    assert "    status: active\n" in levels
    first = levels.index("id: LV-EMERGENCY")
    at = levels.index("    status: active\n", first)
    (pack_dir / "levels.yaml").write_text(levels[:at] + "    status: active\n    status: retired\n"
                                          + levels[at + len("    status: active\n"):], encoding="utf-8")
    line = levels[:at].count("\n") + 2
    with pytest.raises(RulePackError) as caught:
        RulePack.load(pack_dir)
    assert str(caught.value) == (f"invalid YAML in {pack_dir / 'levels.yaml'}: {pack_dir / 'levels.yaml'} "
                                 f"(line {line}): key 'status' is given twice (first on line {line - 1}); keep one")


def test_a_second_expect_in_a_scenario_is_refused(tmp_path, pack):
    path = scenario(tmp_path, GOOD_SCENARIO + "expect:\n  level: self_care\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path, pack)
    assert f"{path} (line 7): key 'expect' is given twice (first on line 4)" in str(caught.value)


def test_a_field_given_twice_in_intake_json_is_refused():
    with pytest.raises(IntakeError) as caught:
        parse_intake_json('{"leg_swelling": true, "leg_swelling": false}')
    assert [(p.loc, p.message) for p in caught.value.problems] == [("leg_swelling", "given twice; give each key once")]


def test_a_field_given_twice_on_the_command_line_input_is_a_one_line_error(tmp_path):
    path = tmp_path / "intake.json"
    path.write_text('{"leg_swelling": true, "leg_swelling": false}', encoding="utf-8")
    result = run("check", "--input", str(path))
    assert_one_line_error(result, 2)
    assert "leg_swelling: given twice" in result.stderr


@pytest.mark.parametrize("name", ["questions.yaml", "vocabulary/medications.yaml"])
def test_duplicate_keys_in_questions_and_vocabulary_are_refused(tmp_path, name):
    pack_dir = copy_pack(tmp_path)
    path = pack_dir / name
    text = path.read_text(encoding="utf-8")
    key = "questions:" if name == "questions.yaml" else "classes:"
    path.write_text(text + "\n" + key + " {}\n", encoding="utf-8")
    with pytest.raises(RulePackError) as caught:
        load_questions(path) if name == "questions.yaml" else RulePack.load(pack_dir)
    assert f"key '{key[:-1]}' is given twice" in str(caught.value)


# --- YAML 1.2, not 1.1 --------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "hint"), [
    ("1:30", "base-60"), ("yes", "true or false"), ("off", "true or false"), ("012", "leading zero"),
    ("1_000", "plain digits"),
])
def test_yaml_1_1_traps_are_refused_with_the_line_and_a_hint(tmp_path, pack, value, hint):
    path = scenario(tmp_path, GOOD_SCENARIO.replace("{leg_swelling: true}", "{leg_swelling: true}\ntags: [" + value + "]"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path, pack)
    assert f"(line 4): {value!r}" in str(caught.value) and hint in str(caught.value)


def test_yaml_1_2_values_are_read_as_yaml_1_2():
    data = parse_yaml("a: 1e-5\nb: '1:30'\nc: 2026-11-25\nd: 0o17\ne: true\nf: ~\ng: !!str yes\nh: 0.5\n", "t")
    assert data == {"a": 1e-05, "b": "1:30", "c": "2026-11-25", "d": 15, "e": True, "f": None, "g": "yes", "h": 0.5}


def test_every_yaml_1_1_trap_of_a_file_is_reported_or_kept_as_text():
    text = "a: 1:30\nb: [ok, 012]\nyes: 1\n"
    with pytest.raises(CrampTriageError) as caught:
        parse_yaml(text, "t")
    assert [problem.loc for problem in caught.value.problems] == ["t (line 1)", "t (line 2)", "t (line 3)"]
    # A caller that checks further takes them as its own problems, by place; the data is YAML 1.2's text.
    document = parse_yaml_document(text, "t", keep_traps=True)
    assert document.data == {"a": "1:30", "b": ["ok", "012"], "yes": 1}
    assert {loc: line for loc, (line, _) in document.traps.items()} == {("a",): 1, ("b", 1): 2, ("yes",): 3}
    assert "(1:30 would be read as 90)" in document.traps[("a",)][1]


def test_line_numbers_come_from_the_one_parse():
    document = parse_yaml_document("id: x\ngiven:\n  leg_swelling: true\ncases:\n  - name: a\n  - {name: b}\n", "t")
    assert document.line(("given", "leg_swelling")) == 3
    assert document.line(("cases", 1, "name")) == 6
    assert document.line(("cases", 1, "nothing")) == 6  # the nearest parent in the file


# --- bounded reads ------------------------------------------------------------------------------


def test_a_990_deep_scenario_is_a_clear_error_not_a_recursion_error(tmp_path, pack):
    depth = 990
    text = GOOD_SCENARIO.replace("given: {leg_swelling: true}\n", "given:\n" + "".join(
        "  " * (i + 1) + "a:\n" for i in range(depth)) + "  " * (depth + 1) + "x\n")
    path = scenario(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path, pack)
    assert f"nested more than {MAX_DEPTH} levels deep" in str(caught.value)
    assert_one_line_error(run("scenarios", "run", str(path)), 2)


def test_a_rule_file_pointing_at_dev_zero_is_refused_as_a_device(tmp_path):
    pack_dir = copy_pack(tmp_path)
    manifest = (pack_dir / "pack.yaml").read_text(encoding="utf-8")
    (pack_dir / "pack.yaml").write_text(manifest.replace("  - advice.yaml\n", "  - advice.yaml\n  - /dev/zero\n"),
                                        encoding="utf-8")
    with pytest.raises(RulePackError) as caught:
        RulePack.load(pack_dir)
    assert str(caught.value) == "cannot read /dev/zero: /dev/zero: a device, not a regular file"


def test_a_scenario_symlink_to_dev_zero_is_refused(tmp_path):
    (tmp_path / "zero.scenario.yaml").symlink_to("/dev/zero")
    result = run("scenarios", "run", str(tmp_path))
    assert_one_line_error(result, 2)
    assert "zero.scenario.yaml: a device, not a regular file" in result.stderr


def test_a_named_pipe_in_a_scenarios_folder_does_not_hang_the_run(tmp_path):
    os.mkfifo(tmp_path / "pipe.scenario.yaml")
    done = subprocess.run([sys.executable, "-m", "cramp_triage.cli", "scenarios", "run", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert done.stderr.strip().endswith("pipe.scenario.yaml: a named pipe, not a regular file")


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/stdin"])
def test_check_input_from_a_device_or_a_pipe_is_refused_not_read_for_ever(path):
    # /dev/stdin is a pipe here: reading it as a file would wait for a writer that never closes.
    writer = subprocess.Popen(["sleep", "60"], stdout=subprocess.PIPE)
    try:
        done = subprocess.run([sys.executable, "-m", "cramp_triage.cli", "check", "--input", path],
                              stdin=writer.stdout, capture_output=True, text=True, timeout=60)
    finally:
        writer.kill()
        writer.wait()
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "not a regular file" in done.stderr


def test_stdin_as_dash_is_allowed_but_capped():
    done = subprocess.run([sys.executable, "-m", "cramp_triage.cli", "check", "--input", "-"],
                          input=b" " * (MAX_FILE_BYTES + 10), capture_output=True, timeout=60)
    assert done.returncode == 2
    assert f"the limit is {MAX_FILE_BYTES}" in done.stderr.decode()


def test_a_file_that_says_it_is_small_but_is_not_is_still_capped(tmp_path):
    # /proc files report a size of 0; the reader stops at the limit whatever the size says.
    with pytest.raises(CrampTriageError) as caught:
        read_bytes("/proc/self/maps", limit=10)
    assert "over 10 bytes" in str(caught.value)
