"""`--help` for people at the keyboard: `check` and `explain` in sections with metavars that say
what to type, the root listing each command's whole summary, and shell completion that works."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run

from cramp_triage import Intake, RulePack, default_rules_path
from cramp_triage.cli import app
from cramp_triage.cli.intake_options import INPUT_PANEL, OUTPUT_PANEL, PANELS
from cramp_triage.interview.relevance import fields_read

SCRIPT = Path(sys.executable).with_name("cramp-triage")


def sections(help_text: str) -> dict[str, str]:
    """The sections of a plain help page: a title line ending in ':' and the lines under it."""
    found: dict[str, str] = {}
    title = None
    for line in help_text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            title = line[:-1]
            found[title] = ""
        elif title is not None:
            found[title] += line + "\n"
    return found


def test_every_intake_field_is_in_exactly_one_section() -> None:
    listed = [field for fields in PANELS.values() for field in fields]
    assert sorted(listed) == sorted(Intake.model_fields) and len(listed) == len(set(listed))


def test_the_warning_signs_section_holds_only_what_red_flag_rules_read() -> None:
    pack = RulePack.load(default_rules_path())
    read_by_red_flags = {field for rule in pack.active_rules if rule.layer == "red_flag"
                         for pattern in rule.when for field in fields_read(pattern.negated or pattern)}
    assert set(PANELS["Warning signs (red flags)"]) <= read_by_red_flags


@pytest.mark.parametrize("command", ["check", "explain"])
def test_check_and_explain_group_their_options_in_sections(command: str) -> None:
    result = run(command, "--help", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    found = sections(result.stdout)
    assert list(found)[:len(PANELS) + 2] == [*PANELS, INPUT_PANEL, OUTPUT_PANEL]
    for panel, fields in PANELS.items():
        for field in fields:
            assert f"--{field.replace('_', '-')}" in found[panel], (panel, field)
    assert "--input FILE" in found[INPUT_PANEL] and "--case NAME" in found[INPUT_PANEL]
    assert "--json" in found[OUTPUT_PANEL]
    assert max(len(line) for line in result.stdout.splitlines()) <= 80  # wrapped, not cut: no "…"
    assert "…" not in result.stdout and "╭" not in result.stdout


def test_each_option_says_what_to_type() -> None:
    text = run("check", "--help").stdout
    flat = " ".join(text.split())
    for option in ("--duration-minutes, --duration MINUTES", "--locations, --location PLACE",
                   "--medications, --medication NAME", "--age-years, --age YEARS", "--cramps-per-week NUMBER",
                   "--leg-swelling [one_leg|both_legs|none]", "--save-answers FILE", "--rules PATH"):
        assert option in flat, option
    assert not re.search(r"<[a-z]", text), "a type shown as <float> or <list[...]>"
    assert "--no-color" in sections(text)[OUTPUT_PANEL]


def test_the_root_help_gives_each_commands_whole_summary() -> None:
    flat = " ".join(run("--help", env={"COLUMNS": "80"}).stdout.split())
    import typer

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        summary = " ".join((command.help or "").strip().split("\n\n")[0].split())
        assert f"{name} {summary}" in flat, name
    assert "..." not in flat.split("Commands:")[1].replace('"result": ...', "").replace('"error": ...', "")


def test_help_does_not_load_rich() -> None:
    code = ("import sys\nfrom cramp_triage.cli import app\n"
            "try:\n    app(['check', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_check_with_a_json_file_loads_neither_rich_nor_the_interview() -> None:
    # the fast path (a tool calling `check --input FILE --json`) pays for nothing it does not use
    example = Path(__file__).resolve().parents[1] / "examples" / "night-cramp.json"
    code = ("import sys, io, contextlib\nfrom cramp_triage.cli import app\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    try:\n        app(['check', '--input', {str(example)!r}, '--json'])\n"
            "    except SystemExit:\n        pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich' or m in "
            "('cramp_triage.cli.interview', 'cramp_triage.cli.saved_answers', 'cramp_triage.interview.amounts')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr


# -- shell completion --

@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_script_completes_commands_options_and_choices(tmp_path: Path) -> None:
    script = run("--show-completion", "bash")
    assert script.exit_code == 0 and "complete " in script.stdout and "_CRAMP_TRIAGE_COMPLETE" in script.stdout
    (tmp_path / "completion.bash").write_text(script.stdout)

    def complete(*words: str) -> list[str]:
        line = (f"source {tmp_path / 'completion.bash'}; COMP_WORDS=(cramp-triage {' '.join(words)}); "
                f"COMP_CWORD={len(words)}; _cramp_triage_completion cramp-triage; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
        env = {**os.environ, "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        done = subprocess.run(["bash", "-c", line], capture_output=True, text=True, env=env, timeout=60)
        return done.stdout.split()

    assert complete("ch") == ["check"]
    assert {"--duration", "--during-sleep"} <= set(complete("check", "--dur"))
    assert complete("check", "--leg-swelling", "") == ["one_leg", "both_legs", "none"]


def test_install_completion_writes_the_script_where_the_shell_reads_it(tmp_path: Path) -> None:
    result = run("--install-completion", "bash", env={"HOME": str(tmp_path), "SHELL": "/bin/bash"})
    assert result.exit_code == 0, result.stdout + result.stderr
    script = tmp_path / ".bash_completions" / "cramp-triage.sh"
    assert "_CRAMP_TRIAGE_COMPLETE" in script.read_text()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()
