"""batch never loses data (issue 15, item 6): OUT is replaced only when the run is complete, an
output that is the input is refused, the header is checked before anything is touched, a stray
quote or an oversized cell spoils one row only, and Ctrl-C or SIGTERM stop the workers, keep the
previous OUT byte for byte, and say how many rows were done."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cramp_triage import triage
from cramp_triage.batch import AtomicOutput
from cramp_triage.cli import app

CLI = [sys.executable, "-m", "cramp_triage.cli"]
PREVIOUS = b'{"line": 1, "result": "yesterday\'s results, which must survive"}\n' * 50


def batch(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "batch", *args], capture_output=True, timeout=300, **kwargs)


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_stray_quote_spoils_its_own_row_only(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text('leg_swelling,locations,medications\nnone,"calf,\n' + "one_leg,calf,\n" * 3, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = batch(str(source), "-o", str(out), "-w", "1")
    assert done.returncode == 1  # a row was rejected
    got = records(out)
    assert [r["line"] for r in got] == [2, 3, 4, 5]
    assert "does not close on this line" in got[0]["error"]["problems"][0]["message"]
    assert [r["result"]["level"] for r in got[1:]] == ["urgent"] * 3  # the three urgent rows are all there
    assert "4 lines: 3 triaged, 1 rejected" in done.stderr.decode()


def test_an_excel_byte_order_mark_is_read_past(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"\xef\xbb\xbfnumbness,pregnant\r\nyes,no\r\n")
    out = tmp_path / "out.jsonl"
    assert batch(str(source), "-o", str(out)).returncode == 0
    assert records(out)[0]["result"] == json.loads(triage({"numbness": True, "pregnant": False}).model_dump_json())


def test_an_oversized_cell_is_an_error_record_not_an_abort(tmp_path):
    rows = ["cramps_per_week,medications"] + [f"{n % 40},Lasix" for n in range(2001)]
    rows[769] = "3," + "x" * 200_000  # a 200 KB cell: the csv module's limit is 128 KiB
    source = tmp_path / "in.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = batch(str(source), "-o", str(out), "-w", "2")
    assert done.returncode == 1
    got = records(out)
    assert [r["line"] for r in got] == list(range(2, 2003))
    assert [r["line"] for r in got if "error" in r] == [770]
    assert "2001 lines: 2000 triaged, 1 rejected" in done.stderr.decode()


def test_cells_become_typed_values_before_validation(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("pregnant,duration_minutes,cramps_per_week\nTRUE,2.5,3\nmaybe,soon,2.5\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    batch(str(source), "-o", str(out))
    first, second = records(out)
    assert first["result"] == json.loads(triage({"pregnant": True, "duration_minutes": 2.5,
                                                 "cramps_per_week": 3}).model_dump_json())
    problems = {p["loc"]: p["message"] for p in second["error"]["problems"]}
    assert set(problems) == {"pregnant", "duration_minutes", "cramps_per_week"}
    assert "write yes, no, true or false" in problems["pregnant"]


def test_an_output_that_is_the_input_is_refused_hard_link_or_stdin(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"numbness": true}\n' * 3)
    linked = tmp_path / "linked.jsonl"
    os.link(source, linked)
    done = batch(str(source), "-o", str(linked))
    assert done.returncode == 2 and b"same file as IN" in done.stderr
    with open(source, "rb") as stdin:
        done = batch("-", "-o", str(source), stdin=stdin)
    assert done.returncode == 2 and b"same file as IN" in done.stderr
    assert source.read_bytes() == b'{"numbness": true}\n' * 3


@pytest.mark.parametrize("header", [b"nonsense,fields\n", b"", b"\xef\xbb\xbfduration,x\n"])
def test_a_bad_header_touches_nothing(tmp_path, header):
    source = tmp_path / "in.csv"
    source.write_bytes(header + b"1,2\n")
    out = tmp_path / "out.jsonl"
    out.write_bytes(PREVIOUS)
    done = batch(str(source), "-o", str(out))
    assert done.returncode == 2 and b"header" in done.stderr
    assert out.read_bytes() == PREVIOUS and leftovers(tmp_path) == []


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/stdin"])
def test_a_device_or_a_pipe_as_input_is_refused_not_read_for_ever(tmp_path, path):
    done = batch(path, "-o", str(tmp_path / "out.jsonl"), stdin=subprocess.PIPE if path == "/dev/stdin" else None)
    assert done.returncode == 2 and b"not a regular file" in done.stderr


def test_a_full_disk_keeps_the_previous_output(tmp_path, monkeypatch):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"numbness": true}\n' * 600)
    out = tmp_path / "out.jsonl"
    out.write_bytes(PREVIOUS)
    writes = []

    def full(self, text):
        writes.append(text)
        if len(writes) > 1:
            raise OSError(errno.ENOSPC, "No space left on device", str(self.path))
        return len(text)

    monkeypatch.setattr(AtomicOutput, "write", full)
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(out), "-w", "1"])
    assert result.exit_code == 2
    assert result.stderr == f"cramp-triage: error: cannot read or write {out}: No space left on device\n"
    assert out.read_bytes() == PREVIOUS and leftovers(tmp_path) == []


# --- stopping a run at random points ----------------------------------------------------------------

def _orphans(marker: str) -> list[int]:
    """Processes still running whose command line names this run's input."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def _started(folder: Path, child: subprocess.Popen) -> None:
    """Wait until the run has written its first lines (its temporary file is there): a signal
    during Python's own start-up is Python's to report, not the batch's."""
    deadline = time.monotonic() + 120
    while not leftovers(folder) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.parametrize(("how", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGINT, 130),
                                           (signal.SIGTERM, 143), (signal.SIGKILL, -9)])
def test_a_run_stopped_at_a_random_point_keeps_every_byte_of_the_previous_output(tmp_path, how, code):
    source = tmp_path / f"in-{how.name}-{random.randrange(10**9)}.jsonl"
    source.write_text("".join(json.dumps({"cramps_per_week": n % 300, "pregnant": n % 2 == 0}) + "\n"
                              for n in range(6000)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_bytes(PREVIOUS)
    child = subprocess.Popen([*CLI, "batch", str(source), "-o", str(out), "-w", "2"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    _started(tmp_path, child)
    time.sleep(random.uniform(0, 1.5))  # anywhere in the triage, or (rarely) after it
    child.send_signal(how)
    _, err = child.communicate(timeout=120)
    if b"6000 lines: 6000 triaged" in err:  # it finished first (the signal then ends Python's exit)
        assert len(records(out)) == 6000
        return
    assert child.returncode == code, err
    assert out.read_bytes() == PREVIOUS
    deadline = time.monotonic() + 10
    while _orphans(source.name) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _orphans(source.name) == []  # no worker left running
    if how != signal.SIGKILL:  # SIGKILL leaves its temporary file: nothing can clean up after it
        assert leftovers(tmp_path) == []
        assert b"cramp-triage: batch: stopped after " in err and b"left as it was" in err


def test_keep_partial_keeps_the_lines_done_beside_the_untouched_output(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"cramps_per_week": n % 300}) + "\n" for n in range(20000)),
                      encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_bytes(PREVIOUS)
    child = subprocess.Popen([*CLI, "batch", str(source), "-o", str(out), "-w", "1", "--keep-partial"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    partial = tmp_path / "out.jsonl.partial"
    _started(tmp_path, child)
    time.sleep(random.uniform(0, 1))
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 130, err
    assert out.read_bytes() == PREVIOUS
    done = records(partial)
    assert [r["line"] for r in done] == list(range(1, len(done) + 1))
    assert f"stopped after {len(done)} lines".encode() in err and b"out.jsonl.partial" in err
