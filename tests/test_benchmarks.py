"""The scripts the docs give for rerunning the evidence at full size run, here at a small size,
so a reader who follows docs/safety.md or benchmarks/README.md does not meet a broken script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.mark.slow
def test_the_evidence_scripts_run_at_a_small_size() -> None:
    mutation = _run("benchmarks/mutation.py", "--limit", "20")
    assert mutation.returncode == 0, mutation.stderr
    assert "killed" in mutation.stdout
    soak = _run("benchmarks/soak.py", "--total", "3000", "--every", "1000")
    assert soak.returncode == 0, soak.stdout + soak.stderr
    assert "growth after the first 1,000" in soak.stdout
    medicines = _run("benchmarks/medicines.py", "--rounds", "1", "--json")
    assert medicines.returncode == 0, medicines.stderr
    figures = json.loads(medicines.stdout)
    assert all(figures["lazy"].values()), figures["lazy"]
    assert figures["figures_us"]["all"]["n"] == figures["strings"] == 712
    server = _run("benchmarks/server_throughput.py", "--n", "300", "--concurrency", "4", "--json")
    assert server.returncode == 0, server.stderr
    figures = json.loads(server.stdout)
    assert set(figures["workers"]) == {"1", "2"} and figures["workers"]["1"]["throughput"]["requests_per_second"] > 0
    load = _run("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_load.py",
                env={"CRAMP_LOAD_CALLS": "20"})
    assert load.returncode == 0, load.stdout[-2000:]
