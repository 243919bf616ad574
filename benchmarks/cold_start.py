"""Cold start of ``cramp-triage check --input FILE --json`` against a bare typer hello-world.

Both run as fresh processes, interleaved in the same run (this machine is shared and noisy:
absolute times drift, the ratio holds). Reports the median and best wall time of each and the
ratio of the medians; the target is a ratio of at most 1.3.

The children run as an installed command does: with .pyc files (PYTHONDONTWRITEBYTECODE is
dropped for them, or every start would compile the package from source) and with a cache folder
of this run (``CRAMP_TRIAGE_CACHE``), filled by the untimed warm-up start as a user's first start
fills theirs: the pack's snapshot and its runnable verdict.

    python benchmarks/cold_start.py [--runs 30] [--uncached] [--breakdown] [--json]

``--uncached`` adds, interleaved, the start with nothing kept (``CRAMP_TRIAGE_CACHE=off``: the
pack read and checked from its files) and a first start (an empty cache folder each time: the
pack read, kept, and proved runnable in a forked trial). ``--breakdown`` times each phase of the
kept start in-process (``cold_phases.py``) and prints the median and best of each, and the rest of
those processes' wall time: the interpreter's start and exit.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 1.3
HERE = Path(__file__).resolve().parent

HELLO = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str = "world") -> None:
    print(f"hello {name}")


if __name__ == "__main__":
    app()
'''

INTAKE = {"duration_minutes": 2, "eases_with_movement": True, "locations": ["calf"], "during_sleep": True,
          "medications": ["Lipitor 20 mg"]}

CHECK = "cramp-triage check --json"


def wall_time(command: list[str], env: dict[str, str], before: object = None) -> float:
    if callable(before):
        before()
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed


def summary(samples: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(samples) * 1e3, 1), "best": round(min(samples) * 1e3, 1)}


def breakdown(python: str, intake: Path, env: dict[str, str], runs: int) -> dict[str, dict[str, float]]:
    """Each phase of a kept start, timed in-process in ``runs`` fresh processes."""
    phases: dict[str, list[float]] = {}
    outside: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([python, str(HERE / "cold_phases.py"), str(intake)], capture_output=True, text=True,
                              env=env, check=True)
        wall = (time.perf_counter() - start) * 1e3
        marks = json.loads(done.stdout)
        for name, ms in marks:
            phases.setdefault(name, []).append(ms)
        outside.append(wall - sum(ms for _, ms in marks))
    totals = [sum(values) for values in zip(*phases.values())]
    rows = {name: {"median": round(statistics.median(v), 1), "best": round(min(v), 1)} for name, v in phases.items()}
    rows["total in-process"] = {"median": round(statistics.median(totals), 1), "best": round(min(totals), 1)}
    # The process's wall time less its phases: the interpreter's start and its exit (which
    # cli.main now ends in os._exit for a check, as cold_phases.py does).
    rows["outside the phases: interpreter start and exit"] = {"median": round(statistics.median(outside), 1),
                                                              "best": round(min(outside), 1)}
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each command (default 30)")
    parser.add_argument("--uncached", action="store_true", help="add the start with nothing kept and a first start")
    parser.add_argument("--breakdown", action="store_true", help="time each phase of a kept start")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    script = shutil.which("cramp-triage", path=str(Path(sys.executable).parent)) or shutil.which("cramp-triage")
    if script is None:
        raise SystemExit("cramp-triage is not installed next to this Python; pip install -e . first")
    with tempfile.TemporaryDirectory() as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO)
        intake = Path(tmp) / "intake.json"
        intake.write_text(json.dumps(INTAKE))
        env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
        env["CRAMP_TRIAGE_CACHE"] = str(Path(tmp) / "cache")
        check = [script, "check", "--input", str(intake), "--json"]
        empty = Path(tmp) / "empty-cache"
        commands: dict[str, tuple[list[str], dict[str, str], object]] = {
            "typer hello-world": ([sys.executable, str(hello)], env, None),
            CHECK: (check, env, None),
        }
        if args.uncached:
            commands[f"{CHECK}, nothing kept"] = (check, {**env, "CRAMP_TRIAGE_CACHE": "off"}, None)
            commands[f"{CHECK}, first start"] = (check, {**env, "CRAMP_TRIAGE_CACHE": str(empty)},
                                                 lambda: shutil.rmtree(empty, ignore_errors=True))
        for command, child_env, before in commands.values():  # warm the OS file cache, .pyc files, the cache
            wall_time(command, child_env, before)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, (command, child_env, before) in commands.items():
                times[name].append(wall_time(command, child_env, before))
        phases = breakdown(sys.executable, intake, env, args.runs) if args.breakdown else None

    hello_times, check_times = times["typer hello-world"], times[CHECK]
    ratio = statistics.median(check_times) / statistics.median(hello_times)
    best_ratio = min(check_times) / min(hello_times)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    if args.json:
        print(json.dumps({"runs": args.runs, "target_ratio": TARGET_RATIO, "ratio_of_medians": round(ratio, 3),
                          "ratio_of_bests": round(best_ratio, 3), "load_average": load,
                          "ms": {name: summary(s) for name, s in times.items()}, "phases_ms": phases}, indent=2))
        return
    for name, samples in times.items():
        print(f"{name:44} median {statistics.median(samples) * 1e3:6.1f} ms   best {min(samples) * 1e3:6.1f} ms")
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(f"ratio (medians): {ratio:.2f}x, {verdict} the target of {TARGET_RATIO}x (best times: {best_ratio:.2f}x)")
    if load is not None:
        print(f"load average at the end: {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} ({os.cpu_count()} cores)")
    if phases:
        print(f"\nphases of one kept start, in-process ({args.runs} processes):")
        for name, row in phases.items():
            print(f"  {name:50} median {row['median']:6.1f} ms   best {row['best']:6.1f} ms")


if __name__ == "__main__":
    main()
