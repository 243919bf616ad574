"""`cramp-triage check`, `--version` and the CLI's error handling, through typer's runner."""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from cli_helpers import assert_one_line_error, copy_pack, run

from cramp_triage import RulePack, default_rules_path, triage
from cramp_triage.cli.app import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK
from cramp_triage.cli.render import MAX_WIDTH, render_text

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "night-cramp.json"
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[0-9;]*m")


def test_json_result_from_options_matches_the_library() -> None:
    result = run("check", "--duration", "2", "--location", "calf", "--medication", "Lipitor 20 mg", "--json")
    assert result.exit_code == EXIT_OK, result.stderr
    shown = json.loads(result.stdout)
    expected = triage({"duration_minutes": 2, "locations": ["calf"], "medications": ["Lipitor 20 mg"]})
    assert shown == expected.model_dump(mode="json")
    assert result.stderr == ""


def test_options_override_the_input_file() -> None:
    result = run("check", "--input", str(EXAMPLE), "--leg-swelling", "one_leg", "--json")
    shown = json.loads(result.stdout)
    given = json.loads(EXAMPLE.read_text())
    assert shown == triage({**given, "leg_swelling": "one_leg"}).model_dump(mode="json")
    assert shown["level"] == "urgent"


def test_input_from_stdin() -> None:
    result = run("check", "--input", "-", "--json", stdin=EXAMPLE.read_text())
    assert json.loads(result.stdout) == triage(json.loads(EXAMPLE.read_text())).model_dump(mode="json")


def test_text_puts_the_level_first_and_ends_with_the_disclaimer() -> None:
    result = run("check", "--breathless-or-chest-pain")
    assert result.exit_code == EXIT_OK
    answer = triage({"breathless_or_chest_pain": True})
    lines = result.stdout.splitlines()
    assert lines[0].strip() == answer.level_label.upper()
    flat = " ".join(result.stdout.split())
    assert answer.do_now.split(".")[0] in flat
    assert " ".join(answer.disclaimer.split()) in flat
    assert flat.index("If it gets worse") < flat.index("Possible causes") < flat.index(" ".join(answer.disclaimer.split()))


def test_wrapped_list_items_keep_a_hanging_indent() -> None:
    import io

    answer = triage(json.loads(EXAMPLE.read_text()))
    out = io.StringIO()
    render_text(answer, out, color=False)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= MAX_WIDTH
    assert all(line == line.rstrip() for line in lines[1:])
    in_list = False
    continued = 0
    for line in lines:
        if line.startswith("  - "):
            in_list = True
        elif in_list and line:
            assert line.startswith("    "), f"list item continues without its indent: {line!r}"
            continued += 1
        else:
            in_list = False
    assert continued > 0  # the example has items long enough to wrap
    text = " ".join(out.getvalue().split())
    for step in answer.self_care:
        assert step.text in text


def test_colour_only_where_asked_and_never_with_no_color() -> None:
    coloured = run("check", "--leg-swelling", "one_leg", env={"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm"})
    assert COLOUR.search(coloured.stdout)
    plain = run("check", "--leg-swelling", "one_leg", env={"FORCE_COLOR": "1", "NO_COLOR": "1", "TERM": "xterm"})
    assert not COLOUR.search(plain.stdout)
    assert "GET MEDICAL HELP TODAY" in plain.stdout


@pytest.mark.parametrize("args", [
    ["check", "--bogus"],
    ["check", "--duration", "abc"],
    ["check", "--location", "knee"],
    ["check", "--duration", "5000"],
    ["check", "--input", "/nonexistent/intake.json"],
    ["check", "--rules", "/nonexistent/pack"],
    ["nonsense"],
])
def test_user_errors_are_one_line_with_exit_code_2(args: list[str]) -> None:
    assert_one_line_error(run(*args), EXIT_BAD_INPUT)


def test_bad_json_intake_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "intake.json"
    bad.write_text(json.dumps({"duration_minutes": -3, "colour": "red"}))
    result = run("check", "--input", str(bad))
    assert_one_line_error(result, EXIT_BAD_INPUT)
    assert "duration_minutes" in result.stderr and "colour" in result.stderr


def test_an_internal_failure_is_one_line_with_exit_code_3(monkeypatch: pytest.MonkeyPatch) -> None:
    from cramp_triage import Triager

    def broken(self: Triager, intake: object, region: object = None) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(Triager, "triage", broken)
    result = run("check", "--duration", "2", "--json")
    assert result.exit_code == EXIT_INTERNAL
    assert result.stderr.strip() == "cramp-triage: internal error (RuntimeError): simulated bug"
    assert result.stdout == ""


def test_an_engine_error_is_one_line_with_exit_code_3(monkeypatch: pytest.MonkeyPatch) -> None:
    from cramp_triage import EngineError
    from cramp_triage import Triager

    def broken(self: Triager, intake: object, region: object = None) -> None:
        raise EngineError("rule RF-DVT failed", rule="RF-DVT")

    monkeypatch.setattr(Triager, "triage", broken)
    result = run("check", "--duration", "2", "--json")
    assert result.exit_code == EXIT_INTERNAL
    assert result.stderr.strip() == "cramp-triage: error: rule RF-DVT failed"


def test_version_names_library_and_rule_pack() -> None:
    result = run("--version")
    pack = RulePack.load(default_rules_path())
    assert result.exit_code == EXIT_OK
    assert result.stdout.strip() == f"cramp-triage {version('cramp-triage')} (rule pack {pack.name} {pack.version})"


def test_help_lists_exit_codes_and_an_example() -> None:
    top = run("--help")
    assert "Exit codes" in " ".join(top.stdout.split())
    check = " ".join(run("check", "--help").stdout.split())
    assert "Example: cramp-triage check" in check and "--no-input" in check


def test_custom_rule_pack(tmp_path: Path) -> None:
    pack = copy_pack(tmp_path)
    manifest = yaml.safe_load((pack / "pack.yaml").read_text())
    manifest["version"] = "9.9.9-test"
    (pack / "pack.yaml").write_text(yaml.safe_dump(manifest))
    result = run("check", "--duration", "2", "--json", "--rules", str(pack))
    assert json.loads(result.stdout)["rule_pack"]["version"] == "9.9.9-test"


@pytest.mark.parametrize("args", [["check", "--json"], ["check"], ["check", "--no-input"]])
def test_no_answers_without_a_terminal_refuses_instead_of_answering_nothing(args: list[str]) -> None:
    # Pack 1.0 printed a self-care answer to nothing (issue 9): it read as reassurance.
    result = run(*args, stdin="y\ny\n")
    assert_one_line_error(result, EXIT_BAD_INPUT)
    assert "no answers given" in result.stderr and "--input" in result.stderr
    assert result.stdout == ""


def test_an_empty_intake_given_on_purpose_is_triaged_and_lists_what_was_not_asked() -> None:
    result = run("check", "--input", "-", "--json", stdin="{}")
    assert result.exit_code == EXIT_OK
    shown = json.loads(result.stdout)
    assert shown == triage({}).model_dump(mode="json")
    assert shown["unanswered_red_flags"][:3] == ["breathless_or_chest_pain", "leg_swelling", "red_warm_skin"]
    assert "usually harmless" not in result.stdout


def test_text_output_names_the_signs_that_could_not_be_checked() -> None:
    result = run("check", "--duration", "2", "--location", "calf", "--during-sleep")
    flat = " ".join(result.stdout.split())
    assert result.exit_code == EXIT_OK
    assert "could not be checked" in flat and "breathlessness or chest pain" in flat
    assert "Call emergency services now" in flat


def test_the_swelling_option_takes_its_three_answers_and_says_them() -> None:
    assert json.loads(run("check", "--leg-swelling", "both_legs", "--json").stdout)["level"] == "see_professional"
    assert_one_line_error(run("check", "--leg-swelling", "yes"), EXIT_BAD_INPUT)
    help_text = " ".join(run("check", "--help").stdout.split())
    assert "one_leg" in help_text and "both_legs" in help_text and "--age-years" in help_text


# -- answers from a scenario file, and the same answers again for explain --

SCENARIOS = Path(__file__).resolve().parents[1] / "examples" / "scenarios"


@pytest.mark.parametrize("command", ["check", "explain"])
def test_a_scenario_file_gives_the_answers(command: str) -> None:
    path = SCENARIOS / "long-cramp-not-easing.scenario.yaml"
    given = yaml.safe_load(path.read_text())["given"]
    result = run(command, "--input", str(path), "--json")
    assert result.exit_code == EXIT_OK, result.stderr
    shown = json.loads(result.stdout)
    assert (shown if command == "check" else shown["result"]) == triage(given).model_dump(mode="json")


def test_case_chooses_one_case_of_several_and_a_wrong_choice_names_them() -> None:
    path = str(SCENARIOS / "sixteen-and-sixty-five.scenario.yaml")
    data = yaml.safe_load(Path(path).read_text())
    aged_15 = {**data["given"], **next(c for c in data["cases"] if c["name"] == "aged-15")["given"]}
    result = run("check", "--input", path, "--case", "aged-15", "--json")
    assert json.loads(result.stdout) == triage(aged_15).model_dump(mode="json")
    for args, says in [([], "holds 4 cases: choose one with --case NAME (aged-15, aged-16, aged-64, aged-65)"),
                       (["--case", "aged-99"], "has no case 'aged-99'; its cases: aged-15, aged-16")]:
        refused = run("explain", "--input", path, *args)
        assert_one_line_error(refused, EXIT_BAD_INPUT)
        assert says in refused.stderr
    assert_one_line_error(run("check", "--input", str(EXAMPLE), "--case", "x"), EXIT_BAD_INPUT)


@pytest.mark.parametrize("args", [
    ["--duration", "2", "--location", "calf", "--medication", "Lipitor 20 mg", "--no-eases-with-movement"],
    ["--input", str(EXAMPLE), "--leg-swelling", "one_leg"],
    ["--input", str(SCENARIOS / "sixteen-and-sixty-five.scenario.yaml"), "--case", "aged-65", "--age", "70"],
])
def test_the_last_line_is_the_explain_command_for_the_same_answers(args: list[str]) -> None:
    import shlex

    checked = run("check", *args)
    assert checked.exit_code == EXIT_OK, checked.stderr
    command = shlex.split(checked.stdout.rstrip().splitlines()[-1])
    assert command[:2] == ["cramp-triage", "explain"]
    explained = run(*command[1:], "--json")
    assert explained.exit_code == EXIT_OK, explained.stderr
    assert json.loads(explained.stdout)["result"] == json.loads(run("check", *args, "--json").stdout)


def test_save_answers_writes_what_input_reads_and_never_replaces_a_file_unasked(tmp_path: Path) -> None:
    target = tmp_path / "answers.json"
    result = run("check", "--duration", "1.5", "--location", "calf", "--save-answers", str(target))
    assert result.exit_code == EXIT_OK, result.stderr
    assert json.loads(target.read_text()) == {"duration_minutes": 1.5, "locations": ["calf"]}
    assert result.stdout.rstrip().splitlines()[-1].strip() == f"cramp-triage explain --input {target}"
    again = run("check", "--input", str(target), "--json")
    assert json.loads(again.stdout) == triage({"duration_minutes": 1.5, "locations": ["calf"]}).model_dump(mode="json")
    # no terminal to ask in: an existing file is kept, and nothing is triaged
    refused = run("check", "--duration", "20", "--save-answers", str(target), "--json")
    assert_one_line_error(refused, EXIT_BAD_INPUT)
    assert "exists and was not replaced" in refused.stderr and refused.stdout == ""
    assert json.loads(target.read_text()) == {"duration_minutes": 1.5, "locations": ["calf"]}
    # with --json, stdout is the result only
    other = tmp_path / "other.json"
    quiet = run("check", "--breathless-or-chest-pain", "--json", "--save-answers", str(other))
    assert json.loads(quiet.stdout)["level"] == "emergency" and quiet.stderr == ""
    assert json.loads(other.read_text()) == {"breathless_or_chest_pain": True}


def test_save_answers_into_a_folder_that_is_not_there_is_one_line(tmp_path: Path) -> None:
    result = run("check", "--duration", "2", "--save-answers", str(tmp_path / "missing" / "answers.json"))
    assert_one_line_error(result, EXIT_BAD_INPUT)
    assert "missing" in result.stderr
