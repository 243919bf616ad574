"""Privacy: a triage writes no file, opens no file or socket, starts no process, logs nothing and
prints nothing. Checked in a fresh interpreter with an audit hook (``sys.addaudithook``), which
sees every open, socket and process start, however deep in the library or the engine it happens."""

from __future__ import annotations

import json
import subprocess
import sys

_CHILD = r"""
import io, json, logging, sys
from contextlib import redirect_stderr, redirect_stdout

import cramp_triage
from cramp_triage import Triager, triage

INTAKES = [
    {},
    {"leg_swelling": True, "breathless_or_chest_pain": True, "medications": ["Lasix", "Crestor", "my own pills"]},
    {"duration_minutes": 3, "locations": ["calf"], "during_sleep": True, "pregnant": True},
    {"duration_minutes": 12, "eases_with_movement": False, "nerve_symptoms": True, "cramps_per_week": 9},
]
uncached = Triager(cache_size=0)
for answers in INTAKES:  # warm up: lazy imports and the engine are set up before we watch
    triage(answers); uncached.triage(answers)

WATCHED = ("open", "os.", "socket.", "subprocess.", "shutil.", "sqlite3.", "urllib.", "http.", "ftplib.",
           "smtplib.", "tempfile.", "pathlib.", "glob.", "fcntl.", "mmap.", "ctypes.", "webbrowser.", "_thread.")
events = []
def hook(event, args):
    if event.startswith(WATCHED):
        events.append(event)
sys.addaudithook(hook)

records = []
class Catch(logging.Handler):
    def emit(self, record):
        records.append(record.getMessage())
root = logging.getLogger()
root.addHandler(Catch()); root.setLevel(logging.DEBUG)

out, err = io.StringIO(), io.StringIO()
with redirect_stdout(out), redirect_stderr(err):
    for answers in INTAKES + [{"pregnant": False, "medications": ["simvastatin 40 mg"]}, {"numbness": True}]:
        triage(answers); uncached.triage(answers)
        triage(answers).model_dump_json()
watched = list(events)
sys.stdout.write(json.dumps({"events": watched, "records": records, "stdout": out.getvalue(),
                             "stderr": err.getvalue()}))
"""


def _run_child() -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_triage_opens_no_file_or_socket_and_starts_nothing():
    report = _run_child()
    assert report["events"] == []


def test_a_triage_logs_and_prints_nothing():
    report = _run_child()
    assert report["records"] == []
    assert report["stdout"] == "" and report["stderr"] == ""


def test_the_watch_itself_sees_a_file_being_opened(tmp_path):
    """The hook is not blind: the same child, told to write a file while watched, reports it."""
    child = _CHILD.replace("triage(answers).model_dump_json()",
                           f"open({str(tmp_path / 'leak.json')!r}, 'w').write(triage(answers).model_dump_json())")
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "open" in json.loads(done.stdout)["events"]


def test_importing_the_library_configures_no_logging_and_starts_no_thread():
    code = ("import logging, threading; before = threading.active_count(); import cramp_triage; "
            "cramp_triage.triage({'numbness': True}); "
            "print(logging.getLogger().handlers == [], threading.active_count() == before)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
