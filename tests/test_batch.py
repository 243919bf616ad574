"""Batch triage: one output line per input line, in order, bad lines as error records, streamed."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cramp_triage import IntakeError, TriageResult, triage, triage_many
from cramp_triage import BatchInputError
from cramp_triage.batch.runner import CHUNK_RECORDS, IN_FLIGHT_PER_WORKER, run_batch
from cramp_triage.cli import app

GOOD = [
    {"duration_minutes": 2, "locations": ["calf"], "during_sleep": True},
    {"leg_swelling": True, "medications": ["Lasix", "Héllo tablets"]},
    {},
    {"breathless_or_chest_pain": True},
    {"pregnant": True, "cramps_per_week": 4, "medications": ["Lipitor 20 mg"]},
]


def expected_json(answers: dict) -> dict:
    return json.loads(triage(answers).model_dump_json())


def run(text: bytes, fmt: str = "jsonl", workers: int = 1, **kwargs) -> tuple[list[dict], object]:
    out = io.StringIO()
    summary = run_batch(io.BytesIO(text), out, fmt=fmt, workers=workers, **kwargs)
    lines = out.getvalue().splitlines()
    return [json.loads(line) for line in lines], summary


def jsonl(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def test_jsonl_gives_one_record_per_line_in_order_and_goes_on_after_bad_lines():
    lines = [
        json.dumps(GOOD[0]).encode(),
        b'{"duration_minutes": "long"}',
        b"",
        b"not json",
        json.dumps(GOOD[1], ensure_ascii=False).encode(),
        b"\xc3\x28",  # invalid UTF-8
        b"[1, 2]",
        b'{"lotions": ["calf"]}',
        json.dumps(GOOD[3]).encode(),
    ]
    records, summary = run(b"\n".join(lines) + b"\n")
    assert [r["line"] for r in records] == list(range(1, len(lines) + 1))
    assert (summary.triaged, summary.rejected, summary.lines) == (3, 6, 9)
    assert records[0]["result"] == expected_json(GOOD[0])
    assert records[4]["result"] == expected_json(GOOD[1])
    assert records[8]["result"]["level"] == "emergency"
    errors = {r["line"]: r["error"] for r in records if "error" in r}
    assert set(errors) == {2, 3, 4, 6, 7, 8}
    assert errors[2]["problems"][0]["loc"] == "duration_minutes"
    assert "empty line" in errors[3]["problems"][0]["message"]
    assert "not valid JSON" in errors[4]["problems"][0]["message"]
    assert "expected a JSON object" in errors[7]["problems"][0]["message"]
    assert errors[8]["problems"][0]["loc"] == "lotions"
    assert all(e["type"] == "IntakeError" for e in errors.values())


def test_csv_header_names_fields_empty_cells_are_unknown_and_lists_use_semicolons():
    text = (
        "duration_minutes,locations,leg_swelling,medications,during_sleep\n"
        "2,calf;foot,none,Lipitor 20 mg; aspirin,yes\n"
        ",,one_leg,,\n"
        '3,"calf\n",,,\n'  # a quoted cell over two lines: each line is its own (bad) row
        "1,knee,,,\n"
        "1,2\n"
        # pack 2.0: leg_swelling is one_leg, both_legs or none; a yes/no cell is refused, naming them
        ",,yes,,\n"
    ).encode()
    records, summary = run(text, fmt="csv")
    assert [r["line"] for r in records] == [2, 3, 4, 5, 6, 7, 8]
    assert records[0]["result"] == expected_json(
        {"duration_minutes": 2, "locations": ["calf", "foot"], "leg_swelling": "none",
         "medications": ["Lipitor 20 mg", "aspirin"], "during_sleep": True})
    assert records[1]["result"] == expected_json({"leg_swelling": "one_leg"})
    for record in records[2:4]:
        assert "does not close on this line" in record["error"]["problems"][0]["message"]
    assert records[4]["error"]["problems"][0]["loc"] == "locations.0"
    assert "header names 5" in records[5]["error"]["problems"][0]["message"]
    [problem] = records[6]["error"]["problems"]
    assert problem["loc"] == "leg_swelling" and "both_legs" in problem["message"]
    assert (summary.triaged, summary.rejected) == (2, 5)


@pytest.mark.parametrize("header", ["duration,locations\n", "locations,locations\n", ""])
def test_a_bad_csv_header_stops_the_batch_with_a_clear_error(header):
    with pytest.raises(BatchInputError) as caught:
        run((header + "calf,calf\n").encode(), fmt="csv")
    assert "header" in str(caught.value)


def test_two_workers_give_the_same_lines_in_the_same_order_as_one():
    answers = [dict(GOOD[i % len(GOOD)], cramps_per_week=i % 40) for i in range(CHUNK_RECORDS * 3 + 17)]
    lines = jsonl(answers).splitlines(keepends=True)
    lines[CHUNK_RECORDS + 5] = b"oops\n"  # a bad line inside the second chunk
    text = b"".join(lines)
    one, summary_one = run(text, workers=1)
    two, summary_two = run(text, workers=2)
    assert two == one
    assert len(two) == len(answers)
    assert [r["line"] for r in two] == list(range(1, len(answers) + 1))
    assert (summary_two.triaged, summary_two.rejected) == (len(answers) - 1, 1)
    assert (summary_one.triaged, summary_one.rejected) == (summary_two.triaged, summary_two.rejected)


@pytest.mark.parametrize("workers", [1, 2])
def test_input_is_read_as_it_is_triaged_not_all_at_once(workers):
    chunks = 4 * IN_FLIGHT_PER_WORKER * workers + 4
    text = jsonl([GOOD[0]] * (CHUNK_RECORDS * chunks))
    seen: list[int] = []
    out = io.StringIO()
    run_batch(io.BytesIO(text), out, workers=workers, on_progress=seen.append)
    # When the first chunk's lines are written, at most the chunks in flight have been read.
    ahead = IN_FLIGHT_PER_WORKER * workers + 2
    assert seen[0] <= len(text) * ahead / chunks
    assert seen == sorted(seen) and seen[-1] == len(text)
    assert len(out.getvalue().splitlines()) == CHUNK_RECORDS * chunks


def test_triage_many_yields_one_item_per_intake_in_order_lazily():
    def intakes():
        yield GOOD[0]
        yield {"duration_minutes": -1}
        yield "not a mapping"
        yield GOOD[3]

    items = triage_many(intakes())
    first = next(items)  # nothing past the first intake had to be read
    rest = list(items)
    assert isinstance(first, TriageResult) and first == triage(GOOD[0])
    assert isinstance(rest[0], IntakeError) and rest[0].problems[0].loc == "duration_minutes"
    assert isinstance(rest[1], IntakeError)
    assert rest[2].level.value == "emergency"
    assert list(triage_many([])) == []


# -- the command ---------------------------------------------------------------------------------


def test_batch_command_writes_one_line_per_input_line_and_a_summary(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(jsonl(GOOD) + b"{bad\n")
    target = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "--workers", "1"])
    assert result.exit_code == 1, result.output  # a line was rejected
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5, 6]
    assert records[1]["result"] == expected_json(GOOD[1])
    assert "error" in records[5]
    assert "6 lines: 5 triaged, 1 rejected" in result.stderr
    assert "\x1b[" not in result.stderr  # no progress bar when stderr is not a terminal


def test_batch_command_reads_csv_by_extension_and_exits_0_when_all_lines_triage(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("numbness,locations\nyes,calf\nno,\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(target), "-q"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert records[0]["result"] == expected_json({"numbness": True, "locations": ["calf"]})
    assert records[1]["result"] == expected_json({"numbness": False})
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.jsonl", "-o", "out.jsonl"], "cannot read missing.jsonl"),
        (["in.jsonl", "-o", "in.jsonl"], "same file"),
        (["in.jsonl", "-o", "out.jsonl", "--format", "xml"], "format: use one of jsonl, csv"),
        (["in.jsonl", "-o", "no/such/dir/out.jsonl"], "cannot write no/such/dir/out.jsonl"),
        (["in.jsonl", "-o", "/dev/null"], "not a regular file"),
    ],
)
def test_batch_command_usage_errors_are_one_line_with_exit_code_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    Path("in.jsonl").write_text("{}\n")
    result = CliRunner().invoke(app, ["batch", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_only_on_a_terminal(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    source = tmp_path / "in.jsonl"
    source.write_bytes(jsonl(GOOD * 200))
    exe = Path(sys.executable).with_name("cramp-triage")
    child = pexpect.spawn(str(exe), ["batch", str(source), "-o", str(tmp_path / "out.jsonl"), "-w", "1"],
                          env={**os.environ, "COLUMNS": "100"}, timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    shown = child.before.decode("utf-8", "replace")
    assert "triaging" in shown
    assert "1000 lines: 1000 triaged, 0 rejected" in shown
    assert child.exitstatus == 0
