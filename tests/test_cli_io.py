"""The CLI's I/O failures and terminals (issue 15, item 8): one mapping of I/O failures to exit
codes, and untrusted text that cannot take the terminal over. Run as real processes: a closed
stdout, a broken pipe and an ASCII-only stream only exist there."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap

import pytest

from cli_helpers import run

CLI = [sys.executable, "-m", "cramp_triage.cli"]
# An escape sequence that retitles the window, one that turns text red, and a right-to-left override.
HOSTILE = "Pills\x1b]0;pwned\x07 \x1b[31mred\u202eevil"


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", **kwargs.pop("env", {})}
    return subprocess.run([*CLI, *args], capture_output=True, timeout=120, env=env, **kwargs)


def assert_one_line(stderr: bytes, *parts: str) -> None:
    text = stderr.decode()
    assert text.count("\n") == 1 and text.startswith("cramp-triage: error: "), text
    assert "Traceback" not in text
    for part in parts:
        assert part in text, text


def test_a_full_disk_is_exit_code_2_with_the_reason():
    with open("/dev/full", "w") as full:
        done = subprocess.run([*CLI, "check", "--json", "--duration", "2"], stdout=full, stderr=subprocess.PIPE,
                              timeout=120)
    assert done.returncode == 2
    assert_one_line(done.stderr, "No space left on device")


def test_a_closed_stdout_is_exit_code_2_not_a_silent_0():
    done = cli("check", "--duration", "2", preexec_fn=lambda: os.close(1))
    assert done.returncode == 2
    assert_one_line(done.stderr, "standard output is closed")


def test_a_broken_pipe_is_quiet_with_exit_code_141(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"cramps_per_week": n % 50}) + "\n" for n in range(400)), encoding="utf-8")
    child = subprocess.Popen([*CLI, "batch", str(source), "-o", "-", "-w", "1", "-q"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline().startswith(b'{"line": 1,')
    child.stdout.close()  # as `| head -1` does
    _, err = child.communicate(timeout=120)
    assert child.returncode == 141
    assert err == b""


def test_json_to_an_ascii_only_stream_is_still_valid_json():
    done = cli("check", "--json", "--medication", "Héllo tablets ✓", env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("ascii")
    assert "\\u00e9" in text
    assert json.loads(text)["unrecognised_medications"] == ["Héllo tablets ✓"]


def test_text_to_an_ascii_only_stream_works():
    done = cli("check", "--medication", "Héllo", env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr
    assert "H\\u00e9llo" in done.stdout.decode("ascii")


def test_a_medicine_name_cannot_take_the_terminal_over():
    done = cli("check", "--medication", HOSTILE)
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "Pills\\u001b]0;pwned\\u0007 \\u001b[31mred\\u202eevil" in out
    # --json stays valid JSON and gives the name back exactly
    done = cli("check", "--json", "--medication", HOSTILE)
    assert "\x1b" not in done.stdout.decode() and "\u202e" not in done.stdout.decode()
    assert json.loads(done.stdout)["unrecognised_medications"] == [HOSTILE]


def test_colour_still_reaches_a_terminal_while_the_text_is_escaped():
    from cramp_triage import triage
    from cramp_triage.cli.render import render_text
    from cramp_triage.cli.streams import SafeText

    buffer = io.StringIO()
    render_text(triage({"duration_minutes": 2, "medications": [HOSTILE]}), SafeText(buffer), color=True)
    text = buffer.getvalue()
    assert "\x1b[" in text  # rich's own colour codes, written under the escaping stream
    assert "\\u001b]0;pwned" in text and "\x1b]0" not in text and "\u202e" not in text


def test_scenario_text_and_errors_are_escaped(tmp_path):
    path = tmp_path / "hostile.scenario.yaml"
    path.write_text(textwrap.dedent("""\
        id: hostile
        title: "Swollen \\e]0;pwned\\a calf \\u202eevil"
        given: {leg_swelling: true}
        expect: {level: urgent}
        teaching_note: "Clot \\e[31msigns\\e[0m."
    """), encoding="utf-8")
    done = cli("scenarios", "run", str(path))
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert "\x1b" not in out and "\u202e" not in out
    assert "Swollen \\u001b]0;pwned\\u0007 calf \\u202eevil" in out
    intake = tmp_path / "intake.json"
    intake.write_text(json.dumps({"\x1b]0;pwned\x07": True}), encoding="utf-8")
    done = cli("check", "--input", str(intake))
    assert done.returncode == 2
    assert_one_line(done.stderr, "\\u001b]0;pwned\\u0007")
    assert b"\x1b" not in done.stderr


def test_explain_escapes_a_custom_packs_text(tmp_path):
    from cli_helpers import copy_pack

    pack_dir = copy_pack(tmp_path)
    text = (pack_dir / "red-flags.yaml").read_text(encoding="utf-8")
    (pack_dir / "red-flags.yaml").write_text(text.replace(
        "title: Possible blood clot in a leg vein (DVT)", 'title: "Clot \\e]0;pwned\\a \\u202eevil"'), encoding="utf-8")
    done = cli("explain", "--leg-swelling", "one_leg", "--rules", str(pack_dir))
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert "Clot \\u001b]0;pwned\\u0007 \\u202eevil" in out and "\x1b" not in out


def test_the_exit_code_table_is_in_the_help():
    assert "141" in run("--help").stdout and "130" in run("--help").stdout


def test_stdout_is_put_back_after_a_command():
    before = sys.stdout
    run("rules", "list")
    assert sys.stdout is before


def test_ordinary_output_is_unchanged():
    done = cli("rules", "list")
    assert done.returncode == 0
    assert "\\u00" not in done.stdout.decode()
    # The intake schema holds \u escapes of its own (a pattern of space characters): they reach
    # the reader as they are, so the JSON reads back as the library's schema.
    schema = cli("schema", "intake")
    assert schema.returncode == 0
    from cramp_triage.schemas import intake_schema

    assert json.loads(schema.stdout) == intake_schema()
