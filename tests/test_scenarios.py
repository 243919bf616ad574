"""Teaching scenarios: the file format and its errors, the runner, coverage, what-if, the pytest
plugin, and the shipped library (which must pass through both the CLI and pytest)."""

from __future__ import annotations

import json
import shutil
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cramp_triage import Level, default_rules_path
from cramp_triage.cli import app
from cramp_triage.errors import ScenarioError
from cramp_triage.scenarios import (
    Expect,
    check,
    coverage,
    failure_report,
    find_scenario_files,
    load_cases,
    load_scenario_file,
    parse_change,
    run_case,
    template,
    what_if,
)

pytest_plugins = ["pytester"]

LIBRARY = Path(__file__).resolve().parents[1] / "examples" / "scenarios"
runner = CliRunner()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.scenario.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


GOOD = """
    id: swollen-calf
    title: A swollen calf
    given: {leg_swelling: true, locations: [calf]}
    expect:
      level: urgent
      serious_include: [possible_dvt]
      rules_fired_include: [RF-DVT]
      rules_not_fired: [SC-STRETCH]
    teaching_note: A swollen calf may be a clot.
"""

FAILING = """
    id: wrongly-benign
    title: A swollen calf expected to be self-care
    given: {leg_swelling: true}
    expect:
      level: self_care
      causes_include: [pregnancy]
      rules_fired_include: [SC-STRETCH]
    teaching_note: This expectation is wrong on purpose.
"""


def load_error(path: Path, pack) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path, pack)
    return str(caught.value)


# --- every scenario-file error, with the message a user sees ------------------------------------


def test_bad_yaml(tmp_path, pack):
    path = write(tmp_path, "bad", "id: x\ntitle: [unclosed\n")
    assert load_error(path, pack) == f"invalid YAML in {path}: {path} (line 3): did not find expected ',' or ']'"


def test_yaml_aliases_are_refused(tmp_path, pack):
    path = write(tmp_path, "alias", "id: &name x\ntitle: *name\n")
    assert load_error(path, pack) == (
        f"invalid YAML in {path}: {path} (line 2): aliases (*name) are not allowed in this file")


def test_a_file_over_the_size_limit(tmp_path, pack):
    path = write(tmp_path, "huge", GOOD + "    # " + "x" * 1_000_000 + "\n")
    size = path.stat().st_size
    assert load_error(path, pack) == f"cannot read {path}: {path}: file is {size} bytes; the limit is 1000000"


def test_a_file_that_is_not_a_mapping(tmp_path, pack):
    empty = write(tmp_path, "empty", "")
    listed = write(tmp_path, "listed", "- a\n")
    expected = "file: expected a mapping with id, title, given, expect, teaching_note; got"
    assert load_error(empty, pack) == f"invalid scenario file {empty}: {expected} an empty file"
    assert load_error(listed, pack) == f"invalid scenario file {listed}: {expected} a list"


def test_unknown_top_level_field(tmp_path, pack):
    path = write(tmp_path, "extra", GOOD + "    notes: a typo of teaching_note\n")
    assert load_error(path, pack) == (
        f"invalid scenario file {path}: notes (line 10): unknown field; "
        "allowed: id, title, tags, given, expect, teaching_note, cases")


def test_unknown_intake_field_in_given_lists_the_intake_fields(tmp_path, pack):
    path = write(tmp_path, "given", GOOD.replace("leg_swelling: true", "swollen_leg: true"))
    message = load_error(path, pack)
    assert message.startswith(f"invalid scenario file {path}: given.swollen_leg (line 3): unknown field; allowed: "
                              "duration_minutes, eases_with_movement, locations,")
    assert "leg_swelling" in message


def test_bad_intake_value(tmp_path, pack):
    path = write(tmp_path, "value", GOOD.replace("leg_swelling: true", "leg_swelling: perhaps"))
    # pack 2.0: leg_swelling is one of three answers (true and false are still read)
    assert load_error(path, pack) == (
        f"invalid scenario file {path}: given.leg_swelling (line 3): expected 'one_leg', 'both_legs' or 'none' "
        "(leave the field out, or write null, when not known); got 'perhaps' (read as text)")
    path = write(tmp_path, "value", GOOD.replace("leg_swelling: true", "leg_swelling: true, pregnant: perhaps"))
    assert load_error(path, pack) == (
        f"invalid scenario file {path}: given.pregnant (line 3): expected true or false "
        "(leave the field out, or write null, when not known); got 'perhaps' (read as text)")


def test_line_numbers_survive_yaml_that_only_the_c_parser_accepts(tmp_path, pack):
    # libyaml (which read_yaml uses) accepts a '?' in a flow mapping; the pure-Python parser does
    # not, so the line index must use the same parser or every line number is lost.
    path = write(tmp_path, "flow", GOOD.replace("given: {leg_swelling: true, locations: [calf]}",
                                                "given: {medications: [is it Lipitor?], leg_swelling: perhaps}"))
    assert load_error(path, pack) == (
        f"invalid scenario file {path}: given.leg_swelling (line 3): expected 'one_leg', 'both_legs' or 'none' "
        "(leave the field out, or write null, when not known); got 'perhaps' (read as text)")


def test_unknown_field_in_expect(tmp_path, pack):
    path = write(tmp_path, "expect", GOOD.replace("level: urgent", "levl: urgent"))
    assert load_error(path, pack) == (
        f"invalid scenario file {path}: expect.levl (line 5): unknown field; did you mean 'level'? allowed: level, min_level, "
        "max_level, causes_include, causes_exclude, serious_include, see_include, rules_fired_include, rules_not_fired, "
        "unanswered_include, text_include, text_exclude")


def test_bad_level_name(tmp_path, pack):
    path = write(tmp_path, "level", GOOD.replace("level: urgent", "level: urgentt"))
    assert load_error(path, pack) == (
        f"invalid scenario file {path}: expect.level (line 5): unknown level 'urgentt'; "
        "did you mean 'urgent'? allowed: self_care, see_professional, urgent, emergency")


def test_unknown_rule_id_in_rules_fired_include_suggests_the_closest(tmp_path, pack):
    path = write(tmp_path, "rule", GOOD.replace("[RF-DVT]", "[LV-URGENT, RF-DVTT]"))
    assert load_error(path, pack) == (
        f"invalid scenario file {path}: expect.rules_fired_include[2] (line 7): unknown rule id 'RF-DVTT' "
        "in rule pack cramp-triage-core; did you mean 'RF-DVT'?")


def test_unknown_rule_id_without_a_close_match(tmp_path, pack):
    path = write(tmp_path, "rule", GOOD.replace("rules_not_fired: [SC-STRETCH]", "rules_not_fired: [QUININE]"))
    assert load_error(path, pack) == (
        f"invalid scenario file {path}: expect.rules_not_fired[1] (line 8): unknown rule id 'QUININE' "
        f"in rule pack cramp-triage-core; the rule ids are in {pack.path}")


def test_unknown_cause_red_flag_and_referral(tmp_path, pack):
    path = write(tmp_path, "names", GOOD.replace("serious_include: [possible_dvt]", (
        "serious_include: [rf_pregnancy]\n      causes_exclude: [stress]\n      see_include: [physio]\n"
        "      unanswered_include: [poor_diet]")))
    message = load_error(path, pack)
    assert "expect.serious_include[1] (line 6): unknown warning sign or reason to see a doctor 'rf_pregnancy' in " \
           "rule pack cramp-triage-core; did you mean 'swelling_in_pregnancy'? allowed: possible_pe, breathless_or_chest_pain, possible_cauda_equina, possible_dvt," in message
    assert "expect.causes_exclude[1] (line 7): unknown cause 'stress' in rule pack cramp-triage-core; " \
           "allowed: idiopathic, dehydration_electrolytes," in message
    assert "expect.see_include[1] (line 8): unknown referral 'physio' in rule pack cramp-triage-core; " \
           "allowed: emergency_services," in message
    assert "expect.unanswered_include[1] (line 9): unknown warning-sign question 'poor_diet' in rule pack " \
           "cramp-triage-core; allowed: duration_minutes, eases_with_movement," in message


def test_every_problem_of_a_file_is_reported_at_once_in_line_order(tmp_path, pack):
    # A misspelt level used to stop the check before names and answers were looked at.
    path = write(tmp_path, "typos", """
        id: typos
        title: Four typos
        given: {duration_minutes: 1:30, pregnant: "no", leg_swelling: one}
        expect:
          level: self_cre
          causes_include: [idiopatic]
          serious_include: [posible_dvt]
          see_include: [gp_rutine]
          rules_fired_include: [SC-REASURE]
        teaching_note: Each line has a typo.
        notes: not a field
    """)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path, pack)
    assert [str(problem) for problem in caught.value.problems] == [
        "given.duration_minutes (line 3): '1:30' is a base-60 number in YAML 1.1 (1:30 would be read as 90): write "
        "the number you mean (1.5 for one and a half), or quote it if it is text",
        "given.pregnant (line 3): expected true or false (leave the field out, or write null, when not known); "
        "got 'no' (read as text)",
        "given.leg_swelling (line 3): expected 'one_leg', 'both_legs' or 'none' (leave the field out, or write null, "
        "when not known); got 'one' (read as text)",
        "expect.level (line 5): unknown level 'self_cre'; did you mean 'self_care'? allowed: self_care, "
        "see_professional, urgent, emergency",
        "expect.causes_include[1] (line 6): unknown cause 'idiopatic' in rule pack cramp-triage-core; did you mean "
        "'idiopathic'? allowed: " + ", ".join(pack.terms.causes),
        "expect.serious_include[1] (line 7): unknown warning sign or reason to see a doctor 'posible_dvt' in rule "
        "pack cramp-triage-core; did you mean 'possible_dvt'? allowed: " + ", ".join(pack.red_flags),
        "expect.see_include[1] (line 8): unknown referral 'gp_rutine' in rule pack cramp-triage-core; did you mean "
        "'gp_routine'? allowed: " + ", ".join(pack.terms.see),
        "expect.rules_fired_include[1] (line 9): unknown rule id 'SC-REASURE' in rule pack cramp-triage-core; "
        "did you mean 'SC-REASSURE'?",
        "notes (line 11): unknown field; allowed: id, title, tags, given, expect, teaching_note, cases",
    ]


@pytest.mark.parametrize(("written", "message"), [
    # YAML 1.1 would read 1:30 as 90 minutes: refused, never read as a number
    ("1:30", "'1:30' is a base-60 number in YAML 1.1 (1:30 would be read as 90): write the number you mean "
             "(1.5 for one and a half), or quote it if it is text"),
    ("'1:30'", "Input should be a number; got '1:30' (read as text)"),
    ("012", "'012' has a leading zero (an octal number in YAML 1.1): write it without the zero, or quote it"),
    ("true", "Input should be a number, not true or false"),
    ("-2", "Input should be greater than or equal to 0; got -2 (read as a number)"),
])
def test_a_bad_duration_names_the_value_read(tmp_path, pack, written, message):
    path = write(tmp_path, "duration", GOOD.replace("leg_swelling: true", f"duration_minutes: {written}"))
    assert load_error(path, pack) == f"invalid scenario file {path}: given.duration_minutes (line 3): {message}"


def test_a_case_keeps_the_lines_its_answers_and_expectations_were_read_from(tmp_path, pack):
    path = write(tmp_path, "lines", """
        id: lines
        title: t
        given:
          duration_minutes: 1.5
          locations: [calf]
        teaching_note: n
        cases:
          - name: a
            given: {pregnant: true}
            expect:
              level: urgent
              causes_include: [pregnancy]
    """)
    [case] = load_scenario_file(path, pack)
    assert case.given == {"duration_minutes": 1.5, "locations": ["calf"], "pregnant": True}
    assert case.given_lines == {"duration_minutes": 4, "locations": 5, "pregnant": 9}
    assert case.expect_lines == {"level": 11, "causes_include": 12}


def test_missing_required_fields(tmp_path, pack):
    path = write(tmp_path, "missing", "id: x\nexpect: {level: urgent}\n")
    assert load_error(path, pack) == (
        f"invalid scenario file {path}: title: required field is missing; teaching_note: required field is missing")


def test_bad_id(tmp_path, pack):
    path = write(tmp_path, "id", GOOD.replace("id: swollen-calf", "id: Swollen Calf"))
    assert load_error(path, pack) == (
        f"invalid scenario file {path}: id (line 1): use lower-case letters and digits in words joined by "
        "hyphens, e.g. typical-night-cramp; got 'Swollen Calf' (read as text)")


@pytest.mark.parametrize(("expect", "message"), [
    ("{}", "expect lists nothing to check; give at least one of level, min_level, max_level, causes_include, "
           "causes_exclude, serious_include, see_include, rules_fired_include, rules_not_fired, unanswered_include, "
           "text_include, text_exclude"),
    ("{text_include: [Step], text_exclude: [step]}", "words both expected and not expected: step"),
    ("{min_level: urgent, max_level: self_care}", "min_level urgent is above max_level self_care"),
    ("{level: urgent, min_level: self_care}", "give either level or min_level/max_level, not both"),
    ("{causes_include: [idiopathic], causes_exclude: [idiopathic]}", "causes both included and excluded: idiopathic"),
    ("{rules_fired_include: [RF-DVT], rules_not_fired: [RF-DVT]}",
     "rules both expected to fire and not to fire: RF-DVT"),
])
def test_contradictory_or_empty_expectations(tmp_path, pack, expect, message):
    path = write(tmp_path, "expect", f"id: x\ntitle: t\nteaching_note: n\nexpect: {expect}\n")
    assert load_error(path, pack) == f"invalid scenario file {path}: expect (line 4): {message}"


def test_expect_and_cases_together_and_repeated_case_names(tmp_path, pack):
    both = write(tmp_path, "both", "id: x\ntitle: t\nteaching_note: n\nexpect: {level: urgent}\n"
                 "cases: [{name: a, expect: {level: urgent}}]\n")
    assert load_error(both, pack) == (
        f"invalid scenario file {both}: file: give either `expect` (one case) or `cases` (several variants), not both")
    twice = write(tmp_path, "twice", "id: x\ntitle: t\nteaching_note: n\n"
                  "cases: [{name: a, expect: {level: urgent}}, {name: a, expect: {level: emergency}}]\n")
    assert load_error(twice, pack) == f"invalid scenario file {twice}: file: case names must be unique; repeated: a"


def test_errors_inside_a_case_name_the_case_and_line(tmp_path, pack):
    path = write(tmp_path, "cases", """
        id: x
        title: t
        teaching_note: n
        cases:
          - name: a
            expect: {level: urgent}
          - name: b
            given: {cramps_per_week: many}
            expect: {level: urgent}
    """)
    assert load_error(path, pack) == (
        f"invalid scenario file {path}: cases[2].given.cramps_per_week (line 8): "
        "Input should be a whole number (an integer); got 'many' (read as text)")


def test_a_rule_that_is_not_active_cannot_be_expected_to_fire(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_path(), rules)
    red_flags = rules / "red-flags.yaml"
    text = red_flags.read_text(encoding="utf-8")
    start = text.index("id: RF-CLAUDICATION")
    status = text.index("status: active", start)
    red_flags.write_text(text[:status] + "status: draft" + text[status + len("status: active"):], encoding="utf-8")
    path = write(tmp_path, "draft", GOOD.replace("[RF-DVT]", "[RF-CLAUDICATION]"))
    result = runner.invoke(app, ["scenarios", "run", str(path), "--rules", str(rules)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"cramp-triage: error: invalid scenario file {path}: expect.rules_fired_include[1] (line 7): "
        "rule RF-CLAUDICATION (Calf pain on walking that eases with rest) is draft in rule pack cramp-triage-core, so it can never fire\n")
    # The same file is fine on the shipped pack, where the rule is active.
    assert runner.invoke(app, ["scenarios", "run", str(path)]).exit_code == 1  # loads; the case fails


def test_duplicate_ids_and_several_bad_files_are_all_reported(tmp_path, pack):
    first = write(tmp_path, "a", GOOD)
    second = write(tmp_path, "b", GOOD)
    bad = write(tmp_path, "c", GOOD.replace("level: urgent", "level: soon"))
    with pytest.raises(ScenarioError) as caught:
        load_cases([tmp_path], pack)
    assert str(caught.value) == (
        "2 scenario files are invalid: "
        f"{bad}: expect.level (line 5): unknown level 'soon'; allowed: self_care, see_professional, urgent, emergency; "
        f"{second}: id (line 1): scenario id 'swollen-calf' is also used by {first}")


def test_missing_paths_and_empty_folders(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ScenarioError) as caught:
        find_scenario_files([tmp_path / "nope.scenario.yaml", tmp_path / "empty"])
    assert str(caught.value) == (
        f"cannot find scenarios: {tmp_path / 'nope.scenario.yaml'}: no such file or folder; "
        f"{tmp_path / 'empty'}: no *.scenario.yaml files in this folder")


def test_a_bad_file_is_one_line_on_stderr_and_exit_2(tmp_path):
    path = write(tmp_path, "level", GOOD.replace("level: urgent", "level: urgentt"))
    result = runner.invoke(app, ["scenarios", "run", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"cramp-triage: error: invalid scenario file {path}: expect.level (line 5): unknown level 'urgentt'; "
        "did you mean 'urgent'? allowed: self_care, see_professional, urgent, emergency\n")


# --- the checks themselves ------------------------------------------------------------------------


def test_each_expectation_fails_when_it_does_not_hold(triager):
    # A swollen calf: urgent, a possible clot, no cause named, no self-care (the pack's meaning).
    result = triager.triage({"leg_swelling": True})
    assert check(Expect(level=Level.urgent, serious_include=["possible_dvt"], causes_include=["idiopathic"],
                        see_include=["urgent_same_day"], rules_fired_include=["RF-DVT"],
                        rules_not_fired=["SC-STRETCH"], causes_exclude=["pregnancy"]), result) == []
    wrong = Expect(level=Level.self_care, causes_include=["pregnancy"], causes_exclude=["idiopathic"],
                   serious_include=["numbness"], see_include=["gp"], rules_fired_include=["RF-NUMBNESS"],
                   rules_not_fired=["RF-DVT"])
    assert [m.expectation for m in check(wrong, result)] == [
        "level", "causes_include", "serious_include", "see_include", "causes_exclude", "rules_fired_include",
        "rules_not_fired"]
    assert [str(m) for m in check(Expect(min_level=Level.emergency), result)] == [
        "min_level: expected at least emergency; got urgent"]
    assert [str(m) for m in check(Expect(max_level=Level.see_professional), result)] == [
        "max_level: expected at most see_professional; got urgent"]
    assert check(Expect(min_level=Level.see_professional, max_level=Level.urgent), result) == []


def test_cases_share_given_and_override_it(tmp_path, pack, triager):
    path = write(tmp_path, "variants", """
        id: variants
        title: Pregnant or not
        given: {pregnant: true, duration_minutes: 2}
        teaching_note: shared note
        cases:
          - name: as-given
            expect: {causes_include: [pregnancy]}
          - name: not-pregnant
            given: {pregnant: false}
            expect: {causes_exclude: [pregnancy]}
            teaching_note: own note
    """)
    cases = load_scenario_file(path, pack)
    assert [case.id for case in cases] == ["variants[as-given]", "variants[not-pregnant]"]
    assert cases[1].given == {"pregnant": False, "duration_minutes": 2}
    assert [case.teaching_note for case in cases] == ["shared note", "own note"]
    assert [case.line for case in cases] == [6, 8]
    assert all(run_case(triager, case).passed for case in cases)


# --- the runner on the command line ---------------------------------------------------------------


def test_run_prints_a_line_per_case_the_difference_and_the_summary(tmp_path, pack, triager):
    good = write(tmp_path, "good", GOOD)
    bad = write(tmp_path, "bad", FAILING)
    result = runner.invoke(app, ["scenarios", "run", str(good), str(bad)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "PASS  swollen-calf: A swollen calf"
    assert "      note: A swollen calf may be a clot." in lines
    fail_at = lines.index(f"FAIL  wrongly-benign ({bad}): A swollen calf expected to be self-care")
    # Each expectation missed with its line, each name in words; the answers as read; what was found.
    assert lines[fail_at + 1:fail_at + 7] == [
        "    level (line 5): expected self_care (Self-care at home); got urgent (Get medical help today)",
        "    causes_include (line 6): expected pregnancy (Pregnancy) among the causes; "
        "got idiopathic (No specific cause found (idiopathic cramps))",
        "    rules_fired_include (line 7): expected SC-STRETCH (Calf stretch on a step) to fire; got not fired",
        "    answers read: leg_swelling: true (line 3)",
        "    warning signs found: possible_dvt (Swelling of one leg, or red or warm skin over the painful area "
        "(possible blood clot in a leg vein, DVT))",
        "    rules fired:",
    ]
    # Every rule that fired, once, with its title.
    rules = lines[fail_at + 7:lines.index("      note: This expectation is wrong on purpose.")]
    fired = list(dict.fromkeys(step.rule for step in triager.triage({"leg_swelling": True}).trace))
    assert rules == [f"      {rule} ({pack.rule_by_id[rule].title})" for rule in fired]
    assert "      RF-DVT (Possible blood clot in a leg vein (DVT))" in rules
    assert lines[-1] == "1 passed, 1 failed"


def test_a_failure_names_findings_as_a_learner_would(tmp_path, pack, triager):
    # A see-a-doctor finding is a "reason to see a doctor", an urgent one a "warning sign";
    # never "serious" or "red flag" in what a learner reads.
    path = write(tmp_path, "kinds", """
        id: kinds
        title: Numb legs, expected to be a clot
        given: {numbness: true, duration_minutes: 1.5}
        expect:
          serious_include: [possible_dvt]
          rules_not_fired: [RF-NUMBNESS]
        teaching_note: Wrong on purpose.
    """)
    [case] = load_scenario_file(path, pack)
    report = failure_report(run_case(triager, case)).splitlines()
    numbness = pack.terms.findings["numbness"].label
    assert report[1] == (
        "  serious_include (line 5): expected possible_dvt (warning sign: Swelling of one leg, or red or warm skin "
        "over the painful area (possible blood clot in a leg vein, DVT)) among the warning signs or reasons to see "
        f"a doctor found; got numbness (reason to see a doctor: {numbness})")
    assert report[2] == (
        f"  rules_not_fired (line 6): expected RF-NUMBNESS ({pack.rule_by_id['RF-NUMBNESS'].title}) not to fire; "
        "got fired")
    assert report[3] == "  answers read: numbness: true, duration_minutes: 1.5 (line 3)"
    assert report[4] == f"  reasons to see a doctor found: numbness ({numbness})"
    assert not any("serious" in line.partition(":")[2] or "red flag" in line for line in report)


def test_run_quiet_shows_failures_only(tmp_path):
    write(tmp_path, "good", GOOD)
    result = runner.invoke(app, ["scenarios", "run", "-q", str(tmp_path)])
    assert result.exit_code == 0
    assert result.stdout == "1 passed, 0 failed\n"


def test_run_json(tmp_path):
    write(tmp_path, "good", GOOD)
    write(tmp_path, "bad", FAILING)
    result = runner.invoke(app, ["scenarios", "run", "--json", str(tmp_path)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["passed"], report["failed"]) == (1, 1)
    by_id = {case["id"]: case for case in report["cases"]}
    assert by_id["swollen-calf"]["passed"] is True
    assert by_id["wrongly-benign"]["level"] == "urgent"
    assert {"expectation": "level", "expected": "self_care", "actual": "urgent"} in by_id["wrongly-benign"]["mismatches"]
    assert "RF-DVT" in by_id["wrongly-benign"]["rules_fired"]


def test_junit_xml_parses_and_marks_the_failure(tmp_path):
    write(tmp_path, "good", GOOD)
    write(tmp_path, "bad", FAILING)
    out = tmp_path / "junit.xml"
    result = runner.invoke(app, ["scenarios", "run", "-q", "--junit", str(out), str(tmp_path)])
    assert result.exit_code == 1
    root = ET.parse(out).getroot()
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"swollen-calf", "wrongly-benign"}
    assert cases["swollen-calf"].find("failure") is None
    failure = cases["wrongly-benign"].find("failure")
    assert failure is not None and "level: expected self_care; got urgent" in failure.get("message", "")
    assert "rules fired:" in (failure.text or "")


def test_another_rule_pack_with_rules(tmp_path):
    # The same vignette against a pack whose DVT rule is retired: the case now fails.
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_path(), rules)
    red_flags = rules / "red-flags.yaml"
    text = red_flags.read_text(encoding="utf-8")
    status = text.index("status: active", text.index("id: RF-DVT"))
    red_flags.write_text(text[:status] + "status: retired" + text[status + len("status: active"):], encoding="utf-8")
    path = write(tmp_path, "good", GOOD.replace("rules_fired_include: [RF-DVT]", "rules_fired_include: []"))
    assert runner.invoke(app, ["scenarios", "run", "-q", str(path)]).exit_code == 0
    result = runner.invoke(app, ["scenarios", "run", "-q", str(path), "--rules", str(rules)])
    assert result.exit_code == 1
    assert "    level (line 5): expected urgent (Get medical help today); got self_care (Self-care at home)" in \
        result.stdout.splitlines()


# --- coverage -------------------------------------------------------------------------------------


def test_coverage_names_rules_no_scenario_fires(tmp_path):
    write(tmp_path, "good", GOOD)
    result = runner.invoke(app, ["scenarios", "coverage", "--json", str(tmp_path)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert "RF-PE" in report["rules_not_fired"] and "RF-DVT" not in report["rules_not_fired"]
    assert report["fired_by"]["RF-DVT"] == ["swollen-calf"]
    assert "possible_pe" in report["unchecked"]["serious_include"]
    assert "possible_dvt" not in report["unchecked"]["serious_include"]


def test_the_shipped_library_reaches_every_active_rule(pack, triager):
    outcomes = [run_case(triager, case) for case in load_cases([LIBRARY], pack)]
    fired = {rule for outcome in outcomes for rule in outcome.rules_fired}
    assert {rule.id for rule in pack.active_rules} <= fired
    report = coverage(outcomes, pack)
    assert report.rules_not_fired == []
    result = runner.invoke(app, ["scenarios", "coverage", str(LIBRARY)])
    assert result.exit_code == 0
    assert "Rules no scenario fires: none" in result.stdout.splitlines()


def test_the_shipped_library_checks_every_level_cause_red_flag_and_referral(pack, triager):
    outcomes = [run_case(triager, case) for case in load_cases([LIBRARY], pack)]
    assert coverage(outcomes, pack).unchecked == {
        "level": [], "causes_include": [], "serious_include": [], "see_include": [], "rules_fired_include": []}


def test_the_shipped_library_is_a_teaching_library(pack):
    files = find_scenario_files([LIBRARY])
    assert len(files) >= 40
    cases = load_cases([LIBRARY], pack)
    assert all(len(case.teaching_note.split()) >= 15 for case in cases)
    tags = {tag for case in cases for tag in case.tags}
    assert {"typical", "article-cause", "red-flag", "near-miss", "combination", "unknown"} <= tags
    # Every file's id is its file name, so a learner finds a scenario from its id.
    for path in files:
        assert load_scenario_file(path, pack)[0].id.partition("[")[0] == path.name.removesuffix(".scenario.yaml")


# --- the shipped library passes through the CLI and through pytest --------------------------------


def test_the_shipped_library_passes_through_the_cli(pack):
    count = len(load_cases([LIBRARY], pack))
    result = runner.invoke(app, ["scenarios", "run", str(LIBRARY)])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == f"{count} passed, 0 failed"
    assert result.stdout.count("\nPASS  ") + result.stdout.startswith("PASS  ") == count


def test_the_shipped_library_passes_through_pytest(pytester, pack):
    count = len(load_cases([LIBRARY], pack))
    result = pytester.runpytest_inprocess(str(LIBRARY), "-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=count)


# --- the pytest plugin ------------------------------------------------------------------------------


def test_pytest_plugin_collects_scenarios_and_reports_a_failure_readably(pytester):
    write(pytester.path, "good", GOOD)
    write(pytester.path, "bad", FAILING)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*wrongly-benign (*bad.scenario.yaml): A swollen calf expected to be self-care",
        "  level (line 5): expected self_care (Self-care at home); got urgent (Get medical help today)",
        "  causes_include (line 6): expected pregnancy (Pregnancy) among the causes; got *",
        "  rules_fired_include (line 7): expected SC-STRETCH (Calf stretch on a step) to fire; got not fired",
        "  answers read: leg_swelling: true (line 3)",
        "  rules fired:",
        "    RF-DVT (Possible blood clot in a leg vein (DVT))",
        "*",
        "  teaching note: This expectation is wrong on purpose.",
    ])
    assert "Traceback" not in result.stdout.str()


def test_pytest_plugin_names_each_case(pytester):
    write(pytester.path, "variants", """
        id: variants
        title: t
        given: {numbness: true}
        teaching_note: n
        cases:
          - name: first
            expect: {level: see_professional}
          - name: second
            expect: {serious_include: [numbness]}
    """)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*variants.scenario.yaml::first PASSED*", "*variants.scenario.yaml::second PASSED*"])


def test_pytest_plugin_reports_a_bad_file_as_one_line(pytester):
    path = write(pytester.path, "bad", GOOD.replace("level: urgent", "level: urgentt"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED  # a collection error stops the run
    result.stdout.fnmatch_lines([
        f"invalid scenario file {path}: expect.level (line 5): unknown level 'urgentt'; "
        "did you mean 'urgent'? allowed: self_care, see_professional, urgent, emergency"])
    assert "Traceback" not in result.stdout.str()


def test_pytest_plugin_uses_another_pack_with_scenario_rules(pytester):
    rules = pytester.path / "rules"
    shutil.copytree(default_rules_path(), rules)
    red_flags = rules / "red-flags.yaml"
    text = red_flags.read_text(encoding="utf-8")
    status = text.index("status: active", text.index("id: RF-DVT"))
    red_flags.write_text(text[:status] + "status: retired" + text[status + len("status: active"):], encoding="utf-8")
    write(pytester.path, "good", GOOD.replace("rules_fired_include: [RF-DVT]", "rules_fired_include: []"))
    pytester.runpytest_inprocess("-p", "no:cacheprovider", "good.scenario.yaml").assert_outcomes(passed=1)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--scenario-rules", str(rules), "good.scenario.yaml")
    result.assert_outcomes(failed=1)


# --- what if ------------------------------------------------------------------------------------------


def test_what_if_shows_rules_that_stop_and_start(pack, triager):
    [case] = load_scenario_file(LIBRARY / "pregnant-with-swollen-calf.scenario.yaml", pack)
    not_pregnant = what_if(triager, case, [("pregnant", False)])
    # The clot sign does not depend on the pregnancy: still urgent, but pregnancy is no longer a cause.
    assert not_pregnant.after.level is Level.urgent
    assert {"RK-PREGNANCY", "CA-PREGNANCY"} <= set(not_pregnant.rules_stopped)
    # At urgent the routine midwife referral never fired, so it cannot stop.
    assert "AD-PREGNANCY" not in not_pregnant.rules_stopped
    assert "RF-DVT" not in not_pregnant.rules_stopped
    assert not_pregnant.changes == {"pregnant": (True, False)}
    no_swelling = what_if(triager, case, [("leg_swelling", "none")])
    assert no_swelling.after.level is Level.self_care
    assert {"RF-DVT", "RF-SWELLING-PREGNANCY", "LV-URGENT"} <= set(no_swelling.rules_stopped)
    # pregnant: the stretch holding a support, never on a step edge (pack 2.0)
    assert "SC-STRETCH-SUPPORTED" in no_swelling.rules_started and "SC-STRETCH" not in no_swelling.rules_started


def test_what_if_on_the_command_line(tmp_path):
    path = write(tmp_path, "good", GOOD)
    result = runner.invoke(app, ["scenarios", "what-if", str(path), "--change", "breathless_or_chest_pain=true"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "changed breathless_or_chest_pain: not known -> yes" in out
    assert "as written" in out and "what if" in out
    level_row = next(line for line in out.splitlines() if "level" in line and "urgent" in line)
    assert level_row.index("urgent") < level_row.index("emergency")
    started = next(line for line in out.splitlines() if line.startswith("Rules that started firing:"))
    assert "RF-PE" in started and "RF-BREATHLESS" in started and "LV-EMERGENCY" in started
    # The same-day referral gives way to emergency services.
    stopped = next(line for line in out.splitlines() if line.startswith("Rules that stopped firing:"))
    assert "AD-SEE-URGENT" in stopped and "AD-SEE-EMERGENCY" in started


def test_what_if_says_whether_each_expectation_still_holds(tmp_path):
    path = write(tmp_path, "long", LONG_CRAMP)
    result = runner.invoke(app, ["scenarios", "what-if", str(path), "--change", "duration_minutes=10"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    at = lines.index("Expectations, as written -> what if:")
    assert lines[at + 1:at + 4] == [
        "  level: self_care (line 5): fails (got see_professional) -> holds",
        "  causes_include: idiopathic (line 6): holds -> holds",
        "  rules_fired_include: RF-LONG (line 7): holds -> fails (got not fired)",
    ]
    # The table names what was found as a learner would.
    row = next(line for line in lines if "reasons to see a doctor" in line)
    assert "long_cramp" in row and row.split("│")[1].strip() == "reasons to see a doctor *"
    assert not any(line.startswith("│ serious") for line in lines)
    as_json = json.loads(runner.invoke(app, ["scenarios", "what-if", str(path), "--json",
                                             "-c", "duration_minutes=10"]).stdout)
    assert as_json["expectations"] == [
        {"expectation": "level", "expected": "self_care", "line": 5, "as_written": False, "what_if": True},
        {"expectation": "causes_include", "expected": "idiopathic", "line": 6, "as_written": True, "what_if": True},
        {"expectation": "rules_fired_include", "expected": "RF-LONG", "line": 7, "as_written": True,
         "what_if": False},
    ]
    assert as_json["saved_case"] is None


LONG_CRAMP = """
    id: long-cramp
    title: A long cramp that eases
    given: {duration_minutes: 12, locations: [calf], during_sleep: true, eases_with_movement: true}
    expect:
      level: self_care
      causes_include: [idiopathic]
      rules_fired_include: [RF-LONG]
    teaching_note: She thinks it is an ordinary cramp.
"""


def test_save_case_turns_a_one_case_file_into_cases_keeping_its_comments(tmp_path, pack, triager):
    path = tmp_path / "commented.scenario.yaml"
    path.write_text(template("commented"), encoding="utf-8")
    [original] = load_scenario_file(path, pack)
    comments = sorted(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                      if line.lstrip().startswith("#"))
    result = runner.invoke(app, ["scenarios", "what-if", str(path), "-c", "leg_swelling=one_leg", "-c", "pregnant=",
                                 "--save-case", "swollen-leg"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"saved case swollen-leg in {path}; run it with: cramp-triage scenarios run {path}\n"
    text = path.read_text(encoding="utf-8")
    assert sorted(line.strip() for line in text.splitlines() if line.lstrip().startswith("#")) == comments  # all kept
    assert "      # serious_include: [possible_dvt]" in text  # moved with its block
    assert "\nexpect:" not in text and "\ncases:\n  - name: as-written\n    expect:\n      level: self_care" in text
    cases = load_scenario_file(path, pack)
    assert [case.name for case in cases] == ["as-written", "swollen-leg"]
    as_written, saved = cases
    assert as_written.expect == original.expect and as_written.given == original.given
    assert run_case(triager, as_written).passed
    # The new case: only what changed, "don't know" as null, and the outcome it gives as its expect.
    assert saved.given == {**as_written.given, "leg_swelling": "one_leg", "pregnant": None}
    assert "pregnant" not in saved.intake.answered()
    assert "    given: {leg_swelling: one_leg, pregnant: null}" in text
    outcome = run_case(triager, saved)
    assert outcome.passed
    assert saved.expect.level is Level.urgent and saved.expect.level is outcome.result.level
    assert saved.expect.serious_include == [f.id for f in outcome.result.serious]
    assert saved.expect.causes_include == [c.category for c in outcome.result.causes]
    assert saved.expect.see_include == [r.id for r in outcome.result.see]
    assert saved.teaching_note.startswith("What if: leg_swelling one_leg instead of none, pregnant not known "
                                          "instead of false.")


def test_save_case_appends_to_cases_and_refuses_a_name_in_use(tmp_path, pack, triager):
    path = write(tmp_path, "variants", """
        id: variants
        title: Numb legs
        given: {numbness: true}
        teaching_note: n
        cases:
          - name: first
            expect: {level: see_professional}

          # a comment after the cases stays where it is
        tags: [x]
    """)
    before = path.read_text(encoding="utf-8")
    result = runner.invoke(app, ["scenarios", "what-if", str(path), "--case", "first", "-c", "breathless_or_chest_pain=true",
                                 "--save-case", "breathless"])
    assert result.exit_code == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith(before[:before.index("\n\n  # a comment")])
    assert text.endswith("\n\n  # a comment after the cases stays where it is\ntags: [x]\n")
    cases = load_scenario_file(path, pack)
    assert [case.name for case in cases] == ["first", "breathless"]
    assert cases[1].given == {"numbness": True, "breathless_or_chest_pain": True}
    assert cases[1].expect.level is Level.emergency and run_case(triager, cases[1]).passed
    for name, message in [("first", "this file already has a case named 'first'; choose another name"),
                          ("breathless", "this file already has a case named 'breathless'; choose another name"),
                          ("Not A Slug", "case name 'Not A Slug': use lower-case letters and digits in words joined "
                                         "by hyphens, e.g. not-pregnant")]:
        refused = runner.invoke(app, ["scenarios", "what-if", str(path), "--case", "first", "-c", "pregnant=true",
                                      "--save-case", name])
        assert refused.exit_code == 2 and refused.stdout == ""
        assert refused.stderr == f"cramp-triage: error: cannot save a case to {path}: --save-case: {message}\n"
    assert path.read_text(encoding="utf-8") == text  # nothing written when refused


def test_save_case_refuses_cases_written_in_flow_style(tmp_path):
    path = write(tmp_path, "flow", "id: x\ntitle: t\nteaching_note: n\ncases: [{name: a, expect: {level: urgent}}]\n"
                 "given: {leg_swelling: one_leg}\n")
    before = path.read_text(encoding="utf-8")
    result = runner.invoke(app, ["scenarios", "what-if", str(path), "-c", "pregnant=true", "--save-case", "b"])
    assert result.exit_code == 2
    assert "its `cases:` are not a block list" in result.stderr
    assert path.read_text(encoding="utf-8") == before


def test_what_if_json(tmp_path):
    path = write(tmp_path, "good", GOOD)
    result = runner.invoke(app, ["scenarios", "what-if", str(path), "--json", "-c", "leg_swelling=", "-c", "numbness=true"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["changes"] == {"leg_swelling": {"before": True, "after": None}, "numbness": {"before": None, "after": True}}
    assert (report["before"]["level"], report["after"]["level"]) == ("urgent", "see_professional")
    assert "RF-DVT" in report["rules_stopped"] and "RF-NUMBNESS" in report["rules_started"]


@pytest.mark.parametrize(("change", "message"), [
    ("pregnant", "invalid change: pregnant: write it as field=value, e.g. pregnant=false"),
    ("pregnnt=true", "invalid change: pregnnt=true: unknown intake field 'pregnnt'; did you mean 'pregnant'? allowed: "),
    ("pregnant=perhaps", "invalid intake: pregnant: Input should be true or false (leave the answer out if it is not known)"),
    ("cramps_per_week=-1", "invalid intake: cramps_per_week: Input should be greater than or equal to 0"),
])
def test_what_if_bad_changes(tmp_path, change, message):
    path = write(tmp_path, "good", GOOD)
    result = runner.invoke(app, ["scenarios", "what-if", str(path), "--change", change])
    assert result.exit_code == 2
    assert result.stderr.startswith("cramp-triage: error: " + message)
    assert result.stdout == ""


def test_what_if_on_a_file_with_cases_needs_a_case():
    path = LIBRARY / "three-cramps-a-week.scenario.yaml"
    result = runner.invoke(app, ["scenarios", "what-if", str(path), "--change", "persistent=true"])
    assert result.exit_code == 2
    assert result.stderr == "cramp-triage: error: this file has 2 cases; choose one with --case: three, four\n"
    result = runner.invoke(app, ["scenarios", "what-if", str(path), "--case", "three", "--change", "cramps_per_week=4"])
    assert result.exit_code == 0
    assert "RF-FREQUENT" in next(line for line in result.stdout.splitlines() if line.startswith("Rules that started"))


def test_parse_change_reads_values_as_yaml():
    assert parse_change("duration_minutes=12.5") == ("duration_minutes", 12.5)
    assert parse_change("locations=calf") == ("locations", ["calf"])
    assert parse_change("locations=[calf, foot]") == ("locations", ["calf", "foot"])
    assert parse_change("leg-swelling=false") == ("leg_swelling", False)
    assert parse_change("pregnant=") == ("pregnant", None)
    assert parse_change("medications=Lipitor 20 mg") == ("medications", ["Lipitor 20 mg"])


# --- new ------------------------------------------------------------------------------------------------


def test_new_prints_a_template_that_loads_and_passes(tmp_path, pack, triager):
    result = runner.invoke(app, ["scenarios", "new"])
    assert result.exit_code == 0
    assert result.stdout == template()
    assert result.stdout.count("\n#") >= 5  # it is commented
    path = tmp_path / "t.scenario.yaml"
    path.write_text(result.stdout, encoding="utf-8")
    [case] = load_scenario_file(path, pack)
    assert run_case(triager, case).passed


def test_new_writes_a_file_named_for_its_id_and_will_not_overwrite(tmp_path, pack):
    path = tmp_path / "Pregnant Calf.scenario.yaml"
    result = runner.invoke(app, ["scenarios", "new", str(path)])
    assert result.exit_code == 0
    assert load_scenario_file(path, pack)[0].id == "pregnant-calf"
    again = runner.invoke(app, ["scenarios", "new", str(path)])
    assert again.exit_code == 2
    assert again.stderr == f"cramp-triage: error: {path} already exists; use --force to overwrite it\n"
    assert runner.invoke(app, ["scenarios", "new", str(path), "--force"]).exit_code == 0
    wrong = runner.invoke(app, ["scenarios", "new", str(tmp_path / "x.yaml")])
    assert wrong.exit_code == 2
    assert "name scenario files NAME.scenario.yaml" in wrong.stderr
